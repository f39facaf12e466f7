"""Normalized assets: one per source, parsed and mapped onto the contract.

Every source is its own asset (``normalized/<slug>``) with its own check, but
one Dagster step builds them all, two sources at a time in threads (Polars and
DuckDB release the GIL): ten separate steps cost ten times Dagster's per-step
bookkeeping and ran one after another. The step is subsettable, so a run of one
source (``incidents refresh --source gva``, the daily job) normalizes only it.
"""

import os
import time
from dataclasses import dataclass, field
from types import ModuleType

import dagster as dg

from pipelines.normalize.checks import SOURCE_QUALITY, quality_description
from pipelines.paths import ProjectPaths, project_paths
from pipelines.registry import discover

WORKERS = 2
"""Sources normalized at once: the machines here have two cores (a third thread
gained under a tenth, measured)."""

MODULES = {slug: module for slug, module in discover().items() if hasattr(module, "parse")}


def normalized_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["normalized", slug])


@dataclass
class Outcome:
    """What normalizing one source did: metadata for its materialization, and the
    records its check runs on (None when the source kept its last good tables)."""

    metadata: dict = field(default_factory=dict)
    records: object = None  # polars.DataFrame
    error: str | None = None  # why the last good tables were kept


def vocabulary_report(tables: dict, slug: str) -> dict:
    """Materialization metadata counting the raw values no vocabulary row maps
    (vocab.unmapped), with the first ten as `table.field: value (rows)`, so an
    unmapped value shows on every build instead of silently becoming NULL."""
    from pipelines.normalize.vocab import unmapped

    report = unmapped(tables, slug)
    examples = [f"{t}.{f}: {v!r} ({n})" for t, f, v, n in
                report.select("table", "field", "raw_value", "rows").head(10).iter_rows()]
    return {"unmapped_vocabulary_values": report.height,
            "unmapped_vocabulary_examples": "; ".join(examples) or "none"}


def refresh_source(paths: ProjectPaths, module: ModuleType, *, force: bool,
                   code: str) -> Outcome:
    """Normalize one source's candidate snapshots into its staging folder.

    Reuses the staged tables when they were built from these very snapshots by
    this code (unless ``force``); keeps them, with the reason, when the raw step
    could not land a new snapshot or the new one cannot be read; with no last
    good tables to fall back on, the source is marked stale and left out.
    """
    import polars as pl

    from pipelines.normalize import staging
    from pipelines.normalize.revisions import record_revision
    from pipelines.normalize.runner import SourceError, normalize

    slug = module.SOURCE.slug
    started = time.perf_counter()
    status = staging.read_status(paths, slug)
    candidate = staging.read_snapshots(paths, slug, staging.CANDIDATE_FILE)
    if status["stale"] and (staging.staged_tables(paths, slug) or not candidate):
        # The raw step could not land a new snapshot: the staged tables already
        # hold the last good one (or there is none yet and the source is left
        # out), so there is nothing to re-parse. Its raw line said why.
        kept = bool(staging.staged_tables(paths, slug))
        return Outcome({"stale": True, "error": status["error"], "stale_from": "raw",
                        "kept": kept}, error=status["error"])
    if not force and staging.built_with(paths, slug, candidate, code):
        records = pl.read_parquet(staging.staged_tables(paths, slug)["source_records"])
        return Outcome({"unchanged": True, "rows_source_records": records.height,
                        "seconds": round(time.perf_counter() - started, 3)}, records)
    try:
        tables = normalize(module, candidate)
    except SourceError as exc:
        # The new snapshot cannot be read (corrupt file, schema drift): keep the
        # tables built from the last good one, and say so; with none yet, the
        # source is left out (stale) and the others still publish.
        staging.write_status(paths, slug, error=str(exc), stage="normalize")
        return Outcome({"stale": True, "error": str(exc)}, error=str(exc))
    revised = 0
    if staging.has_snapshots(paths, slug):
        revised = record_revision(
            paths, slug, staging.read_snapshots(paths, slug), candidate,
            staging.source_dir(paths, slug) / "source_records.parquet",
            tables["source_records"],
        )
    staging.forget_built_with(paths, slug)
    staging.write_tables(paths, slug, tables)
    staging.write_snapshots(paths, slug, candidate)
    staging.write_status(paths, slug)
    staging.write_built_with(paths, slug, candidate, code)
    counts = {f"rows_{name}": frame.height for name, frame in tables.items()}
    counts |= vocabulary_report(tables, slug)
    return Outcome({"unchanged": False, "revision_rows": revised, **counts,
                    "seconds": round(time.perf_counter() - started, 3)},
                   tables["source_records"])


