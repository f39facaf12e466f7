"""FBI active shooter incidents, checked against the FBI's own published figures."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.normalize.parsing import find_header_row


def test_all_532_incidents_and_1409_killed(warehouse) -> None:
    n, killed, injured = warehouse.execute(
        "SELECT count(*), sum(killed), sum(injured) FROM source_records WHERE source = 'fbi'"
    ).fetchone()
    assert n == 532  # FBI 2023 report, 2000-2023
    assert killed == 1409  # FBI 2023 report
    # The FBI states 2,406 wounded; the tabulated files sum to 2,407. We report the data.
    assert injured == 2407


@pytest.mark.parametrize(
    ("year", "incidents", "killed", "injured"),
    [(2019, 30, 103, 155), (2020, 40, 38, 126), (2021, 61, 103, 140),
     (2022, 50, 100, 213), (2023, 48, 105, 139)],
)
def test_per_year_totals_match_fbi_2023_report(warehouse, year, incidents, killed, injured):
    row = warehouse.execute(
        "SELECT count(*), sum(killed), sum(injured) FROM source_records "
        "WHERE source = 'fbi' AND year(incident_date) = ?",
        [year],
    ).fetchone()
    assert row == (incidents, killed, injured)


def test_2019_needs_both_files(warehouse) -> None:
    files = warehouse.execute(
        "SELECT source_file, count(*) FROM source_records WHERE source = 'fbi' "
        "AND year(incident_date) = 2019 GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert files == [
        ("FBI_-_Active_Shooter_Incidents_2000-2019_AdditionalIncidents.xlsx", 2),
        ("FBI_-_Active_Shooter_Incidents_2019.xlsx", 28),
    ]


def test_fbi_20_year_review_counts_333_incidents_2000_2019(warehouse) -> None:
    n = warehouse.execute("SELECT count(*) FROM source_records WHERE source = 'fbi' "
                      "AND incident_date < DATE '2020-01-01'").fetchone()[0]
    assert n == 333


def test_multi_shooter_cells_become_one_attacker_row_each(warehouse) -> None:
    # "MALE & FEMALE"-style cells: every record's attacker count equals its attacker rows.
    mismatched, multi = warehouse.execute(
        "SELECT count(*) FILTER (r.attackers <> a.n), count(*) FILTER (r.attackers > 1) "
        "FROM source_records r JOIN (SELECT source_record_id, count(*) n FROM attackers "
        "WHERE source = 'fbi' GROUP BY 1) a USING (source_record_id) WHERE r.source = 'fbi'"
    ).fetchone()
    assert mismatched == 0
    assert multi == 12  # 6 "MALE & MALE", 3 "MALE & FEMALE", 3 three-shooter cells


def test_question_mark_is_unknown_never_zero(warehouse) -> None:
    # Ages written "?" are NULL; "22 & ? & ?" keeps the 22.
    ages = warehouse.execute(
        "SELECT list(age ORDER BY attacker_no) FROM attackers WHERE source = 'fbi' "
        "GROUP BY source_record_id HAVING count(*) = 3 AND arg_min(age, attacker_no) = 22"
    ).fetchall()
    assert ages == [([22, None, None],)]
    weapons = warehouse.execute(
        "SELECT count(*) FROM weapons WHERE source = 'fbi' AND weapon_type = 'unknown' "
        "AND count IS NULL"
    ).fetchone()[0]
    assert weapons == 14  # the rows with "?" in every weapon column


def test_famous_incidents(warehouse) -> None:
    rows = dict(
        ((d, s), (k, i, o))
        for d, s, k, i, o in warehouse.execute(
            "SELECT incident_date::VARCHAR, state, killed, injured, attacker_outcome "
            "FROM source_records WHERE source = 'fbi'"
        ).fetchall()
    )
    assert rows[("2017-10-01", "NV")] == (58, 489, "suicide")  # Las Vegas (FBI figures)
    assert rows[("2012-12-14", "CT")][0] == 27  # Sandy Hook, counting the mother
    assert rows[("2016-06-12", "FL")][:2] == (49, 53)  # Pulse nightclub


def test_terminating_events_map_to_who_stopped_it(warehouse) -> None:
    rows = dict(warehouse.execute(
        "SELECT attacker_outcome_raw, any_value(stopped_by || '/' || "
        "coalesce(ended_before_police::VARCHAR, 'null')) FROM source_records "
        "WHERE source = 'fbi' GROUP BY 1"
    ).fetchall())
    assert rows["Suicide before police arrived"] == "self/true"
    assert rows["Physical intervention by civilian"] == "civilian/true"
    assert rows["Shot by police (Killed)"] == "police/false"
    assert rows["Suicide when police arrived"] == "self/false"
    assert rows["Fled the scene"] == "none/true"
    assert rows["?"] == "unknown/null"


def test_header_row_is_found_by_content() -> None:
    grid = pl.DataFrame({"a": ["Summary", None, "2019", "Incident Name", "X"],
                         "b": [None, None, "3", "Date", "2019-01-01"]})
    assert find_header_row(grid, "Incident Name") == 3
    with pytest.raises(ValueError, match="no header row"):
        find_header_row(grid, "Nope")
