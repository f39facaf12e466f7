"""Dashboard assets: static pages written from the published warehouse."""

import dagster as dg

from pipelines.paths import project_paths
from pipelines.warehouse.assets import WAREHOUSE


@dg.asset(
    key=["dashboards", "overview"],
    deps=[WAREHOUSE],
    group_name="dashboards",
    kinds={"altair", "html"},
    description="dashboards/index.html: incidents per year by source, offline (the Vega "
    "JavaScript is shipped in dashboards/assets/).",
)
def overview_page(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from pipelines.dashboards.charts import incidents_by_year_page

    page = incidents_by_year_page(project_paths())
    context.log.info(f"wrote {page}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(page))})
