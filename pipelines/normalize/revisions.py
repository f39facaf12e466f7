"""Revision history: what changed when a source's snapshot was replaced.

GVA and others revise past records; researchers need to see that. When a
source's new snapshot differs from the one its staged tables came from, the
field-level difference (``sql/normalize/revisions.sql``) is appended to
``data/history/<source>/revisions.parquet``, which survives every rebuild and
is published as the ``source_revisions`` table.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.paths import ProjectPaths, read_sql

if TYPE_CHECKING:
    import polars as pl

    from pipelines.ingest.snapshots import Snapshot


def history_file(paths: ProjectPaths, slug: str) -> Path:
    return paths.history / slug / "revisions.parquet"


def _shas(snapshots: dict[str, Snapshot]) -> str:
    return ",".join(s.sha256 for s in snapshots.values())


def _already_recorded(target: Path, old_sha: str, new_sha: str) -> bool:
    """True when this old-to-new change is in the history already: a refresh killed
    after recording it but before staging the new tables must not record it twice."""
    import polars as pl

    if not target.is_file():
        return False
    seen = pl.scan_parquet(target).filter(
        (pl.col("old_sha256") == old_sha) & (pl.col("new_sha256") == new_sha)
    )
    return seen.select(pl.len()).collect().item() > 0


def record_revision(paths: ProjectPaths, slug: str, previous: dict[str, Snapshot],
                    current: dict[str, Snapshot], old_records: Path,
                    new_records: pl.DataFrame) -> int:
    """Append the changes between two snapshots' records; return how many rows."""
    import duckdb
    import polars as pl

    old_sha, new_sha = _shas(previous), _shas(current)
    target = history_file(paths, slug)
    if old_sha == new_sha or not old_records.is_file():
        return 0
    if _already_recorded(target, old_sha, new_sha):
        return 0
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP VIEW _old AS SELECT * FROM read_parquet('{old_records}')")
        con.register("_new", new_records)
        con.execute(
            "CREATE TEMP TABLE _meta AS SELECT ? AS source, ?::TIMESTAMPTZ AS revised_at, "
            "? AS old_sha256, ? AS new_sha256",
            [slug, datetime.now(UTC), old_sha, new_sha],
        )
        changes = con.sql(read_sql("normalize/revisions.sql")).pl()
    finally:
        con.close()
    if changes.is_empty():
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file():
        changes = pl.concat([pl.read_parquet(target), changes], how="vertical_relaxed")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    changes.write_parquet(tmp)
    os.replace(tmp, target)
    return changes.height
