"""The details the sources publish beyond the incident itself: the school (level, public or
private, NCES id, enrollment, free-lunch count, locale), the census tract, the K-12 SSDB's
own flags (reliability rating, FBI active shooting, officer involved), security guards
among ALERRT's casualties, the FBI tabulation's verification links, the attacker's case
and sentence, and the victims' race.

Each expectation was read by hand off the raw row, quoted here, and checked against the
published warehouse.
"""

from __future__ import annotations

import pytest


def one(warehouse, sql: str, *params) -> tuple:
    rows = warehouse.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


SCHOOL = ("SELECT school_type, school_nces_id, school_enrollment, school_free_lunch, "
          "school_locale_raw, school_locale FROM source_records "
          "WHERE source = 'wapo' AND source_record_id = ?")


@pytest.mark.parametrize(("uid", "expected"), [
    # school-shootings-data.csv row 1, uid 1, Columbine High School:
    # school_type "public", nces_school_id "080480000707", enrollment "1965", lunch "41",
    # ulocale "21" ("Suburb, Large" in record_layout.csv)
    ("1", ("public", "080480000707", 1965, 41, "21", "suburb")),
    # uid 327, Robb Elementary School: "public", "484372004970", "538", "438", ulocale "33"
    # ("Town, Remote")
    ("327", ("public", "484372004970", 538, 438, "33", "town")),
])
def test_wapo_school_as_published(warehouse, uid: str, expected: tuple) -> None:
    assert one(warehouse, SCHOOL, uid) == expected


