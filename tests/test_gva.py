"""Gun Violence Archive master file, on the shipped raw file and on small hand-made
files for each quirk."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import gva
from tests.conftest import normalize_shipped, shipped_snapshots

FATES = {"died": 348, "mixed": 23, "survived": 2191, "unknown": 3565}
"""attacker_fate counts of the shipped file, from the suspect counts."""

PER_YEAR = {2013: 260, 2014: 272, 2015: 332, 2016: 382, 2017: 345, 2018: 335, 2019: 413,
            2020: 610, 2021: 689, 2022: 642, 2023: 660, 2024: 503, 2025: 415, 2026: 269}


@pytest.fixture(scope="module")
def out() -> dict[str, pl.DataFrame]:
    return normalize_shipped("gva")


@pytest.fixture(scope="module")
def parsed() -> pl.DataFrame:
    """The parsed frame before the SQL, with the raw text beside each parsed value."""
    files = {k: Path(s.path) for k, s in shipped_snapshots("gva").items()}
    return gva.parse(files).frames["gva"]


def _by_id(out) -> dict[str, dict]:
    return {r["source_record_id"]: r for r in out["source_records"].iter_rows(named=True)}


def test_6127_records_with_gva_victim_totals(out) -> None:
    records = out["source_records"]
    assert records.height == 6127
    assert records["source_record_id"].n_unique() == 6127
    # Victims Killed / Victims Injured: victims only, suspects are counted apart
    assert records["killed"].sum() == 6122
    assert records["injured"].sum() == 25534
    assert records["killed"].null_count() == records["injured"].null_count() == 0
    assert (records["incident_date"].min(), records["incident_date"].max()) == (
        date(2013, 1, 1), date(2026, 7, 22))
    assert out["rejects"].height == 0


def test_raw_figures_kept_and_no_venue_guessed_from_addresses(out, parsed) -> None:
    records = out["source_records"].sort("source_row")
    assert records["killed_raw"].to_list() == parsed.sort("source_row")[
        "victims_killed_raw"].to_list()
    assert records["injured_raw"].cast(pl.Int32).sum() == 25534
    # `Address` holds streets ("Church St" is no church): the place type stays unknown
    assert set(records["location_type"]) == {"unknown"}
    assert records["location_type_basis"].null_count() == 6127
    # derived values: a survival concluded from the suspect counts, and the two
    # counties read from GVA's "Name (county)" form
    assert records["derivations"].list.len().sum() == FATES["survived"] + FATES["mixed"] + 2
    pointe = records.filter(pl.col("source_record_id") == "2793000").row(0, named=True)
    assert 'county: from the city field "Pointe Coupee (county)", in the Name (county) form' \
        in pointe["derivations"]


def test_suspect_totals_stay_out_of_killed(parsed) -> None:
    sums = parsed.select(pl.col("suspects_killed", "suspects_injured",
                                "suspects_arrested").sum()).row(0)
    assert sums == (380, 270, 3669)


def test_per_year_counts(out) -> None:
    years = dict(out["source_records"].group_by(pl.col("incident_date").dt.year())
                 .len().iter_rows())
    assert years == PER_YEAR


def test_every_state_is_a_usps_code(out) -> None:
    records = out["source_records"]
    assert records["state"].null_count() == 0
    assert set(records["state"].unique()) <= USPS_CODES
    assert records["state"].n_unique() == 51
    dc = records.filter(pl.col("state") == "DC")
    assert dc.height == 100
    assert set(dc["state_raw"]) == {"District of Columbia"}


def test_zero_killed_only_where_gva_wrote_0(parsed) -> None:
    zero = parsed.filter(pl.col("victims_killed") == 0)
    assert zero.height == 2866
    assert set(zero["victims_killed_raw"].str.strip_chars()) == {"0"}


def test_famous_incidents(out) -> None:
    rows = {
        (d.isoformat(), s, c): (k, i, o)
        for d, s, c, k, i, o in out["source_records"].select(
            "incident_date", "state", "city", "killed", "injured", "attacker_outcome_raw"
        ).iter_rows()
    }
    # Las Vegas: GVA counts 60 killed (not the 58 often quoted), the shooter apart
    assert rows[("2017-10-01", "NV", "Las Vegas")] == (
        60, 439, "suspects killed 1, injured 0, arrested 0")
    assert rows[("2022-05-24", "TX", "Uvalde")] == (
        21, 17, "suspects killed 1, injured 0, arrested 0")
    assert rows[("2022-07-04", "IL", "Highland Park")] == (
        7, 30, "suspects killed 0, injured 0, arrested 1")
    assert rows[("2016-06-12", "FL", "Orlando")] == (
        49, 53, "suspects killed 1, injured 0, arrested 0")
    # GVA's "postal city (actual place)" is kept as written
    assert rows[("2018-02-14", "FL", "Pompano Beach (Parkland)")] == (
        17, 17, "suspects killed 0, injured 0, arrested 1")


def test_gva_cannot_say_who_stopped_an_attack(out) -> None:
    records = out["source_records"]
    # An arrest with no suspect killed ("Suspects Arrested 1") is stated: apprehended.
    arrested = records.filter(pl.col("attacker_outcome_raw").str.ends_with("arrested 1")
                              & pl.col("attacker_outcome_raw").str.starts_with(
                                  "suspects killed 0"))
    assert set(arrested["end_method"]) == {"apprehended"}
    assert set(records["end_method"]) == {"unknown", "apprehended"}
    assert set(records["stopped_by"]) == {"unknown"}
    assert set(records["location_type"]) == {"unknown"}
    assert records["ended_before_police"].null_count() == 6127
    # The suspect counts tell the fate: "Suspects Killed" states a death; a survival
    # (arrested or injured, none killed) is derived; killed and arrested -> mixed.
    fates = dict(records.group_by("attacker_fate").len().iter_rows())
    assert fates == FATES
    bases = dict(records.group_by("attacker_fate", "attacker_fate_basis").len().select(
        pl.concat_str("attacker_fate", "attacker_fate_basis", separator=":"), "len"
    ).iter_rows())
    assert bases == {"died:stated": FATES["died"], "mixed:derived": FATES["mixed"],
                     "survived:derived": FATES["survived"]} | (
                         {} if "unknown" not in FATES else {None: FATES["unknown"]})
    assert records["attackers"].null_count() == 6127
    assert records["start_time"].null_count() == 6127
    assert records["start_time_precision"].null_count() == 6127
    assert "attackers" not in out and "weapons" not in out


def test_counties_only_where_the_cell_names_one(out) -> None:
    with_county = out["source_records"].filter(pl.col("county").is_not_null())
    assert sorted(with_county.select("source_record_id", "city", "state", "county").rows()) == [
        ("2294515", "Cowley (county)", "KS", "Cowley County"),
        ("2793000", "Pointe Coupee (county)", "LA", "Pointe Coupee Parish"),
    ]


def test_geocodes_are_kept(out) -> None:
    records = out["source_records"]
    assert records["latitude"].null_count() == records["longitude"].null_count() == 0
    vegas = _by_id(out)["946496"]
    assert (round(vegas["latitude"], 2), round(vegas["longitude"], 2)) == (36.09, -115.17)


def test_same_shooting_under_two_ids_is_kept_unflagged(out) -> None:
    by_id = _by_id(out)
    pairs = [("186488", "3150525"), ("190874", "2172621"), ("1765624", "1766423"),
             ("2135659", "2136132"), ("2255832", "2256080")]
    for first, second in pairs:
        a, b = by_id[first], by_id[second]
        assert (a["incident_date"], a["state"], a["killed"], a["injured"]) == (
            b["incident_date"], b["state"], b["killed"], b["injured"])
        assert a["quality_flags"] == b["quality_flags"] == []


# --- hand-made files, one per quirk ---------------------------------------------------

HEADER = ("Incident ID,Incident Date,State,City Or County,Address,Victims Killed,"
          "Victims Injured,Suspects Killed,Suspects Injured,Suspects Arrested,Operations,"
          "latitude,longitude")


def run_tiny(tmp_path: Path, rows: list[str]) -> dict[str, pl.DataFrame]:
    path = tmp_path / "gva_master.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    snaps = {"data": SimpleNamespace(name=path.name, url=f"file://{path}", sha256="0" * 64,
                                     path=str(path))}
    return normalize(gva, snaps)


def row(id_: str, when: str = '"July 4, 2022"', state: str = "Illinois",
        place: str = "Chicago", killed: str = "1", lat: str = "41.8") -> str:
    return f"{id_},{when},{state},{place},1 Main St,{killed},4,0,0,1,N/A,{lat},-87.6"


def test_county_forms(tmp_path) -> None:
    out = run_tiny(tmp_path, [
        row("1", place="Harris County", state="Texas"),
        row("2", place="Orleans Parish", state="Louisiana"),
        row("3", place="Pointe Coupee (county)", state="Louisiana"),
        row("4", place="Cowley (county)", state="Kansas"),
        row("5", place="Pembroke Township"),
        row("6", place="Pompano Beach (Parkland)", state="Florida"),
        row("7", place="Countyline"),
    ])["source_records"].sort("source_row")
    assert out.select("city", "county").rows() == [
        ("Harris County", "Harris County"),
        ("Orleans Parish", "Orleans Parish"),
        ("Pointe Coupee (county)", "Pointe Coupee Parish"),
        ("Cowley (county)", "Cowley County"),
        ("Pembroke Township", None),
        ("Pompano Beach (Parkland)", None),
        ("Countyline", None),
    ]


def test_unparseable_values_are_rejected_and_unknown_is_null_not_zero(tmp_path) -> None:
    out = run_tiny(tmp_path, [
        row("1", when='"Julember 4, 2022"'),
        row("2", state="Narnia"),
        row("3", killed="two"),
        row("4", killed="N/A"),
        row("5", killed="", lat="123.4"),
        row("6", state="District of Columbia"),
    ])
    records = out["source_records"].sort("source_row")
    assert records.select("incident_date", "state", "killed", "latitude").rows() == [
        (None, "IL", 1, 41.8),
        (date(2022, 7, 4), None, 1, 41.8),
        (date(2022, 7, 4), "IL", None, 41.8),
        (date(2022, 7, 4), "IL", None, 41.8),
        (date(2022, 7, 4), "IL", None, None),
        (date(2022, 7, 4), "DC", 1, 41.8),
    ]
    assert out["rejects"].sort("source_row").select(
        "source_record_id", "field", "raw_value").rows() == [
        ("1", "Incident Date", "Julember 4, 2022"),
        ("2", "State", "Narnia"),
        ("3", "Victims Killed", "two"),
        ("5", "latitude", "123.4"),
    ]
    assert records.filter(pl.col("source_record_id").is_in(["1", "2", "3", "5"]))[
        "quality_flags"].to_list() == [["value_rejected"]] * 4


def test_repeated_incident_id_is_suffixed_and_flagged(tmp_path) -> None:
    out = run_tiny(tmp_path, [row("9"), row("8"), row("9")])["source_records"].sort(
        "source_row")
    assert out["source_record_id"].to_list() == ["9", "8", "9#2"]
    assert out["quality_flags"].to_list() == [
        ["duplicate_id_in_source"], [], ["duplicate_id_in_source"]]


def test_outcome_summary_keeps_the_suspect_counts(tmp_path) -> None:
    out = run_tiny(tmp_path, [
        '5,"May 1, 2020",Ohio,Dayton,x,2,3,1,2,3,N/A,39.7,-84.2',
        '6,"May 1, 2020",Ohio,Dayton,x,2,3,,N/A,0,N/A,39.7,-84.2',
    ])["source_records"].sort("source_row")
    assert out.select("end_method", "attacker_outcome_raw", "stopped_by", "attacker_fate",
                      "derivations").rows() == [
        ("unknown", "suspects killed 1, injured 2, arrested 3", "unknown", "mixed",
         ["attacker_fate: mixed, from the suspect counts (killed 1, injured 2, arrested 3)"]),
        ("unknown", "suspects killed ?, injured N/A, arrested 0", "unknown", "unknown", []),
    ]


def test_suspect_counts_state_a_death_and_imply_a_survival(tmp_path) -> None:
    """GVA 3507024 ("Suspects Killed 0; Suspects Injured 1; Suspects Arrested 0"): an
    injured suspect who is not counted killed survived (derived); "Suspects Killed 1"
    alone states the death; an arrest with none killed is an apprehension."""
    out = run_tiny(tmp_path, [
        '7,"May 1, 2020",Ohio,Dayton,x,2,3,0,1,0,N/A,39.7,-84.2',
        '8,"May 1, 2020",Ohio,Dayton,x,2,3,1,0,0,N/A,39.7,-84.2',
        '9,"May 1, 2020",Ohio,Dayton,x,2,3,0,0,1,N/A,39.7,-84.2',
    ])["source_records"].sort("source_row")
    assert out.select("end_method", "attacker_fate", "attacker_fate_basis",
                      "derivations").rows() == [
        ("unknown", "survived", "derived",
         ["attacker_fate: survived, from the suspect counts (killed 0, injured 1, arrested 0)"]),
        ("unknown", "died", "stated", []),
        ("apprehended", "survived", "derived",
         ["attacker_fate: survived, from the suspect counts (killed 0, injured 0, arrested 1)"]),
    ]