def _refresh_and_check(paths: ProjectPaths, module: ModuleType, *, force: bool,
                       code: str) -> tuple[Outcome, dg.AssetCheckResult]:
    """:func:`refresh_source` and its ``source_quality`` result, both in a worker thread:
    the step's own thread spends ~0.1 s per source writing Dagster's events, and is
    the step's slowest lane once two workers normalize, so the checks' Polars work
    runs beside the next source instead of before the next source's events."""
    outcome = refresh_source(paths, module, force=force, code=code)
    return outcome, _check_result(module.SOURCE.slug, outcome)


def _check_result(slug: str, outcome: Outcome) -> dg.AssetCheckResult:
    from pipelines.normalize.checks import run_source_checks, summarize

    if outcome.error is not None:
        return dg.AssetCheckResult(asset_key=normalized_key(slug), check_name=SOURCE_QUALITY,
                                   passed=False, metadata={"stale": True,
                                                           "error": outcome.error})
    passed, blocking, metadata = summarize(
        run_source_checks(MODULES[slug].SOURCE, outcome.records))
    return dg.AssetCheckResult(
        asset_key=normalized_key(slug),
        check_name=SOURCE_QUALITY,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata={k: dg.MetadataValue.json(v) if isinstance(v, dict) else v
                  for k, v in metadata.items()},
    )


@dg.multi_asset(
    name="normalized",
    specs=[
        dg.AssetSpec(
            normalized_key(slug),
            deps=[dg.AssetKey(["raw", slug])],
            group_name="normalized",
            kinds={"polars", "duckdb", "parquet"},
            description=f"{module.SOURCE.title}: records mapped onto the source_records "
            f"contract (parsed in pipelines/sources/{slug}.py, mapped by "
            f"sql/sources/{slug}.sql), with rejects and detail tables.",
        )
        for slug, module in MODULES.items()
    ],
    check_specs=[dg.AssetCheckSpec(SOURCE_QUALITY, asset=normalized_key(slug),
                                   description=quality_description()) for slug in MODULES],
    can_subset=True,
)
def normalized(context: dg.AssetExecutionContext):
    from concurrent.futures import ThreadPoolExecutor

    from pipelines.fingerprint import FORCE_TAG, code_digest
    from pipelines.normalize import staging
    from pipelines.normalize.runner import SourceError

    paths = project_paths()
    force = context.run.tags.get(FORCE_TAG) == "true"
    code = code_digest()
    slugs = [slug for slug in MODULES if normalized_key(slug) in context.selected_asset_keys]
    failed: list[Exception] = []
    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, os.cpu_count() or 1))) as pool:
        futures = {slug: pool.submit(_refresh_and_check, paths, MODULES[slug], force=force,
                                     code=code) for slug in slugs}
        for slug, future in futures.items():
            try:
                outcome, check_result = future.result()
            except Exception as exc:  # the other sources still finish; raised below
                failed.append(exc)
                continue
            if outcome.error is not None:
                context.log.error(f"{outcome.error} (keeping the tables of the last good "
                                  "snapshot)" if staging.staged_tables(paths, slug)
                                  else f"{outcome.error} (no good snapshot yet: left out)")
            yield dg.MaterializeResult(asset_key=normalized_key(slug), metadata=outcome.metadata)
            yield check_result
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise SourceError("; ".join(str(exc) for exc in failed)) from failed[0]
