"""Quality flags, per-source checks and the common-definition booleans."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.normalize.checks import run_source_checks
from pipelines.registry import sources


def _records(**columns) -> pl.DataFrame:
    base = {
        "source_record_id": ["a", "b", "c"],
        "state": ["TX", "CA", "NY"],
        "incident_date": [date(2001, 1, 1), date(2002, 1, 1), None],
        "quality_flags": [[], [], []],
    }
    return pl.DataFrame(base | columns)


def test_source_checks_pass_on_clean_records() -> None:
    src = sources()["fbi"]
    outcomes = run_source_checks(src, _records())
    assert outcomes["record_count"][0] is False  # 3 records, FBI expects 532
    assert outcomes["unique_ids"][0] and outcomes["valid_states"][0]
    assert outcomes["dates_in_range"] == (True, {"out_of_range": 0, "undated": 1,
                                                 "examples": []})


def test_source_checks_catch_duplicates_bad_states_and_dates() -> None:
    frame = _records(source_record_id=["a", "a", "c"], state=["TX", "XX", None],
                     quality_flags=[["date_out_of_range"], [], []])
    outcomes = run_source_checks(sources()["fbi"], frame)
    assert outcomes["unique_ids"] == (False, {"duplicates": ["a"]})
    assert outcomes["valid_states"] == (False, {"invalid": ["XX"]})
    assert outcomes["dates_in_range"][0] is False


def test_ap_records_all_meet_its_own_4_killed_definition(warehouse) -> None:
    row = warehouse.execute(
        "SELECT count(*), count(*) FILTER (killed_4_plus) FROM record_definitions "
        "WHERE source = 'ap_usat_nu'"
    ).fetchone()
    assert row == (615, 615)


def test_firearm_is_known_from_weapons_for_mixed_sources(warehouse) -> None:
    # ALERRT counts knife and vehicle attacks too: those are not firearm attacks.
    rows = dict(warehouse.execute(
        "SELECT w.weapon_type, bool_or(d.firearm) FROM record_definitions d "
        "JOIN weapons w USING (source, source_record_id) WHERE d.source = 'alerrt' "
        "AND w.weapon_type IN ('knife', 'vehicle', 'handgun') GROUP BY 1"
    ).fetchall())
    assert rows["handgun"] is True
    fbi = warehouse.execute(
        "SELECT bool_and(firearm), bool_and(fbi_active_shooter) FROM record_definitions "
        "WHERE source = 'fbi'"
    ).fetchone()
    assert fbi == (True, True)


def test_unknown_killed_stays_unknown_in_definitions(warehouse) -> None:
    n = warehouse.execute(
        "SELECT count(*) FROM record_definitions d JOIN source_records r "
        "USING (source, source_record_id) WHERE r.killed IS NULL AND d.killed_4_plus "
        "IS NOT NULL"
    ).fetchone()[0]
    assert n == 0


def test_coordinates_outside_the_state_are_flagged(warehouse) -> None:
    flagged = warehouse.execute(
        "SELECT source, source_record_id, state FROM source_records "
        "WHERE list_contains(quality_flags, 'state_not_matching_coordinates') "
        "AND source = 'ap_usat_nu'"
    ).fetchall()
    # AP incident 561 is in Louisville, KY, but its coordinates are in Maryland.
    assert ("ap_usat_nu", "561", "KY") in flagged


def test_every_flag_is_a_known_flag(warehouse) -> None:
    from pipelines.normalize.contract import QUALITY_FLAGS

    flags = {f for (f,) in warehouse.execute(
        "SELECT DISTINCT unnest(quality_flags) FROM source_records").fetchall()}
    assert flags <= set(QUALITY_FLAGS)


def test_location_unmapped_report_counts_what_stays_unknown() -> None:
    from pipelines.normalize.checks import location_unmapped

    frame = pl.DataFrame({
        "location_type": ["unknown", "unknown", "unknown", "unknown", "commerce"],
        "location_type_raw": ["Hush", "Valero", "Hush", None, "Palace Lounge"],
    })
    assert location_unmapped(frame) == {"unknown": 4, "unknown_with_raw_value": 3,
                                        "top_raw_values": [["Hush", 2], ["Valero", 1]]}
    outcomes = run_source_checks(sources()["gva_trace"], _records())
    assert outcomes["location_types_mapped"] == (
        True, {"unknown": None, "unknown_with_raw_value": None, "top_raw_values": []})


def test_records_left_unknown_per_source(warehouse) -> None:
    """How many records keep location_type unknown, per source, and the top raw values
    among them: every unmapped raw value is counted, none is silently unknown."""
    rows = warehouse.execute("""
        SELECT source, count(*) AS unknown, count(location_type_raw) AS with_raw
        FROM source_records WHERE location_type = 'unknown' GROUP BY source ORDER BY source
    """).fetchall()
    assert rows == [
        ("gva", 6127, 0),  # no venue column at all
        ("gva_trace", 4108, 618),  # 3,490 "N/A" names; 618 names no keyword matches
        ("k12ssdb", 59, 59),  # 'Off School Property': next to a school, kind not coded
        ("stanford_msa", 3, 3),  # Place Type "Unknown"
    ]
    top = warehouse.execute("""
        SELECT location_type_raw, count(*) AS n FROM source_records
        WHERE source = 'gva_trace' AND location_type = 'unknown'
          AND location_type_raw IS NOT NULL
        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3
    """).fetchall()
    assert top == [("American Legion # 354", 2), ("Cole's Place", 2), ("Nawlins Dshop", 2)]


def test_raw_casualty_figures_kept_for_every_source(warehouse) -> None:
    rows = warehouse.execute("""
        SELECT source, count(*) - count(killed_raw), count(*) - count(injured_raw)
        FROM source_records GROUP BY source ORDER BY source
    """).fetchall()
    # k12ssdb: 20210902CASAL#2, whose VICTIM rows attach to the first row
    assert {source: (k, i) for source, k, i in rows if (k, i) != (0, 0)} == {
        "k12ssdb": (1, 1)}


def test_attackers_removed_and_contradictions_flagged(warehouse) -> None:
    rows = dict(warehouse.execute("""
        SELECT f, count(*) FROM (SELECT unnest(quality_flags) AS f FROM source_records)
        WHERE f IN ('attacker_removed_from_killed', 'casualties_contradict_narrative',
                    'duplicate_record_in_source')
        GROUP BY f
    """).fetchall())
    assert rows == {"attacker_removed_from_killed": 36,
                    "casualties_contradict_narrative": 3,
                    "duplicate_record_in_source": 10}
    # every corrected record says why, and keeps the source figure
    bad = warehouse.execute("""
        SELECT source_record_id FROM source_records
        WHERE list_contains(quality_flags, 'attacker_removed_from_killed')
          AND (len(list_filter(derivations, lambda d: d LIKE
                   'killed: attacker excluded (fatalities % include the shooter;%')) <> 1
               OR killed_raw::INT <> killed + 1)
    """).fetchall()
    assert bad == []
