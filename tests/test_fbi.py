"""FBI active shooter incidents, checked against the FBI's own published figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.normalize.parsing import find_header_row
from pipelines.paths import read_sql

from .conftest import normalize_shipped, shipped_snapshots


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


def test_bracketed_remark_after_the_names_is_no_shooter(fbi) -> None:
    """Shooter Name "[...] & [...] (Husband & Wife)" with Gender "MALE & FEMALE", Age
    "31 & 22" / "28 & 29": two shooters (the bracket's " & " once made a third)."""
    couples = fbi.filter(pl.col("incident_name").is_in(
        ["Cici's Pizza and Walmart", "Inland Regional Center"]))
    assert couples.select("incident_date", "attackers").sort("incident_date").rows() == [
        (date(2014, 6, 8), 2), (date(2015, 12, 2), 2)]


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
            "SELECT incident_date::VARCHAR, state, killed, injured, end_method "
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
    # An off-duty officer on the scene is not police arriving: it ended before police came.
    assert rows["Shot by off-duty police (Killed)"] == "off_duty_police/true"


# --- Terminating Event read as a whole chain (issue "Record fidelity") ---------------

@pytest.fixture(scope="module")
def fbi() -> pl.DataFrame:
    """The FBI's source_records from the shipped files (normalizer only)."""
    return normalize_shipped("fbi")["source_records"]


def outcome(records: pl.DataFrame, raw: str) -> set[tuple]:
    """(end_method, stopped_by, attacker_fate, ended_before_police) of every record whose
    Terminating Event is ``raw``."""
    rows = records.filter(pl.col("attacker_outcome_raw") == raw)
    assert rows.height, raw
    return set(rows.select("end_method", "stopped_by", "attacker_fate",
                           "ended_before_police").rows())


def test_sutherland_springs_reads_the_whole_chain(fbi) -> None:
    """Shot by a civilian, who survived it, then suicide before police came: the civilian
    stopped him (shot), and he died (the old mapping kept only "subdued_by_civilian")."""
    raw = "Shot by civilan (survived); committed suicide before police arrived"
    row = fbi.filter(pl.col("attacker_outcome_raw") == raw).row(0, named=True)
    assert (row["incident_date"].isoformat(), row["state"]) == ("2017-11-05", "TX")
    assert (row["end_method"], row["stopped_by"], row["attacker_fate"],
            row["attacker_fate_basis"], row["ended_before_police"]) == (
        "shot", "civilian", "died", "stated", True)


def test_freeman_high_school_phrase_is_not_split_on_ampersand(fbi) -> None:
    """" & " joins shooters only when there are several: Freeman High School 2017 has one
    shooter, and "Verbal & Physical intervention by civilian" is one phrase."""
    row = fbi.filter(pl.col("attacker_outcome_raw")
                     == "Verbal & Physical intervention by civilian").row(0, named=True)
    assert "Freeman High School" in row["incident_name"]
    assert row["attackers"] == 1
    assert (row["end_method"], row["stopped_by"], row["attacker_fate"],
            row["ended_before_police"]) == ("subdued", "civilian", "survived", True)
    assert outcome(fbi, "Physical intervention by civilian & off-duty police") == {
        ("subdued", "civilian", "survived", True)}


def test_fled_then_suicide_is_fled_and_died(fbi) -> None:
    assert outcome(fbi, "Fled the scene; Committed Suicide") == {("fled", "none", "died", True)}
    assert outcome(fbi, "Fled the scene; Shot by police (Killed)") == {
        ("fled", "none", "died", True)}
    assert outcome(fbi, "Fled the scene; Surrendered when caught") == {
        ("fled", "none", "survived", True)}
    # a missed shot did not end anything: the attacker fled
    assert outcome(fbi, "Shot at by Civilian (Missed); Fled the scene") == {
        ("fled", "none", "survived", True)}
    # talked to, then suicide: the suicide ended it
    assert outcome(fbi, "Verbal intervention by civilian; Suicide before police arrived") == {
        ("suicide", "self", "died", True)}


def test_off_duty_police_are_not_civilians_nor_arriving_police(fbi) -> None:
    assert outcome(fbi, "Shot by off-duty police (Killed)") == {
        ("shot", "off_duty_police", "died", True)}
    assert fbi.filter(pl.col("stopped_by") == "off_duty_police").height == 3


def test_several_shooters_fate_over_all_of_them(fbi) -> None:
    """ALL shooters' fates: "Escaped (Arrested Later) & Escaped (Never Caught) & ..."
    is not "survived" (two were never caught); killed & suicide is died."""
    assert outcome(fbi, "Shot by police (Killed) & Suicide after engaging police") == {
        ("shot", "police", "died", False)}
    fled3 = fbi.filter(pl.col("attacker_outcome_raw")
                       == "Fled the scene & Fled the scene & Fled the scene")
    # "Escaped (Arrested Later) & Escaped (Never Caught) & Escaped (Never Caught)": all
    # left alive, two by the FBI's "never caught" (basis derived, see below)
    assert sorted(fled3.select("attacker_fate", "attacker_fate_basis").rows()) == [
        ("survived", "derived"), ("survived", "stated"), ("survived", "stated")]


def test_never_caught_is_survived_derived(fbi) -> None:
    """Shooter's Fate "Escaped (Never Caught)" (Epic Ultra Lounge 2020, Terminating Event
    "Fled the scene"): he left alive, and the FBI, which writes "Escaped (Suicide Later)"
    or "(Killed Later)" for later deaths, gives none: survived, derived, said so."""
    row = fbi.filter(pl.col("incident_name") == "Epic Ultra Lounge").row(0, named=True)
    assert (row["end_method"], row["attacker_fate"], row["attacker_fate_basis"]) == (
        "fled", "survived", "derived")
    assert row["derivations"] == [
        'attacker_fate: survived, implied by Shooter\'s Fate "Escaped (Never Caught)"']
    derived = fbi.filter(pl.col("attacker_fate_basis") == "derived")
    assert derived.height == 14  # 13 single shooters + one of three never caught


def test_step_after_an_attempted_suicide_does_not_tell_when_police_came(fbi) -> None:
    """"Attempted Suicide (Survived); Surrendered to Police" (Tulsa 2023): the attempt
    ended the attack; the surrender says police came, not whether they were there when
    he shot himself: ended_before_police NULL (it was FALSE from the later step)."""
    assert outcome(fbi, "Attempted Suicide (Survived); Surrendered to Police") == {
        ("attempted_suicide", "self", "survived", None)}


def _fbi_steps() -> tuple[list[str], list[tuple]]:
    """Every distinct Terminating Event in the shipped files, and every step of them
    that matches no phrase of fbi_event_phrases (run on fbi.sql's own views)."""
    from pipelines.sources import fbi as module

    parsed = module.parse({k: Path(s.path) for k, s in shipped_snapshots("fbi").items()})
    con = duckdb.connect()
    for name, frame in parsed.frames.items():
        con.register(name, frame)
    con.execute(read_sql("sources/fbi.sql"))
    events = [r[0] for r in con.execute(
        "SELECT DISTINCT terminating_event FROM fbi ORDER BY 1").fetchall()]
    unmatched = con.execute(
        "SELECT DISTINCT step FROM fbi_steps WHERE role IS NULL ORDER BY 1").fetchall()
    return events, unmatched


def test_every_terminating_event_maps_to_stated_values(fbi) -> None:
    """No step of any shipped Terminating Event is left unmatched (silently unknown), and
    every event says how, who and the fate except "?" and "Unclear"."""
    events, unmatched = _fbi_steps()
    assert len(events) == 56
    assert unmatched == []
    mapped = {r[0]: r[1:] for r in fbi.group_by("attacker_outcome_raw").agg(
        (pl.col("end_method") == "unknown").any(), (pl.col("stopped_by") == "unknown").any(),
        (pl.col("attacker_fate") == "unknown").all()).rows()}
    assert set(mapped) == set(events)
    unclear = {e for e, (how, who, _) in mapped.items() if how or who}
    assert unclear == {"?", "Unclear"}
    # a fate is known (from the chain or Shooter's Fate) except where no shooter's is
    no_fate = {e for e, (*_, fate) in mapped.items() if fate}
    assert no_fate == set()
    # the 14 records left unknown by "Escaped (Never Caught)" now derive survived
    assert fbi.filter(pl.col("attacker_fate") == "unknown").height == 0


def test_header_row_is_found_by_content() -> None:
    grid = pl.DataFrame({"a": ["Summary", None, "2019", "Incident Name", "X"],
                         "b": [None, None, "3", "Date", "2019-01-01"]})
    assert find_header_row(grid, "Incident Name") == 3
    with pytest.raises(ValueError, match="no header row"):
        find_header_row(grid, "Nope")


@pytest.mark.parametrize(
    ("name", "city", "county"),
    [
        # The FBI's form from 2021 on: venue, city, state code or name.
        ("Oxford High School, Oxford, MI", "Oxford", None),
        ("University of Nevada, Las Vegas (UNLV), Las Vegas, Nevada", "Las Vegas", None),
        ("Walmart Supercenter #2124, Beavercreek, Ohio", "Beavercreek", None),
        ("Multiple Locations, New York, New York", "New York", None),
        ("Edmund Burke School, Washington, D.C.", "Washington", None),
        ("Washington, D.C. Department of Public Works", "Washington", None),
        # Earlier names that state a place after "in" / "near" / "of".
        ("Multiple Locations in Kalamazoo, Michigan", "Kalamazoo", None),
        ("Highway 365 Near Whitehall Road in Gainesville, Georgia", "Gainesville", None),
        ("Streets of Tulsa, Oklahoma", "Tulsa", None),
        ("Copley Township Neighborhood, Ohio", "Copley Township", None),
        # Several places, several states.
        ("Multiple Locations in Midland and Odessa, Texas", "Midland; Odessa", None),
        ("Multiple Locations in Ladera Ranch, Tustin, and Santa Ana, California",
         "Ladera Ranch; Tustin; Santa Ana", None),
        ("Brady, Texas and Jacksonville, North Carolina", "Brady; Jacksonville", None),
        ("Various locations, Phenix City, AL and Columbus, GA", "Phenix City; Columbus", None),
        ("Multiple Locations in Henderson, Nevada, and Parker, Arizona", "Henderson; Parker",
         None),
        ("Various locations; Richmond County, Wrens, GA; and Graniteville, SC",
         "Wrens; Graniteville", None),
        ("Excel Industries and Newton and Hesston, Kansas", "Newton; Hesston", None),
        # Counties are counties, not cities.
        ("Highways 101 and 146, Monterey County, California", None, "Monterey County"),
        ("Coffee and Geneva Counties, Alabama", None, "Coffee and Geneva Counties"),
        # No place stated, or none that is a city: NULL, nothing guessed.
        ("Santana High School", None, None),
        ("Edgewater Technology, Inc.", None, None),
        ("Shelby Center, University of Alabama", None, None),
        ("Trestle Trail Bridge, Wisconsin", None, None),
        ("Various Locations, Interstate 85, AL/GA", None, None),
        ("North Milwaukee Avenue, Chicago", None, None),  # no state: not read
        ("Marathon Savings Bank and Tlusty, Kennedy & Dirks, S.C.", None, None),
        ("Multiple Locations in Delaware and Maryland", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_place_parsed_from_incident_name(name, city, county) -> None:
    from pipelines.sources.fbi import places_from_name

    got = places_from_name(pl.Series([name], dtype=pl.String)).row(0)
    assert got == (city, county)


def test_city_from_name_is_marked_derived(warehouse) -> None:
    rows = dict(
        (n, (c, k, d)) for n, c, k, d in warehouse.execute(
            "SELECT incident_name, city, county, derivations FROM source_records "
            "WHERE source = 'fbi'").fetchall()
    )
    assert rows["Oxford High School, Oxford, MI"] == (
        "Oxford", None, ["city: from the incident name"])
    assert rows["Robb Elementary School, Uvalde, TX"][0] == "Uvalde"
    assert rows["Mt. Zion Church, Scott County, MS"] == (
        None, "Scott County", ["county: from the incident name"])
    assert rows["Santana High School"] == (None, None, [])  # 2001: no place in the name
    n_city, n_2021_on, n_2021_city = warehouse.execute(
        "SELECT count(city), count(*) FILTER (year(incident_date) >= 2021), "
        "count(city) FILTER (year(incident_date) >= 2021) FROM source_records "
        "WHERE source = 'fbi'").fetchone()
    assert n_city == 216
    # From 2021 every name states its city but four: three name a county ("Mt. Zion
    # Church, Scott County, MS") and one a road ("Various Locations, Interstate 85, AL/GA").
    assert n_2021_city == n_2021_on - 4
    stray = warehouse.execute(
        "SELECT count(*) FROM source_records WHERE source = 'fbi' AND city IS NOT NULL "
        "AND NOT list_contains(derivations, 'city: from the incident name')").fetchone()[0]
    assert stray == 0
