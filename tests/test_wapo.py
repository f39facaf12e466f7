"""Washington Post school shootings, on the shipped raw file and on small hand-made
frames and files for each quirk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import wapo
from tests.conftest import normalize_shipped, shipped_snapshots


@pytest.fixture(scope="module")
def out() -> dict[str, pl.DataFrame]:
    return normalize_shipped("wapo")


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    """The raw file as text, to compare against."""
    path = Path(shipped_snapshots("wapo")["data"].path)
    return pl.read_csv(path, infer_schema_length=0)


def by_id(out, uid: str) -> dict:
    rows = out["source_records"].filter(pl.col("source_record_id") == uid)
    assert rows.height == 1
    return rows.row(0, named=True)


def test_428_records_and_victim_totals(out) -> None:
    records = out["source_records"]
    assert records.height == 428
    assert records["source_record_id"].n_unique() == 428
    # killed and injured exclude the shooter (record_layout.csv)
    assert records["killed"].sum() == 216
    assert records["injured"].sum() == 487
    assert records["killed"].null_count() == records["injured"].null_count() == 0
    assert (records["incident_date"].min(), records["incident_date"].max()) == (
        dt.date(1999, 4, 20), dt.date(2025, 1, 22))
    assert records["location_type"].unique().to_list() == ["education"]


@pytest.mark.parametrize(
    ("uid", "day", "city", "state", "killed", "injured", "time"),
    [
        ("1", "1999-04-20", "Littleton", "CO", 13, 21, "11:19"),  # Columbine
        # Sandy Hook: the mother, killed at home, is not a school victim here
        ("140", "2012-12-14", "Newtown", "CT", 26, 2, "09:35"),
        ("209", "2018-02-14", "Parkland", "FL", 17, 17, "14:21"),  # Parkland
        ("220", "2018-05-18", "Santa Fe", "TX", 10, 13, "07:30"),  # Santa Fe HS
        ("327", "2022-05-24", "Uvalde", "TX", 21, 12, "11:33"),  # Robb Elementary
    ],
)
def test_famous_incidents(out, uid, day, city, state, killed, injured, time) -> None:
    r = by_id(out, uid)
    assert r["incident_date"].isoformat() == day
    assert (r["city"], r["state"], r["killed"], r["injured"]) == (city, state, killed, injured)
    assert r["start_time"].strftime("%H:%M") == time
    assert r["start_time_precision"] == "minute"


def test_every_state_is_a_usps_code(out, raw) -> None:
    records = out["source_records"]
    assert set(records["state"].drop_nulls()) <= USPS_CODES
    assert records["state"].null_count() == 0
    # trailing spaces in the raw names ("Pennsylvania ", "Washington ") are not a problem
    padded = records.filter(pl.col("state_raw").str.ends_with(" "))
    assert sorted(padded["state"].to_list()) == ["PA", "WA"]
    assert records.filter(pl.col("state_raw") == "District of Columbia")["state"].unique()\
        .to_list() == ["DC"]


def test_zero_killed_only_where_the_source_says_0(out, raw) -> None:
    joined = out["source_records"].join(
        raw.select(pl.col("uid").alias("source_record_id"), "killed", "injured"),
        on="source_record_id", suffix="_file")
    # killed_raw / injured_raw are the file's cells as written
    assert (joined["killed_raw"] == joined["killed_file"]).all()
    assert (joined["injured_raw"] == joined["injured_file"]).all()
    assert joined.filter(pl.col("killed") == 0)["killed_raw"].unique().to_list() == ["0"]
    assert joined.filter(pl.col("injured") == 0)["injured_raw"].unique().to_list() == ["0"]
    assert joined.filter(pl.col("killed") == 0).height == 329
    assert joined.filter(pl.col("injured") == 0).height == 189


def test_times_with_and_without_am_pm(out) -> None:
    records = out["source_records"]
    assert records["start_time"].null_count() == 31  # 30 blank + the ambiguous "4:00"
    assert by_id(out, "44")["start_time"] == dt.time(14, 30)  # "2:30PM", no space
    assert by_id(out, "340")["start_time"] == dt.time(15, 18)  # "15:18"
    # "12:03" (uid 410) is the 24-hour clock: the same shooting as uid 399's "12:03 PM"
    assert by_id(out, "410")["start_time"] == by_id(out, "399")["start_time"] == dt.time(12, 3)
    assert by_id(out, "413")["start_time"] is None  # "4:00": 04:00 or 16:00?
    reject = out["rejects"].filter(pl.col("field") == "time")
    assert reject.select("source_record_id", "raw_value").rows() == [("413", "4:00")]
    assert "value_rejected" in by_id(out, "413")["quality_flags"]


def test_outcome_only_from_how_the_shooter_died(out) -> None:
    records = out["source_records"]
    counts = dict(records.group_by("end_method").len().rows())
    assert counts == {"suicide": 40, "shot": 4, "unknown": 384}
    stopped = dict(records.group_by("stopped_by").len().rows())
    assert stopped == {"self": 40, "police": 4, "unknown": 384}
    # shooter_deceased1 = 0 means "did not die or unknown": never an arrest
    alive = records.filter(pl.col("attacker_outcome_raw") == "shooter_deceased1=0")
    assert alive.height == 206
    assert alive.select("end_method", "attacker_fate").unique().rows() == [
        ("unknown", "unknown")]  # nor survival
    # died, but the source does not say how (Austin-East, Edmund Burke): fate stated
    austin = by_id(out, "265")
    assert (austin["end_method"], austin["attacker_fate"], austin["attacker_fate_basis"]) == (
        "unknown", "died", "stated")
    assert dict(records.group_by("attacker_fate").len().rows()) == {"died": 46, "unknown": 382}
    # Mount Horeb 2024: shooter_relationship1 "police", shooter_deceased1 blank,
    # deceased_notes1 "police shooting", killed 1: WaPo's shooter is the officer and the
    # note is about the student he shot, not a shooter's death.
    horeb = by_id(out, "419")
    assert horeb["attacker_outcome_raw"] == "deceased_notes1=police shooting"
    assert (horeb["end_method"], horeb["stopped_by"], horeb["attacker_fate"],
            horeb["attacker_fate_basis"]) == ("unknown", "unknown", "unknown", None)
    covenant = by_id(out, "380")
    assert (covenant["end_method"], covenant["stopped_by"], covenant["attacker_fate"]) == (
        "shot", "police", "died")
    columbine = by_id(out, "1")
    assert (columbine["end_method"], columbine["attackers"]) == ("suicide", 2)
    assert records["ended_before_police"].null_count() == 428


def test_attackers_from_shooter1_and_shooter2_columns(out) -> None:
    records, attackers = out["source_records"], out["attackers"]
    assert dict(records.group_by("attackers").len().rows()) == {1: 365, 2: 12, None: 51}
    per_record = attackers.group_by("source_record_id").len()
    joined = records.join(per_record, on="source_record_id", how="left")
    assert joined.filter(pl.col("len") != pl.col("attackers")).height == 0
    assert joined.filter(pl.col("attackers").is_null())["len"].null_count() == 51
    assert dict(attackers.group_by("sex").len().rows()) == {"male": 325, "female": 18,
                                                            None: 46}
    two = attackers.filter(pl.col("source_record_id") == "1").sort("attacker_no")
    assert two.select("age", "sex").rows() == [(18, "male"), (17, "male")]


def test_gender_code_h_is_rejected_not_guessed(out) -> None:
    # uid 106 has gender "h" and race "m": probably swapped, but we do not guess
    row = out["attackers"].filter(pl.col("source_record_id") == "106").row(0, named=True)
    assert row["sex"] is None
    reject = out["rejects"].filter(pl.col("field") == "gender_shooter1")
    assert reject.select("source_record_id", "raw_value").rows() == [("106", "h")]


def test_same_shooting_under_two_uids_is_kept(out) -> None:
    a, b = by_id(out, "399"), by_id(out, "410")
    assert a["incident_date"] == b["incident_date"] == dt.date(2024, 1, 30)
    assert (a["city"], a["state"], a["injured"]) == (b["city"], b["state"], b["injured"])
    assert a["quality_flags"] == b["quality_flags"] == []


def test_weapons_from_free_text(out) -> None:
    weapons = out["weapons"]
    assert weapons["source_record_id"].n_unique() == 256  # 428 - 172 blank `weapon`
    assert dict(weapons.group_by("weapon_type").len().rows()) == {
        "handgun": 209, "rifle": 29, "shotgun": 21, "unknown": 12}
    # "9mm handgun, a shotgun, a 30.06 rifle" (West Nickel Mines)
    nickel = weapons.filter(pl.col("source_record_id") == "84").sort("weapon_type")
    assert nickel.select("weapon_type", "count").rows() == [
        ("handgun", None), ("rifle", 1), ("shotgun", 1)]
    sandy_hook = weapons.filter(pl.col("source_record_id") == "140")
    assert sandy_hook.select("weapon_type", "weapon_raw").rows() == [
        ("rifle", "Bushmaster XM15-E2S rifle")]


# --- hand-made edge cases -------------------------------------------------------------


def test_parse_time_formats() -> None:
    frame = pl.DataFrame({"time": ["11:19 AM", "2:30PM", "12:45 PM", "15:18", "12:03",
                                   "7:05", "4:00", "noon", None, " "]})
    got = frame.select(wapo.parse_time("time").alias("t"))["t"].to_list()
    assert got == [dt.time(11, 19), dt.time(14, 30), dt.time(12, 45), dt.time(15, 18),
                   dt.time(12, 3), dt.time(7, 5), None, None, None, None]


def test_weapon_rows_split_type_and_count() -> None:
    frame = pl.DataFrame({
        "source_record_id": ["a", "b", "c", "d", "e", "f"],
        "weapon": ["Two handguns and a rifle", ".38 semiautomatic handgun",
                   "Smith and Wesson .40 caliber gun", "9 mm rifle, 2 boxes of shells",
                   "-", "handgun. Police found 3 rifles at home."],
    })
    got = wapo.weapon_rows(frame, "weapon").sort("source_record_id", "weapon_type")
    assert got.select("source_record_id", "weapon_type", "count").rows() == [
        ("a", "handgun", 2), ("a", "rifle", 1),
        ("b", "handgun", None),  # ".38" is a calibre, not 38 guns
        ("c", "unknown", None),  # "Smith and Wesson" is not two items
        ("d", "rifle", None),  # "9 mm" is a calibre; shells are not a weapon
        ("f", "handgun", None),  # only the first sentence is read
    ]
    assert got.filter(pl.col("source_record_id") == "c")["weapon_raw"].to_list() == [
        "Smith and Wesson .40 caliber gun"]


def test_unique_record_ids_suffix_and_flag() -> None:
    frame = pl.DataFrame({"source_record_id": ["7", "8", "7", "7"]})
    got = wapo.unique_record_ids(frame)
    assert got["source_record_id"].to_list() == ["7", "8", "7#2", "7#3"]
    assert got["duplicate_id"].to_list() == [True, False, True, True]


def test_crlf_file_with_repeated_uid_and_thousands(tmp_path) -> None:
    base = dict.fromkeys(wapo.COLUMNS, "")
    base |= {"school_name": "Test High", "date": "3/4/2015", "time": "9:05 AM",
             "city": "Town", "state": "Ohio ", "killed": "0", "injured": "1",
             "age_shooter1": "16", "gender_shooter1": "m", "shooter_deceased1": "0"}
    rows = [base | {"uid": "5", "enrollment": "1,965"},
            base | {"uid": "5", "killed": "", "injured": "two"}]
    columns = (*wapo.COLUMNS, "enrollment")
    lines = [",".join(columns)] + [
        ",".join(f'"{row.get(c, "")}"' for c in columns) for row in rows]
    path = tmp_path / "school-shootings-data.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    out = normalize(wapo, {"data": SimpleNamespace(
        name=path.name, url=f"file://{path}", sha256="0" * 64, path=str(path))})
    records = out["source_records"].sort("source_row")
    assert records["source_record_id"].to_list() == ["5", "5#2"]
    assert all("duplicate_id_in_source" in f for f in records["quality_flags"])
    assert records["state"].to_list() == ["OH", "OH"]
    assert records["killed"].to_list() == [0, None]  # blank is unknown, never 0
    assert records["injured"].to_list() == [1, None]
    assert out["rejects"].select("source_record_id", "field").rows() == [("5#2", "injured")]


def test_school_fields_keep_the_raw_value_beside_the_mapping(out) -> None:
    records = out["source_records"]
    columbine = by_id(out, "1")
    assert (columbine["targeting_raw"], columbine["targeting"]) == ("indiscriminate",
                                                                    "indiscriminate")
    # resource_officer 1: "Resource officer of security guard present at school"
    assert (columbine["armed_security_present_raw"], columbine["armed_security_present"]) == (
        "1", True)
    # 0 means "not present ... or presence unknown" (record_layout.csv): not FALSE
    zero = records.filter(pl.col("armed_security_present_raw") == "0")
    assert zero.height == 134 and zero["armed_security_present"].null_count() == 134
    assert records["armed_security_present"].sum() == 104
    assert by_id(out, "327")["armed_security_present_raw"] is None  # Uvalde: blank
    # "targeted and indiscriminate" -> both; "public suicide" -> suicide; "uclear" typo
    pairs = dict(records.select("targeting_raw", "targeting").unique().rows())
    assert pairs["targeted and indiscriminate"] == "both"
    assert pairs["public suicide"] == "suicide"
    assert pairs["uclear"] == "unknown"
    assert pairs["targeted "] == "targeted"  # raw kept with its trailing space


def test_attacker_race_and_relationship_to_the_school(out) -> None:
    attackers = out["attackers"]
    parkland = attackers.filter(pl.col("source_record_id") == "209").row(0, named=True)
    assert (parkland["race_raw"], parkland["race"]) == ("w", "white")
    assert (parkland["relationship_raw"], parkland["relationship"]) == (
        "former student (expelled)", "former_student")
    columbine = attackers.filter(pl.col("source_record_id") == "1")
    assert columbine["relationship"].to_list() == ["student", "student"]
    pairs = dict(attackers.select("relationship_raw", "relationship").unique().drop_nulls()
                 .rows())
    assert pairs["resource officer"] == "police_or_security"
    assert pairs["spouse of teacher"] == "intimate_partner"
    assert pairs["fired teacher"] == "former_employee"
    assert pairs["none"] == "stranger"
    assert "name" not in " ".join(attackers.columns)


def test_weapon_source_on_every_weapon_of_the_record(out) -> None:
    weapons = out["weapons"]
    columbine = weapons.filter(pl.col("source_record_id") == "1")
    assert columbine.height == 3
    assert set(columbine.select("obtained_raw", "obtained").rows()) == {
        ("purchased from friends", "friend")}
    parkland = weapons.filter(pl.col("source_record_id") == "209").row(0, named=True)
    assert (parkland["obtained_raw"], parkland["obtained"]) == (
        "legally purchased by shooter", "legal_purchase")
    pairs = dict(weapons.select("obtained_raw", "obtained").unique().drop_nulls().rows())
    assert pairs["father"] == "family_or_home"
    assert pairs["department issued"] == "employer_issued"
    assert pairs["stolen from neighbor"] == "stolen"
    assert weapons["obtained"].value_counts().filter(
        pl.col("obtained") == "family_or_home")["count"].item() == 54
