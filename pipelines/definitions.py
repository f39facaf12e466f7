"""The Dagster code location: assets by layer, checks, refresh jobs, schedules, sensor.

Only light modules are imported here (heavy libraries load inside assets), so
``dagster dev`` starts fast.
"""

from __future__ import annotations

import dagster as dg

from pipelines.dashboards.assets import dashboard_site
from pipelines.ingest.assets import raw
from pipelines.normalize.assets import normalized
from pipelines.operations import (
    abandoned_runs,
    daily_job,
    daily_refresh,
    refresh_failure_summary,
    refresh_job,
    weekly_refresh,
)
from pipelines.progress import step_progress
from pipelines.warehouse.assets import warehouse, warehouse_checks

defs = dg.Definitions(
    assets=[raw, normalized, warehouse, dashboard_site],
    asset_checks=[warehouse_checks],
    jobs=[refresh_job, daily_job],
    schedules=[weekly_refresh, daily_refresh],
    sensors=[refresh_failure_summary, abandoned_runs],
    loggers={"console": dg.colored_console_logger, "step_progress": step_progress},
)
