"""Normalized assets: one per source, parsed and mapped onto the contract."""

from types import ModuleType

import dagster as dg

from pipelines.normalize.checks import SOURCE_CHECKS
from pipelines.paths import project_paths
from pipelines.registry import discover


def normalized_asset(module: ModuleType) -> dg.AssetsDefinition:
    source = module.SOURCE
    key = dg.AssetKey(["normalized", source.slug])

    @dg.asset(
        key=key,
        check_specs=[
            dg.AssetCheckSpec(c.name, asset=key, description=c.description)
            for c in SOURCE_CHECKS
        ],
        deps=[dg.AssetKey(["raw", source.slug])],
        group_name="normalized",
        kinds={"polars", "duckdb", "parquet"},
        description=f"{source.title}: records mapped onto the source_records contract "
        f"(parsed in pipelines/sources/{source.slug}.py, mapped by "
        f"sql/sources/{source.slug}.sql), with rejects and detail tables.",
    )
    def _normalized(context: dg.AssetExecutionContext):
        from pipelines.normalize import staging
        from pipelines.normalize.checks import run_source_checks
        from pipelines.normalize.revisions import record_revision
        from pipelines.normalize.runner import SourceError, normalize

        paths = project_paths()
        status = staging.read_status(paths, source.slug)
        if status["stale"] and staging.staged_tables(paths, source.slug):
            # The raw step could not land a new snapshot: the staged tables already
            # hold the last good one, so there is nothing to re-parse.
            yield from _keep_last_good(context, status["error"])
            return
        candidate = staging.read_snapshots(paths, source.slug, staging.CANDIDATE_FILE)
        try:
            tables = normalize(module, candidate)
        except SourceError as exc:
            # The new snapshot cannot be read (corrupt file, schema drift): keep the
            # tables built from the last good one, and say so; with none, fail.
            if not staging.staged_tables(paths, source.slug):
                raise
            staging.write_status(paths, source.slug, error=str(exc), stage="normalize")
            yield from _keep_last_good(context, str(exc))
            return
        if staging.has_snapshots(paths, source.slug):
            revised = record_revision(
                paths, source.slug, staging.read_snapshots(paths, source.slug), candidate,
                staging.source_dir(paths, source.slug) / "source_records.parquet",
                tables["source_records"],
            )
            if revised:
                context.log.info(f"{source.slug}: new snapshot, {revised} revision rows")
        staging.write_tables(paths, source.slug, tables)
        staging.write_snapshots(paths, source.slug, candidate)
        staging.write_status(paths, source.slug)
        counts = {name: frame.height for name, frame in tables.items()}
        context.log.info(f"{source.slug}: {counts}")
        yield dg.MaterializeResult(metadata={f"rows_{k}": v for k, v in counts.items()})
        outcomes = run_source_checks(source, tables["source_records"])
        for check in SOURCE_CHECKS:
            passed, metadata = outcomes[check.name]
            yield dg.AssetCheckResult(
                check_name=check.name,
                passed=passed,
                severity=dg.AssetCheckSeverity.WARN if check.warn_only
                else dg.AssetCheckSeverity.ERROR,
                metadata=metadata,
            )

    def _keep_last_good(context: dg.AssetExecutionContext, error: str):
        context.log.error(f"{error} (keeping the tables of the last good snapshot)")
        yield dg.MaterializeResult(metadata={"stale": True, "error": error})
        for check in SOURCE_CHECKS:
            yield dg.AssetCheckResult(check_name=check.name, passed=False,
                                      metadata={"stale": True, "error": error})

    return _normalized


normalized_assets = [
    normalized_asset(module) for module in discover().values() if hasattr(module, "parse")
]
