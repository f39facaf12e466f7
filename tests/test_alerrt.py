"""ALERRT active attack data against the figures ALERRT publishes."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .conftest import shipped_snapshots


def test_597_records(warehouse) -> None:
    assert warehouse.execute(
        "SELECT count(*) FROM source_records WHERE source = 'alerrt'"
    ).fetchone()[0] == 597


def test_ended_before_police_342(warehouse) -> None:
    yes, no, unknown = warehouse.execute(
        "SELECT count(*) FILTER (ended_before_police), count(*) FILTER (NOT ended_before_police),"
        " count(*) FILTER (ended_before_police IS NULL) FROM source_records "
        "WHERE source = 'alerrt'"
    ).fetchone()
    assert (yes, no, unknown) == (342, 255, 0)


def test_resolution_counts(warehouse) -> None:
    counts = dict(warehouse.execute(
        "SELECT attacker_outcome_raw, count(*) FROM source_records WHERE source = 'alerrt' "
        "GROUP BY 1"
    ).fetchall())
    assert counts["Shot by police"] == 132
    assert counts["Subdued by citizens"] == 53
    stopped = dict(warehouse.execute(
        "SELECT stopped_by, count(*) FROM source_records WHERE source = 'alerrt' GROUP BY 1"
    ).fetchall())
    # police: shot 132 + subdued 54 + 14 surrenders with police on scene; off-duty
    # officers (5) are neither civilians nor police arriving
    assert stopped == {"police": 200, "none": 187, "self": 130, "civilian": 68, "security": 7,
                       "off_duty_police": 5}


def test_shot_by_says_who_and_how_not_the_fate(warehouse) -> None:
    """The 159 "Shot by ..." records are end_method shot with the right stopped_by (they
    were "unknown" under the old lossy outcome column); ALERRT states no fate for them."""
    rows = dict(((raw, by), (n, fates)) for raw, by, n, fates in warehouse.execute(
        "SELECT attacker_outcome_raw, stopped_by, count(*), "
        "list_sort(list_distinct(list(coalesce(attacker_fate_basis, 'none')))) "
        "FROM source_records WHERE source = 'alerrt' AND end_method = 'shot' GROUP BY 1, 2"
    ).fetchall())
    assert {k: v[0] for k, v in rows.items()} == {
        ("Shot by police", "police"): 132, ("Shot by citizen", "civilian"): 15,
        ("Shot by security", "security"): 7, ("Shot by off duty officer", "off_duty_police"): 5}
    for _, bases in rows.values():  # unknown, or inferred from a linked record only
        assert set(bases) <= {"none", "inferred"}


def test_uvalde_fate_inferred_from_the_linked_fbi_record(warehouse) -> None:
    """Uvalde, 2022-05-24 TX: ALERRT says "Shot by police"; the linked FBI record says
    "Shot by police (Killed)", and no linked record disagrees."""
    row = warehouse.execute(
        "SELECT attacker_outcome_raw, end_method, stopped_by, attacker_fate, "
        "attacker_fate_basis, attacker_fate_from, derivations FROM source_records "
        "WHERE source = 'alerrt' AND incident_date = DATE '2022-05-24' AND state = 'TX'"
    ).fetchone()
    fbi_id = "2022-05-24 Robb Elementary School, Uvalde, TX"
    assert row == ("Shot by police", "shot", "police", "died", "inferred", f"fbi:{fbi_id}",
                   [f"attacker_fate: inferred from linked record fbi:{fbi_id}"])
    fbi = warehouse.execute(
        "SELECT attacker_outcome_raw, attacker_fate, attacker_fate_basis FROM source_records "
        "WHERE source = 'fbi' AND source_record_id = ?", [fbi_id]).fetchone()
    assert fbi == ("Shot by police (Killed)", "died", "stated")


def test_published_fled_share_is_187_of_597(warehouse, published) -> None:
    """Checked against the raw file first: 187 "Fled" of 597 rows. The metric and the
    chart's data give 31%, not the 43% of the old known-outcome denominator."""
    path = Path(next(iter(shipped_snapshots("alerrt").values())).path)
    with path.open(encoding="utf-8", newline="") as f:
        raw = Counter(r["resolution"] for r in csv.DictReader(f))
    assert (raw["Fled"], sum(raw.values())) == (187, 597)
    assert warehouse.execute(
        "SELECT count, n_known, round(share, 4) FROM metric_resolution WHERE source = "
        "'alerrt' AND grouping = 'overall' AND field = 'end_method' AND category = 'fled'"
    ).fetchone() == (187, 597, round(187 / 597, 4))
    with (published.dashboards / "data" / "end_method.csv").open(encoding="utf-8") as f:
        chart = [r for r in csv.DictReader(f)
                 if r["source"] == "alerrt" and r["category"] == "fled"]
    assert [(int(r["count"]), int(r["n_known"]), float(r["share"])) for r in chart] == [
        (187, 597, round(187 / 597, 4))]


def test_killed_uses_strict_totals(warehouse) -> None:
    assert warehouse.execute(
        "SELECT sum(killed), sum(injured) FROM source_records WHERE source = 'alerrt'"
    ).fetchone() == (1415, 2640)


def test_case_code_is_text_and_key(warehouse) -> None:
    assert warehouse.execute(
        "SELECT count(*) FROM source_records WHERE source = 'alerrt' "
        "AND source_record_id = '231a'"
    ).fetchone()[0] == 1


def test_start_hour_precision(warehouse) -> None:
    row = warehouse.execute(
        "SELECT count(*) FILTER (start_time_precision = 'hour'), "
        "count(*) FILTER (minute(start_time) <> 0) FROM source_records WHERE source = 'alerrt'"
    ).fetchone()
    assert row == (597, 0)


def test_mobile_race_and_relationship_raw_and_mapped() -> None:
    import polars as pl

    from .conftest import normalize_shipped

    out = normalize_shipped("alerrt")
    records = out["source_records"]
    assert records["mobile"].value_counts().sort("mobile").rows() == [(False, 469), (True, 128)]
    assert set(records.select("mobile_raw", "mobile").unique().rows()) == {
        ("No", False), ("Yes", True)}
    attackers = out["attackers"]
    # race_1..race_3 go to attackers 1..3; relationship is the record's
    case_61 = attackers.filter(pl.col("source_record_id") == "61").sort("attacker_no")
    assert case_61.select("race_raw", "race").rows() == [
        ("African American", "black"), ("African American", "black")]
    assert dict(attackers.select("race_raw", "race").unique().drop_nulls().rows()) == {
        "Caucasian": "white", "African American": "black", "Latino": "hispanic",
        "Asian": "asian", "Middle Eastern": "middle_eastern", "Other": "other"}
    assert dict(attackers.select("relationship_raw", "relationship").unique().rows()) == {
        "No relationship": "stranger", "Student": "student", "Coworker": "employee",
        "Indirect": "other", "Other": "other"}
