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
    # civilian + enforcement, victims only (the shooter is never counted); three
    # records corrected from the reviewed list (197 +1 killed; 320 5 killed -> 5
    # injured; 6: the guard injured, not killed)
    assert records["killed"].sum() == 1197 + 1 - 5 - 1
    assert records["injured"].sum() == 1418 + 5 + 1
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
    # Total victims = civilian + enforcement killed and injured everywhere but Little
    # Water (CaseID 197), whose enforcement fatality is missing from the components;
    # with the reviewed correction the records add up to the source's 2,616.
    assert (parsed["civ_killed"] + parsed["le_killed"] + parsed["civ_injured"]
            + parsed["le_injured"]).sum() == 2616 - 1
    records = msa["source_records"]
    assert records["killed"].sum() + records["injured"].sum() == 2616
    little_water = records.filter(pl.col("source_record_id") == "197")
    # the columns say 0 killed (killed_raw keeps them); the description and the
    # totals say the officer was killed
    assert little_water.select("killed", "injured").rows() == [(1, 2)]
    assert little_water["killed_raw"][0].startswith(
        "Number of Civilian Fatalities 0; Number of Enforcement Fatalities 0;")


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


DOUBLE_ENTRIES = [("247", "271"), ("250", "282"), ("251", "285"), ("253", "286"),
                  ("255", "290"), ("256", "293"), ("257", "294"), ("258", "301"),
                  ("259", "302"), ("260", "303")]


def test_double_entries_under_other_case_ids_are_kept_and_the_second_flagged(msa) -> None:
    records = msa["source_records"]
    # (the shooter's death in the Total is flagged on its own: not about duplicates)
    by_id = {r[0]: (r[1], [f for f in r[2] if f != "attacker_removed_from_killed"])
             for r in records.select("source_record_id", "state", "quality_flags").iter_rows()}
    for first, second in DOUBLE_ENTRIES:
        assert by_id[first][0] == by_id[second][0]
        assert by_id[first][1] == []
        assert by_id[second][1] == ["duplicate_record_in_source"]
    flagged = records.filter(
        pl.col("quality_flags").list.contains("duplicate_record_in_source"))
    assert sorted(flagged["source_record_id"]) == sorted(s for _, s in DOUBLE_ENTRIES)
    # counting each shooting once: 335 records, 325 shootings
    assert records.height - flagged.height == 325


def test_duplicate_list_is_complete(parsed) -> None:
    """Every pair of records in one state within a day of each other is a listed
    double entry or a reviewed look-alike (248/275: an Orlando nightclub and a Tampa
    strip club; 330/331: a Chicago bus stop and a family murder-suicide)."""
    import duckdb

    con = duckdb.connect()
    con.register("s", parsed)
    pairs = set(con.execute(
        "SELECT a.source_record_id, b.source_record_id FROM s AS a JOIN s AS b "
        "ON a.source_row < b.source_row AND a.state = b.state "
        "AND abs(a.incident_date - b.incident_date) <= 1").fetchall())
    con.close()
    listed = pl.read_csv(stanford_msa.DUPLICATES, infer_schema_length=0)
    reviewed = {(same, case) for case, same in listed.select("case_id", "same_as").rows()}
    assert pairs == reviewed
    assert set(listed["verdict"]) == {"duplicate", "not_duplicate"}
    assert sorted(listed.filter(pl.col("verdict") == "duplicate")
                  .select("same_as", "case_id").rows()) == DOUBLE_ENTRIES


@pytest.mark.parametrize(
    ("rid", "killed", "injured", "officers", "quote"),
    [
        ("197", 1, 2, (1, 2), "police officer was shot and killed"),
        ("320", 0, 5, (0, 0), "Five people were injured"),
        ("6", 1, 7, (0, 1), "The security guard was injured during the exchange"),
    ],
)
def test_casualties_contradicting_the_description_are_flagged(msa, parsed, rid, killed,
                                                              injured, officers,
                                                              quote) -> None:
    r = msa["source_records"].filter(pl.col("source_record_id") == rid).row(0, named=True)
    assert (r["killed"], r["injured"], (r["officers_killed"], r["officers_injured"])) == (
        killed, injured, officers)
    assert "casualties_contradict_narrative" in r["quality_flags"]
    [note] = [d for d in r["derivations"] if d.startswith("killed:")]
    assert note.startswith(f"killed: {killed}, injured: {injured} ") and quote in note
    # the quote is the source's own description, and the raw columns are kept as written
    description = parsed.filter(pl.col("source_record_id") == rid)["description"][0]
    assert quote in " ".join(description.split())
    assert r["killed_raw"].startswith("Number of Civilian Fatalities ")


