"""Refresh operations for analysts: jobs, schedules and the run-failure sensor.

Schedules follow each source's branch tip (``latest`` mode), are off by default
and are turned on in the Dagster UI (Automation). The failure sensor writes one
plain-text summary per failed run to ``$DAGSTER_HOME/failures/``.
"""

from pathlib import Path

import dagster as dg

from pipelines.progress import error_line
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
    lines += [f"  {step}: {message}" for step, message in failures]
    lines += ["", "The last published warehouse is unchanged unless curated__warehouse "
              "succeeded. Details: the run's page in the Dagster UI."]
    return "\n".join(lines) + "\n"


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
    ]
    folder = Path(context.instance.root_directory) / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    text = failure_summary(context.dagster_run.run_id, context.dagster_run.job_name, failures)
    (folder / f"{context.dagster_run.run_id}.txt").write_text(text, encoding="utf-8")
    context.log.error(text)
