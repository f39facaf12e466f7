"""Dashboard assets: the static site written from the published warehouse.

One asset writes every page: the pages share the Vega bundle, the source
registry and one read-only connection, and the whole site takes about as long
as one page's figures. Heavy libraries (duckdb, polars, altair, vl-convert)
load inside the asset so that importing the code location stays light.
"""

import dagster as dg

from pipelines.paths import project_paths
from pipelines.warehouse.assets import WAREHOUSE


@dg.asset(
    key=["dashboards", "site"],
    deps=[WAREHOUSE],
    group_name="dashboards",
    kinds={"altair", "html"},
    description="dashboards/: the offline static site (index.html overview, endings, time, "
    "where, sources, incidents pages), chart data as CSV in data/, figures as PNG and SVG "
    "in figures/; the Vega JavaScript is shipped once in assets/.",
)
def dashboard_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from pipelines.dashboards.build import build_site
    from pipelines.fingerprint import (
        FORCE_TAG,
        dashboards_fingerprint,
        published_fingerprint,
        write_dashboards_stamp,
    )

    paths = project_paths()
    source = published_fingerprint(paths)
    same_source = source is not None and dashboards_fingerprint(paths) == source
    if context.run.tags.get(FORCE_TAG) != "true" and same_source:
        context.log.info(f"unchanged: {paths.dashboards} was drawn from this warehouse "
                         f"(fingerprint {source[:12]}) with this code")
        return dg.MaterializeResult(metadata={"unchanged": True, "fingerprint": source})
    report = build_site(paths, same_source=same_source)
    if source is not None:
        write_dashboards_stamp(paths, source)
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    context.log.info(f"wrote {len(report.pages)} pages, {len(report.charts)} charts to "
                     f"{paths.dashboards} in {report.seconds:.2f}s ({timings})")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(paths.dashboards / "index.html")),
        "unchanged": False,
        "fingerprint": source or "",
        "pages": dg.MetadataValue.json(report.pages),
        "charts": len(report.charts),
        "figures_converted": len(report.figures_converted),
        "seconds": round(report.seconds, 3),
        "timings": dg.MetadataValue.json({k: round(v, 3) for k, v in report.timings.items()}),
    })
