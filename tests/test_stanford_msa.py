"""Stanford Mass Shootings in America, on the shipped raw file and on small hand-made
frames and files for each quirk."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import stanford_msa
from tests.conftest import normalize_shipped, shipped_snapshots


@pytest.fixture(scope="module")
def msa() -> dict[str, pl.DataFrame]:
    return normalize_shipped("stanford_msa")


@pytest.fixture(scope="module")
def parsed() -> pl.DataFrame:
    """The parsed frame before the SQL, to compare with the source's own totals."""
    files = {k: Path(s.path) for k, s in shipped_snapshots("stanford_msa").items()}
    return stanford_msa.parse(files).frames["stanford"]


def test_335_records_and_victim_totals(msa) -> None:
    records = msa["source_records"]
    assert records.height == 335
    assert records["source_record_id"].n_unique() == 335
    # civilian + enforcement, victims only (the shooter is never counted)
    assert records["killed"].sum() == 1197
    assert records["injured"].sum() == 1418
    assert records["killed"].null_count() == records["injured"].null_count() == 0
    assert (records["incident_date"].min().isoformat(),
            records["incident_date"].max().isoformat()) == ("1966-08-01", "2016-06-26")


def test_total_fatalities_counts_dead_shooters(parsed, msa) -> None:
    # SOURCES.md: Total Number of Fatalities sums to 1,331 and Total Number of Victims
    # to 2,616. The first includes shooters who died, so it is not `killed`: every row
    # where it exceeds civilian + enforcement fatalities has a shooter who died.
    assert parsed["total_fatalities"].sum() == 1331
    killed = pl.col("civ_killed") + pl.col("le_killed")
    over = parsed.filter(pl.col("total_fatalities") > killed)
    assert over.height == 140
    assert over.filter(~(pl.col("fate_scene").is_in(["deceased", "killed"])
                         | (pl.col("cause") == "killed"))).height == 0
    # 147 dead shooters over those rows; six rows have a total below the components
    # (-13), which gives 1,331 = 1,197 + 147 - 13.
    assert (over["total_fatalities"] - over["civ_killed"] - over["le_killed"]).sum() == 147
    under = parsed.filter(pl.col("total_fatalities") < killed)
    assert under.height == 6
    # Total victims = killed + injured everywhere but Little Water (CaseID 197), whose
    # enforcement fatality is missing from the component columns.
    records = msa["source_records"]
    assert records["killed"].sum() + records["injured"].sum() == 2616 - 1
    little_water = records.filter(pl.col("source_record_id") == "197")
    assert little_water.select("killed", "injured").rows() == [(0, 2)]


def test_every_state_is_a_usps_code(msa) -> None:
    states = msa["source_records"]["state"]
    assert states.null_count() == 0
    assert set(states.unique()) <= USPS_CODES


def test_famous_incidents(msa) -> None:
    rows = {
        (d.isoformat(), s): (c, k, i, o)
        for d, s, c, k, i, o in msa["source_records"].select(
            "incident_date", "state", "city", "killed", "injured", "end_method"
        ).iter_rows()
    }
    assert rows[("1999-04-20", "CO")] == ("Littleton", 13, 24, "suicide")  # Columbine
    assert rows[("2007-04-16", "VA")] == ("Blacksburg", 32, 17, "suicide")  # Virginia Tech
    assert rows[("2012-12-14", "CT")] == ("Newtown", 27, 2, "suicide")  # Sandy Hook
    assert rows[("2016-06-12", "FL")] == ("Orlando", 49, 53, "shot")  # Pulse


def test_reused_case_ids_are_suffixed_and_flagged(msa) -> None:
    records = msa["source_records"]
    flagged = records.filter(pl.col("quality_flags").list.contains("duplicate_id_in_source"))
    assert sorted(flagged.select("source_record_id", "city").rows()) == [
        ("156", "Dallas"), ("156#2", "Montgomery"), ("168", "Brookline"),
        ("168#2", "Birmingham"),
    ]


def test_double_entries_under_other_case_ids_are_kept(msa) -> None:
    records = msa["source_records"]
    pairs = [("247", "271"), ("255", "290"), ("256", "293"), ("258", "301"), ("259", "302"),
             ("260", "303")]
    by_id = {r[0]: r[1:] for r in records.select(
        "source_record_id", "incident_date", "city", "quality_flags").iter_rows()}
    for first, second in pairs:
        assert by_id[first][:2] == by_id[second][:2]
        assert by_id[first][2] == by_id[second][2] == []


def test_outcome_mapping(msa) -> None:
    records = msa["source_records"]
    counts = dict(records.group_by("end_method").len().iter_rows())
    assert counts == {"apprehended": 127, "suicide": 103, "fled": 66, "shot": 34, "unknown": 5}
    outcome = dict(records.select("source_record_id", "end_method").iter_rows())
    fate = dict(records.select("source_record_id", "attacker_fate").iter_rows())
    # UT Tower: "Killed", the description names no police: how unknown, death stated
    assert (outcome["1"], fate["1"]) == ("unknown", "died")
    assert outcome["11"] == "unknown"  # run down by two witnesses
    assert outcome["162"] == "suicide"  # "Killed/Suicide": any suicide wins
    assert (outcome["252"], fate["252"]) == ("shot", "died")  # fate at the scene "Killed"
    assert dict(records.group_by("attacker_fate", "attacker_fate_basis").len().select(
        pl.format("{}/{}", "attacker_fate", pl.col("attacker_fate_basis").fill_null("-")),
        "len").iter_rows()) == {"died/stated": 143, "survived/derived": 124, "unknown/-": 68}
    stopped = dict(records.group_by("stopped_by").len().iter_rows())
    assert stopped == {"unknown": 132, "self": 103, "none": 66, "police": 34}
    assert records["ended_before_police"].null_count() == 335


