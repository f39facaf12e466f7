"""How attacks end: the contract's outcome invariants (checked on every build) and the
attacker fate inferred from linked records, on the real warehouse and on hand-made rows."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.normalize.contract import OUTCOME_INVARIANTS, SOURCE_RECORDS, create_table_sql
from pipelines.paths import read_sql
from pipelines.warehouse.checks import CHECKS

INVARIANTS = next(c for c in CHECKS if c.name == "outcome_invariants")


def test_every_published_record_satisfies_the_invariants(warehouse) -> None:
    outcome = INVARIANTS.run(warehouse)
    assert outcome.passed, outcome.summary
    assert outcome.metadata["rules"] == [r.name for r in OUTCOME_INVARIANTS]
    assert INVARIANTS.blocking  # a broken rule keeps the previous warehouse published


def test_every_source_fills_how_who_and_fate(warehouse) -> None:
    """No source is left with only unknowns where its files say something (GVA cannot
    tell who, and how only as an arrest; gva_trace fates come only from linked
    records)."""
    known = {s: (how, who, fate) for s, how, who, fate in warehouse.execute(
        "SELECT source, count(*) FILTER (end_method <> 'unknown'), "
        "count(*) FILTER (stopped_by <> 'unknown'), count(*) FILTER (attacker_fate <> "
        "'unknown' AND attacker_fate_basis <> 'inferred') FROM source_records GROUP BY 1"
    ).fetchall()}
    for source, (how, who, fate) in known.items():
        if source == "gva":  # "Suspects Arrested" with none killed: apprehended
            assert how > 0 and who == 0, source
        elif source == "gva_trace":
            assert how == who == 0, source
        else:
            assert how > 0 and who > 0 and fate > 0, source
    assert known["gva"][2] > 0 and known["gva_trace"][2] == 0


def tiny_records(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A warehouse holding source_records rows (source, id, end_method, stopped_by,
    attacker_fate, basis, ended_before_police, derivations) and one incident per
    (incident_id, source, id) in incident_links, attached afterwards."""
    con = duckdb.connect()
    con.execute(create_table_sql(SOURCE_RECORDS))
    con.executemany(
        "INSERT INTO source_records (source, source_record_id, location_type, end_method, "
        "stopped_by, attacker_fate, attacker_fate_basis, ended_before_police, derivations, "
        "quality_flags) VALUES (?, ?, 'unknown', ?, ?, ?, ?, ?, ?, [])", rows)
    return con


def test_a_broken_rule_names_the_records() -> None:
    con = tiny_records([
        ("fbi", "ok", "shot", "police", "died", "stated", False, []),
        # the old FBI mapping: an off-duty officer coded as arriving police
        ("fbi", "bad", "shot", "police", "died", "stated", True, []),
        ("x", "no-basis", "fled", "none", "died", None, True, []),
    ])
    outcome = INVARIANTS.run(con)
    assert not outcome.passed
    broken = outcome.metadata["broken"]
    assert set(broken) == {"police_had_arrived", "fate_has_basis"}
    record = broken["police_had_arrived"]["records"][0]
    assert (record["source"], record["source_record_id"], record["stopped_by"],
            record["ended_before_police"]) == ("fbi", "bad", "police", True)
    assert broken["fate_has_basis"]["count"] == 1
    assert "police_had_arrived (1 records, e.g. fbi:bad)" in outcome.summary


@pytest.fixture
def linked() -> duckdb.DuckDBPyConnection:
    """Three incidents: i1 whose linked records agree on died (one stated, one derived),
    i2 whose linked records disagree, i3 where the unknown record's attacker was caught."""
    con = tiny_records([
        ("alerrt", "1", "shot", "police", "unknown", None, False, []),
        ("gva", "1", "unknown", "unknown", "died", "derived", None,
         ["attacker_fate: died, from the suspect counts (killed 1, arrested 0)"]),
        ("fbi", "1", "shot", "police", "died", "stated", False, []),
        ("alerrt", "2", "shot", "civilian", "unknown", None, True, []),
        ("fbi", "2", "shot", "civilian", "died", "stated", True, []),
        ("ap_usat_nu", "2", "apprehended", "unknown", "survived", "derived", None,
         ["attacker_fate: survived, implied"]),
        ("stanford_msa", "3", "apprehended", "unknown", "unknown", None, None, []),
        ("fbi", "3", "shot", "police", "died", "stated", False, []),
    ])
    con.execute("CREATE TABLE incident_links AS SELECT * FROM (VALUES "
                "('i1', 'alerrt', '1'), ('i1', 'gva', '1'), ('i1', 'fbi', '1'), "
                "('i2', 'alerrt', '2'), ('i2', 'fbi', '2'), ('i2', 'ap_usat_nu', '2'), "
                "('i3', 'stanford_msa', '3'), ('i3', 'fbi', '3')) "
                "AS t(incident_id, source, source_record_id)")
    con.execute("CREATE TABLE incidents AS SELECT * FROM (VALUES "
                "('i1', ['fbi', 'alerrt', 'gva']), ('i2', ['fbi', 'alerrt', 'ap_usat_nu']), "
                "('i3', ['fbi', 'stanford_msa'])) AS t(incident_id, sources)")
    con.execute(read_sql("warehouse/infer_fate.sql"))
    return con


def fate(con, source: str, rid: str) -> tuple:
    return con.execute(
        "SELECT attacker_fate, attacker_fate_basis, attacker_fate_from, derivations "
        "FROM source_records WHERE source = ? AND source_record_id = ?", [source, rid]
    ).fetchone()


def test_fate_inferred_when_linked_records_agree(linked) -> None:
    # stated before derived: the FBI record is named although gva agrees too
    assert fate(linked, "alerrt", "1") == (
        "died", "inferred", "fbi:1", ["attacker_fate: inferred from linked record fbi:1"])
    assert fate(linked, "gva", "1")[:3] == ("died", "derived", None)  # untouched


def test_fate_left_unknown_when_linked_records_disagree(linked) -> None:
    assert fate(linked, "alerrt", "2") == ("unknown", None, None, [])


def test_caught_attacker_is_never_inferred_dead(linked) -> None:
    assert fate(linked, "stanford_msa", "3") == ("unknown", None, None, [])
    assert INVARIANTS.run(linked).passed
