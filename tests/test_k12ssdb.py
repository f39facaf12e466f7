"""K-12 School Shooting Database (CHDS, 2022 release), on the shipped workbook and on
small hand-made frames for each quirk."""

from __future__ import annotations

import time
from datetime import date
from datetime import time as tod
from pathlib import Path

import polars as pl
import pytest

from pipelines.normalize.parsing import STATE_CODES
from pipelines.sources import k12ssdb
from tests.conftest import normalize_shipped, shipped_snapshots


@pytest.fixture(scope="module")
def ssdb() -> dict[str, pl.DataFrame]:
    return normalize_shipped("k12ssdb")


@pytest.fixture(scope="module")
def workbook() -> Path:
    return Path(shipped_snapshots("k12ssdb")["workbook"].path)


@pytest.fixture(scope="module")
def sheets(workbook) -> dict[str, pl.DataFrame]:
    return k12ssdb.read_workbook(workbook)


def _records(ssdb) -> dict[str, dict]:
    return {r["source_record_id"]: r for r in ssdb["source_records"].iter_rows(named=True)}


def _incident_frame(**columns: list[str]) -> pl.DataFrame:
    """A tiny INCIDENT sheet: the required columns, text as read, plus ``columns``."""
    n = len(next(iter(columns.values())))
    base = {c: [""] * n for c in k12ssdb.COLUMNS["INCIDENT"]}
    base["Incident_ID"] = [f"2020010{i}XXABC" for i in range(1, n + 1)]
    base["Date"] = ["2020-01-01"] * n
    base["State"] = ["TX"] * n
    return pl.DataFrame(base | columns)


def test_2067_incidents_and_every_child_row_kept(ssdb, sheets) -> None:
    records = ssdb["source_records"]
    assert records.height == 2067  # one row per INCIDENT row, the duplicate id kept
    assert records["source_record_id"].n_unique() == 2067
    assert (records["incident_date"].min(), records["incident_date"].max()) == (
        date(1970, 1, 5), date(2022, 6, 10))
    assert ssdb["attackers"].height == sheets["SHOOTER"].height == 2291
    # every VICTIM row but the reviewed one that is a shooter (20190610ILMEW)
    assert ssdb["victims"].height == sheets["VICTIM"].height - 1 == 3095
    assert ssdb["weapons"].height == sheets["WEAPON"].height == 2069
    # no SHOOTER/VICTIM/WEAPON row names a missing incident in this release
    assert ssdb["rejects"].filter(pl.col("reason") == "no such incident").height == 0


def test_killed_and_injured_sum_to_the_victim_sheet(ssdb, sheets) -> None:
    injuries = dict(sheets["VICTIM"].group_by("injury").len().iter_rows())
    assert injuries == {"Fatal": 684, "Wounded": 1837, "Minor Injuries": 94, "None": 481}
    records = ssdb["source_records"]
    assert records["killed"].sum() == injuries["Fatal"] == 684
    # Minor Injuries (mostly BB/pellet hits and grazes) count as injured; the one
    # Wounded row that is a shooter (20190610ILMEW) does not
    assert records["injured"].sum() == injuries["Wounded"] + injuries["Minor Injuries"] - 1 \
        == 1930


def test_counts_per_incident_match_the_victim_sheet(ssdb, sheets) -> None:
    expected = sheets["VICTIM"].group_by("incidentid").agg(
        (pl.col("injury") == "Fatal").sum().cast(pl.Int32).alias("k"),
        pl.col("injury").is_in(["Wounded", "Minor Injuries"]).sum().cast(pl.Int32).alias("i"),
    )
    got = ssdb["source_records"].join(expected, left_on="source_record_id",
                                      right_on="incidentid", how="left")
    with_rows = got.filter(pl.col("k").is_not_null())
    assert with_rows.height == 1867
    differ = with_rows.filter((pl.col("killed") != pl.col("k"))
                              | (pl.col("injured") != pl.col("i")))
    assert differ.select("source_record_id", "killed", "k", "injured", "i").rows() == [
        ("20190610ILMEW", 0, 0, 0, 1)]  # the reviewed VICTIM row that is a shooter
    # incidents without VICTIM rows: no one but the shooter was hit -> 0 and 0;
    # the later copy of the duplicated id gets NULL (its victims sit on the first)
    without = got.filter(pl.col("k").is_null())
    assert without.height == 200  # 199 ids without VICTIM rows + "20210902CASAL#2"
    assert without.filter(pl.col("killed").is_null())["source_record_id"].to_list() == [
        "20210902CASAL#2"]
    assert without.filter((pl.col("killed") != 0) | (pl.col("injured") != 0)).height == 0


