"""Response-time and outcome metrics: one SQL file per metric in ``sql/metrics/``.

Each file creates its ``metric_<name>`` table(s) with their comments in the
warehouse being built, from ``source_records`` and ``sources``; ``publish``
runs them before the file is renamed into place, so metrics and records are
always from the same build.
"""

from __future__ import annotations

from pipelines.paths import SQL_DIR, read_sql
from pipelines.transaction import one_transaction

FIRST, LAST = "_macros", "summary"


class MetricError(RuntimeError):
    """A metric query failed; the message names its SQL file."""


def metric_files() -> list[str]:
    """Metric files in run order: shared macros first, the summary (which reads the
    other metric tables) last."""
    names = sorted(p.stem for p in (SQL_DIR / "metrics").glob("*.sql"))
    return [FIRST] + [n for n in names if n not in (FIRST, LAST)] + [LAST]


def build_metrics(con) -> list[str]:
    """Create every metric table on ``con``; return the metric table names."""
    import duckdb

    with one_transaction(con):  # one commit, not one per table and COMMENT
        for name in metric_files():
            try:
                con.execute(read_sql(f"metrics/{name}.sql"))
            except duckdb.Error as exc:
                raise MetricError(f"sql/metrics/{name}.sql: {exc}") from exc
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'metric_%' "
        "ORDER BY 1").fetchall()]
