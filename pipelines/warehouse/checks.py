"""Checks on the curated warehouse, defined once.

``publish`` runs them on the new file before renaming it into place (a failing
error-level check keeps the previous warehouse published) and Dagster shows the
same checks as asset checks on the published file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pipelines.normalize.contract import OUTCOME_INVARIANTS, TABLES
from pipelines.normalize.states import USPS_CODES
from pipelines.paths import read_sql


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    summary: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class WarehouseCheck:
    name: str
    description: str
    run: Callable[[Any], CheckOutcome]
    blocking: bool = True
    """A blocking check that fails stops publication."""
    warning: bool = False
    """A warning (Dagster severity WARN, never blocking): when it fails it names records
    worth a look, but the warehouse is fine and ``incidents checks`` still exits 0."""


def _record_counts(con) -> CheckOutcome:
    from pipelines.registry import sources

    counts = dict(con.execute("SELECT source, count(*) FROM source_records GROUP BY 1").fetchall())
    used = {
        slug: {f["sha256"] for f in json.loads(files or "[]")}
        for slug, files in con.execute("SELECT source, files FROM sources").fetchall()
    }
    bad = {}
    for slug, src in sources().items():
        lo, hi = src.record_bounds(used.get(slug, set()))
        if slug in counts and not lo <= counts[slug] <= hi:
            bad[slug] = {"records": counts[slug], "expected": [lo, hi]}
    return CheckOutcome(not bad, f"out of expected range: {bad}" if bad else "all in range",
                        {"records": counts, "out_of_range": bad})


def _unique_keys(con) -> CheckOutcome:
    dupes = {}
    for table in TABLES.values():
        if not table.key:
            continue
        key = ", ".join(f'"{k}"' for k in table.key)
        n = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {table.name} GROUP BY ALL "
            "HAVING count(*) > 1)"
        ).fetchone()[0]
        if n:
            dupes[table.name] = n
    return CheckOutcome(not dupes, f"duplicate keys: {dupes}" if dupes else "keys unique",
                        {"duplicate_keys": dupes})


def _state_codes(con) -> CheckOutcome:
    codes = ", ".join(f"'{c}'" for c in sorted(USPS_CODES))
    bad = con.execute(
        f"SELECT source, state, count(*) FROM source_records "
        f"WHERE state IS NOT NULL AND state NOT IN ({codes}) GROUP BY ALL"
    ).fetchall()
    # A NULL state must be explained: the raw value was empty or it has a reject.
    unexplained = con.execute(
        "SELECT source, count(*) FROM source_records r WHERE state IS NULL "
        "AND nullif(trim(state_raw), '') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rejects j "
        "WHERE j.source = r.source AND j.source_record_id = r.source_record_id) GROUP BY ALL"
    ).fetchall()
    passed = not bad and not unexplained
    return CheckOutcome(passed, "state codes valid" if passed else
                        f"invalid: {bad}; NULL without reject: {unexplained}",
                        {"invalid": [list(b) for b in bad],
                         "null_without_reject": [list(u) for u in unexplained]})


def _contract_schema(con) -> CheckOutcome:
    problems = []
    # Every table's columns in one catalog query, not one per table.
    columns: dict[str, dict[str, str]] = {}
    for name, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
    ).fetchall():
        columns.setdefault(name, {})[column] = data_type
    for table in TABLES.values():
        actual = columns.get(table.name, {})
        # Values outside each vocabulary column's vocabulary, all counted in one scan.
        vocabularies = [c for c in table.columns if c.vocabulary and actual.get(c.name) == c.type]
        outside: dict[str, int] = {}
        if vocabularies:
            counts = []
            for c in vocabularies:
                allowed = ", ".join(f"'{v}'" for v in c.vocabulary)
                counts.append(f'count(*) FILTER (WHERE "{c.name}" NOT IN ({allowed}))')
            row = con.execute(f"SELECT {', '.join(counts)} FROM {table.name}").fetchone()
            outside = dict(zip([c.name for c in vocabularies], row, strict=True))
        for col in table.columns:
            if actual.get(col.name) != col.type:
                problems.append(f"{table.name}.{col.name}: {actual.get(col.name)} != {col.type}")
            elif outside.get(col.name):
                problems.append(f"{table.name}.{col.name}: {outside[col.name]} values outside "
                                "vocabulary")
    return CheckOutcome(not problems, "; ".join(problems) or "matches the contract",
                        {"problems": problems})


def _linkage(con) -> CheckOutcome:
    """Every source record belongs to exactly one incident, and every incident exists."""
    unlinked, multiple, orphans = con.execute("""
        SELECT
            (SELECT count(*) FROM source_records r ANTI JOIN incident_links l
             USING (source, source_record_id)),
            (SELECT count(*) FROM (SELECT 1 FROM incident_links
             GROUP BY source, source_record_id HAVING count(*) > 1)),
            (SELECT count(*) FROM incident_links l ANTI JOIN incidents i USING (incident_id))
    """).fetchone()
    passed = unlinked == multiple == orphans == 0
    return CheckOutcome(
        passed,
        "every record in exactly one incident" if passed else
        f"{unlinked} records in no incident, {multiple} in several, "
        f"{orphans} links to missing incidents",
        {"unlinked": unlinked, "in_several": multiple, "orphan_links": orphans},
    )


def _outcome_invariants(con) -> CheckOutcome:
    """Every record, of every source, satisfies the contract's ``OUTCOME_INVARIANTS``.

    The metadata names the offending records (source, source_record_id and the outcome
    values) per broken rule, at most 20 per rule, with the count of all of them."""
    broken: dict[str, dict[str, Any]] = {}
    keys = ("source", "source_record_id", "end_method", "stopped_by", "attacker_fate",
            "attacker_fate_basis", "ended_before_police", "attacker_outcome_raw")
    # One scan for every rule: a column per rule, TRUE where the record breaks it.
    breaks = [f"NOT coalesce(({rule.predicate}), FALSE)" for rule in OUTCOME_INVARIANTS]
    found = con.execute(
        f"SELECT {', '.join(keys)}, {', '.join(breaks)} FROM source_records "
        f"WHERE {' OR '.join(breaks)} ORDER BY source, source_record_id"
    ).fetchall()
    for i, rule in enumerate(OUTCOME_INVARIANTS):
        rows = [r[:len(keys)] for r in found if r[len(keys) + i]]
        if rows:
            broken[rule.name] = {"count": len(rows), "rule": rule.predicate,
                                 "records": [dict(zip(keys, r, strict=True))
                                             for r in rows[:20]]}
    summary = ("every record satisfies the outcome invariants" if not broken else
               "broken: " + ", ".join(f"{k} ({v['count']} records, e.g. "
                                      f"{v['records'][0]['source']}:"
                                      f"{v['records'][0]['source_record_id']})"
                                      for k, v in broken.items()))
    return CheckOutcome(not broken, summary, {"broken": broken,
                                              "rules": [r.name for r in OUTCOME_INVARIANTS]})


def _sources_fresh(con) -> CheckOutcome:
    stale = dict(con.execute(
        "SELECT source, stale_reason FROM sources WHERE stale ORDER BY source").fetchall())
    return CheckOutcome(not stale, f"stale: {stale}" if stale else "every source refreshed",
                        {"stale": stale})


def _casualty_offsets(con) -> CheckOutcome:
    """Two sources whose killed/injured differ by exactly one in the same direction
    again and again (sql/warehouse/check_casualty_offsets.sql)."""
    rows = con.execute(read_sql("warehouse/check_casualty_offsets.sql")).fetchall()
    offsets = [
        {"field": field, "higher": higher, "lower": lower, "compared": compared,
         "offset_pairs": n, "opposite_pairs": opposite, "attacker_died": died,
         "records": list(records)}
        for field, higher, lower, compared, n, opposite, died, records in rows
    ]
    summary = "; ".join(
        f"{o['higher']} {o['field']} one higher than {o['lower']} in {o['offset_pairs']} of "
        f"{o['compared']} linked pairs (attacker died in {o['attacker_died']})"
        for o in offsets)
    return CheckOutcome(not offsets, summary or "no systematic offset between sources",
                        {"offsets": offsets})


def _casualty_outliers(con) -> CheckOutcome:
    """Records whose killed/injured is far from every other list's figure for the same
    incident (sql/warehouse/check_casualty_outliers.sql)."""
    rows = con.execute(read_sql("warehouse/check_casualty_outliers.sql")).fetchall()
    outliers = [
        {"record": f"{source}:{record_id}", "field": field, "value": value,
         "incident_id": incident, "other_lists": n, "others": others}
        for source, record_id, field, value, incident, n, others in rows
    ]
    summary = (f"{len(outliers)} records far from every other list: " + "; ".join(
        f"{o['record']} {o['field']} {o['value']}" for o in outliers[:5])
        + ("; ..." if len(outliers) > 5 else "")) if outliers else "no casualty outlier"
    return CheckOutcome(not outliers, summary, {"outliers": outliers})


CHECKS = (
    WarehouseCheck("contract_schema", "Every table has the contract's columns, types and "
                   "vocabularies.", _contract_schema),
    WarehouseCheck("record_counts", "Each source's record count is within its expected "
                   "range (registry): exact for the pinned files, loose for newer ones.",
                   _record_counts),
    WarehouseCheck("unique_keys", "Keys are unique in every keyed table.", _unique_keys),
    WarehouseCheck("valid_state_codes", "Every state is a USPS code, or NULL with a reject "
                   "or an empty raw value.", _state_codes),
    WarehouseCheck("linkage", "Every source record belongs to exactly one linked incident.",
                   _linkage),
    WarehouseCheck("outcome_invariants", "Every record's end_method, stopped_by, "
                   "attacker_fate (and basis) and ended_before_police fit together "
                   "(contract OUTCOME_INVARIANTS); failures name the records.",
                   _outcome_invariants),
    WarehouseCheck("sources_fresh", "Every source was refreshed by the last run; a stale "
                   "source was published from its last good snapshot.", _sources_fresh,
                   blocking=False),
    WarehouseCheck("casualty_offsets", "Warning: two sources whose killed or injured "
                   "figures differ by exactly one in the same direction in many linked "
                   "incidents (e.g. one counts the attacker who died); names the records.",
                   _casualty_offsets, blocking=False, warning=True),
    WarehouseCheck("casualty_outliers", "Warning: records whose killed or injured figure "
                   "is far from that of every other list linked to the incident; names "
                   "them.", _casualty_outliers, blocking=False, warning=True),
)


CHECK_THREADS = 2
"""Checks run at a time. Each is a few queries that DuckDB runs on one core (the tables
are too small to split), so two side by side take about half the wall time."""


def run_checks(con) -> dict[str, CheckOutcome]:
    """Every check's outcome by name, in :data:`CHECKS` order. The checks only read, so
    they run :data:`CHECK_THREADS` at a time, each on its own cursor of ``con`` (a cursor
    is a connection to the same database: it sees what ``con`` has committed)."""
    def run(check: WarehouseCheck) -> CheckOutcome:
        with con.cursor() as cursor:
            return check.run(cursor)

    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        return dict(zip([c.name for c in CHECKS], pool.map(run, CHECKS), strict=True))