def test_no_victim_rows_means_no_one_hit(ssdb, sheets) -> None:
    summaries = dict(sheets["INCIDENT"].select("Incident_ID", "Summary").iter_rows())
    rec = _records(ssdb)
    for incident_id, words in [("20220203NCSPS", "Bullet struck window of occupied school bus"),
                               ("20211110NYITI", "driver not injured"),
                               ("20210915ILCEC", "no injuries"),
                               ("20220225ALSOH", "shot themselves")]:
        assert words in summaries[incident_id]
        assert (rec[incident_id]["killed"], rec[incident_id]["injured"]) == (0, 0)


def test_famous_incidents(ssdb) -> None:
    rec = _records(ssdb)

    def row(incident_id: str) -> tuple:
        r = rec[incident_id]
        return (r["incident_date"].isoformat(), r["city"], r["state"], r["killed"],
                r["injured"], r["end_method"], r["stopped_by"])

    # Sandy Hook: 26 killed at the school (public figure; the mother died at home);
    # the 2 wounded are not in the VICTIM sheet.
    assert row("20121214CTSAN") == ("2012-12-14", "Newtown", "CT", 26, 0, "suicide", "self")
    # Parkland: 17 killed, 17 wounded, as publicly reported; arrested after fleeing.
    assert row("20180214FLMAP") == ("2018-02-14", "Parkland", "FL", 17, 17, "fled", "none")
    # Santa Fe HS: 10 killed, 13 wounded (public figures); "barricaded in classroom for
    # approximately 30 minutes before surrendering to police" (stopped_by derived).
    assert row("20180518TXSAS") == ("2018-05-18", "Santa Fe", "TX", 10, 13, "surrendered",
                                    "police")
    # Uvalde: 21 were killed (19 students, 2 teachers); the VICTIM sheet has 18
    # students + 2 teachers Fatal, and 19 Wounded (public reports say 17).
    assert row("20220524TXROU") == ("2022-05-24", "Uvalde", "TX", 20, 19, "shot", "police")
    assert rec["20220524TXROU"]["attacker_fate"] == "died"  # shooterdied Yes
    assert rec["20220524TXROU"]["ended_before_police"] is None  # the SSDB cannot tell
    # Columbine: 13 killed, 24 injured; two shooters, both suicides.
    assert row("19990420COCOL") == ("1999-04-20", "Littleton", "CO", 13, 24, "suicide", "self")
    assert rec["19990420COCOL"]["attackers"] == 2
    assert rec["20121214CTSAN"]["start_time"] == tod(9, 35)
    assert rec["20220524TXROU"]["start_time"] == tod(11, 30)  # "11:30:00" in the sheet


def test_duplicate_id_kept_twice_and_children_on_the_first(ssdb) -> None:
    rec = _records(ssdb)
    first, second = rec["20210902CASAL"], rec["20210902CASAL#2"]
    assert (first["source_row"], second["source_row"]) == (1792, 1814)
    assert first["quality_flags"] == second["quality_flags"] == ["duplicate_id_in_source"]
    assert (first["killed"], first["injured"], first["attackers"]) == (0, 3, 1)
    assert (second["killed"], second["injured"], second["attackers"]) == (None, None, None)
    assert ssdb["weapons"].filter(pl.col("source_record_id") == "20210902CASAL").height == 2
    assert ssdb["victims"].filter(pl.col("source_record_id").str.contains("#")).height == 0


