"""AP / USA TODAY / Northeastern Mass Killing Database, on the shipped raw files and on
small hand-made files for each quirk."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.normalize.runner import normalize
from pipelines.normalize.states import USPS_CODES
from pipelines.sources import ap_usat_nu
from tests.conftest import normalize_shipped

FIREARMS = ("handgun", "rifle", "shotgun", "other_firearm")


@pytest.fixture(scope="module")
def ap() -> dict[str, pl.DataFrame]:
    return normalize_shipped("ap_usat_nu")


def test_615_incidents_with_ap_victim_totals(ap) -> None:
    records = ap["source_records"]
    assert records.height == 615
    assert records["source_record_id"].n_unique() == 615
    assert records["killed"].sum() == 3174  # num_victims_killed: victims only
    assert records["injured"].sum() == 2139
    assert records["killed"].null_count() == 0
    assert records["killed"].min() == 4  # AP's definition: 4+ killed, never a stray 0
    assert ap["rejects"].height == 0
    assert (records["incident_date"].min().isoformat(),
            records["incident_date"].max().isoformat()) == ("2006-01-01", "2025-02-21")


def test_every_state_is_a_usps_code(ap) -> None:
    states = ap["source_records"]["state"]
    assert states.null_count() == 0
    assert set(states.unique()) <= USPS_CODES


def test_detail_tables_keep_every_source_row(ap) -> None:
    assert ap["attackers"].height == 788
    assert ap["victims"].height == 3174
    assert ap["weapons"]["count"].sum() == 963
    # The victims table lists the killed: per incident it matches num_victims_killed.
    per_incident = ap["victims"].group_by("source_record_id").len().join(
        ap["source_records"].select("source_record_id", "killed"), on="source_record_id",
        how="full",
    )
    assert per_incident.filter(pl.col("len") != pl.col("killed")).height == 0
    assert per_incident["len"].null_count() == 0
    assert set(ap["victims"]["injury"].unique()) == {"killed"}


def test_famous_incidents(ap) -> None:
    rows = {
        (d.isoformat(), s): (c, k, i, o)
        for d, s, c, k, i, o in ap["source_records"].select(
            "incident_date", "state", "city", "killed", "injured", "end_method"
        ).iter_rows()
    }
    # Las Vegas: AP counts 60 killed (two died of their injuries years later).
    assert rows[("2017-10-01", "NV")] == ("Las Vegas", 60, 867, "suicide")
    assert rows[("2017-11-05", "TX")] == ("Sutherland Springs", 25, 20, "suicide")
    assert rows[("2022-05-24", "TX")] == ("Uvalde", 21, 17, "shot")
    assert rows[("2012-12-14", "CT")] == ("Newtown", 27, 2, "suicide")  # counts the mother


def test_non_firearm_killings_count_too(ap) -> None:
    records = ap["source_records"].join(ap["weapons"], on="source_record_id")
    # New York truck attack, 2017-10-31: 8 killed, 11 injured, one vehicle.
    nyc = records.filter(pl.col("source_record_id") == "348")
    assert nyc.select("city", "killed", "injured", "weapon_type", "count").rows() == [
        ("New York", 8, 11, "vehicle", 1)
    ]
    # Richmond, VA, 2006-01-01: seven stabbed and beaten to death, nobody injured.
    richmond = records.filter(pl.col("source_record_id") == "98")
    assert richmond.select("killed", "injured").unique().rows() == [(7, 0)]
    assert sorted(richmond["weapon_raw"]) == ["blunt object / NG", "knife / NG"]


def test_firearm_incidents_are_visible_in_weapons(ap) -> None:
    with_gun = set(
        ap["weapons"].filter(pl.col("weapon_type").is_in(FIREARMS))["source_record_id"]
    )
    assert len(with_gun) == 487
    # firstcod = Shooting in 485 incidents; 484 of them list a gun. Incident 614 (a
    # shooting, then a fire pit) lists only fire; 230, 276 and 283 list a gun but a
    # different first cause of death.
    assert {"230", "276", "283"} <= with_gun
    assert "614" not in with_gun


def test_weapon_mapping(ap) -> None:
    mapped = dict(ap["weapons"].select("weapon_raw", "weapon_type").unique().iter_rows())
    assert mapped["gun / HG / revolver"] == "handgun"
    assert mapped["gun / UG"] == "other_firearm"  # a gun of unknown class is still a gun
    assert mapped["gun / LG / handgun"] == "handgun"  # gun_type beats a contradicting class
    assert mapped["sharp object / NG"] == "other"
    assert mapped["fire / NG"] == "other"


def test_offender_outcome_precedence(ap) -> None:
    records = ap["source_records"]
    counts = dict(records.group_by("end_method").len().iter_rows())
    assert counts == {"apprehended": 341, "suicide": 190, "shot": 37, "fled": 45, "unknown": 1,
                      "attempted_suicide": 1}
    outcome = dict(records.select("source_record_id", "end_method").iter_rows())
    raw = dict(records.select("source_record_id", "attacker_outcome_raw").iter_rows())
    # "found four men bound and fatally shot in a garage after the suspects had fled.
    # Police killed one of the pair after a chase": the attack ended by flight.
    assert (raw["1"], outcome["1"]) == ("Life sentence; Killed", "fled")
    assert (raw["44"], outcome["44"]) == ("Suicide; Killed", "suicide")
    # Killed by his accomplice: suicide = TRUE on the killer's row decides.
    assert (raw["587"], outcome["587"]) == ("Killed; Killed", "suicide")
    # One killed in Mexico (narrative names no police), others arrested.
    assert outcome["611"] == "apprehended"
    stopped = dict(records.group_by("end_method", "stopped_by").len()
                   .select(pl.concat_str("end_method", pl.lit("/"), "stopped_by"), "len")
                   .iter_rows())
    assert stopped == {"apprehended/unknown": 341, "suicide/self": 190,
                       "shot/police": 37, "fled/none": 45, "unknown/unknown": 1,
                       "attempted_suicide/self": 1}
    # AP has no field for it: only narratives that tell it set ended_before_police
    assert dict(records["ended_before_police"].value_counts().iter_rows()) == {
        None: 591, True: 14, False: 10}


def test_narrative_corrects_the_ending(ap) -> None:
    """The narrative's own words on how it ended beat the offenders' outcome."""
    rows = {r["source_record_id"]: r for r in ap["source_records"].filter(
        pl.col("source_record_id").is_in(["1", "369", "491", "509", "508", "300"])
    ).iter_rows(named=True)}
    got = {k: (r["end_method"], r["stopped_by"], r["ended_before_police"])
           for k, r in rows.items()}
    assert got == {
        # "...after the suspects had fled. Police killed one of the pair..."
        "1": ("fled", "none", True),
        # "He shot and killed his girlfriend, ... before fleeing in a vehicle."
        "369": ("fled", "none", True),
        # "Police responded to a trailer park and found three people dead. ... The case
        # remains unsolved." (num_offenders 0, no offender rows)
        "491": ("fled", "none", True),
        # "He then shot himself but survived the injury." (outcome "Life sentence")
        "509": ("attempted_suicide", "self", None),
        # "He was killed in a shootout with responding police."
        "508": ("shot", "police", False),
        # "The gunman, who was killed by responding SWAT officers, ..."
        "300": ("shot", "police", False),
    }
    assert 'end_method: attempted_suicide, from the narrative ("shot himself but survived")' \
        in rows["509"]["derivations"]


def test_attacker_fate_over_every_offender(ap) -> None:
    """Fate is over all offenders: one killed, one sentenced is mixed; a survival only
    implied by an arrest or sentence is derived and said so in derivations."""
    records = ap["source_records"]
    assert dict(records.group_by("attacker_fate").len().iter_rows()) == {
        "died": 230, "survived": 344, "mixed": 4, "unknown": 37}
    row = records.filter(pl.col("source_record_id") == "1").row(0, named=True)
    assert (row["attacker_fate"], row["attacker_fate_basis"]) == ("mixed", "derived")
    assert row["derivations"] == [
        'end_method: fled, from the narrative ("fled")',
        'stopped_by: none, from the narrative ("fled")',
        'ended_before_police: true, from the narrative ("fled")',
        'attacker_fate: mixed, survival implied by the offender outcome "Life sentence"']
    unsolved = records.filter(pl.col("attacker_outcome_raw") == "Unsolved")
    assert set(unsolved["attacker_fate"]) == {"unknown"}  # never caught: fate not known


def test_zero_offenders_means_unknown(ap) -> None:
    """No offender identified: nothing known, unless the narrative tells the end (491
    "The case remains unsolved": nobody was caught, so the attacker got away)."""
    rows = ap["source_records"].filter(pl.col("source_record_id").is_in(["266", "491"])
                                       ).sort("source_record_id")
    assert rows.select("attackers", "end_method", "attacker_fate").rows() == [
        (None, "unknown", "unknown"), (None, "fled", "unknown")]


def test_location_types(ap) -> None:
    counts = dict(ap["source_records"].group_by("location_type").len().iter_rows())
    assert counts == {"residence": 426, "commerce": 61, "other": 53, "open_space": 42,
                      "education": 14, "government": 10, "house_of_worship": 7,
                      "health_care": 2}


# --- hand-made files, one per quirk -------------------------------------------------

BOM = "\ufeff"
HEADERS = {
    "incidents": '"incident_id","date","city","state","num_offenders","num_victims_killed",'
    '"num_victims_injured","firstcod","location_type","location","longitude","latitude",'
    '"county","narrative"',
    "offenders": '"incident_id","offender_id","age","sex","suicide","deathcause","outcome",'
    '"sentence_details"',
    "victims": '"incident_id","victim_id","age","sex"',
    "weapons": '"incident_id","weapon_id","weapon_type","gun_class","gun_type"',
}
INCIDENT = ('"{id}","2020-01-02","Town","OH",1,4,"1","Shooting","Open space","Open space",'
            '"-81.5","41.1","Some County","{narrative}"')


def write_tiny(tmp_path: Path, incidents: list[str], offenders=(), victims=(), weapons=()):
    rows = {"incidents": incidents, "offenders": offenders, "victims": victims,
            "weapons": weapons}
    files = {}
    for key, body in rows.items():
        path = tmp_path / f"mass_killing_{key}_public.csv"
        path.write_bytes((BOM + "\r\n".join([HEADERS[key], *body]) + "\r\n").encode())
        files[key] = path
    return files


def run_tiny(files: dict[str, Path]) -> dict[str, pl.DataFrame]:
    snaps = {k: SimpleNamespace(name=p.name, url=f"file://{p}", sha256="0" * 64, path=str(p))
             for k, p in files.items()}
    return normalize(ap_usat_nu, snaps)


def test_bom_is_not_part_of_the_first_column(tmp_path) -> None:
    files = write_tiny(tmp_path, [INCIDENT.format(id="7", narrative="x")])
    assert files["incidents"].read_bytes().startswith(b"\xef\xbb\xbf")
    table = ap_usat_nu.read_table("incidents", files["incidents"])
    assert table.columns[1] == "incident_id"  # after source_row
    assert not [c for c in table.columns if BOM in c]
    assert run_tiny(files)["source_records"]["source_record_id"].to_list() == ["7"]


def test_crlf_inside_quoted_offender_cell_stays_one_row(tmp_path) -> None:
    offender = '"7","1",30,"Male","FALSE","","Prison sentence","15 years,\r\nthen parole"'
    files = write_tiny(tmp_path, [INCIDENT.format(id="7", narrative="x")], [offender])
    out = run_tiny(files)
    assert out["attackers"].select("attacker_no", "age", "sex", "outcome_raw").rows() == [
        (1, 30, "male", "Prison sentence")
    ]
    assert out["source_records"].select("end_method", "attacker_fate").rows() == [
        ("apprehended", "survived")]


def test_rows_of_a_missing_incident_are_rejected_not_dropped(tmp_path) -> None:
    files = write_tiny(
        tmp_path,
        [INCIDENT.format(id="7", narrative="x")],
        offenders=['"7","1",30,"Male","TRUE","Shooting","Suicide",""',
                   '"99","2",40,"Male","FALSE","","Unsolved",""'],
        victims=['"7","1","20","Female"', '"98","2","21","Male"'],
        weapons=['7,1,"gun","HG","revolver"', '97,2,"knife","NG",'],
    )
    out = run_tiny(files)
    rejects = out["rejects"].sort("source_file")
    assert rejects.select("source_file", "source_row", "field", "raw_value", "reason").rows() == [
        ("mass_killing_offenders_public.csv", 2, "incident_id", "99", "no such incident"),
        ("mass_killing_victims_public.csv", 2, "incident_id", "98", "no such incident"),
        ("mass_killing_weapons_public.csv", 2, "incident_id", "97", "no such incident"),
    ]
    assert out["attackers"].height == out["victims"].height == out["weapons"].height == 1
    assert out["source_records"].select("end_method", "attacker_fate").rows() == [
        ("suicide", "died")]


def test_killed_needs_police_in_the_narrative(tmp_path) -> None:
    files = write_tiny(
        tmp_path,
        [INCIDENT.format(id="1", narrative="He was shot dead by responding police."),
         INCIDENT.format(id="2", narrative="Police found the bodies. He was later killed.")],
        offenders=['"1","1",30,"Male","FALSE","Shooting","Killed",""',
                   '"2","2",30,"Male","FALSE","Shooting","Killed",""'],
    )
    out = run_tiny(files)["source_records"].sort("source_record_id")
    assert out.select("end_method", "stopped_by", "attacker_fate").rows() == [
        ("shot", "police", "died"), ("unknown", "unknown", "died")
    ]


def test_repeated_incident_id_is_suffixed_and_flagged(tmp_path) -> None:
    files = write_tiny(tmp_path, [INCIDENT.format(id="5", narrative="a"),
                                  INCIDENT.format(id="5", narrative="b")])
    out = run_tiny(files)["source_records"].sort("source_row")
    assert out["source_record_id"].to_list() == ["5", "5#2"]
    assert out["quality_flags"].to_list() == [["duplicate_id_in_source"]] * 2


def test_narrative_is_the_incident_narrative_verbatim(ap) -> None:
    from tests.conftest import shipped_snapshots

    files = {k: Path(s.path) for k, s in shipped_snapshots("ap_usat_nu").items()}
    raw = pl.read_csv(files["incidents"], infer_schema_length=0)
    records = ap["source_records"]
    assert records["narrative"].null_count() == 0
    assert records["narrative_field"].unique().to_list() == ["narrative"]
    joined = records.join(raw, left_on="source_record_id", right_on="incident_id")
    assert joined.height == records.height
    assert (joined["narrative"] == joined["narrative_right"]).all()
    harshman = records.filter(pl.col("source_record_id") == "643").row(0, named=True)
    assert harshman["narrative"].startswith(
        "Tranyelle Harshman, 32, shot her four daughters—twin 2-year-olds")


def test_offender_race_and_victim_relationship(ap) -> None:
    victims = ap["victims"]
    harshman = victims.filter(pl.col("source_record_id") == "643")
    assert harshman.select("relationship_raw", "relationship").unique().rows() == [
        ("Child or stepchild", "family")]
    pairs = dict(victims.select("relationship_raw", "relationship").unique().drop_nulls()
                 .rows())
    assert pairs["Random bystander/stranger"] == "stranger"
    assert pairs["Ex-spouse"] == "intimate_partner"
    assert pairs["Co-worker or employer"] == "employee"
    assert pairs["Undetermined"] == "unknown"
    assert victims.filter(pl.col("relationship") == "stranger").height == 778
    attackers = ap["attackers"]
    assert dict(attackers.select("race_raw", "race").unique().drop_nulls().rows())[
        "Hispanic/Latino"] == "hispanic"
    assert attackers.filter(pl.col("race") == "black").height == 252


def test_situation_type_and_assault_rifle(ap) -> None:
    records = ap["source_records"]
    harshman = records.filter(pl.col("source_record_id") == "643").row(0, named=True)
    assert (harshman["situation_raw"], harshman["situation"]) == ("Despondency",
                                                                  "personal_crisis")
    pairs = dict(records.select("situation_raw", "situation").unique().drop_nulls().rows())
    assert pairs["Interpersonal conflict"] == "dispute"
    assert pairs["Drug trade"] == pairs["Robbery"] == "crime"
    assert pairs["Terrorism"] == "ideology"
    weapons = ap["weapons"]
    assert weapons.filter(pl.col("source_record_id") == "643").select(
        "assault_weapon_raw", "assault_weapon").rows() == [("Gun not an assault rifle", False)]
    ar15 = weapons.filter(pl.col("assault_weapon_raw") == "AR-15 style")
    assert ar15["assault_weapon"].unique().to_list() == [True]
    assert weapons["assault_weapon"].sum() == 110
