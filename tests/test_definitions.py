"""The Dagster code location loads, with its layers, checks and schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.registry import sources


def test_definitions_load_with_every_layer() -> None:
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    for slug in sources():
        assert f"raw/{slug}" in keys
    assert {"normalized/fbi", "normalized/alerrt", "curated/warehouse",
            "dashboards/site"} <= keys
    groups = {
        spec.key.to_user_string(): spec.group_name for spec in defs.resolve_all_asset_specs()
    }
    assert groups["raw/fbi"] == "raw"
    assert groups["normalized/fbi"] == "normalized"
    assert groups["curated/warehouse"] == "curated"
    assert groups["dashboards/site"] == "dashboards"
    assert all(spec.kinds for spec in defs.resolve_all_asset_specs())


def test_warehouse_checks_are_attached() -> None:
    check_keys = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert {"contract_schema", "record_counts", "unique_keys", "valid_state_codes",
            "sources_fresh", "outcome_invariants", "casualty_offsets",
            "casualty_outliers"} <= check_keys


def test_weekly_schedule_is_off_by_default() -> None:
    schedule = defs.resolve_schedule_def("weekly_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.job_name == "refresh"


def test_importing_the_code_location_stays_light() -> None:
    import subprocess
    import sys

    code = ("import sys, pipelines.definitions; "
            "print(','.join(m for m in ('polars', 'duckdb', 'altair', 'requests') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""  # heavy libraries load inside assets, so `dagster dev` starts fast


def test_schedules_follow_the_branch_tip_and_start_off() -> None:
    daily = defs.resolve_schedule_def("daily_refresh")
    weekly = defs.resolve_schedule_def("weekly_refresh")
    assert daily.default_status == weekly.default_status == dg.DefaultScheduleStatus.STOPPED
    def run_config(schedule) -> dict:
        with dg.build_schedule_context() as context:
            return schedule.evaluate_tick(context).run_requests[0].run_config

    assert run_config(daily) == run_config(weekly) == {"ops": {"raw": {"config": {"latest": True}}}}
    for schedule in (daily, weekly):  # the config fits the job the schedule launches
        job = defs.resolve_job_def(schedule.job_name)
        assert dg.validate_run_config(job, run_config(schedule))
    daily_keys = {k.to_user_string() for k in
                  defs.resolve_job_def("refresh_daily_sources").asset_layer.executable_asset_keys}
    assert {"raw/gva", "raw/gva_trace", "curated/warehouse"} <= daily_keys
    assert "raw/fbi" not in daily_keys


def test_raw_assets_have_freshness_policies() -> None:
    specs = {s.key.to_user_string(): s for s in defs.resolve_all_asset_specs()}
    assert specs["raw/gva"].freshness_policy.fail_window.to_timedelta().days == 2
    assert specs["raw/fbi"].freshness_policy.fail_window.to_timedelta().days == 35


def test_failure_sensor_writes_a_summary(tmp_path, monkeypatch) -> None:
    from pipelines.operations import refresh_failure_summary

    monkeypatch.setenv("INCIDENTS_ROOT", str(tmp_path / "empty"))  # no raw files
    monkeypatch.setenv("INCIDENTS_MIRROR", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("refresh").execute_in_process(
            instance=instance, raise_on_error=False,
            asset_selection=[dg.AssetKey(["raw", "alerrt"])],
            run_config={"ops": {"raw": {"config": {"latest": False}}}},
        )
        assert not result.success
        failure = next(e for e in result.all_events if e.is_run_failure)
        context = dg.build_run_status_sensor_context(
            sensor_name="refresh_failure_summary", dagster_instance=instance,
            dagster_run=result.dagster_run, dagster_event=failure,
        ).for_run_failure()
        refresh_failure_summary(context)
        folder = Path(instance.root_directory) / "failures"
        summary = (folder / f"{result.run_id}.txt").read_text()
    assert "FAILED" in summary and "raw: alerrt: http://127.0.0.1:9/" in summary


def test_warning_checks_report_warn_severity(published, monkeypatch) -> None:
    """The two warnings carry severity WARN; on the shipped data the outlier warning
    fails, naming records in its metadata; every other check passes with severity ERROR."""
    from pipelines.warehouse.assets import warehouse_checks

    monkeypatch.setenv("INCIDENTS_ROOT", str(published.root))
    results = {r.check_name: r for r in warehouse_checks()}
    for name in ("casualty_offsets", "casualty_outliers"):
        assert results[name].severity == dg.AssetCheckSeverity.WARN
    assert not results["casualty_outliers"].passed
    assert "k12ssdb:20171114CARAR" in str(results["casualty_outliers"].metadata["outliers"])
    others = [r for name, r in results.items()
              if name not in ("casualty_offsets", "casualty_outliers")]
    assert all(r.passed and r.severity == dg.AssetCheckSeverity.ERROR for r in others)