def test_barstow_twins_left_as_the_source_has_them(ssdb) -> None:
    rec = _records(ssdb)
    twin, real = rec["19700226CABAB"], rec["19790226CABAB"]
    # both dated 1979-02-26 from `Date` (never from the id); the 1970 id has no child rows
    assert twin["incident_date"] == real["incident_date"] == date(1979, 2, 26)
    assert (real["killed"], real["injured"], real["attackers"]) == (0, 3, 1)
    assert (twin["killed"], twin["injured"], twin["attackers"]) == (0, 0, None)


def test_dates_come_from_the_date_column_not_the_id(ssdb) -> None:
    records = ssdb["source_records"].filter(~pl.col("source_record_id").str.contains("#"))
    differ = records.filter(pl.col("incident_date").dt.strftime("%Y%m%d")
                            != pl.col("source_record_id").str.slice(0, 8))
    assert differ.height == 13
    assert _records(ssdb)["20190918MNFOC"]["incident_date"] == date(2019, 10, 18)


def test_states_are_usps_codes(ssdb) -> None:
    records = ssdb["source_records"]
    assert records["state"].null_count() == 0
    assert set(records["state"]) <= set(STATE_CODES.values())
    assert (records["state"] == records["state_raw"]).all()  # already 2-letter codes
    assert records.filter(pl.col("state") == "VI").height == 1


def test_outcomes_follow_the_first_shooter(ssdb) -> None:
    records = ssdb["source_records"]
    pairs = dict(records.group_by("attacker_outcome_raw").agg(
        pl.format("{}/{}", "end_method", "stopped_by").unique().sort()).iter_rows())
    assert pairs["Fled/Escaped"] == ["fled/none"]
    assert pairs["Fled/Apprehended"] == ["fled/none"]
    assert pairs["Subdued by Students/Staff/Other"] == ["subdued/civilian"]
    assert pairs["Apprehended/Killed by SRO"] == ["apprehended/police"]
    assert pairs["Apprehended/Killed by LE"] == ["apprehended/police", "shot/police"]
    assert pairs["Apprehended/Killed by Other"] == ["shot/civilian", "subdued/civilian"]
    assert pairs["Attempted Suicide"] == ["attempted_suicide/self"]
    # "Suicide" by a shooter who did not die (shooterdied No) is an attempt
    assert pairs["Suicide"] == ["attempted_suicide/self", "suicide/self"]
    assert pairs["Law Enforcement"] == ["unknown/unknown"]
    # 19860516WYCOC: first shooter Suicide, second Apprehended/Killed by LE (survived):
    # how is the first shooter's, the fate is over both
    first = _records(ssdb)["19860516WYCOC"]
    assert (first["end_method"], first["attacker_fate"]) == ("suicide", "mixed")
    fates = dict(records.group_by("attacker_fate").len().iter_rows())
    assert fates == {"survived": 1832, "died": 213, "mixed": 7, "unknown": 15}
    before = dict(records.group_by("ended_before_police").len().iter_rows())
    # police arrival is not a field: only narratives that tell it set it
    assert before == {None: 2046, True: 17, False: 4}


def test_location_type_is_education_except_off_school_property(ssdb) -> None:
    counts = dict(ssdb["source_records"].group_by("location_type").len().iter_rows())
    assert counts == {"education": 2008, "unknown": 59}
    off = ssdb["source_records"].filter(pl.col("location_type") == "unknown")
    assert set(off["location_type_raw"]) == {"Off School Property"}


