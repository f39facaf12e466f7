"""The Dagster code location: assets by layer, checks, the refresh job and schedule.

Only light modules are imported here (heavy libraries load inside assets), so
``dagster dev`` starts fast.
"""

from __future__ import annotations

import dagster as dg

from pipelines.dashboards.assets import overview_page
from pipelines.ingest.assets import raw_assets
from pipelines.normalize.assets import normalized_assets
from pipelines.progress import step_progress
from pipelines.warehouse.assets import warehouse, warehouse_checks

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Land every source, normalize, publish the warehouse and the dashboards.",
)

weekly_refresh = dg.ScheduleDefinition(
    name="weekly_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Full pinned refresh every Monday 06:00 UTC; off until turned on in the UI.",
)

defs = dg.Definitions(
    assets=[*raw_assets, *normalized_assets, warehouse, overview_page],
    asset_checks=[warehouse_checks],
    jobs=[refresh_job],
    schedules=[weekly_refresh],
    loggers={"console": dg.colored_console_logger, "step_progress": step_progress},
)
