"""The Dagster code location loads, with its layers, checks and schedule."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import defs
from pipelines.registry import sources


def test_definitions_load_with_every_layer() -> None:
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    for slug in sources():
        assert f"raw/{slug}" in keys
    assert {"normalized/fbi", "normalized/alerrt", "curated/warehouse",
            "dashboards/overview"} <= keys
    groups = {
        spec.key.to_user_string(): spec.group_name for spec in defs.resolve_all_asset_specs()
    }
    assert groups["raw/fbi"] == "raw"
    assert groups["normalized/fbi"] == "normalized"
    assert groups["curated/warehouse"] == "curated"
    assert groups["dashboards/overview"] == "dashboards"
    assert all(spec.kinds for spec in defs.resolve_all_asset_specs())


def test_warehouse_checks_are_attached() -> None:
    check_keys = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert {"contract_schema", "record_counts", "unique_keys", "valid_state_codes",
            "sources_fresh"} <= check_keys


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