def test_weapon_types_and_helper_columns_ignored(ssdb) -> None:
    counts = dict(ssdb["weapons"].group_by("weapon_type").len().iter_rows())
    # Handgun 1403 + Multiple Handguns 40; Rifle 107 + Multiple Rifles 7; Other 95 of
    # which one submachine gun; No Data 230 + Unknown 24 + Multiple Unknown 26 + blank 70
    assert counts == {"handgun": 1443, "rifle": 114, "shotgun": 67, "other": 94,
                      "other_firearm": 1, "unknown": 350}
    assert ssdb["weapons"]["weapon_raw"].drop_nulls().is_in(
        ["Handgun", "Multiple Handguns", "Rifle", "Multiple Rifles", "Shotgun", "Other",
         "No Data", "Unknown", "Multiple Unknown"]).all()
    multiple = ssdb["weapons"].filter(pl.col("weapon_raw").str.starts_with("Multiple"))
    assert multiple["count"].null_count() == multiple.height == 73


def test_rejects_are_the_unparseable_values(ssdb) -> None:
    rejects = ssdb["rejects"].sort("field", "source_row")
    assert rejects.select("field", "raw_value").rows() == [
        ("SHOOTER.gender", "Multiple"), ("SHOOTER.gender", "Multiple"),
        ("VICTIM.age", "Officer"),
    ]
    # First_Shot "930am" (Dickinson Middle School, South Bend, 1994) is 9:30, not a reject
    dickinson = _records(ssdb)["19940420INDIS"]
    assert (dickinson["start_time"], dickinson["start_time_precision"]) == (tod(9, 30),
                                                                           "minute")
    assert "value_rejected" not in dickinson["quality_flags"]
    # age groups are not rejected but stored as NULL; numeric ages are kept
    # Teen 535 + Adult 281 + Child 215 + blank 282 + "Officer" 1
    assert ssdb["victims"]["age"].null_count() == 1314
    assert ssdb["attackers"]["age"].drop_nulls().min() >= 0


def test_first_shot_mixed_formats() -> None:
    frame = _incident_frame(First_Shot=["9:00 PM", "16:00:00", "null", "", "12:05 AM",
                                        "930am", "7:45 am", "1230pm", "9am", "4:00",
                                        "1330pm", "noon"])
    staged, rejects = k12ssdb.incidents(frame, "t.xlsx")
    assert staged["start_time"].to_list() == [tod(21, 0), tod(16, 0), None, None, tod(0, 5),
                                              tod(9, 30), tod(7, 45), tod(12, 30), tod(9, 0),
                                              None, None, None]
    assert staged["start_time_precision"].to_list() == [
        "minute", "minute", None, None, "minute", "minute", "minute", "minute", "hour",
        None, None, None]
    # "4:00" (morning or afternoon?), "1330pm" (no 13 o'clock PM) and "noon" are rejected
    assert rejects.select("field", "source_row", "raw_value").rows() == [
        ("INCIDENT.First_Shot", 10, "4:00"), ("INCIDENT.First_Shot", 11, "1330pm"),
        ("INCIDENT.First_Shot", 12, "noon")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("930am", (tod(9, 30), "minute")),
        ("9:30 p.m.", (tod(21, 30), "minute")),
        ("12am", (tod(0, 0), "hour")),
        ("12:15 PM", (tod(12, 15), "minute")),
        ("08:43:00", (tod(8, 43), "minute")),
        ("9:75 AM", (None, None)),
        ("0am", (None, None)),
        ("25:00:00", (None, None)),
        ("16:05", (tod(16, 5), "minute")),
        ("10:15", (None, None)),  # morning or evening?
    ],
)
def test_clock_time_reads_every_unambiguous_form(raw, expected) -> None:
    from pipelines.normalize.parsing import clock_time

    time, precision = clock_time("t")
    assert pl.DataFrame({"t": [raw]}).select(time, precision).row(0) == expected


def test_raw_casualty_figures_are_the_victim_rows_counted(ssdb) -> None:
    rec = _records(ssdb)
    assert (rec["20180518TXSAS"]["killed_raw"], rec["20180518TXSAS"]["injured_raw"]) == (
        "VICTIM rows with injury Fatal: 10", "VICTIM rows with injury Wounded: 13, "
        "Minor Injuries: 0")
    assert rec["20210902CASAL#2"]["killed_raw"] is None  # its rows attach to the first
    assert ssdb["source_records"]["killed_raw"].null_count() == 1
    off = ssdb["source_records"].filter(pl.col("location_type") == "unknown")
    assert set(off["location_type_raw"]) == {"Off School Property"}
    assert off["location_type_basis"].null_count() == off.height == 59


