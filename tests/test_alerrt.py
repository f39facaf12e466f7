"""ALERRT active attack data against the figures ALERRT publishes."""

from __future__ import annotations


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
    # police: shot 132 + subdued 54 + 14 surrenders with police on scene
    assert stopped == {"police": 200, "none": 187, "self": 130, "civilian": 73, "security": 7}


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
