"""Record linkage on small hand-made warehouses: one rule per test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.linkage.link import build_links, cluster
from pipelines.normalize.contract import SOURCE_RECORDS, create_table_sql

COLUMNS = [c.name for c in SOURCE_RECORDS.columns]


def record(source: str, rid: str, date: str, city: str | None, state: str, killed: int | None,
           injured: int | None, **extra) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(source=source, source_record_id=rid, incident_date=dt.date.fromisoformat(date),
               city=city, state=state, state_raw=state, killed=killed, injured=injured,
               location_type="unknown", end_method="unknown", attacker_fate="unknown",
               stopped_by="unknown",
               quality_flags=[])
    row.update(extra)
    return row


def warehouse(path: Path, rows: list[dict], definitions: bool = True):
    con = duckdb.connect(str(path))
    con.execute(create_table_sql(SOURCE_RECORDS))
    marks = ", ".join("?" for _ in COLUMNS)
    con.executemany(f"INSERT INTO source_records VALUES ({marks})",
                    [[r[c] for c in COLUMNS] for r in rows])
    if definitions:
        con.execute("""
            CREATE TABLE record_definitions AS
            SELECT source, source_record_id, killed >= 4 AS killed_4_plus,
                   killed + injured >= 4 AS shot_4_plus,
                   location_type = 'education' AS school, TRUE AS firearm,
                   source = 'fbi' AS fbi_active_shooter,
                   source = 'alerrt' AS alerrt_active_attack
            FROM source_records
        """)
    return con


def incident_of(con) -> dict[tuple[str, str], str]:
    return {(s, r): i for i, s, r in con.execute(
        "SELECT incident_id, source, source_record_id FROM incident_links").fetchall()}


@pytest.fixture
def linked(tmp_path):
    def run(rows, definitions=True, previous=None):
        con = warehouse(tmp_path / f"w{len(list(tmp_path.iterdir()))}.duckdb", rows,
                        definitions)
        counts = build_links(con, previous)
        return con, counts
    return run


def test_two_attacks_same_day_same_state_stay_apart(linked):
    con, counts = linked([
        record("fbi", "a", "2020-06-01", None, "IL", 3, 2,
               incident_name="Farm Store, Springfield, IL", location_type="commerce"),
        record("gva", "1", "2020-06-01", "Springfield", "IL", 3, 2,
               latitude=39.80, longitude=-89.64),
        record("gva", "2", "2020-06-01", "Chicago", "IL", 0, 4,
               latitude=41.88, longitude=-87.63),
        record("alerrt", "9", "2020-06-01", "Chicago", "IL", 0, 4, location_type="open_space"),
    ])
    ids = incident_of(con)
    assert ids["fbi", "a"] == ids["gva", "1"]
    assert ids["alerrt", "9"] == ids["gva", "2"]
    assert ids["fbi", "a"] != ids["gva", "2"]
    assert counts == {"incidents": 2, "incident_links": 4,
                      "discrepancies": counts["discrepancies"]}


def test_date_off_by_one_links_and_is_a_discrepancy(linked):
    con, _ = linked([
        record("ap_usat_nu", "7", "2020-05-01", "Dayton", "OH", 4, 0, county="Montgomery County",
               latitude=39.76, longitude=-84.19, location_type="residence"),
        record("gva", "5", "2020-05-02", "Dayton", "OH", 4, 0,
               latitude=39.761, longitude=-84.191),
    ])
    (date, first, last), = con.execute(
        "SELECT incident_date, first_date, last_date FROM incidents").fetchall()
    assert (date, first, last) == (dt.date(2020, 5, 1), dt.date(2020, 5, 1), dt.date(2020, 5, 2))
    rows = con.execute("SELECT source, value, best_value, differs, difference FROM discrepancies "
                       "WHERE field = 'incident_date' ORDER BY source").fetchall()
    assert rows == [("ap_usat_nu", "2020-05-01", "2020-05-01", False, 0),
                    ("gva", "2020-05-02", "2020-05-01", True, 1)]
    reasons = con.execute("SELECT match_reasons FROM incident_links WHERE source = 'gva'"
                          ).fetchone()[0]
    assert "date_1d" in reasons and "coords_2km" in reasons


def test_majority_date_and_killed_with_priority_tie_break(linked):
    con, _ = linked([
        record("fbi", "x", "2019-03-03", None, "TX", 27, 20, incident_name="Church, Waco, TX",
               location_type="house_of_worship"),
        record("alerrt", "1", "2019-03-03", "Waco", "TX", 26, 20,
               location_type="house_of_worship"),
        record("ap_usat_nu", "2", "2019-03-04", "Waco", "TX", 26, 20,
               location_type="house_of_worship"),
    ])
    date, killed, city = con.execute(
        "SELECT incident_date, killed, city FROM incidents").fetchone()
    assert date == dt.date(2019, 3, 3)  # two sources against one
    assert killed == 26  # two sources against one, although fbi has priority
    assert city == "Waco"
    killed_rows = con.execute("SELECT source, value, difference FROM discrepancies "
                              "WHERE field = 'killed' ORDER BY source").fetchall()
    assert killed_rows == [("alerrt", "26", 0), ("ap_usat_nu", "26", 0), ("fbi", "27", 1)]


def test_source_duplicate_is_kept_and_flagged(linked):
    con, _ = linked([
        record("stanford_msa", "247", "2016-01-27", "Chesapeake", "VA", 5, 0,
               incident_name="Chesapeake, Virginia", location_type="residence",
               latitude=36.77, longitude=-76.29),
        record("stanford_msa", "271", "2016-01-27", "Chesapeake", "VA", 5, 0,
               incident_name="Chesapeake, VA Family Murder Suicide", location_type="residence",
               latitude=36.771, longitude=-76.291),
        record("mother_jones", "m", "2016-01-27", "Chesapeake", "VA", 5, 0,
               incident_name="Chesapeake family shooting", location_type="residence",
               latitude=36.77, longitude=-76.29),
    ])
    rows = con.execute("SELECT source, source_record_id, source_duplicate FROM incident_links "
                       "ORDER BY 1, 2").fetchall()
    assert rows == [("mother_jones", "m", False), ("stanford_msa", "247", True),
                    ("stanford_msa", "271", True)]
    n_sources, n_records = con.execute("SELECT n_sources, n_records FROM incidents").fetchone()
    assert (n_sources, n_records) == (2, 3)


def test_one_record_per_source(linked):
    # One K-12 SSDB record fits both GVA records; it joins the better one only.
    con, _ = linked([
        record("gva", "1", "2021-07-21", "Chicago", "IL", 0, 5, latitude=41.80, longitude=-87.70),
        record("gva", "2", "2021-07-21", "Chicago", "IL", 2, 3, latitude=41.85, longitude=-87.65),
        record("k12ssdb", "K", "2021-07-21", "Chicago", "IL", 0, 5,
               incident_name="Herzl Elementary School", location_type="education"),
    ])
    ids = incident_of(con)
    assert ids["k12ssdb", "K"] == ids["gva", "1"]
    assert ids["gva", "2"] != ids["gva", "1"]


def test_gva_trace_pairs_with_gva_by_id(linked):
    con, _ = linked([
        record("gva", "946496", "2017-10-01", "Las Vegas", "NV", 60, 439),
        record("gva_trace", "946496", "2017-10-02", "Las Vegas", "NV", 59, 400),
        record("gva_trace", "111", "2017-10-01", "Las Vegas", "NV", 60, 439),
    ])
    ids = incident_of(con)
    assert ids["gva", "946496"] == ids["gva_trace", "946496"]
    assert ids["gva_trace", "111"] != ids["gva", "946496"]
    score, reasons = con.execute("SELECT match_score, match_reasons FROM incident_links "
                                 "WHERE source = 'gva'").fetchone()
    assert (score, reasons) == (100.0, ["gva_incident_id"])


def test_multi_state_and_place_spellings(linked):
    con, _ = linked([
        record("fbi", "f", "2005-04-08", None, "DE", 3, 2, state_raw="Delaware & Maryland",
               incident_name="Multiple Locations in Elkton, Maryland",
               quality_flags=["multi_state"]),
        record("alerrt", "a", "2005-04-08", "Elkton", "MD", 3, 2),
        record("alerrt", "h", "2009-11-05", "Ft. Hood", "TX", 13, 32),
        record("mother_jones", "m", "2009-11-05", "Fort Hood", "TX", 13, 31),
        record("k12ssdb", "s", "2012-03-01", "St. Louis", "MO", 0, 1,
               incident_name="Saint Louis Prep"),
        record("wapo", "w", "2012-03-01", "Saint Louis", "MO", 0, 1,
               incident_name="St. Louis Prep"),
    ])
    ids = incident_of(con)
    assert ids["fbi", "f"] == ids["alerrt", "a"]
    assert ids["alerrt", "h"] == ids["mother_jones", "m"]
    assert ids["k12ssdb", "s"] == ids["wapo", "w"]
    reasons = con.execute("SELECT match_reasons FROM incident_links WHERE source = 'wapo'"
                          ).fetchone()[0]
    assert "place_same" in reasons and "name_same" in reasons


def test_runs_without_definitions_or_previous_warehouse(linked, tmp_path):
    rows = [record("alerrt", "1", "2001-01-01", "Reno", "NV", 1, 1),
            record("gva", "2", "2001-01-01", "Reno", "NV", 1, 1)]
    con, counts = linked(rows, definitions=False, previous=tmp_path / "missing.duckdb")
    assert counts["incidents"] == 1
    fbi, alerrt = con.execute(
        "SELECT fbi_active_shooter, alerrt_active_attack FROM incidents").fetchone()
    assert (fbi, alerrt) == (False, True)
    temp = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]
    assert temp == 0


def test_ids_are_carried_over_when_a_record_joins(linked, tmp_path):
    first = [record("gva", "1", "2020-02-02", "Macon", "GA", 2, 3,
                    latitude=32.84, longitude=-83.63)]
    con, _ = linked(first)
    old = incident_of(con)["gva", "1"]
    con.close()
    previous = next(p for p in tmp_path.iterdir() if p.suffix == ".duckdb")
    # A new FBI record (a higher-priority anchor) joins the incident: the id stays.
    joining = record("fbi", "f", "2020-02-02", None, "GA", 2, 3,
                     incident_name="Bar, Macon, GA")
    con, _ = linked([*first, joining], previous=previous)
    ids = incident_of(con)
    assert ids["fbi", "f"] == ids["gva", "1"] == old
    assert con.execute("SELECT id_carried_over FROM incidents").fetchone()[0] is True


def test_cluster_refuses_two_records_of_one_source_and_long_spans():
    day = dt.date(2020, 1, 1)
    edges = [
        (1, 2, 9.0, False, "gva", "ap_usat_nu", day, day),
        (3, 2, 8.0, False, "gva", "ap_usat_nu", day, day),  # a second gva record: refused
        (2, 4, 7.0, False, "ap_usat_nu", "fbi", day, day + dt.timedelta(days=3)),
        (4, 5, 6.0, False, "fbi", "alerrt", day, day + dt.timedelta(days=4)),  # span 4 days
    ]
    roots = cluster(edges)
    assert roots[1] == roots[2] == roots[4]
    assert roots[3] != roots[1]
    assert roots[5] != roots[1]


def test_start_hour_links_small_attacks_without_place(linked):
    """An FBI record naming no place and an ALERRT record giving its time to the hour
    only: the same clock hour is the evidence (Pentagon 2010-03-04: FBI 18:36, ALERRT
    hour 18, 0 killed 2 injured). Four hours apart, the same counts are not enough."""
    con, _ = linked([
        record("fbi", "f1", "2010-03-04", None, "VA", 0, 2, incident_name="The Pentagon",
               start_time=dt.time(18, 36), start_time_precision="minute",
               location_type="government"),
        record("alerrt", "a1", "2010-03-04", "Arlington", "VA", 0, 2,
               start_time=dt.time(18, 0), start_time_precision="hour",
               location_type="other"),
        record("fbi", "f2", "2010-03-05", None, "VA", 0, 2, incident_name="Some Store",
               start_time=dt.time(9, 10), start_time_precision="minute"),
        record("alerrt", "a2", "2010-03-05", "Richmond", "VA", 0, 2,
               start_time=dt.time(14, 0), start_time_precision="hour"),
    ])
    inc = incident_of(con)
    assert inc["fbi", "f1"] == inc["alerrt", "a1"]
    assert inc["fbi", "f2"] != inc["alerrt", "a2"]
    reasons = con.execute("SELECT match_reasons FROM incident_links WHERE source = 'fbi' "
                          "AND source_record_id = 'f1'").fetchone()[0]
    assert "time_close" in reasons


def test_nobody_hit_is_not_four_shot(linked):
    """St. Louis 2019-08-23: GVA's 4 shot at 8 PM and K-12 SSDB's shots fired at a
    football game at 8:15 PM with nobody hit are two events, though the city and the
    time agree. A GVA record borrows its gva_trace copy's time."""
    con, _ = linked([
        record("gva", "1486675", "2019-08-23", "Saint Louis", "MO", 1, 3,
               latitude=38.6578, longitude=-90.2723),
        record("gva_trace", "1486675", "2019-08-23", "Saint Louis", "MO", 1, 3,
               latitude=38.6554, longitude=-90.2719, start_time=dt.time(20, 0),
               start_time_precision="minute"),
        record("k12ssdb", "20190823MOPAS", "2019-08-23", "St. Louis", "MO", 0, 0,
               incident_name="Parkway North High School", start_time=dt.time(20, 15),
               start_time_precision="minute", location_type="education"),
        record("k12ssdb", "20190823MOROS", "2019-08-23", "St. Louis", "MO", 1, 0,
               incident_name="Roosevelt High School", start_time=dt.time(5, 0),
               start_time_precision="minute", location_type="education"),
    ])
    inc = incident_of(con)
    assert inc["gva", "1486675"] == inc["gva_trace", "1486675"]
    assert inc["gva", "1486675"] != inc["k12ssdb", "20190823MOPAS"]
    assert inc["gva", "1486675"] != inc["k12ssdb", "20190823MOROS"]