def test_duration_min_read_when_the_release_has_it() -> None:
    with_it = _incident_frame(Duration_min=["12", "3.5", "", "null", "about 5"])
    staged, rejects = k12ssdb.incidents(with_it, "t.xlsx")
    assert staged["duration_min"].to_list() == [12.0, 3.5, None, None, None]
    assert rejects.select("field", "raw_value").rows() == [("INCIDENT.Duration_min", "about 5")]
    without, rejects = k12ssdb.incidents(_incident_frame(School=["A", "B"]), "t.xlsx")
    assert without["duration_min"].to_list() == [None, None]
    assert rejects.height == 0


def test_duration_min_is_null_in_the_2022_release(ssdb, sheets) -> None:
    assert "Duration_min" not in sheets["INCIDENT"].columns
    assert ssdb["source_records"]["duration_min"].null_count() == 2067


def test_duplicate_id_gets_a_suffix_and_dates_ignore_the_id() -> None:
    frame = _incident_frame(
        Incident_ID=["20210902CASAL", "19700226CABAB", "20210902CASAL"],
        Date=["2021-09-02", "1979-02-26 00:00:00", "2021-09-02"],
        Officer_Involved=["No", " No", "Yes"],
    )
    staged, _ = k12ssdb.incidents(frame, "t.xlsx")
    assert staged["source_record_id"].to_list() == ["20210902CASAL", "19700226CABAB",
                                                    "20210902CASAL#2"]
    assert staged["duplicate_id"].to_list() == [True, False, True]
    assert staged["incident_date"].to_list() == [date(2021, 9, 2), date(1979, 2, 26),
                                                 date(2021, 9, 2)]
    assert staged["officer_involved"].to_list() == ["No", "No", "Yes"]


def test_child_rows_of_unknown_incidents_are_rejected_not_dropped() -> None:
    victims = pl.DataFrame({"incidentid": ["A1", "ZZ", "A1", "", "A2"],
                            "injury": ["Fatal", "Wounded", "Wounded", "Fatal", "None"],
                            "age": ["Teen", "17", "x", "", "40"],
                            "gender": ["Male", "", "Female", "", "Male"]})
    attached, orphans = k12ssdb.attach(victims, "VICTIM", "t.xlsx", pl.Series(["A1", "A2"]))
    assert attached.select("source_record_id", "item_no", "source_row").rows() == [
        ("A1", 1, 1), ("A1", 2, 3), ("A2", 1, 5)]
    assert orphans.select("source_row", "field", "raw_value", "reason").rows() == [
        (2, "VICTIM.incidentid", "ZZ", "no such incident"),
        (4, "VICTIM.incidentid", "", "no such incident"),
    ]
    people = k12ssdb._person(attached)
    assert people["age_years"].to_list() == [None, None, 40]
    assert people["age_check"].to_list() == [None, "x", "40"]  # "Teen" is an age group


def test_reading_the_workbook_is_fast(workbook) -> None:
    start = time.perf_counter()
    k12ssdb.read_workbook(workbook)
    assert time.perf_counter() - start < 1.0


