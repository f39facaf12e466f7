"""Link source records that describe the same attack into ``incidents``.

``build_links(con, previous_warehouse)`` runs on the warehouse being built, once
``source_records`` and ``record_definitions`` are loaded, and creates three tables
with ``COMMENT ON`` for every column:

- ``incidents``: one row per real-world attack, with best-estimate fields, its
  sources and the common definitions it meets;
- ``incident_links``: one row per source record, with the incident it belongs to,
  the score and the reasons of its strongest link;
- ``discrepancies``: per incident and field, the value each source gives where
  they disagree.

How (all set work in DuckDB SQL, ``sql/linkage/*.sql``, run in this order):

1. ``prepare``: comparison features per record: states (all of a multi-state
   attack), normalized place names (city, county; places named in an FBI incident
   name), distinctive name words, and coordinates (the record's own, or for a
   record without any the median of other records naming the same place).
2. ``candidates``: blocking. Records are compared only within one state and at
   most 3 days apart, through an equi-join on (state, day): linear in records.
3. ``score``: a hand-weighted additive score per pair (date, place, killed,
   injured, location type, time of day, name); gva/gva_trace pairs by GVA id.
4. ``edges``: pairs scoring at least :data:`MATCH_THRESHOLD` across sources, and
   a source's own duplicate entries (strict rules) within a source.
5. :func:`cluster` (Python): edges best first, joined with a union-find that
   refuses a join putting two records of one source in an incident (unless they
   are that source's duplicates of each other) or spanning more than 3 days. The
   pairs are few (about 9k for 16k records), so the loop is cheap.
6. ``ids``: stable incident ids (carried over from the previous warehouse's
   ``incident_links``, else derived from the incident's anchor record).
7. ``tables``: the published tables, best estimates and comments.

Why not splink: splink 5 (DuckDB backend) was considered. Its Fellegi-Sunter model
would learn m/u weights by EM, but here the comparable fields differ per source
pair (the FBI gives no city column, GVA no location type, ALERRT and K-12 SSDB no
coordinates), EM would be dominated by the 5,400 gva/gva_trace pairs that are
identical by construction, and the rules that matter most are constraints, not
weights: one record per source per incident except a source's own duplicates,
gva_trace = gva by id, multi-state FBI records.
Splink's clustering is plain connected components, so those constraints would be
hand-written on top anyway, as would the place normalization and gazetteer; and it
would add a dependency (splink, sqlglot) for ~17k records that this SQL links in
one to two seconds. A hand-written scorer on blocked pairs is simpler to read, test
and keep stable, and its weights are checked against a hand-labelled set
(``tests/fixtures/linkage_labels.csv``; precision and recall in docs/linkage.md).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pipelines.paths import read_sql
from pipelines.transaction import one_transaction

log = logging.getLogger(__name__)

SOURCE_PRIORITY = (
    "fbi", "alerrt", "ap_usat_nu", "mother_jones", "violence_project", "stanford_msa",
    "wapo", "k12ssdb", "gva", "gva_trace",
)
"""Tie-break order for best estimates and anchors; sources not listed come last."""

SAME_LIST = {"gva_trace": "gva"}
"""Sources that republish another's list: they vote as that source."""

MATCH_THRESHOLD = 4.0
"""Least score for two records of different sources to be linked."""

MAX_SPAN_DAYS = 3
"""Largest spread of dates within one incident (the blocking window)."""

TABLES = ("incidents", "incident_links", "discrepancies")
SQL_STEPS = ("prepare", "candidates", "score", "edges")


def _state_macros(con) -> None:
    """``lk_state_code(text)`` and ``lk_state_pattern()`` from the state list."""
    from pipelines.normalize.states import STATE_CODES

    cases = " ".join(
        f"WHEN '{name.lower()}' THEN '{code}' WHEN '{code.lower()}' THEN '{code}'"
        for name, code in STATE_CODES.items()
    )
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO lk_state_code(p) AS CASE lower(trim(p)) {cases} END"
    )
    alternatives = sorted(
        [re.escape(name) for name in STATE_CODES] + list(STATE_CODES.values()) + [r"D\.C\."],
        key=len, reverse=True,
    )
    pattern = "|".join(alternatives).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP MACRO lk_state_pattern() AS '{pattern}'")


