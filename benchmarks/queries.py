"""Time ten typical researcher queries on the published warehouse.

    .venv/bin/python benchmarks/queries.py [--warehouse PATH] [--repeats N] [--json]

Why: the warehouse is one DuckDB file people query directly, so what matters to
them is how long a question takes, not only how long a refresh takes. Each query
gets a fresh read-only connection (a new DuckDB instance: nothing cached from the
previous query): the connect and the first run are timed on their own, then the
query is repeated N times (default 20) on that connection, fetching every row,
and min/median/max milliseconds of the repeats are reported against the target
(median at most 50 ms). The Parquet export writes to a temporary directory that
is deleted afterwards; nothing else is written and the warehouse is opened
read-only.

It prints a Markdown table (or, with ``--json``, one JSON object) and exits
non-zero only if a query fails; a query slower than the target is reported, not
failed. Not a test: pytest never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE = REPO_ROOT / "data" / "curated" / "incidents.duckdb"
TARGET_MS = 50.0
EXPORT_FILE = "{tmp}/source_records.parquet"

UVALDE = """
    SELECT incident_id FROM incidents
    WHERE incident_date = DATE '2022-05-24' AND state = 'TX'
    ORDER BY killed DESC NULLS LAST LIMIT 1
"""


@dataclass(frozen=True)
class Query:
    """One researcher question: a short name, what it asks, and its SQL."""

    name: str
    question: str
    sql: str
    if_empty: str = ""
    """Why the query may legitimately return no rows."""


QUERIES = (
    Query("by_year_source", "records per year and source, with killed and injured", """
        SELECT source, year(incident_date) AS year, count(*) AS records,
               sum(killed) AS killed, sum(injured) AS injured
        FROM source_records GROUP BY ALL ORDER BY source, year
    """),
    Query("uvalde_records", "the Uvalde incident (2022-05-24, TX) and its linked records", f"""
        SELECT i.incident_id, i.incident_name, l.source, l.source_record_id, l.match_score,
               r.incident_name AS record_name, r.incident_date, r.city, r.killed, r.injured,
               r.end_method, r.stopped_by, r.attacker_fate, r.attacker_fate_basis,
               r.source_url
        FROM incidents AS i
        JOIN incident_links AS l USING (incident_id)
        JOIN source_records AS r USING (source, source_record_id)
        WHERE i.incident_id = ({UVALDE})
        ORDER BY l.source, l.source_record_id
    """),
    Query("ended_before_police", "share of attacks ended before police arrived, by location "
          "type (computed from source_records)", """
        SELECT source, location_type, count(*) AS n,
               count(ended_before_police) AS n_known,
               count(*) FILTER (WHERE ended_before_police) AS ended_before_police,
               round(count(*) FILTER (WHERE ended_before_police)
                     / nullif(count(ended_before_police), 0), 3) AS share
        FROM source_records
        WHERE ended_before_police IS NOT NULL
        GROUP BY ALL ORDER BY source, n DESC
    """),
    Query("uvalde_discrepancies", "where the sources disagree on the Uvalde incident", f"""
        SELECT field, source, source_record_id, value, best_value, differs, difference
        FROM discrepancies
        WHERE incident_id = ({UVALDE})
        ORDER BY field, source
    """),
    Query("export_parquet", "the whole source_records table exported to Parquet",
          f"COPY source_records TO '{EXPORT_FILE}' (FORMAT parquet)"),
    Query("stopped_by", "who stopped the attack, per source (metric_resolution)", """
        SELECT source, category AS stopped_by, count, n_known, round(share, 3) AS share,
               round(ci_low, 3) AS ci_low, round(ci_high, 3) AS ci_high
        FROM metric_resolution
        WHERE grouping = 'overall' AND field = 'stopped_by'
        ORDER BY source, count DESC
    """),
    Query("school_4_killed", "linked incidents at schools with 4 or more killed", """
        SELECT incident_id, incident_date, incident_name, city, state, killed, injured,
               n_sources, sources
        FROM incidents
        WHERE school AND killed >= 4
        ORDER BY incident_date
    """),
    Query("top_states", "the ten states with the most people killed (linked incidents)", """
        SELECT state, count(*) AS incidents, sum(killed) AS killed, sum(injured) AS injured
        FROM incidents
        WHERE state IS NOT NULL
        GROUP BY state ORDER BY killed DESC NULLS LAST LIMIT 10
    """),
    Query("attackers_by_source", "attackers per source: how many, median age, sex", """
        SELECT a.source, count(*) AS attackers,
               count(DISTINCT a.source_record_id) AS records,
               median(a.age) AS median_age,
               count(*) FILTER (WHERE a.sex = 'female') AS female,
               count(*) FILTER (WHERE a.sex IS NULL) AS sex_unknown
        FROM attackers AS a
        JOIN source_records AS r USING (source, source_record_id)
        GROUP BY a.source ORDER BY attackers DESC
    """),
    Query("revisions", "what changed in the GVA master file between snapshots", """
        SELECT revised_at, change, source_record_id, field, old_value, new_value
        FROM source_revisions
        WHERE source = 'gva'
        ORDER BY revised_at DESC, source_record_id, field
        LIMIT 200
    """, "`source_revisions` fills only when a source's snapshot is replaced "
          "(`incidents refresh --latest`); a warehouse built from the pinned files has none"),
)


@dataclass
class Timing:
    """One query's measurements, in milliseconds."""

    name: str
    question: str
    rows: int = 0
    connect_ms: float = 0.0
    first_ms: float = 0.0
    min_ms: float = 0.0
    median_ms: float = 0.0
    max_ms: float = 0.0
    error: str | None = None

    @property
    def meets_target(self) -> bool:
        return self.error is None and self.median_ms <= TARGET_MS


