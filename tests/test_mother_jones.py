"""Mother Jones US mass shootings, on the shipped raw file and on small hand-made
frames and files for each quirk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import mother_jones
from tests.conftest import normalize_shipped, shipped_snapshots


@pytest.fixture(scope="module")
def out() -> dict[str, pl.DataFrame]:
    return normalize_shipped("mother_jones")


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    """The raw rows as text, in file order, named as parse names them."""
    path = Path(shipped_snapshots("mother_jones")["data"].path)
    grid = pl.read_csv(path, has_header=False, infer_schema_length=0)
    return grid.slice(1).rename(dict(zip(grid.columns, mother_jones.NAMES, strict=True)))


def by_case(out, day: str, case: str) -> dict:
    rows = out["source_records"].filter(pl.col("source_record_id") == f"{day} {case}")
    assert rows.height == 1
    return rows.row(0, named=True)


def test_155_records_and_victim_totals(out) -> None:
    records = out["source_records"]
    assert records.height == 155
    assert records["source_record_id"].n_unique() == 155
    # `fatalities` counts the shooter in 36 records (mother_jones_killed.csv): the
    # column sums to 1,173, the victims to 1,137; killed_raw keeps the source figure
    assert records["killed"].sum() == 1137
    assert records["killed_raw"].cast(pl.Int32).sum() == 1173
    assert records["injured_raw"].cast(pl.Int32).sum() == 1651
    assert records["injured"].sum() == 1651
    assert records["killed"].null_count() == records["injured"].null_count() == 0
    assert (records["incident_date"].min(), records["incident_date"].max()) == (
        dt.date(1982, 8, 20), dt.date(2025, 8, 11))


@pytest.mark.parametrize(
    ("day", "case", "city", "state", "killed", "injured"),
    [
        # the mother, killed at home, counts; the shooter does not (28 dead in all)
        ("2012-12-14", "Sandy Hook Elementary massacre", "Newtown", "CT", 27, 2),
        ("1999-04-20", "Columbine High School massacre", "Littleton", "CO", 13, 24),
        ("2017-10-01", "Las Vegas Strip massacre", "Las Vegas", "NV", 60, 546),
        ("2016-06-12", "Orlando nightclub massacre", "Orlando", "FL", 49, 53),
        ("2018-02-14", "Marjory Stoneman Douglas High School shooting", "Parkland", "FL",
         17, 17),
        ("2022-05-24", "Robb Elementary School massacre", "Uvalde", "TX", 21, 17),
    ],
)
def test_famous_incidents(out, day, case, city, state, killed, injured) -> None:
    r = by_case(out, day, case)
    assert r["incident_date"].isoformat() == day
    assert (r["city"], r["state"], r["killed"], r["injured"]) == (city, state, killed, injured)


@pytest.mark.parametrize(
    ("day", "case", "outcome", "phrase", "stopped_by"),
    [
        ("2012-12-14", "Sandy Hook Elementary massacre", "suicide", "committing suicide",
         "self"),
        ("2016-06-12", "Orlando nightclub massacre", "shot",
         "killed by law enforcement", "police"),
        ("2019-08-03", "El Paso Walmart mass shooting", "apprehended", "apprehended",
         "unknown"),
        # "opened fire ... before he was shot and arrested by police"
        ("1993-08-06", "Luigi's shooting", "shot", "shot and arrested by police", "police"),
        ("2022-07-17", "Greenwood Park Mall shooting", "shot",
         "shot dead by a 22-year-old armed civilian", "civilian"),
        ("2018-05-18", "Santa Fe High School shooting", "surrendered", "surrendering",
         "unknown"),
        # "the suicidal gunman" is not a suicide: nothing in the text says how it ended
        ("2022-05-24", "Robb Elementary School massacre", "unknown", None, "unknown"),
    ],
)
def test_outcome_from_summary_phrases(out, day, case, outcome, phrase, stopped_by) -> None:
    r = by_case(out, day, case)
    assert (r["end_method"], r["attacker_outcome_raw"], r["stopped_by"]) == (
        outcome, phrase, stopped_by)
    assert r["ended_before_police"] is None
    # Read from the narrative: derived, and the derivation names the phrase.
    if phrase is None:
        assert (r["attacker_fate"], r["attacker_fate_basis"], r["derivations"]) == (
            "unknown", None, [])
    else:
        assert r["attacker_fate_basis"] == "derived"
        assert f'attacker_fate: {r["attacker_fate"]}, from the summary phrase "{phrase}"' in (
            r["derivations"])


def test_outcome_counts(out) -> None:
    records = out["source_records"]
    pairs = dict(records.group_by(pl.format("{}/{}", "end_method", "stopped_by")).len().rows())
    assert pairs == {"suicide/self": 60, "apprehended/unknown": 32, "shot/police": 34,
                     "fled/none": 14, "unknown/unknown": 7, "subdued/civilian": 4,
                     "surrendered/unknown": 3, "shot/civilian": 1}
    assert dict(records.group_by("attacker_fate").len().rows()) == {
        "died": 100, "survived": 48, "unknown": 7}


@pytest.mark.parametrize(
    ("day", "case", "outcome_raw", "fate"),
    [
        # "The two were later killed by police as they fled in an SUV."
        ("2015-12-02", "San Bernardino mass shooting", "as they fled; killed by police",
         "died"),
        # "He was apprehended by authorities shortly after fleeing the campus."
        ("2018-02-14", "Marjory Stoneman Douglas High School shooting",
         "after fleeing; apprehended", "survived"),
        # "He left the church and fled in his vehicle after engaging in a gunfight with a
        # local citizen; he soon crashed his vehicle and died from a self-inflicted ..."
        ("2017-11-05", "Texas First Baptist Church massacre",
         "fled in his vehicle; self-inflicted", "died"),
    ],
)
def test_a_shooter_who_left_the_scene_fled(out, day, case, outcome_raw, fate) -> None:
    """Leaving the scene is how the attack ended, whatever came later; the fate is
    that of the later capture or death."""
    r = by_case(out, day, case)
    assert (r["end_method"], r["stopped_by"], r["attacker_fate"], r["attacker_outcome_raw"]) == (
        "fled", "none", fate, outcome_raw)
    flee = outcome_raw.split("; ")[0]
    assert f'end_method: fled, from the summary phrase "{flee}"' in r["derivations"]
    assert f'stopped_by: none, from the summary phrase "{flee}"' in r["derivations"]
    assert r["ended_before_police"] is None


def test_flight_is_the_shooters_own() -> None:
    frame = pl.DataFrame({"summary": [
        "He fired 59 rounds before turning the gun on himself as another co-worker fled "
        "the scene for help.",
        "A bystander wrestled the rifle away from him, who then fled.",
        "He then fled the bar, crashed his car and shot himself.",
        "He fled the scene and later committed suicide.",
    ]})
    got = frame.select(mother_jones.summary_flight("summary")).to_series().to_list()
    assert got == [None, None, None, "fled the scene"]


def test_states_from_city_state_text(out, raw) -> None:
    records = out["source_records"]
    assert records["state"].null_count() == 0
    assert set(records["state"]) <= USPS_CODES
    pairs = dict(records.select("state_raw", "state").unique().rows())
    assert pairs["Lousiana"] == "LA"
    assert pairs["D.C."] == "DC"
    assert pairs["TX"] == "TX"
    dc = records.filter(pl.col("state") == "DC")
    assert dc["city"].to_list() == ["Washington"]
    # city + ", " + state_raw gives back the raw `location`
    rebuilt = records.sort("source_row").select(
        pl.concat_str("city", pl.lit(", "), "state_raw"))["city"].to_list()
    assert rebuilt == raw["location"].to_list()


def test_two_digit_years_are_2017_to_2024(out, raw) -> None:
    short = raw.with_row_index("source_row", offset=1).filter(
        pl.col("date").str.contains(r"/\d{2}$"))
    assert short.height == 63
    years = out["source_records"].join(short.select(pl.col("source_row").cast(pl.Int32)),
                                       on="source_row")["incident_date"].dt.year()
    assert years.len() == 63
    assert (years.min(), years.max()) == (2017, 2024)


def test_venue_from_second_location_column(out) -> None:
    records = out["source_records"]
    counts = dict(records.group_by("location_type").len().rows())
    # Workplace and Other refined from the case name by the keyword table
    assert counts == {"commerce": 70, "other": 25, "education": 24, "house_of_worship": 8,
                      "government": 8, "military": 6, "health_care": 6, "open_space": 4,
                      "residence": 4}
    # stray newlines and lower case in the raw venue do not matter ("Other\n" Hialeah
    # apartment shooting is a residence by its name, Santa Monica rampage stays other)
    assert set(records.filter(pl.col("location_type_raw").str.contains("\n"))
               ["location_type"]) == {"other", "commerce", "residence"}
    airport = by_case(out, "2017-01-06", "Fort Lauderdale airport shooting")
    assert (airport["location_type"], airport["location_type_raw"]) == ("government",
                                                                        "Airport")


def test_dash_is_missing_not_rejected(out) -> None:
    records = out["source_records"]
    assert records["latitude"].null_count() == records["longitude"].null_count() == 29
    assert out["rejects"]["field"].to_list() == ["gender"]


def test_attackers_one_per_listed_gender(out) -> None:
    attackers, records = out["attackers"], out["source_records"]
    assert attackers.height == 157
    assert dict(records.group_by("attackers").len().rows()) == {None: 153, 2: 2}
    pair = attackers.filter(pl.col("source_record_id") == "2015-12-02 San Bernardino "
                            "mass shooting").sort("attacker_no")
    assert pair.select("age", "sex").rows() == [(28, "male"), (None, "female")]
    assert dict(attackers.group_by("sex").len().rows()) == {"male": 151, "female": 5,
                                                           None: 1}
    # the long free-text gender note (Covenant School) is NULL with a reject row
    reject = out["rejects"].row(0, named=True)
    assert reject["source_record_id"] == "2023-03-27 Nashville Christian school shooting"
    assert reject["raw_value"].startswith('F ("identifies as transgender"')


def test_weapons_from_weapon_type_lists(out) -> None:
    weapons = out["weapons"]
    assert weapons["source_record_id"].n_unique() == 154  # one record has "-"
    assert dict(weapons.group_by("weapon_type").len().rows()) == {
        "handgun": 119, "rifle": 68, "shotgun": 30, "knife": 2, "unknown": 1}
    vegas = weapons.filter(pl.col("source_record_id") == "2017-10-01 Las Vegas Strip "
                           "massacre")
    assert vegas.select("weapon_type", "count").rows() == [("rifle", None)]


# --- hand-made edge cases -------------------------------------------------------------


def test_parse_date_two_and_four_digit_years() -> None:
    frame = pl.DataFrame({"date": ["9/4/24", "6/5/2017", "8/20/82", "8/20/1982", "-",
                                   "2024-09-04"]})
    got = frame.select(mother_jones.parse_date("date").alias("d"))["d"].to_list()
    assert got == [dt.date(2024, 9, 4), dt.date(2017, 6, 5), dt.date(1982, 8, 20),
                   dt.date(1982, 8, 20), None, None]


def test_summary_outcome_patterns() -> None:
    frame = pl.DataFrame({"summary": [
        "He was identified as the suicidal gunman.",
        "He had intended to commit suicide, then surrendered to police.",
        "Police shot him and then he killed himself.",
        "He was subdued by bystanders and arrested.",
        "He was shot dead by a witness as he fled.",
        "He was Shot and Arrested by police.",
        "He was shot and killed by responding sheriff\u2019s deputies.",
        "He was found dead from a self-inflicted gunshot wound.",
        "In 2017 he was arrested at the White House.",
    ]})
    kind, phrase = mother_jones.summary_outcome("summary")
    got = frame.select(kind.alias("k"), phrase.alias("p")).rows()
    assert got == [
        (None, None),
        ("surrendered", "surrendered"),
        ("suicide", "killed himself"),
        ("subdued_by_civilian", "subdued by bystanders"),
        ("killed_by_civilian", "shot dead by a witness"),
        ("shot_by_police", "Shot and Arrested by police"),
        # as written: the curly apostrophe and the case are the summary's
        ("killed_by_police", "shot and killed by responding sheriff\u2019s deputies"),
        ("suicide", "self-inflicted"),
        ("apprehended", "arrested"),  # a known limit: any arrest in the text counts
    ]


def test_duplicate_location_header_and_stray_newlines(tmp_path) -> None:
    base = dict.fromkeys(mother_jones.NAMES, "-")
    base |= {"case": "Test shooting", "location": "Reno, NV", "date": "9/4/24",
             "summary": "He was apprehended.", "fatalities": "3", "injured": "-",
             "venue": "\nWorkplace", "gender": "Male", "weapon_type": "One rifle"}
    rows = [base, base | {"venue": "Other\n", "location": "Baton Rouge, Lousiana"}]
    lines = [",".join(mother_jones.HEADER)] + [
        ",".join('"' + row[c] + '"' for c in mother_jones.NAMES) for row in rows]
    path = tmp_path / "motherjones.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    out = normalize(mother_jones, {"data": SimpleNamespace(
        name=path.name, url=f"file://{path}", sha256="0" * 64, path=str(path))})
    records = out["source_records"].sort("source_row")
    assert records["location_type"].to_list() == ["commerce", "other"]
    assert records["state"].to_list() == ["NV", "LA"]
    assert records["injured"].to_list() == [None, None]  # "-" is unknown, never 0
    # the same date and case name twice: both kept, the 2nd suffixed, both flagged
    assert records["source_record_id"].to_list() == ["2024-09-04 Test shooting",
                                                     "2024-09-04 Test shooting#2"]
    assert all("duplicate_id_in_source" in f for f in records["quality_flags"])
    bad = path.read_text().replace("total_victims,location,", "total_victims,venue,", 1)
    path.write_text(bad)
    with pytest.raises(ValueError, match="unexpected header"):
        mother_jones.parse({"data": path})


@pytest.mark.parametrize(
    ("day", "case", "killed", "killed_raw", "quote"),
    [
        # 13 victims and the shooter, who "committed suicide"
        ("2009-04-03", "Binghamton shootings", 13, "14", "before committing suicide"),
        ("1991-10-16", "Luby's massacre", 23, "24", "before committing suicide"),
        ("1989-09-14", "Standard Gravure shooting", 8, "9",
         "gunned down eight people at his former workplace before committing suicide"),
        ("2013-07-26", "Hialeah apartment shooting", 6, "7", "killed six people"),
    ],
)
def test_shooter_removed_from_fatalities(out, day, case, killed, killed_raw, quote) -> None:
    r = by_case(out, day, case)
    assert (r["killed"], r["killed_raw"]) == (killed, killed_raw)
    assert "attacker_removed_from_killed" in r["quality_flags"]
    [note] = [d for d in r["derivations"] if d.startswith("killed:")]
    assert note.startswith(f"killed: attacker excluded (fatalities {killed_raw} include "
                           "the shooter; summary says")
    assert quote in note


@pytest.mark.parametrize(
    ("day", "case", "killed"),
    [
        ("2007-04-16", "Virginia Tech massacre", 32),  # the shooter is not in the 32
        ("2012-12-14", "Sandy Hook Elementary massacre", 27),  # 26 + the mother
        ("1999-04-20", "Columbine High School massacre", 13),
        ("2013-09-16", "Washington Navy Yard shooting", 12),
    ],
)
def test_victims_only_figures_are_kept(out, day, case, killed) -> None:
    r = by_case(out, day, case)
    assert (r["killed"], r["killed_raw"]) == (killed, str(killed))
    assert "attacker_removed_from_killed" not in r["quality_flags"]
    assert not [d for d in r["derivations"] if d.startswith("killed:")]


def test_killed_review_list_matches_the_file(out, raw) -> None:
    """Every reviewed record exists with the reviewed figure, loses exactly the one
    shooter, and every phrase its evidence quotes from the summary is in the summary."""
    import re

    review = mother_jones.killed_review()
    assert review.height == 36
    assert (review["fatalities"] - review["victims_killed"]).to_list() == [1] * 36
    summaries = dict(zip(out["source_records"]["source_record_id"],
                         raw["summary"].str.replace_all(r"\s+", " "), strict=True))
    fatalities = dict(out["source_records"].select("source_record_id", "killed_raw").rows())
    for rid, figure, evidence in review.select(
            "source_record_id", "fatalities", "evidence").iter_rows():
        assert fatalities[rid] == str(figure), rid
        for quoted in re.findall(r'summary says[^"]*"([^"]+)"', evidence):
            for piece in quoted.split(" ... "):
                assert piece.replace("\u2019", "'") in summaries[rid].replace("\u2019", "'"), (
                    rid, piece)
    flagged = out["source_records"].filter(
        pl.col("quality_flags").list.contains("attacker_removed_from_killed"))
    assert sorted(flagged["source_record_id"]) == sorted(review["source_record_id"])


def test_killed_review_list_is_complete(warehouse) -> None:
    """Cross-check with the other lists: every MJ record whose fatalities are exactly
    one more than what two or more other lists give for the same day and state (and
    no other list agrees with MJ) is in the reviewed list, and every listed record
    with such a match is one below."""
    rows = warehouse.execute("""
        WITH mj AS (SELECT * FROM source_records WHERE source = 'mother_jones'),
        other AS (SELECT source, incident_date, state, killed FROM source_records
                  WHERE source NOT IN ('mother_jones', 'gva_trace'))
        SELECT mj.source_record_id, mj.killed_raw::INT AS fatalities,
               count(*) FILTER (o.killed = mj.killed_raw::INT - 1) AS one_below,
               count(*) FILTER (o.killed = mj.killed_raw::INT) AS same
        FROM mj JOIN other AS o ON o.state = mj.state
             AND abs(o.incident_date - mj.incident_date) <= 1
        GROUP BY ALL
    """).fetchall()
    listed = set(mother_jones.killed_review()["source_record_id"])
    candidates = {rid for rid, _, below, same in rows if below >= 2 and same == 0}
    assert candidates - listed == set()
    # no listed record is contradicted by two lists agreeing with MJ's figure
    assert {rid for rid, _, below, same in rows if rid in listed and same >= 2} == set()


@pytest.mark.parametrize(
    ("day", "case", "location_type", "raw_venue", "keyword"),
    [
        ("2019-05-31", "Virginia Beach municipal building shooting", "government",
         "Workplace", "municipal"),
        ("2018-11-19", "Mercy Hospital shooting", "health_care", "Workplace", "hospital"),
        ("2021-05-26", "San Jose VTA shooting", "government", "Workplace", "vta"),
        ("2016-06-12", "Orlando nightclub massacre", "commerce", "Other", "nightclub"),
    ],
)
def test_coarse_venue_refined_from_the_case_name(out, day, case, location_type, raw_venue,
                                                 keyword) -> None:
    r = by_case(out, day, case)
    assert (r["location_type"], r["location_type_raw"], r["location_type_basis"]) == (
        location_type, raw_venue, "derived")
    assert (f'location_type: derived from case "{case}" (keyword "{keyword}")'
            in r["derivations"])


def test_stated_venue_keeps_its_basis(out) -> None:
    # School is precise: never refined; Workplace without a keyword stays commerce
    school = by_case(out, "2022-05-24", "Robb Elementary School massacre")
    assert (school["location_type"], school["location_type_basis"]) == ("education", "stated")
    xerox = by_case(out, "1999-11-02", "Xerox killings")
    assert (xerox["location_type"], xerox["location_type_basis"]) == ("commerce", "stated")
    # ("He fled and was later apprehended by police": only the outcome is derived)
    assert [d for d in xerox["derivations"] if d.startswith("location_type")] == []
    # "Park Avenue" is a street: the stop row keeps the office tower from open_space
    park_avenue = by_case(out, "2025-07-28", "NYC Park Avenue shooting")
    assert (park_avenue["location_type"], park_avenue["location_type_basis"]) == (
        "commerce", "stated")


def test_narrative_is_the_summary_verbatim(out, raw) -> None:
    records = out["source_records"].sort("source_row")
    assert records["narrative_field"].unique().to_list() == ["summary"]
    assert records["narrative"].to_list() == raw["summary"].to_list()
    uvalde = records.filter(pl.col("source_record_id") == "2022-05-24 Robb Elementary School "
                            "massacre").row(0, named=True)
    assert uvalde["narrative"] == ("Salvador Ramos, 18, was identified by authorities as the "
                                   "suicidal gunman who attacked at Robb Elementary school.")


def test_race_mental_health_and_weapon_provenance_raw_and_mapped(out) -> None:
    attackers = out["attackers"]
    vt = attackers.filter(pl.col("source_record_id") == "2007-04-16 Virginia Tech massacre")
    assert vt.select("race_raw", "race", "mental_illness_raw", "mental_illness").rows() == [
        ("Asian", "asian", "Yes", True)]
    pairs = dict(attackers.select("race_raw", "race").unique().drop_nulls().rows())
    assert pairs["Latino"] == "hispanic" and pairs["white"] == pairs["White"] == "white"
    assert attackers["mental_illness"].sum() == 77
    weapons = out["weapons"]
    welding = weapons.filter(pl.col("source_record_id") == "1982-08-20 Welding shop shooting")
    assert welding.select("obtained_raw", "obtained", "obtained_detail", "weapon_detail"
                          ).rows() == [("Yes", "legal_unspecified",
                                        "Garcia Gun Center in Hialeah, Fla.",
                                        "Mossberg 500 Persuader pump-action shotgun with "
                                        "pistol grip")]
    dallas = weapons.filter(pl.col("source_record_id") == "1984-06-29 Dallas nightclub shooting")
    assert dallas["obtained"].unique().to_list() == ["illegal_unspecified"]
    # '-' is Mother Jones's missing marker: not published, not a value
    assert weapons.filter(pl.col("obtained_detail") == "-").height == 0


def test_spree_type_is_mobile(out) -> None:
    records = out["source_records"]
    maine = records.filter(pl.col("source_record_id") == "2023-10-25 Maine bowling alley and "
                           "bar shootings").row(0, named=True)
    assert (maine["mobile_raw"], maine["mobile"]) == ("Spree", True)
    assert records["mobile"].value_counts().sort("mobile").rows() == [(False, 133), (True, 22)]


def test_mental_health_details_verbatim(out) -> None:
    austin = out["attackers"].filter(
        pl.col("source_record_id") == "2025-08-11 Austin parking lot shooting").row(0, named=True)
    assert austin["mental_illness_detail"] == (
        'The suspect "had a history of mental health problems and previously had been placed '
        'on emergency holds," according to Austin police chief Lisa Davis, as reported by '
        "media outlets.")