def _source_ranks(con) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _lk_source_rank "
                "(source VARCHAR, rank INTEGER, family VARCHAR)")
    con.executemany(
        "INSERT INTO _lk_source_rank VALUES (?, ?, ?)",
        [(s, i + 1, SAME_LIST.get(s, s)) for i, s in enumerate(SOURCE_PRIORITY)],
    )


def score_pairs(con, threshold: float | None = None) -> None:
    """Steps 1-4: features, blocked candidate pairs, scores and accepted edges
    (temp tables ``_lk_records``, ``_lk_candidates``, ``_lk_scored``, ``_lk_edges``)."""
    _state_macros(con)
    _source_ranks(con)
    threshold = MATCH_THRESHOLD if threshold is None else float(threshold)
    con.execute(f"SET VARIABLE lk_threshold = {threshold}")
    for step in SQL_STEPS:
        con.execute(read_sql(f"linkage/{step}.sql"))


def cluster(edges) -> dict[int, int]:
    """Join records into incidents along ``edges``, best first.

    ``edges`` are tuples (rid_a, rid_b, score, source_duplicate, source_a, source_b,
    date_a, date_b) in descending score order. Two groups are joined unless that
    would put two records of one source together that are not linked as that
    source's duplicates, or spread the group's dates over more than
    :data:`MAX_SPAN_DAYS`. Returns {rid: group root} for records on some edge.
    """
    parent: dict[int, int] = {}
    by_source: dict[int, dict[str, list[int]]] = {}
    span: dict[int, tuple] = {}
    duplicates = {(min(a, b), max(a, b)) for a, b, _, dup, *_ in edges if dup}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def add(rid: int, source: str, day) -> None:
        if rid not in parent:
            parent[rid] = rid
            by_source[rid] = {source: [rid]}
            span[rid] = (day, day)

    for a, b, _score, _dup, source_a, source_b, day_a, day_b in edges:
        add(a, source_a, day_a)
        add(b, source_b, day_b)
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ga, gb = by_source[ra], by_source[rb]
        clash = any(
            (min(x, y), max(x, y)) not in duplicates
            for source in ga.keys() & gb.keys()
            for x in ga[source] for y in gb[source]
        )
        lo = min(span[ra][0], span[rb][0])
        hi = max(span[ra][1], span[rb][1])
        if clash or (hi - lo).days > MAX_SPAN_DAYS:
            continue
        if sum(map(len, ga.values())) < sum(map(len, gb.values())):
            ra, rb, ga, gb = rb, ra, gb, ga
        parent[rb] = ra
        for source, rids in gb.items():
            ga.setdefault(source, []).extend(rids)
        span[ra] = (lo, hi)
        del by_source[rb], span[rb]
    return {rid: find(rid) for rid in parent}


