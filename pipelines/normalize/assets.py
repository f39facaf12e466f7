"""Normalized assets: one per source, parsed and mapped onto the contract."""

from types import ModuleType

import dagster as dg

from pipelines.normalize.checks import SOURCE_QUALITY, quality_description
from pipelines.paths import project_paths
from pipelines.registry import discover


def normalized_asset(module: ModuleType) -> dg.AssetsDefinition:
    source = module.SOURCE
    key = dg.AssetKey(["normalized", source.slug])

    @dg.asset(
        key=key,
        check_specs=[dg.AssetCheckSpec(SOURCE_QUALITY, asset=key,
                                       description=quality_description())],
        deps=[dg.AssetKey(["raw", source.slug])],
        group_name="normalized",
        kinds={"polars", "duckdb", "parquet"},
        description=f"{source.title}: records mapped onto the source_records contract "
        f"(parsed in pipelines/sources/{source.slug}.py, mapped by "
        f"sql/sources/{source.slug}.sql), with rejects and detail tables.",
    )
    def _normalized(context: dg.AssetExecutionContext):
        from pipelines.fingerprint import FORCE_TAG, code_digest
        from pipelines.normalize import staging
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
        force = context.run.tags.get(FORCE_TAG) == "true"
        if not force and staging.built_with(paths, source.slug, candidate, code_digest()):
            yield from _unchanged(paths)
            return
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
        revised = 0
        if staging.has_snapshots(paths, source.slug):
            revised = record_revision(
                paths, source.slug, staging.read_snapshots(paths, source.slug), candidate,
                staging.source_dir(paths, source.slug) / "source_records.parquet",
                tables["source_records"],
            )
        staging.forget_built_with(paths, source.slug)
        staging.write_tables(paths, source.slug, tables)
        staging.write_snapshots(paths, source.slug, candidate)
        staging.write_status(paths, source.slug)
        staging.write_built_with(paths, source.slug, candidate, code_digest())
        # What happened is in the metadata, not in info logs: each log line is one
        # more event-log write per source.
        counts = {name: frame.height for name, frame in tables.items()}
        yield dg.MaterializeResult(metadata={"unchanged": False, "revision_rows": revised,
                                             **{f"rows_{k}": v for k, v in counts.items()}})
        yield from _check_results(tables["source_records"])

    def _unchanged(paths):
        """The staged tables were parsed from these very snapshots by this code: reuse
        them (a no-op refresh re-parses nothing) and re-run the cheap checks on them."""
        import polars as pl

        from pipelines.normalize import staging

        staged = staging.staged_tables(paths, source.slug)
        records = pl.read_parquet(staged["source_records"])
        yield dg.MaterializeResult(metadata={"unchanged": True,
                                             "rows_source_records": records.height})
        yield from _check_results(records)

    def _check_results(records):
        from pipelines.normalize.checks import run_source_checks, summarize

        passed, blocking, metadata = summarize(run_source_checks(source, records))
        yield dg.AssetCheckResult(
            check_name=SOURCE_QUALITY,
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            metadata={k: dg.MetadataValue.json(v) if isinstance(v, dict) else v
                      for k, v in metadata.items()},
        )

    def _keep_last_good(context: dg.AssetExecutionContext, error: str):
        context.log.error(f"{error} (keeping the tables of the last good snapshot)")
        yield dg.MaterializeResult(metadata={"stale": True, "error": error})
        yield dg.AssetCheckResult(check_name=SOURCE_QUALITY, passed=False,
                                  metadata={"stale": True, "error": error})

    return _normalized


normalized_assets = [
    normalized_asset(module) for module in discover().values() if hasattr(module, "parse")
]
