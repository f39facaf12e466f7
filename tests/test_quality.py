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


# --- warning checks on cross-source agreement ------------------------------------------

def test_casualty_offset_warning_names_the_records(warehouse) -> None:
    """Mother Jones gives one more killed than Stanford MSA in most linked attacks whose
    attacker died: San Ysidro 1984, Mother Jones `fatalities` 22, Stanford MSA 21
    victims (`Number of Civilian Fatalities` + `Number of Enforcement Fatalities`)."""
    from pipelines.warehouse.checks import CHECKS

    check = next(c for c in CHECKS if c.name == "casualty_offsets")
    assert check.warning and not check.blocking
    outcome = check.run(warehouse)
    assert not outcome.passed
    offsets = {(o["field"], o["higher"], o["lower"]): o for o in outcome.metadata["offsets"]}
    corrected = warehouse.execute(
        "SELECT count(*) FROM source_records WHERE source = 'mother_jones' "
        "AND list_contains(quality_flags, 'attacker_removed_from_killed')").fetchone()[0]
    if corrected:
        # Once Mother Jones' dead attackers are taken out of `killed`, the offset is gone.
        assert ("killed", "mother_jones", "stanford_msa") not in offsets
    else:
        mj = offsets[("killed", "mother_jones", "stanford_msa")]
        assert mj["offset_pairs"] >= 30 and mj["opposite_pairs"] <= 2
        assert ("mother_jones:1984-07-18 San Ysidro McDonald's massacre > stanford_msa:16"
                in mj["records"])
        assert "mother_jones killed one higher than stanford_msa" in outcome.summary
    # gva_trace republishes GVA: identical figures, never an offset.
    assert not any({"gva", "gva_trace"} == {h, lo} for _, h, lo in offsets)


def test_casualty_outlier_warning_names_the_records(warehouse) -> None:
    """K-12 SSDB counts 0 killed at Rancho Tehama (2017-11-14, the school part of a spree
    in which 5 were killed), GVA 0 injured at the Capital Gazette (2018-06-28) where four
    other lists give 2."""
    from pipelines.warehouse.checks import CHECKS

    check = next(c for c in CHECKS if c.name == "casualty_outliers")
    assert check.warning and not check.blocking
    outcome = check.run(warehouse)
    assert not outcome.passed
    found = {(o["record"], o["field"]): o for o in outcome.metadata["outliers"]}
    tehama = found[("k12ssdb:20171114CARAR", "killed")]
    assert tehama["value"] == 0 and tehama["other_lists"] >= 4
    assert "fbi:2017-11-14 Rancho Tehama Elementary School" in tehama["others"]
    assert found[("gva:1151584", "injured")]["value"] == 0
    # Stanford MSA CaseID 197 (killed 0 though its description says an officer was
    # killed) is in no other list, so no other record can contradict it.
    assert not any(r.startswith("stanford_msa:197") for r, _ in found)


def test_warning_checks_on_a_hand_made_warehouse() -> None:
    """An offset of one in 10 of 12 pairs is reported, with its records; a record far
    from two other lists is an outlier, one far from a single list is not."""
    import duckdb

    from pipelines.normalize.contract import SOURCE_RECORDS, create_table_sql
    from pipelines.warehouse.checks import _casualty_offsets, _casualty_outliers

    con = duckdb.connect()
    con.execute(create_table_sql(SOURCE_RECORDS))
    rows, links = [], []
    for i in range(12):
        rows += [("x", f"x{i}", 5 + (i < 10), 1, "died"), ("y", f"y{i}", 5, 1, "unknown")]
        links += [(f"i{i}", "x", f"x{i}"), (f"i{i}", "y", f"y{i}")]
    rows += [("x", "x99", 9, 1, "unknown"), ("y", "y99", 2, 1, "unknown"),
             ("z", "z99", 2, 1, "unknown"), ("gva", "g1", 0, 0, "unknown"),
             ("gva_trace", "g1", 0, 0, "unknown"), ("y", "y98", 6, 0, "unknown")]
    links += [("j", "x", "x99"), ("j", "y", "y99"), ("j", "z", "z99"),
              ("k", "gva", "g1"), ("k", "gva_trace", "g1"), ("k", "y", "y98")]
    con.executemany("INSERT INTO source_records (source, source_record_id, killed, "
                    "injured, attacker_fate) VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE incident_links (incident_id VARCHAR, source VARCHAR, "
                "source_record_id VARCHAR)")
    con.executemany("INSERT INTO incident_links VALUES (?, ?, ?)", links)
    offsets = _casualty_offsets(con)
    [offset] = offsets.metadata["offsets"]
    assert (offset["field"], offset["higher"], offset["lower"]) == ("killed", "x", "y")
    assert (offset["offset_pairs"], offset["opposite_pairs"], offset["attacker_died"]) == (
        10, 0, 10)
    assert "x:x0 > y:y0" in offset["records"] and len(offset["records"]) == 10
    outliers = _casualty_outliers(con).metadata["outliers"]
    # x99 (9) is far from y (2) and z (2); g1 (0) has only y as another list.
    assert [(o["record"], o["field"]) for o in outliers] == [("x:x99", "killed")]


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
        ("gva_trace", 4106, 616),  # 3,490 "N/A" names; 616 names no keyword matches
        ("k12ssdb", 59, 59),  # 'Off School Property': next to a school, kind not coded
        # Place Type "Unknown" and no keyword in the title (the bus stop is other)
        ("stanford_msa", 2, 2),
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
    # 36 Mother Jones records corrected by hand; every Stanford MSA record whose Total
    # Number of Fatalities counts a dead shooter (140) and every gva_trace record whose
    # headline `killed` counts a suspect (336): there killed is the source's stated
    # victims-only figure, so nothing is derived
    assert rows == {"attacker_removed_from_killed": 36 + 140 + 336,
                    "casualties_contradict_narrative": 3,
                    "duplicate_record_in_source": 10}
    assert warehouse.execute("""
        SELECT count(*) FROM source_records
        WHERE source = 'gva_trace' AND list_contains(quality_flags, 'attacker_removed_from_killed')
          AND killed_raw::INT > killed""").fetchone()[0] == 336
    # Mother Jones: every corrected record says why, and keeps the source figure
    bad = warehouse.execute("""
        SELECT source_record_id FROM source_records
        WHERE list_contains(quality_flags, 'attacker_removed_from_killed')
          AND source = 'mother_jones'
          AND (len(list_filter(derivations, lambda d: d LIKE
                   'killed: attacker excluded (fatalities % include the shooter;%')) <> 1
               OR killed_raw::INT <> killed + 1)
    """).fetchall()
    assert bad == []
    # Stanford: `killed` is the victims' columns; killed_raw keeps the Total that
    # counts the dead shooters, above `killed`
    stanford = warehouse.execute("""
        SELECT count(*), count(*) FILTER (
            regexp_extract(killed_raw, 'Total Number of Fatalities (\\d+)$', 1)::INT > killed
            AND attacker_fate = 'died')
        FROM source_records
        WHERE list_contains(quality_flags, 'attacker_removed_from_killed')
          AND source = 'stanford_msa'
    """).fetchone()
    assert stanford == (140, 140)