def test_killed_raw_quotes_the_three_fatality_columns(msa) -> None:
    r = msa["source_records"].filter(pl.col("source_record_id") == "271").row(0, named=True)
    assert r["killed_raw"] == ("Number of Civilian Fatalities 5; Number of Enforcement "
                               "Fatalities 0; Total Number of Fatalities 6")
    assert r["killed"] == 5  # the sixth dead is the shooter
    assert msa["source_records"]["killed_raw"].null_count() == 0
    assert msa["source_records"]["injured_raw"].null_count() == 0


def test_outcome_mapping(msa) -> None:
    records = msa["source_records"]
    counts = dict(records.group_by("end_method").len().iter_rows())
    assert counts == {"apprehended": 127, "suicide": 103, "fled": 73, "shot": 22, "unknown": 10}
    outcome = dict(records.select("source_record_id", "end_method").iter_rows())
    fate = dict(records.select("source_record_id", "attacker_fate").iter_rows())
    # UT Tower: "Killed", the description names no police: how unknown, death stated
    assert (outcome["1"], fate["1"]) == ("unknown", "died")
    # "later shot and run down by two witnesses while he was cycling away": he fled
    assert outcome["11"] == "fled"
    assert outcome["162"] == "suicide"  # "Killed/Suicide": any suicide wins
    # fate at the scene "Killed", but the description names no one who killed him
    assert (outcome["252"], fate["252"]) == ("unknown", "died")
    assert dict(records.group_by("attacker_fate", "attacker_fate_basis").len().select(
        pl.format("{}/{}", "attacker_fate", pl.col("attacker_fate_basis").fill_null("-")),
        "len").iter_rows()) == {"died/stated": 144, "survived/derived": 191}
    stopped = dict(records.group_by("stopped_by").len().iter_rows())
    assert stopped == {"unknown": 137, "self": 103, "none": 73, "police": 22}
    assert records["ended_before_police"].null_count() == 335


def test_police_named_as_victims_are_not_a_police_killing(msa) -> None:
    """Police count as having shot the shooter only where the description says they
    killed him; a shooter hunted down and killed later fled the attack."""
    records = {r["source_record_id"]: r for r in msa["source_records"].iter_rows(named=True)}
    # Lakewood 2009: "The gunman shot and killed four off-duty police officers ...
    # After a two-day manhunt, the gunman was shot and killed by a police officer"
    lakewood = records["117"]
    assert (lakewood["end_method"], lakewood["stopped_by"], lakewood["attacker_fate"]) == (
        "fled", "none", "died")
    assert sorted(lakewood["derivations"]) == [
        "end_method: fled, from the description (the shooter left the scene and was "
        "killed later)",
        "stopped_by: none, from the description (the shooter left the scene)"]
    # Chicago 1988: "The shooter opened fire on the officers, injuring one and killing
    # another." (who killed the shooter is not said)
    assert (records["26"]["end_method"], records["26"]["stopped_by"]) == ("unknown", "unknown")
    # Pulse: "After a three-hour standoff with the Orlando police he was shot and killed."
    assert (records["343"]["end_method"], records["343"]["stopped_by"]) == ("shot", "police")
    # "Police then fired at the shooter, killing him."
    assert records["166"]["end_method"] == "shot"


def test_total_counting_dead_shooters_is_flagged(msa) -> None:
    """`Total Number of Fatalities` above civilian + enforcement fatalities counts the
    dead shooters: `killed` leaves them out (it is the components) and the record is
    flagged, as a source whose headline figure counts the attacker."""
    records = msa["source_records"]
    flagged = records.filter(
        pl.col("quality_flags").list.contains("attacker_removed_from_killed"))
    assert flagged.height == 140
    assert flagged["attacker_fate"].unique().to_list() == ["died"]
    sandy_hook = records.filter(pl.col("source_record_id") == "138").row(0, named=True)
    assert sandy_hook["killed_raw"] == ("Number of Civilian Fatalities 27; Number of "
                                        "Enforcement Fatalities 0; Total Number of Fatalities 28")
    assert sandy_hook["killed"] == 27
    assert "attacker_removed_from_killed" in sandy_hook["quality_flags"]


