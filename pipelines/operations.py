"""Refresh operations for analysts: jobs, schedules and the run-failure sensor.

Schedules follow each source's branch tip (``latest`` mode), are off by default
and are turned on in the Dagster UI (Automation). Every failed run gets one
plain-text summary in ``$DAGSTER_HOME/failures/<run id>.txt``: written by the
failure sensor for runs the daemon sees, and by the command line for its own runs
(it cannot count on a daemon running). The ``abandoned_runs`` sensor marks a
command-line run whose process was killed as failed (see pipelines/runs.py), so it
does not hold the run queue for ever.
"""

from pathlib import Path

import dagster as dg

from pipelines.progress import error_line, ui_name
from pipelines.registry import sources

FULL = dg.AssetSelection.all()
DAILY_SOURCES = [slug for slug, s in sources().items() if s.updates_daily]
DAILY = dg.AssetSelection.assets(*[dg.AssetKey(["raw", slug]) for slug in DAILY_SOURCES]
                                 ).downstream()

refresh_job = dg.define_asset_job(
    "refresh", selection=FULL,
    description="Land every source, normalize, publish the warehouse and the dashboards.",
)
daily_job = dg.define_asset_job(
    "refresh_daily_sources", selection=DAILY,
    description=f"Refresh the sources that change daily ({', '.join(DAILY_SOURCES)}) and "
    "everything downstream of them.",
)


LATEST = {"ops": {"raw": {"config": {"latest": True}}}}
"""Run config: land every selected source from its branch tip."""


weekly_refresh = dg.ScheduleDefinition(
    name="weekly_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * 1",
    execution_timezone="UTC",
    run_config=LATEST,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every Monday 06:00 UTC: every source from its branch tip (latest mode). "
    "Off until turned on in the UI.",
)
daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=daily_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    run_config=LATEST,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every day 05:00 UTC: the daily-updated sources (GVA) from their branch "
    "tip. Off until turned on in the UI.",
)


def failure_summary(run_id: str, job_name: str, failures: list[tuple[str, str]]) -> str:
    lines = [f"refresh run {run_id} ({job_name}) FAILED", ""]
    lines += [f"  {ui_name(step)}: {message}" for step, message in failures]
    lines += ["", "Nothing was published unless curated/warehouse succeeded (a warehouse "
              "published before stays). Details: the run's page in the Dagster UI."]
    return "\n".join(lines) + "\n"


def write_failure_summary(instance: dg.DagsterInstance, run_id: str, job_name: str,
                          failures: list[tuple[str, str]]) -> Path:
    """Write ``$DAGSTER_HOME/failures/<run id>.txt`` (see :func:`failure_summary`)."""
    folder = Path(instance.root_directory) / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{run_id}.txt"
    target.write_text(failure_summary(run_id, job_name, failures), encoding="utf-8")
    return target


@dg.sensor(
    name="abandoned_runs",
    minimum_interval_seconds=15,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks a command-line refresh run whose process is gone (killed) as "
    "failed, so it does not hold the run queue (max_concurrent_runs: 1) for ever.",
)
def abandoned_runs(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    from pipelines.runs import fail_abandoned_runs

    failed = fail_abandoned_runs(context.instance)
    for run_id in failed:
        context.log.warning(f"run {run_id}: its process is gone; marked failed")
    return dg.SkipReason(f"marked failed: {', '.join(failed)}" if failed
                         else "no run with a process that is gone")


@dg.run_failure_sensor(
    name="refresh_failure_summary",
    monitored_jobs=[refresh_job, daily_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes a plain-text summary of each failed refresh to "
    "$DAGSTER_HOME/failures/<run id>.txt.",
)
def refresh_failure_summary(context: dg.RunFailureSensorContext) -> None:
    failures = [
        (event.step_key or "run",
         error_line(event.step_failure_data.error)
         if event.step_failure_data and event.step_failure_data.error else "failed")
        for event in context.get_step_failure_events()
    ] or [("run", context.failure_event.message or "failed")]
    target = write_failure_summary(context.instance, context.dagster_run.run_id,
                                   context.dagster_run.job_name, failures)
    context.log.error(target.read_text(encoding="utf-8"))