def test_narrative_tells_to_whom_and_when_police_came(ssdb) -> None:
    """Narrative phrases fill what the coded outcome leaves open, each one derived."""
    rec = _records(ssdb)
    got = {k: (rec[k]["end_method"], rec[k]["stopped_by"], rec[k]["ended_before_police"])
           for k in ("19771212FLWEW", "20180518TXSAS", "19990420COCOL", "20211130MIOXO",
                     "20210902CASAL#2", "20220524TXROU")}
    assert got == {
        # "Suspect surrendered gun to janitor and waiting for police to respond."
        "19771212FLWEW": ("surrendered", "civilian", True),
        # "Engaged by a SRO ... before surrendering to police."
        "20180518TXSAS": ("surrendered", "police", False),
        # "...commit suicide after the building was surrounded by police."
        "19990420COCOL": ("suicide", "self", False),
        # "Shooter was disarmed by police officer while walking out of bathroom"
        "20211130MIOXO": ("apprehended", "police", False),
        # the later row of a repeated id, no SHOOTER rows: "Shooter fled and was
        # arrested the following day."
        "20210902CASAL#2": ("fled", "none", None),
        # killed by police, but the narrative does not say police were there first
        "20220524TXROU": ("shot", "police", None),
    }
    assert rec["19771212FLWEW"]["derivations"] == [
        'stopped_by: civilian, from the narrative ("surrendered to a staff member")',
        'ended_before_police: true, from the narrative '
        '("waited for police / before police arrived")']


def test_every_shooters_outcome_kept_raw(ssdb) -> None:
    """attacker_outcome_raw keeps each shooter's distinct outcome in sheet order."""
    rec = _records(ssdb)
    assert rec["20220505OHLOL"]["attacker_outcome_raw"] == (
        "Suicide; Apprehended/Killed by LE")
    assert rec["20170328PALIP"]["attacker_outcome_raw"] == (
        "Apprehended/Killed by Other; Surrendered")


def test_a_shooter_on_the_victim_sheet_is_no_victim(ssdb) -> None:
    """20190610ILMEW: "27 YOM and 15YOM male fired shots at each other ... 27YOM was
    injured by gunshot and arrested at the scene": his VICTIM row (Wounded, Male, 27)
    is left out by the reviewed list, and the record says so."""
    r = _records(ssdb)["20190610ILMEW"]
    assert (r["killed"], r["injured"]) == (0, 0)
    assert r["injured_raw"] == "VICTIM rows with injury Wounded: 1, Minor Injuries: 0"
    assert r["derivations"] == [
        "injured: VICTIM row 1 (Wounded) left out, one of the shooters (reviewed list)"]
    assert ssdb["victims"].filter(pl.col("source_record_id") == "20190610ILMEW").height == 0


def test_narrative_is_the_narrative_else_the_summary(ssdb) -> None:
    records = _records(ssdb)
    assert records["20200727AZCAO"]["narrative"] == (
        "40 year-old male fatally shot himself (accident) while working on the roof of the "
        "school. School placed on lockdown when gun shot was reported. No students were "
        "present at the school.")
    assert records["20200727AZCAO"]["narrative_field"] == "Narrative"
    # Narrative blank: the one-line Summary stands in, named as such
    assert records["20200505CAGOV"]["narrative"] == "Three victims found dead in school parking lot"
    assert records["20200505CAGOV"]["narrative_field"] == "Summary"
    # Uvalde's Narrative reads only "Pending", a placeholder and no account: the Summary
    # stands in for it as for a blank one (found by the hand audit)
    assert records["20220524TXROU"]["narrative"] == "Indiscriminate attack at school"
    assert records["20220524TXROU"]["narrative_field"] == "Summary"
    fields = ssdb["source_records"]["narrative_field"].value_counts()
    assert dict(fields.rows()) == {"Narrative": 2051, "Summary": 16}