def test_location_types(msa) -> None:
    counts = dict(msa["source_records"].group_by("location_type").len().iter_rows())
    assert counts == {"residence": 107, "commerce": 75, "education": 66, "open_space": 38,
                      "government": 20, "other": 11, "house_of_worship": 7, "military": 5,
                      "health_care": 4, "unknown": 2}
    # Place Type "Unknown": the title through the shared keyword table
    bus_stop = msa["source_records"].filter(pl.col("source_record_id") == "330").row(
        0, named=True)
    assert (bus_stop["incident_name"], bus_stop["location_type"],
            bus_stop["location_type_basis"], bus_stop["location_type_raw"]) == (
        "Chicago bus stop ambush", "other", "derived", "Unknown")
    assert ('location_type: derived from Title "Chicago bus stop ambush" (keyword "bus stop")'
            in bus_stop["derivations"])


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
    # taken or left the scene alive: survived (derived); "FALSE" says nothing
    assert records["attacker_fate"].to_list() == [
        "survived", "survived", "survived", "unknown", "survived"]
    assert records["attacker_fate_basis"].to_list() == [
        "derived", "derived", "derived", None, "derived"]
    assert records["location_type"].unique().to_list() == ["commerce"]
    assert records["incident_date"].unique().to_list()[0].isoformat() == "2015-03-04"


def test_narrative_is_the_description_verbatim(msa) -> None:
    path = Path(shipped_snapshots("stanford_msa")["data"].path)
    raw = pl.read_csv(path, infer_schema_length=0).with_row_index("source_row", offset=1)
    records = msa["source_records"]
    assert records["narrative"].null_count() == 0
    assert records["narrative_field"].unique().to_list() == ["Description"]
    joined = records.join(raw.with_columns(pl.col("source_row").cast(pl.Int32)),
                          on="source_row")
    assert joined.height == records.height
    assert (joined["narrative"] == joined["Description"]).all()
    pulse = records.filter(pl.col("source_record_id") == "343").row(0, named=True)
    assert pulse["narrative"].startswith("On June 12, 2016 a shooter entered Pulse, a gay "
                                         "nightclub, in Orlando Florida and opened f")


def test_attacker_fields_raw_and_mapped(msa) -> None:
    pulse = msa["attackers"].filter(pl.col("source_record_id") == "343").row(0, named=True)
    assert (pulse["race_raw"], pulse["race"]) == ("Some other race", "other")
    assert (pulse["relationship_raw"], pulse["relationship"]) == ("Place of Recreation",
                                                                  "customer_client")
    assert (pulse["mental_illness_raw"], pulse["mental_illness"]) == ("No", False)
    assert (pulse["military_experience_raw"], pulse["military_experience"]) == ("No", False)
    attackers = msa["attackers"]
    pairs = dict(attackers.select("relationship_raw", "relationship").unique().drop_nulls()
                 .rows())
    assert pairs["Place of residency"] == "resident"
    assert pairs["Place of schooling"] == "student"
    assert pairs["None"] == "stranger"
    assert attackers["military_experience"].sum() == 38
    details = msa["weapons"].filter(pl.col("source_record_id") == "343")["weapon_detail"]
    assert details.unique().to_list() == [
        "Two guns were recovered on the shooter's body; SIG Sauer MCX semi-automatic rifle "
        "an a 9mm Glock 17 semi-automatic pistol."]


def test_motive_and_targeted_victims_raw_and_mapped(msa) -> None:
    records = msa["source_records"]
    pulse = records.filter(pl.col("source_record_id") == "343").row(0, named=True)
    assert (pulse["situation_raw"], pulse["situation"]) == ("Multiple motives", "multiple")
    assert (pulse["targeting_raw"], pulse["targeting"]) == ("General public", "indiscriminate")
    pairs = dict(records.select("targeting_raw", "targeting").unique().drop_nulls().rows())
    assert pairs["Family"] == "targeted"
    assert pairs["Shooter targetted his wife and then random people."] == "both"
    # a value with a line break inside matches its row with the break folded
    assert pairs["General public\nand Government"] == "both"
    motives = dict(records.select("situation_raw", "situation").unique().drop_nulls().rows())
    assert motives["Terminated/Denied/Reprimanded"] == "workplace_grievance"
    assert motives["Social Dispute"] == motives["Social dispute"] == "dispute"


def test_mental_illness_detail_verbatim(msa) -> None:
    pulse = msa["attackers"].filter(pl.col("source_record_id") == "343").row(0, named=True)
    assert pulse["mental_illness_detail"] == (
        "No officially documented history of mental illness, but his ex-wife claims he was "
        "mentally unstable and abusive.")