def _cluster_table(con) -> None:
    """Step 5: ``_lk_cluster (rid, cluster)`` for every record."""
    import polars as pl

    edges = con.execute("""
        SELECT e.rid_a, e.rid_b, e.score, e.source_duplicate, a.source, b.source,
               a.incident_date, b.incident_date
        FROM _lk_edges AS e
        JOIN _lk_records AS a ON a.rid = e.rid_a
        JOIN _lk_records AS b ON b.rid = e.rid_b
        ORDER BY e.score DESC, e.source_duplicate, e.rid_a, e.rid_b
    """).fetchall()
    roots = cluster(edges)
    assigned = pl.DataFrame(
        {"rid": list(roots.keys()), "root": list(roots.values())},
        schema={"rid": pl.Int32, "root": pl.Int32},
    )
    con.register("_lk_assigned_df", assigned)
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _lk_cluster AS
            SELECT r.rid, coalesce(a.root, r.rid) AS cluster
            FROM _lk_records AS r
            LEFT JOIN _lk_assigned_df AS a USING (rid)
        """)
    finally:
        con.unregister("_lk_assigned_df")


def _previous_links(con, previous_warehouse: Path | None) -> int:
    """``_lk_prev (source, source_record_id, incident_id)`` from the previous
    warehouse's incident_links; empty when there is none. Returns its row count.

    The previous file is attached read-only; when this process already has it open
    (DuckDB refuses a second attach of one file), a temporary copy is read instead:
    a published warehouse is never written again, so the copy is consistent."""
    import shutil
    import tempfile

    import duckdb

    con.execute("CREATE OR REPLACE TEMP TABLE _lk_prev "
                "(source VARCHAR, source_record_id VARCHAR, incident_id VARCHAR)")
    if previous_warehouse is None or not Path(previous_warehouse).is_file():
        return 0
    with tempfile.TemporaryDirectory(prefix="linkage-previous-") as tmp:
        for attempt in ("as is", "copy"):
            path = Path(previous_warehouse).resolve()
            if attempt == "copy":
                wal = path.with_name(path.name + ".wal")
                if wal.exists():
                    shutil.copy(wal, Path(tmp) / "previous.duckdb.wal")
                path = Path(shutil.copy(path, Path(tmp) / "previous.duckdb"))
            try:
                con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' "
                            "AS _lk_previous (READ_ONLY)")
                break
            except duckdb.Error as exc:
                error = exc
        else:
            log.warning("linkage: cannot read the previous warehouse %s (%s); "
                        "incident ids are derived afresh", previous_warehouse, error)
            return 0
        try:
            has_links = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = '_lk_previous' "
                "AND table_name = 'incident_links'").fetchone()[0]
            if has_links:
                con.execute("INSERT INTO _lk_prev SELECT source, source_record_id, incident_id "
                            "FROM _lk_previous.main.incident_links")
        finally:
            con.execute("DETACH _lk_previous")
    return con.execute("SELECT count(*) FROM _lk_prev").fetchone()[0]


def _ensure_definitions(con) -> None:
    """A ``record_definitions`` stand-in (source flags only) when the connection has
    none, so the linker also runs on a bare ``source_records``."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                         "'record_definitions' AND NOT temporary").fetchone()[0]
    if not exists:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE record_definitions AS
            SELECT source, source_record_id, NULL::BOOLEAN AS firearm,
                   source = 'fbi' AS fbi_active_shooter,
                   source = 'alerrt' AS alerrt_active_attack
            FROM source_records
        """)


def _drop_temp(con) -> None:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
        "(table_name LIKE '\\_lk\\_%' ESCAPE '\\' OR table_name = 'record_definitions')"
    ).fetchall()]
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def build_links(con, previous_warehouse: Path | None, *,
                threshold: float | None = None) -> dict[str, int]:
    """Create ``incidents``, ``incident_links`` and ``discrepancies`` on ``con``.

    ``con`` is a writable DuckDB connection holding ``source_records`` (and
    ``record_definitions``); ``previous_warehouse`` is the path of the previously
    published warehouse, whose ``incident_links`` keep incident ids stable (it may
    be None or not exist). ``threshold`` overrides :data:`MATCH_THRESHOLD` (for
    tuning). Returns the row count of each created table.
    """
    _ensure_definitions(con)
    score_pairs(con, threshold)
    _cluster_table(con)
    carried = _previous_links(con, previous_warehouse)
    con.execute(read_sql("linkage/ids.sql"))
    with one_transaction(con):  # one commit, not one per table and COMMENT
        con.execute(read_sql("linkage/tables.sql"))
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    log.info("linkage: %s (previous links read: %d)", counts, carried)
    _drop_temp(con)
    return counts