def test_school_situation_fields_raw_and_mapped(ssdb) -> None:
    records = _records(ssdb)
    aztec = records["20171207NMAZA"]  # Aztec High School, 2017
    assert (aztec["hostages_raw"], aztec["hostages"]) == ("Yes", True)
    assert (aztec["barricade_raw"], aztec["barricade"]) == ("Yes", True)
    assert (aztec["accomplice_raw"], aztec["accomplice"]) == ("No", False)
    assert (aztec["during_school_hours_raw"], aztec["during_school_hours"]) == ("Yes", True)
    assert (aztec["targeting_raw"], aztec["targeting"]) == ("Random Shooting",
                                                            "indiscriminate")
    frame = ssdb["source_records"]
    assert frame["hostages"].sum() == 52 and frame["barricade"].sum() == 44
    assert frame["during_school_hours"].value_counts().sort("during_school_hours").rows() == [
        (None, 22), (False, 761), (True, 1284)]
    # "N/A" is kept raw and is no answer; 'null' and blank cells are unpublished
    na = frame.filter(pl.col("barricade_raw") == "N/A")
    assert na.height == 4 and na["barricade"].null_count() == 4
    assert frame.filter(pl.col("targeting_raw") == "Victims Targeted").height == 1042


def test_shooter_and_victim_relationship_to_the_school(ssdb) -> None:
    attackers = ssdb["attackers"]
    parkland = attackers.filter(pl.col("source_record_id") == "20180214FLMAP").row(
        0, named=True)
    assert (parkland["race_raw"], parkland["race"]) == ("White", "white")
    assert (parkland["relationship_raw"], parkland["relationship"]) == (
        "Former Student", "former_student")
    pairs = dict(attackers.select("relationship_raw", "relationship").unique().drop_nulls()
                 .rows())
    assert pairs["No Relation"] == "stranger"
    assert pairs["Police Officer/SRO"] == "police_or_security"
    assert pairs["Nonstudent Using Athletic Facilities/Attending Game"] == "customer_client"
    assert attackers.filter(pl.col("relationship") == "student").height == 933
    victims = ssdb["victims"]
    assert victims.filter(pl.col("relationship_raw") == "Bus Driver")["relationship"].unique(
        ).to_list() == ["employee"]
    assert victims.filter(pl.col("relationship") == "student").height == 1885


def test_weapon_details_verbatim(ssdb) -> None:
    weapons = ssdb["weapons"].filter(pl.col("source_record_id") == "19740117ILBAC")
    assert weapons["weapon_detail"].unique().to_list() == [
        ".38-caliber snub-nose revolver and .45-caliber pistol"]
    assert ssdb["weapons"]["weapon_detail"].drop_nulls().len() == 93


def test_situation_and_preplanned(ssdb) -> None:
    parkland = _records(ssdb)["20180214FLMAP"]
    assert (parkland["situation_raw"], parkland["situation"]) == ("Indiscriminate Shooting",
                                                                  "indiscriminate")
    frame = ssdb["source_records"]
    pairs = dict(frame.select("situation_raw", "situation").unique().drop_nulls().rows())
    assert pairs["Escalation of Dispute"] == "dispute"
    assert pairs["Anger Over Grade/Suspension/Discipline"] == "school_grievance"
    assert pairs["Murder/Suicide "] == pairs["Murder/Suicide"] == "murder_suicide"
    assert frame.filter(pl.col("situation") == "dispute").height == 719
    shooter = ssdb["attackers"].filter(pl.col("source_record_id") == "20180214FLMAP")
    assert shooter.select("planned_raw", "planned").rows() == [("Yes", True)]
    assert ssdb["attackers"]["planned"].sum() == 102


def test_criminal_history_and_incident_flags(ssdb) -> None:
    attackers = ssdb["attackers"]
    pairs = dict(attackers.select("criminal_history_raw", "criminal_history").unique()
                 .drop_nulls("criminal_history_raw").rows())
    assert pairs["Ex-felon"] is True and pairs["No"] is False
    # a school sanction is not a criminal record; text about this shooting's charges
    # is not history: both stay NULL, reviewed in vocab/criminal_history.csv
    assert pairs["Suspended from school"] is None
    assert pairs["Charged with bringing gun to school that day"] is None
    assert attackers["criminal_history"].value_counts().sort("criminal_history").rows() == [
        (None, 2123), (False, 103), (True, 65)]
    frame = ssdb["source_records"]
    assert frame["bullied"].sum() == 81
    assert frame["domestic_violence"].sum() == 117
    assert frame["gang_related"].sum() == 237
