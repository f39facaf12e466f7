"""The published warehouse asset and its checks."""

import dagster as dg

from pipelines.paths import project_paths
from pipelines.registry import discover, sources
from pipelines.warehouse.checks import CHECKS, run_checks

WAREHOUSE = dg.AssetKey(["curated", "warehouse"])


@dg.asset(
    key=WAREHOUSE,
    deps=[
        dg.AssetKey(["normalized" if hasattr(module, "parse") else "raw", slug])
        for slug, module in discover().items()
    ],
    group_name="curated",
    kinds={"duckdb", "parquet"},
    description="data/curated/incidents.duckdb: every source's records under one contract, "
    "with sources, rejects and detail tables; built under a temporary name, checked, then "
    "renamed into place. Every table is also exported to data/curated/parquet/.",
)
def warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from pipelines.fingerprint import (
        FORCE_TAG,
        exported_fingerprint,
        published_fingerprint,
        staged_fingerprint,
    )
    from pipelines.normalize import staging
    from pipelines.normalize.staging import read_snapshots, staged_tables
    from pipelines.warehouse.publish import build

    paths = project_paths()
    registry = sources()
    wanted = staged_fingerprint(paths, list(registry))
    # The export too: a refresh killed after the rename leaves it half done.
    if (context.run.tags.get(FORCE_TAG) != "true" and published_fingerprint(paths) == wanted
            and exported_fingerprint(paths) == wanted):
        context.log.info(f"unchanged: {paths.warehouse} was built from these snapshots "
                         f"with this code (fingerprint {wanted[:12]}); nothing to rebuild")
        return dg.MaterializeResult(metadata={"unchanged": True, "fingerprint": wanted})
    staged = {slug: staged_tables(paths, slug) for slug in registry}  # empty until parsed
    manifests = {
        slug: [s.manifest() for s in read_snapshots(paths, slug).values()]
        if staging.has_snapshots(paths, slug) else []
        for slug in registry
    }
    if not any(staged[slug] and manifests[slug] for slug in registry):
        # Every source was left out (stale with no good snapshot yet): an empty
        # warehouse would tell analysts nothing, so nothing is published.
        raise RuntimeError("no source has a good snapshot to publish yet")
    statuses = {slug: staging.read_status(paths, slug) for slug in registry}
    published = build(paths, staged, registry, manifests, statuses)
    context.log.info(f"published {published.path}: {published.counts}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "unchanged": False,
            "fingerprint": wanted,
            **{f"rows_{k}": v for k, v in published.counts.items()},
        }
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(check.name, asset=WAREHOUSE, description=check.description)
        for check in CHECKS
    ]
)
def warehouse_checks() -> dg.AssetCheckResult:
    """Run every warehouse check on the published file (read-only)."""
    import duckdb

    con = duckdb.connect(str(project_paths().warehouse), read_only=True)
    try:
        outcomes = run_checks(con)
        for check in CHECKS:
            outcome = outcomes[check.name]
            yield dg.AssetCheckResult(
                check_name=check.name,
                asset_key=WAREHOUSE,
                passed=outcome.passed,
                severity=(dg.AssetCheckSeverity.WARN if check.warning
                          else dg.AssetCheckSeverity.ERROR),
                description=outcome.summary,
                metadata={k: dg.MetadataValue.json(v) if isinstance(v, dict | list) else v
                          for k, v in outcome.metadata.items()},
            )
    finally:
        con.close()
