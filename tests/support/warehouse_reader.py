"""A reader of the published warehouse, run as its own process during a refresh.

    python -m tests.support.warehouse_reader WAREHOUSE OUT STOP

Until the file ``STOP`` exists, each pass opens ``WAREHOUSE`` read-only, runs
:data:`QUERIES`, closes it, and appends one JSON line to ``OUT``: either
``{"t": <unix time>, "result": {...}}`` or ``{"t": ..., "error": "<class>: <message>"}``.
Every error is recorded, none is retried: the robustness tests assert there are none.

It must be a separate process, not a thread of the test: DuckDB shares one
database instance per file among the connections of a process, so a reader in
the test process could keep seeing a file the refresh has already replaced.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

QUERIES: dict[str, str] = {
    "source_records": "SELECT count(*) FROM source_records",
    "per_source": "SELECT source, count(*) FROM source_records GROUP BY 1 ORDER BY 1",
    "incidents": "SELECT count(*) FROM incidents",
    "linked_records": "SELECT count(*) FROM incident_links l "
                      "JOIN source_records r USING (source, source_record_id)",
    "killed_by_year": "SELECT sum(killed) FROM metric_incidents_by_year",
    "killed_by_overlap": "SELECT sum(killed) FROM metric_source_overlap",
}
"""What each pass reads: counts and a join across the linked tables, and metric
sums; a warehouse caught half-built would give a mix of old and new answers."""

PAUSE = 0.01
"""Between passes: leaves the refresh some CPU on a two-core machine."""
MAX_SECONDS = 600.0
"""A reader left behind by a crashed test stops by itself after this long."""


def observe(warehouse: Path) -> dict[str, Any]:
    """Every query's rows from one read-only connection, as JSON-ready lists."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()
    # Through JSON, so results read back from the reader's log compare equal.
    return json.loads(json.dumps(rows, default=str))


def read_passes(out: Path) -> list[dict[str, Any]]:
    """The passes written so far (a last line still being written is left out)."""
    if not out.is_file():
        return []
    text = out.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def main(argv: list[str]) -> int:
    warehouse, out, stop = (Path(a) for a in argv)
    started = time.monotonic()
    with out.open("a", encoding="utf-8") as log:
        while not stop.exists() and time.monotonic() - started < MAX_SECONDS:
            at = time.time()
            try:
                entry: dict[str, Any] = {"t": at, "result": observe(warehouse)}
            except Exception as exc:  # every failure is the finding, whatever its class
                entry = {"t": at, "error": f"{type(exc).__name__}: {exc}"}
            log.write(json.dumps(entry) + "\n")
            log.flush()
            time.sleep(PAUSE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
