"""GVA mass shootings via The Trace, on the shipped raw file (checked against the GVA
master file it is a subset of) and on small hand-made files for each quirk."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as tod
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import gva_trace
from tests.conftest import normalize_shipped, shipped_snapshots

PER_YEAR = {2014: 272, 2015: 332, 2016: 382, 2017: 345, 2018: 335, 2019: 413, 2020: 610,
            2021: 689, 2022: 642, 2023: 660, 2024: 503}


@pytest.fixture(scope="module")
def out() -> dict[str, pl.DataFrame]:
    return normalize_shipped("gva_trace")


@pytest.fixture(scope="module")
def master() -> pl.DataFrame:
    return normalize_shipped("gva")["source_records"]


@pytest.fixture(scope="module")
def parsed() -> pl.DataFrame:
    files = {k: Path(s.path) for k, s in shipped_snapshots("gva_trace").items()}
    return gva_trace.parse(files).frames["gva_trace"]


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    path = shipped_snapshots("gva_trace")["data"].path
    return pl.read_csv(path, infer_schema_length=0)


def _years(records: pl.DataFrame) -> dict[int, int]:
    return dict(records.group_by(pl.col("incident_date").dt.year()).len().iter_rows())


def test_5469_records_with_victim_totals(out) -> None:
    records = out["source_records"]
    assert records.height == 5469
    assert records["source_record_id"].n_unique() == 5469
    assert records["killed"].sum() == 5485
    assert records["injured"].sum() == 22858
    assert records["killed"].null_count() == records["injured"].null_count() == 0
    assert (records["incident_date"].min(), records["incident_date"].max()) == (
        date(2014, 1, 1), date(2025, 8, 27))
    assert out["rejects"].height == 0


def test_killed_and_injured_leave_out_suspects(out, raw) -> None:
    # the file's `killed`/`injured` include suspects: 5,830 and 23,098
    assert raw.select(pl.col("killed", "injured").cast(pl.Int64).sum()).row(0) == (5830, 23098)
    joined = out["source_records"].join(
        raw.select(pl.col("incident_id").alias("source_record_id"),
                   pl.col("killed", "injured", "suspects_killed").cast(pl.Int32)),
        on="source_record_id", suffix="_all")
    assert joined.filter(pl.col("killed_all") != pl.col("killed") + pl.col("suspects_killed")
                         ).height == 0
    assert joined.filter(pl.col("injured_all") < pl.col("injured")).height == 0
    assert joined.filter(pl.col("injured_all") > pl.col("injured")).height == 206


def test_per_year_counts_equal_the_master_file(out, master) -> None:
    trace, gva = _years(out["source_records"]), _years(master)
    assert {y: trace[y] for y in PER_YEAR} == PER_YEAR
    assert {y: gva[y] for y in PER_YEAR} == PER_YEAR
    assert trace[2025] == 286  # the copy stops on 2025-08-27


def test_every_incident_is_in_the_master_file(out, master) -> None:
    joined = out["source_records"].join(master, on="source_record_id", how="left",
                                        suffix="_gva")
    assert joined["source_gva"].null_count() == 0
    for col in ("incident_date", "state", "city", "killed"):
        assert joined.filter(pl.col(col) != pl.col(f"{col}_gva")).height == 0, col
    # GVA revised one injured count between the two pulls
    assert joined.filter(pl.col("injured") != pl.col("injured_gva")).select(
        "source_record_id", "injured", "injured_gva").rows() == [("3294737", 17, 18)]


def test_every_state_is_a_usps_code(out) -> None:
    states = out["source_records"]["state"]
    assert states.null_count() == 0
    assert set(states.unique()) <= USPS_CODES


def test_times_parse_and_n_a_is_null_without_reject(out, raw) -> None:
    records = out["source_records"]
    assert (raw["incident_time"] == "N/A").sum() == 1288
    assert records["start_time"].null_count() == 1288
    assert dict(records.group_by("start_time_precision").len().iter_rows()) == {
        "minute": 4181, None: 1288}
    assert out["rejects"].filter(pl.col("field") == "incident_time").height == 0


def test_updated_date_is_unix_seconds(parsed) -> None:
    assert parsed["updated_at"].null_count() == 0
    assert parsed["updated_at"].min() == datetime(2015, 4, 21, 18, 56, 15)
    assert parsed["updated_at"].max().date() == date(2025, 8, 28)


def test_famous_incidents_match_the_master_file(out, master) -> None:
    def rows(records):
        return {
            (d.isoformat(), s, c): (k, i)
            for d, s, c, k, i in records.select(
                "incident_date", "state", "city", "killed", "injured").iter_rows()
        }

    trace, gva = rows(out["source_records"]), rows(master)
    famous = {
        ("2017-10-01", "NV", "Las Vegas"): (60, 439),
        ("2022-05-24", "TX", "Uvalde"): (21, 17),
        ("2022-07-04", "IL", "Highland Park"): (7, 30),
        ("2016-06-12", "FL", "Orlando"): (49, 53),
    }
    for key, counts in famous.items():
        assert trace[key] == gva[key] == counts, key
    times = dict(out["source_records"].select("source_record_id", "start_time").iter_rows())
    assert times["2310278"] == tod(11, 32)  # Uvalde
    assert times["2348384"] == tod(10, 14)  # Highland Park
    assert times["946496"] is None  # Las Vegas: "N/A"
    outcome = dict(out["source_records"].select("source_record_id", "attacker_outcome_raw")
                   .iter_rows())
    assert outcome["946496"] == "suspects killed 1"


def test_nothing_guessed_about_the_end(out) -> None:
    records = out["source_records"]
    assert set(records["end_method"]) == {"unknown"}
    assert set(records["attacker_fate"]) == {"unknown"}  # no arrest count: died or mixed?
    assert set(records["stopped_by"]) == {"unknown"}
    assert records["ended_before_police"].null_count() == 5469


@pytest.mark.parametrize(
    ("rid", "name", "location_type", "keyword"),
    [
        ("2310278", "Robb Elementary School", "education", "elementary school"),  # Uvalde
        ("980577", "First Baptist Church", "house_of_worship", "church"),  # Sutherland Springs
        ("809048", "Palace Lounge", "commerce", "lounge"),
    ],
)
def test_place_type_derived_from_business_name(out, rid, name, location_type,
                                               keyword) -> None:
    r = out["source_records"].filter(pl.col("source_record_id") == rid).row(0, named=True)
    assert (r["location_type"], r["location_type_raw"], r["location_type_basis"]) == (
        location_type, name, "derived")
    assert r["derivations"] == [
        f'location_type: derived from business_location_name "{name}" (keyword "{keyword}")']


def test_place_types_and_what_stays_unknown(out, raw) -> None:
    records = out["source_records"]
    # "N/A" in 3,490 rows: no name, no type
    assert (raw["business_location_name"] == "N/A").sum() == 3490
    assert records["location_type_raw"].null_count() == 3490
    counts = dict(records.group_by("location_type").len().rows())
    assert counts == {"unknown": 4106, "commerce": 870, "residence": 223, "open_space": 181,
                      "education": 52, "house_of_worship": 19, "health_care": 8,
                      "government": 6, "other": 3, "military": 1}
    # names no keyword matches stay unknown, counted, raw kept ("Hush", "American Legion"...)
    named_unknown = records.filter((pl.col("location_type") == "unknown")
                                   & pl.col("location_type_raw").is_not_null())
    assert named_unknown.height == 4106 - 3490
    assert named_unknown["location_type_basis"].null_count() == named_unknown.height
    assert set(records.filter(pl.col("location_type") != "unknown")
               ["location_type_basis"]) == {"derived"}


def test_raw_casualty_figures_as_written(out, raw) -> None:
    """killed_raw / injured_raw are the file's headline `killed` / `injured` (suspects
    included: Pulse 577157 `killed` 50, `victims_killed` 49, `suspects_killed` 1);
    `killed` stays the victims-only figure and the record is flagged."""
    records = out["source_records"].sort("source_row")
    assert records["killed_raw"].to_list() == raw["killed"].to_list()
    assert records["injured_raw"].to_list() == raw["injured"].to_list()
    assert records["killed"].to_list() == raw["victims_killed"].cast(pl.Int32).to_list()
    pulse = records.filter(pl.col("source_record_id") == "577157").row(0, named=True)
    assert (pulse["killed_raw"], pulse["killed"]) == ("50", 49)
    assert "attacker_removed_from_killed" in pulse["quality_flags"]
    flagged = records.filter(pl.col("quality_flags").list.contains(
        "attacker_removed_from_killed"))
    assert flagged.height == (raw["suspects_killed"].cast(pl.Int32) > 0).sum()


# --- hand-made files, one per quirk ---------------------------------------------------

HEADER = ('"incident_id","incident_date","incident_time","updated_date","state",'
          '"city_or_county","address","business_location_name","latitude","longitude",'
          '"killed","injured","victims_killed","victims_injured","suspects_killed"')


def run_tiny(tmp_path: Path, rows: list[str]) -> dict[str, pl.DataFrame]:
    path = tmp_path / "gva.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    snaps = {"data": SimpleNamespace(name=path.name, url=f"file://{path}", sha256="0" * 64,
                                     path=str(path))}
    return normalize(gva_trace, snaps)


def row(id_: str, time: str = "5:25 AM", updated: str = "1492995601",
        place: str = "Pittsburg", state: str = "California") -> str:
    return (f'"{id_}","April 1, 2017","{time}","{updated}","{state}","{place}",'
            f'"1 Main St","N/A","38.0053","-121.895","3","5","2","4","1"')


def test_time_formats_and_rejects(tmp_path) -> None:
    out = run_tiny(tmp_path, [
        row("1", time="5:25 AM"), row("2", time="N/A"), row("3", time="12:30 AM"),
        row("4", time="12:05 PM"), row("5", time="13:00 PM"), row("6", time="noon"),
    ])
    records = out["source_records"].sort("source_row")
    assert records.select("start_time", "start_time_precision").rows() == [
        (tod(5, 25), "minute"), (None, None), (tod(0, 30), "minute"),
        (tod(12, 5), "minute"), (None, None), (None, None),
    ]
    assert out["rejects"].sort("source_row").select(
        "source_record_id", "field", "raw_value").rows() == [
        ("5", "incident_time", "13:00 PM"), ("6", "incident_time", "noon"),
    ]


def test_updated_date_must_be_epoch_seconds(tmp_path) -> None:
    files = tmp_path / "gva.csv"
    out = run_tiny(tmp_path, [row("1"), row("2", updated="2017-04-24"),
                              row("3", updated="N/A")])
    assert out["rejects"].select("source_record_id", "field", "raw_value").rows() == [
        ("2", "updated_date", "2017-04-24")]
    parsed = gva_trace.parse({"data": files}).frames["gva_trace"].sort("source_row")
    assert parsed["updated_at"].to_list() == [datetime(2017, 4, 24, 1, 0, 1), None, None]


def test_victim_counts_not_the_inclusive_ones(tmp_path) -> None:
    records = run_tiny(tmp_path, [row("1", place="Pointe Coupee (county)",
                                      state="Louisiana")])["source_records"]
    assert records.select("killed", "injured", "attacker_outcome_raw", "city", "county",
                          "state").rows() == [
        (2, 4, "suspects killed 1", "Pointe Coupee (county)", "Pointe Coupee Parish", "LA")]


def test_plural_shop_names_are_commerce(out) -> None:
    """gva_trace 2301751 (Buffalo 2022), `business_location_name` "Tops Markets": the
    plural is a shop too (keyword row for markets/stores/shops)."""
    r = out["source_records"].filter(pl.col("source_record_id") == "2301751").row(0, named=True)
    assert (r["location_type"], r["location_type_basis"], r["location_type_raw"]) == (
        "commerce", "derived", "Tops Markets")