def test_wapo_school_coverage(warehouse) -> None:
    """401 public and 27 private schools; NCES reports free lunch for public schools
    only, so no private school has it; every record has an enrollment (91 of them written
    with a thousands separator, "1,965")."""
    rows = warehouse.execute(
        "SELECT school_type, count(*), count(school_enrollment), count(school_free_lunch) "
        "FROM source_records WHERE source = 'wapo' GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("private", 27, 27, 0), ("public", 401, 401, 371)]


@pytest.mark.parametrize(("record", "expected"), [
    # INCIDENT 20220524TXROU (Robb Elementary): School_Level "Elementary", Reliability 4,
    # Active_Shooter_FBI "Yes", Officer_Involved "No"
    ("20220524TXROU", ("Elementary", "elementary", 4, "Yes", True, "No", False)),
    # INCIDENT 20180214FLMAP (Marjory Stoneman Douglas): "High", 4, "Yes", "No"
    ("20180214FLMAP", ("High", "high", 4, "Yes", True, "No", False)),
])
def test_k12ssdb_incident_flags(warehouse, record: str, expected: tuple) -> None:
    assert one(warehouse, (
        "SELECT school_level_raw, school_level, source_reliability, fbi_active_shooter_raw, "
        "fbi_active_shooter, officer_involved_raw, officer_involved FROM source_records "
        "WHERE source = 'k12ssdb' AND source_record_id = ?"), record) == expected


def test_k12ssdb_junior_high_is_middle_school(warehouse) -> None:
    """'Junior High' (66 incidents) and 'Middle' (205) are both middle schools; 'N/A'-like
    blanks and 'null' (24) are unpublished, 'Unknown' (6) is stated as unknown."""
    rows = dict(warehouse.execute(
        "SELECT school_level_raw, count(*) FILTER (school_level = 'middle') FROM "
        "source_records WHERE source = 'k12ssdb' AND school_level_raw IN "
        "('Junior High', 'Middle') GROUP BY 1").fetchall())
    assert rows == {"Junior High": 66, "Middle": 205}
    assert one(warehouse, "SELECT count(*) FROM source_records WHERE source = 'k12ssdb' "
               "AND school_level = 'unknown'") == (6,)


def test_alerrt_school_level_and_guards(warehouse) -> None:
    # aa_data_wide_nogeo_2024.csv, case_code 185 (LAX, 2013-11-01): kill_tot "1",
    # kill_guard_tot "1", wound_guard_tot "2"; case_code 15 (Sacramento, 2001-09-09):
    # kill_tot "4", kill_guard_tot "3"
    assert one(warehouse, "SELECT killed, guards_killed, guards_injured FROM source_records "
               "WHERE source = 'alerrt' AND source_record_id = '185'") == (1, 1, 2)
    assert one(warehouse, "SELECT killed, guards_killed FROM source_records "
               "WHERE source = 'alerrt' AND source_record_id = '15'") == (4, 3)
    # school_level "university" (22) and "community college" (4) are both college
    assert one(warehouse, "SELECT count(*) FROM source_records WHERE source = 'alerrt' "
               "AND school_level = 'college'") == (26,)


def test_fbi_verification_links(warehouse) -> None:
    """FBI_-_Active_Shooter_Incidents_2021.xlsx, "Old Town Arvada, Arvada, CO": three
    addresses in "News Article to Verify Ambiguity" and the unnamed columns after it."""
    (links,) = one(warehouse, "SELECT source_links FROM source_records WHERE source = 'fbi' "
                   "AND incident_name = 'Old Town Arvada, Arvada, CO'")
    assert links == [
        "https://www.cpr.org/2022/06/22/olde-town-arvada-shooting-johnny-hurley/",
        "https://www.cpr.org/2021/11/08/olde-town-arvada-police-shooting-no-charges/",
        "https://www.5280.com/why-was-a-man-who-stopped-a-mass-shooting-shot-and-killed-by-"
        "arvada-police/",
    ]
    # quoted excerpts in those columns are not links
    assert one(warehouse, "SELECT count(*) FROM (SELECT unnest(source_links) AS link FROM "
               "source_records WHERE source = 'fbi') WHERE link NOT LIKE 'http%'") == (0,)
    assert one(warehouse, "SELECT count(*) FROM source_records WHERE source <> 'fbi' "
               "AND source_links <> []") == (0,)


def test_ap_case_sentence_and_tract(warehouse) -> None:
    # mass_killing_offenders_public.csv, incident 396 (El Paso, 2019-08-03):
    # criminal_justice_process "Plea", sentence_type "Life sentence",
    # sentence_details "90 consecutive life sentences"
    assert one(warehouse, (
        "SELECT justice_process_raw, sentence_raw, sentence_detail FROM attackers "
        "WHERE source = 'ap_usat_nu' AND source_record_id = '396'")) == (
        "Plea", "Life sentence", "90 consecutive life sentences")
    # incident 353 (Parkland, 2018-02-14): the source contradicts itself, outcome "Life
    # without parole" but sentence_type "Life sentence with parole"; both are kept as
    # written, side by side
    assert one(warehouse, (
        "SELECT outcome_raw, sentence_raw FROM attackers "
        "WHERE source = 'ap_usat_nu' AND source_record_id = '353'")) == (
        "Life without parole", "Life sentence with parole")
    # mass_killing_incidents_public.csv, incident 353: census_tract_geoid "12011010601"
    assert one(warehouse, "SELECT census_tract FROM source_records "
               "WHERE source = 'ap_usat_nu' AND source_record_id = '353'") == ("12011010601",)


def test_k12ssdb_charges_and_verdict_verbatim(warehouse) -> None:
    # SHOOTER, incident 20180122TXITI: chargesfiled "one count of attempted capital murder
    # and two counts of aggravated assault", verdict "Guilty, 40 years"
    assert one(warehouse, (
        "SELECT charges_raw, verdict_raw FROM attackers WHERE source = 'k12ssdb' "
        "AND source_record_id = '20180122TXITI'")) == (
        "one count of attempted capital murder and two counts of aggravated assault",
        "Guilty, 40 years")


def test_victims_race(warehouse) -> None:
    # mass_killing_victims_public.csv, incident 353: the first victims' race "White",
    # "White", "Hispanic/Latino"
    rows = warehouse.execute(
        "SELECT race_raw, race FROM victims WHERE source = 'ap_usat_nu' "
        "AND source_record_id = '353' ORDER BY victim_no LIMIT 3").fetchall()
    assert rows == [("White", "white"), ("White", "white"), ("Hispanic/Latino", "hispanic")]
    # AP publishes race for 2,789 of its 3,174 victims (385 blank)
    assert one(warehouse, "SELECT count(*), count(race) FROM victims "
               "WHERE source = 'ap_usat_nu'") == (3174, 2789)
