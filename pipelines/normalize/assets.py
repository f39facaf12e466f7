"""Normalized assets: one per source, parsed and mapped onto the contract."""

from types import ModuleType

import dagster as dg

from pipelines.paths import project_paths
from pipelines.registry import discover


def normalized_asset(module: ModuleType) -> dg.AssetsDefinition:
    source = module.SOURCE

    @dg.asset(
        key=["normalized", source.slug],
        deps=[dg.AssetKey(["raw", source.slug])],
        group_name="normalized",
        kinds={"polars", "duckdb", "parquet"},
        description=f"{source.title}: records mapped onto the source_records contract "
        f"(parsed in pipelines/sources/{source.slug}.py, mapped by "
        f"sql/sources/{source.slug}.sql), with rejects and detail tables.",
    )
    def _normalized(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from pipelines.normalize.runner import normalize
        from pipelines.normalize.staging import read_snapshots, write_tables

        paths = project_paths()
        tables = normalize(module, read_snapshots(paths, source.slug))
        write_tables(paths, source.slug, tables)
        counts = {name: frame.height for name, frame in tables.items()}
        context.log.info(f"{source.slug}: {counts}")
        return dg.MaterializeResult(metadata={f"rows_{k}": v for k, v in counts.items()})

    return _normalized


normalized_assets = [
    normalized_asset(module) for module in discover().values() if hasattr(module, "parse")
]
