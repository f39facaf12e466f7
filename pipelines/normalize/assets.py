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
        from pipelines.normalize.checks import run_source_checks
        from pipelines.normalize.runner import normalize
        from pipelines.normalize.staging import read_snapshots, write_tables

        paths = project_paths()
        tables = normalize(module, read_snapshots(paths, source.slug))
        write_tables(paths, source.slug, tables)
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

    return _normalized


normalized_assets = [
    normalized_asset(module) for module in discover().values() if hasattr(module, "parse")
]