def test_location_types(msa) -> None:
    counts = dict(msa["source_records"].group_by("location_type").len().iter_rows())
    assert counts == {"residence": 107, "commerce": 75, "education": 66, "open_space": 38,
                      "government": 20, "other": 10, "house_of_worship": 7, "military": 5,
                      "health_care": 4, "unknown": 3}


def test_attackers_split_listed_ages(msa) -> None:
    attackers = msa["attackers"]
    columbine = attackers.filter(pl.col("source_record_id") == "71").sort("attacker_no")
    assert columbine.select("age", "sex").rows() == [(17, "male"), (18, "male")]
    assert attackers.height == 362
    # one row per shooter where the count is known
    n = attackers.group_by("source_record_id").len().join(
        msa["source_records"].select("source_record_id", "attackers"), on="source_record_id")
    assert n.filter(pl.col("len") < pl.col("attackers")).height == 0


def test_weapon_counts_and_rejects(msa) -> None:
    totals = dict(msa["weapons"].group_by("weapon_type").agg(pl.col("count").sum())
                  .iter_rows())
    assert totals == {"handgun": 279, "rifle": 88, "shotgun": 51, "unknown": 0}
    rejects = msa["rejects"].select("source_record_id", "field", "raw_value").sort("field")
    assert rejects.rows() == [
        ("16", "Number of Handguns", "2 (1)"),
        ("16", "Number of Rifles", "0 (1)"),
        ("337", "Number of Shotguns", "Handgun"),
    ]


def test_depreciation_counts(parsed) -> None:
    # 2 = uncertain details, 0 = does not fit the criteria: no quality flag fits, so
    # the records are kept and the counts reported.
    counts = dict(parsed.group_by("depreciation_raw").len().iter_rows())
    assert counts == {"1": 325, "2": 6, "0": 4}


# --- hand-made edge cases -----------------------------------------------------------

def test_fate_labels_fold_to_one_spelling() -> None:
    frame = pl.DataFrame({"fate": ["Custody/Escaped", "Custody / Escaped", " custody /\n"
                                   "ESCAPED ", "Restaurant/Cafe?", "Unknown", None, "FALSE"]})
    folded = frame.select(stanford_msa.normalize_label("fate"))["fate"].to_list()
    assert folded == ["custody/escaped"] * 3 + ["restaurant/cafe", None, None, "false"]


def test_split_attackers() -> None:
    frame = pl.DataFrame({
        "source_record_id": ["a", "b", "c", "d", "e"],
        "source_file": ["f"] * 5,
        "source_row": [1, 2, 3, 4, 5],
        "shooters": [2, 2, 3, None, 2],
        "ages_raw": ["17,18", "19 & 19", "24, unknown, unknown", "Unknown", "30"],
        "sex_raw": ["Male", "Male/Female", "Male", "Unknown", "Male"],
    })
    out = stanford_msa.split_attackers(frame)
    rows = {(r, n): (a, s) for r, n, a, s in out.select(
        "source_record_id", "attacker_no", "age", "sex_raw").iter_rows()}
    assert rows == {
        ("a", 1): (17, "Male"), ("a", 2): (18, "Male"),
        ("b", 1): (19, "Male"), ("b", 2): (19, "Female"),
        ("c", 1): (24, "Male"), ("c", 2): (None, "Male"), ("c", 3): (None, "Male"),
        # one age for two shooters is the dictionary's average: not given to anyone
        ("e", 1): (None, "Male"), ("e", 2): (None, "Male"),
    }


def test_inconsistent_fate_labels_map_through_the_sql(tmp_path) -> None:
    header = ",".join(f'"{c}"' for c in stanford_msa.FIELDS)
    base = dict.fromkeys(stanford_msa.FIELDS, "0")
    base |= {"Title": "T", "City": "Town", "State": "Ohio", "Latitude": "41",
             "Longitude": "-81", "Description": "Line one.\nLine two.", "Date": "3/4/2015",
             "Shooter Age(s)": "30", "Shooter Sex": "Male", "School Related": "No",
             "Place Type": "Restaurant/Cafe?", "Type of Gun - General": "Handgun",
             "Number of Handguns": "1", "Shooter's Cause of Death": "Not applicable",
             "Fate of Shooter": "Custody"}
    fates = ["Custody/Escaped", "Custody / Escaped", "Escaped ", "FALSE", "Arrested"]
    lines = [header]
    for i, fate in enumerate(fates, start=1):
        row = base | {"CaseID": str(i), "Fate of Shooter at the scene": fate}
        lines.append(",".join('"' + row[c].replace('"', '""') + '"'
                              for c in stanford_msa.FIELDS))
    path = tmp_path / "Stanford_MSA_Database.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    out = normalize(stanford_msa, {"data": SimpleNamespace(
        name=path.name, url=f"file://{path}", sha256="0" * 64, path=str(path))})
    records = out["source_records"].sort("source_row")
    assert records["end_method"].to_list() == [
        "apprehended", "apprehended", "fled", "unknown", "apprehended"]
    assert records["location_type"].unique().to_list() == ["commerce"]
    assert records["incident_date"].unique().to_list()[0].isoformat() == "2015-03-04"