def run_once(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[float, int]:
    """Milliseconds to run ``sql`` and fetch every row, and the number of rows."""
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    return (time.perf_counter() - started) * 1000, len(rows)


def time_query(warehouse: Path, query: Query, repeats: int, tmp: Path) -> Timing:
    """Fresh read-only connection, one first run, then ``repeats`` timed repeats."""
    import duckdb

    timing = Timing(query.name, query.question)
    sql = query.sql.replace("{tmp}", tmp.as_posix())
    try:
        started = time.perf_counter()
        con = duckdb.connect(str(warehouse), read_only=True)
        timing.connect_ms = (time.perf_counter() - started) * 1000
        try:
            timing.first_ms, timing.rows = run_once(con, sql)
            repeated = [run_once(con, sql)[0] for _ in range(repeats)]
        finally:
            con.close()
    except duckdb.Error as exc:
        timing.error = f"{type(exc).__name__}: {exc}"
        return timing
    timing.min_ms = min(repeated)
    timing.median_ms = statistics.median(repeated)
    timing.max_ms = max(repeated)
    return timing


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table, columns padded so it also reads well on a terminal."""
    rows = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.1f}"


def usable_cpus() -> int:
    """CPUs this process may run on (what ``nproc`` prints)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_note(loads: tuple[float, float]) -> str:
    """The 1-minute load average while timing, and a warning when the machine was busy."""
    cpus = usable_cpus()
    note = f"1-minute load average at start / end: {loads[0]:.2f} / {loads[1]:.2f} on {cpus} CPUs"
    if max(loads) >= 0.5 * cpus:
        return note + ": the machine was busy, treat these numbers as upper bounds."
    return note + "."


def report(timings: list[Timing], warehouse: Path, repeats: int, export_bytes: int,
           loads: tuple[float, float]) -> str:
    """The Markdown table and notes."""
    rows = []
    for t in timings:
        if t.error:
            rows.append([t.name, "-", "-", "-", "-", "-", "-", "FAILED"])
            continue
        rows.append([t.name, str(t.rows), ms(t.connect_ms), ms(t.first_ms), ms(t.min_ms),
                     ms(t.median_ms), ms(t.max_ms), "ok" if t.meets_target else "SLOW"])
    ok = [t for t in timings if t.error is None]
    notes = [
        f"{sum(t.meets_target for t in timings)} of {len(timings)} queries meet the target "
        f"(median at most {TARGET_MS:.0f} ms).",
    ]
    if ok:
        slowest = max(ok, key=lambda t: t.median_ms)
        notes.append(f"Slowest median: `{slowest.name}` {slowest.median_ms:.1f} ms; "
                     f"slowest first run (fresh connection, after connecting): "
                     f"`{max(ok, key=lambda t: t.first_ms).name}` "
                     f"{max(t.first_ms for t in ok):.1f} ms.")
    reasons = {q.name: q.if_empty for q in QUERIES}
    notes += [f"`{t.name}` returned no rows" + (f": {reasons[t.name]}." if reasons[t.name]
                                                 else ".")
              for t in ok if t.rows == 0]
    if export_bytes:
        notes.append(f"The Parquet export wrote {export_bytes / 1024:.0f} KiB "
                     "(to a temporary directory, deleted afterwards).")
    notes += [f"`{t.name}` FAILED: {t.error}" for t in timings if t.error]
    notes.append(load_note(loads))
    return "\n\n".join([
        f"## Queries on {warehouse} (fresh read-only connection each; "
        f"first run, then {repeats} repeats; milliseconds)",
        table(["query", "rows", "connect", "first", "min", "median", "max",
               f"<= {TARGET_MS:.0f} ms"], rows),
        table(["query", "question"], [[t.name, t.question] for t in timings]),
        "## Notes",
        "\n".join(f"- {n}" for n in notes),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=WAREHOUSE,
                        help="the DuckDB file to query (default data/curated/incidents.duckdb)")
    parser.add_argument("--repeats", type=int, default=20,
                        help="timed repeats after the first run (default 20)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of tables")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not args.warehouse.is_file():
        print(f"no warehouse at {args.warehouse}: run `incidents refresh` first",
              file=sys.stderr)
        return 1
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="incidents-queries-") as tmp:
        timings = []
        for query in QUERIES:
            timings.append(time_query(args.warehouse, query, args.repeats, Path(tmp)))
            if not args.json:
                t = timings[-1]
                status = "FAILED" if t.error else f"median {t.median_ms:7.1f} ms"
                print(f"  {query.name:<22} {status}", flush=True)
        export = Path(EXPORT_FILE.format(tmp=tmp))
        export_bytes = export.stat().st_size if export.exists() else 0
    loads = (load_start, os.getloadavg()[0])
    if args.json:
        print(json.dumps({
            "warehouse": str(args.warehouse), "repeats": args.repeats, "target_ms": TARGET_MS,
            "export_bytes": export_bytes, "load_avg": loads, "cpus": usable_cpus(),
            "queries": [{**asdict(t), "meets_target": t.meets_target} for t in timings],
        }))
    else:
        print(f"\n{report(timings, args.warehouse, args.repeats, export_bytes, loads)}")
    return 1 if any(t.error for t in timings) else 0


if __name__ == "__main__":
    sys.exit(main())
