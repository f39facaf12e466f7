"""Metrics: published figures on the real data, and exact values on a hand-made set."""

from __future__ import annotations

import math

import duckdb
import pytest

from pipelines.normalize.contract import (
    ATTACKERS,
    SOURCE_RECORDS,
    SOURCES,
    WEAPONS,
    create_table_sql,
)
from pipelines.warehouse.metrics import build_metrics


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95% Wilson interval, computed independently of the SQL macro."""
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def test_wilson_macros_take_large_integer_counts() -> None:
    """`make bench`'s 16x growth run failed with "Overflow in multiplication of INT32
    (88034 * 88034)": the macros must take INTEGER counts of any size."""
    from pipelines.paths import read_sql

    con = duckdb.connect()
    con.execute(read_sql("metrics/_macros.sql"))
    lo, hi = con.execute(
        "SELECT wilson_low(k, n), wilson_high(k, n) "
        "FROM (SELECT 80000::INTEGER AS k, 88034::INTEGER AS n)").fetchone()
    assert (lo, hi) == pytest.approx(wilson(80000, 88034))


# --- published figures, real data -------------------------------------------------

def test_fbi_totals(warehouse) -> None:
    row = warehouse.execute(
        "SELECT sum(n), sum(killed) FROM metric_incidents_by_year WHERE source = 'fbi'"
    ).fetchone()
    assert row == (532, 1409)
    twenty_years = warehouse.execute(
        "SELECT sum(n) FROM metric_incidents_by_year WHERE source = 'fbi' AND year <= 2019"
    ).fetchone()[0]
    assert twenty_years == 333  # the FBI's 20-year review, 2000-2019


def test_alerrt_ended_before_police(warehouse) -> None:
    n, n_known, k, share, lo, hi = warehouse.execute(
        "SELECT n, n_known, ended_before_police, share, ci_low, ci_high "
        "FROM metric_police_arrival WHERE source = 'alerrt' AND grouping = 'overall'"
    ).fetchone()
    assert (n, n_known, k) == (597, 597, 342)
    assert round(share, 3) == 0.573
    assert (round(lo, 3), round(hi, 3)) == (0.533, 0.612)


def test_alerrt_subdued_by_citizens(warehouse) -> None:
    """"Subdued by citizens" (53) and "Subdued by police" (54) are one method, two
    stoppers: how and who are counted apart."""
    got = dict(((f, c), k) for f, c, k in warehouse.execute(
        "SELECT field, category, count FROM metric_resolution WHERE source = 'alerrt' "
        "AND grouping = 'overall' AND category IN ('subdued', 'civilian', 'off_duty_police')"
    ).fetchall())
    assert got == {("end_method", "subdued"): 107, ("stopped_by", "civilian"): 68,
                   ("stopped_by", "off_duty_police"): 5}


def test_alerrt_shares_use_every_record(warehouse) -> None:
    """ALERRT "fled" is 187 of 597 records (31%), not 187 of the 438 whose old
    old lossy outcome column was known (43%): "Shot by police" records say how it ended."""
    shares = {(f, c): (k, n_known, share) for f, c, k, n_known, share in warehouse.execute(
        "SELECT field, category, count, n_known, share FROM metric_resolution "
        "WHERE source = 'alerrt' AND grouping = 'overall'").fetchall()}
    assert shares[("end_method", "fled")] == (187, 597, pytest.approx(187 / 597))
    assert shares[("end_method", "shot")] == (159, 597, pytest.approx(159 / 597))
    assert shares[("stopped_by", "none")][:2] == (187, 597)
    assert ("end_method", "unknown") not in shares  # every record says how
    fates = {c: k for (f, c), (k, _, _) in shares.items() if f == "attacker_fate"}
    assert sum(fates.values()) == 597


def test_sources_that_cannot_tell_yield_no_rows(warehouse) -> None:
    arrival = {r[0] for r in warehouse.execute(
        "SELECT DISTINCT source FROM metric_police_arrival").fetchall()}
    assert "alerrt" in arrival and "fbi" in arrival
    # AP and the K-12 SSDB tell it only in some narratives (both TRUE and FALSE)
    assert {"ap_usat_nu", "k12ssdb"} <= arrival
    assert not arrival & {"stanford_msa", "gva", "gva_trace"}
    duration = warehouse.execute(
        "SELECT sum(n_known) FROM metric_duration WHERE bucket = 'unknown'").fetchone()[0]
    assert duration == 0  # no shipped source has durations; the table says so


def test_linked_incidents_are_counted_once(warehouse) -> None:
    linked, records, incidents = warehouse.execute(
        "SELECT sum(n) FILTER (source = 'linked'), sum(n) FILTER (source <> 'linked'), "
        "(SELECT count(*) FROM incidents) FROM metric_incidents_by_year").fetchone()
    assert linked == incidents < records
    overlap = warehouse.execute("SELECT sum(n) FROM metric_source_overlap").fetchone()[0]
    assert overlap == incidents
    both = warehouse.execute(
        "SELECT sum(n) FROM metric_source_overlap WHERE combination LIKE '%alerrt%' "
        "AND combination LIKE '%fbi%'").fetchone()[0]
    assert both > 400  # most FBI active shootings are also ALERRT active attacks


def test_every_metric_is_exported(published) -> None:
    con = duckdb.connect(str(published.warehouse), read_only=True)
    metrics = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'metric_%'").fetchall()]
    con.close()
    assert len(metrics) >= 9
    for name in metrics:
        assert (published.curated / "csv" / f"{name}.csv").is_file()
        assert (published.curated / "parquet" / f"{name}.parquet").is_file()


# --- exact values on a tiny hand-made warehouse --------------------------------------

RECORDS = [
    # source, id, date, time, location, killed, injured, attackers, end_method, fate,
    # raw, stopped, ended before police, duration
    ("a", "r1", "2001-01-01", "10:15", "commerce", 2, 1, 1, "suicide", "died", "Suicide",
     "self", True, 1.5),
    ("a", "r2", "2001-06-02", "14:00", "commerce", 0, 3, 1, "subdued", "survived",
     "Physical intervention by civilian", "civilian", True, 4.0),
    ("a", "r3", "2003-03-03", None, "education", None, None, 1, "shot", "died",
     "Shot by police (Killed)", "police", False, 30.0),
    ("a", "r4", "2006-04-04", "23:59", "education", 5, 0, 2, "unknown", "unknown", "?",
     "unknown", None, None),
    ("a", "r5", None, None, "other", 1, 1, None, "fled", "unknown", "Fled", "none", True,
     120.0),
    ("b", "s1", "2010-05-05", None, "other", 4, 0, None, "unknown", "unknown", None,
     "unknown", None, None),
    ("b", "s2", "2011-05-05", None, "other", 6, 2, None, "unknown", "unknown", None,
     "unknown", None, None),
]


@pytest.fixture(scope="module")
def tiny():
    con = duckdb.connect()
    con.execute(create_table_sql(SOURCES))
    con.execute(create_table_sql(SOURCE_RECORDS))
    for table in (ATTACKERS, WEAPONS):  # the prevention metrics read them (empty here)
        con.execute(create_table_sql(table))
    con.execute("INSERT INTO sources (source, definition, last_date) VALUES "
                "('a', 'made up A', DATE '2006-04-04'), ('b', 'made up B', DATE '2011-05-05')")
    con.executemany(
        "INSERT INTO source_records (source, source_record_id, incident_date, start_time, "
        "location_type, killed, injured, attackers, end_method, attacker_fate, "
        "attacker_outcome_raw, stopped_by, ended_before_police, duration_min) VALUES "
        "(?, ?, ?::DATE, ?::TIME, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        RECORDS,
    )
    # Linked incidents: r1 and s1 are one attack; the rest stand alone.
    con.execute("CREATE TABLE incidents (incident_id VARCHAR, incident_date DATE, "
                "killed INTEGER, injured INTEGER, sources VARCHAR[])")
    con.execute("INSERT INTO incidents VALUES "
                "('i1', DATE '2001-01-01', 4, 1, ['b', 'a']), "
                "('i2', DATE '2001-06-02', 0, 3, ['a']), "
                "('i3', DATE '2011-05-05', 6, 2, ['b'])")
    build_metrics(con)
    yield con
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_tiny_incidents_by_year(tiny) -> None:
    assert rows(tiny, "SELECT year, n, killed_n_known, killed, injured FROM "
                      "metric_incidents_by_year WHERE source = 'a' ORDER BY year") == [
        (2001, 2, 2, 2, 4), (2003, 1, 0, None, None), (2006, 1, 1, 5, 0), (None, 1, 1, 1, 1)]


def test_tiny_linked_counts_each_incident_once(tiny) -> None:
    assert rows(tiny, "SELECT year, n, killed FROM metric_incidents_by_year "
                      "WHERE source = 'linked' ORDER BY year") == [(2001, 2, 4), (2011, 1, 6)]
    assert rows(tiny, "SELECT combination, n_sources, n FROM metric_source_overlap "
                      "ORDER BY combination") == [("a", 1, 1), ("a + b", 2, 1), ("b", 1, 1)]
    summary = rows(tiny, "SELECT value, n_known, n FROM metric_summary "
                         "WHERE figure = 'incidents' AND source = 'linked'")
    assert summary == [(3.0, 3, 3)]


def test_tiny_police_arrival(tiny) -> None:
    overall = rows(tiny, "SELECT n, n_known, ended_before_police, share, ci_low, ci_high "
                         "FROM metric_police_arrival WHERE source = 'a' AND grouping = "
                         "'overall'")[0]
    assert overall[:4] == (5, 4, 3, 0.75)
    assert overall[4:] == pytest.approx(wilson(3, 4))
    by_attackers = rows(tiny, "SELECT group_value, n, n_known, ended_before_police, share "
                              "FROM metric_police_arrival WHERE grouping = 'attackers' "
                              "ORDER BY 1")
    assert by_attackers == [("1", 3, 3, 2, 2 / 3), ("2+", 1, 0, 0, None),
                            ("unknown", 1, 1, 1, 1.0)]
    assert rows(tiny, "SELECT count(*) FROM metric_police_arrival WHERE source = 'b'"
                ) == [(0,)]  # b cannot tell
    assert rows(tiny, "SELECT field, category, count, share FROM "
                      "metric_police_arrival_outcomes ORDER BY field") == [
        ("attacker_fate", "died", 1, 1.0), ("end_method", "shot", 1, 1.0),
        ("stopped_by", "police", 1, 1.0)]


def test_tiny_resolution(tiny) -> None:
    got = rows(tiny, "SELECT category, n, n_known, count, share FROM metric_resolution "
                     "WHERE source = 'a' AND grouping = 'overall' AND field = "
                     "'end_method' ORDER BY category")
    assert got == [("fled", 5, 4, 1, 0.25), ("shot", 5, 4, 1, 0.25),
                   ("subdued", 5, 4, 1, 0.25), ("suicide", 5, 4, 1, 0.25),
                   ("unknown", 5, 4, 1, None)]
    # One denominator for how, who and fate: the 4 records that tell how it ended. The
    # fled record's unknown fate is a share of it; r4 (how unknown) is in none.
    fate = rows(tiny, "SELECT category, n_known, count, share FROM metric_resolution "
                      "WHERE source = 'a' AND grouping = 'overall' AND field = "
                      "'attacker_fate' ORDER BY category")
    assert fate == [("died", 4, 2, 0.5), ("survived", 4, 1, 0.25), ("unknown", 4, 1, 0.25)]
    periods = {r[0] for r in rows(tiny, "SELECT DISTINCT group_value FROM metric_resolution "
                                        "WHERE grouping = 'period'")}
    assert periods == {"2000-2004", "2005-2009", "undated"}
    assert rows(tiny, "SELECT count(*) FROM metric_resolution WHERE source = 'b'") == [(0,)]


def test_tiny_civilian_response(tiny) -> None:
    got = rows(tiny, "SELECT n, n_known, stopped_by_civilians, share, unarmed_intervention "
                     "FROM metric_civilian_response WHERE location_type = 'all'")
    assert got == [(5, 4, 1, 0.25, 1)]
    casualties = rows(tiny, "SELECT ended_by, n, n_known, median_casualties, "
                            "total_casualties FROM metric_casualties_by_resolution "
                            "WHERE source = 'a' ORDER BY 1")
    assert casualties == [("civilians", 1, 1, 3.0, 3), ("police", 1, 0, None, None),
                          ("suicide", 1, 1, 3.0, 3)]


def test_tiny_duration(tiny) -> None:
    got = rows(tiny, "SELECT bucket, count, share, median_min, q1_min, q3_min "
                     "FROM metric_duration WHERE source = 'a' ORDER BY bucket_order")
    assert [(b, c, s) for b, c, s, *_ in got] == [
        ("<= 2 min", 1, 0.25), ("2-5 min", 1, 0.25), ("15-60 min", 1, 0.25),
        ("> 60 min", 1, 0.25), ("unknown", 1, None)]
    assert got[0][3:] == (17.0, 3.375, 52.5)
    assert rows(tiny, "SELECT bucket, n, n_known, count FROM metric_duration "
                      "WHERE source = 'b'") == [("unknown", 2, 0, 2)]


def test_tiny_time_of_day(tiny) -> None:
    hours = rows(tiny, "SELECT value, n, n_known, count, share FROM metric_time_of_day "
                       "WHERE source = 'a' AND dimension = 'hour' ORDER BY value")
    assert hours == [("10", 5, 3, 1, 1 / 3), ("14", 5, 3, 1, 1 / 3), ("23", 5, 3, 1, 1 / 3),
                     ("unknown", 5, 3, 2, None)]
    days = rows(tiny, "SELECT value, count FROM metric_time_of_day WHERE source = 'a' "
                      "AND dimension = 'weekday' ORDER BY value")
    assert days == [("1 Monday", 2), ("2 Tuesday", 1), ("6 Saturday", 1), ("unknown", 1)]
    assert rows(tiny, "SELECT count(*) FROM metric_time_of_day WHERE source = 'b' "
                      "AND dimension = 'hour'") == [(0,)]


def test_tiny_casualties_by_location_and_summary(tiny) -> None:
    got = rows(tiny, "SELECT location_type, n, killed_n_known, killed, killed_per_incident "
                     "FROM metric_casualties_by_location WHERE source = 'a' ORDER BY 1")
    assert got == [("commerce", 2, 2, 2, 1.0), ("education", 2, 1, 5, 5.0),
                   ("other", 1, 1, 1, 1.0)]
    assert rows(tiny, "SELECT count(*) FROM metric_law_enforcement_casualties") == [(0,)]
    summary = dict(((f, s), (v, k, n)) for f, s, v, k, n in rows(
        tiny, "SELECT figure, source, value, n_known, n FROM metric_summary"))
    assert summary[("killed", "a")] == (8.0, 4, 5)
    assert summary[("share_ended_before_police", "a")] == (0.75, 4, 5)
    assert ("share_ended_before_police", "b") not in summary


# --- cross-source agreement (source_agreement) ----------------------------------------

AGREEMENT_FIELDS = ["incident_date", "state", "city", "killed", "injured", "location_type",
                    "stopped_by", "end_method", "attacker_fate", "ended_before_police"]


def test_agreement_covers_every_linked_pair_and_field(warehouse) -> None:
    pairs = warehouse.execute("""
        SELECT DISTINCT least(a.source, b.source), greatest(a.source, b.source)
        FROM incident_links a JOIN incident_links b
          ON a.incident_id = b.incident_id AND a.source < b.source""").fetchall()
    rows = warehouse.execute(
        "SELECT source_a, source_b, list(field ORDER BY field) FROM source_agreement "
        "GROUP BY ALL").fetchall()
    assert {(a, b) for a, b, _ in rows} == set(pairs)
    assert all(fields == sorted(AGREEMENT_FIELDS) for _, _, fields in rows)
    assert warehouse.execute("SELECT count(*) FROM source_agreement WHERE NOT "
                             "(agreeing <= compared AND compared <= pairs)").fetchone() == (0,)


def test_agreement_alerrt_fbi_on_the_real_data(warehouse) -> None:
    got = {field: (pairs, compared, agreeing, share, lo, hi, typical)
           for field, pairs, compared, agreeing, share, lo, hi, typical in warehouse.execute(
               "SELECT field, pairs, compared, agreeing, share, ci_low, ci_high, "
               "typical_difference FROM source_agreement "
               "WHERE source_a = 'alerrt' AND source_b = 'fbi'").fetchall()}
    pairs, compared, agreeing, share, lo, hi, typical = got["killed"]
    assert compared == pairs > 400 and agreeing / compared > 0.9
    assert typical == "1"  # where ALERRT and the FBI differ on killed, mostly by one
    assert share == agreeing / compared and (lo, hi) == pytest.approx(wilson(agreeing, compared))
    assert got["state"][2] >= got["state"][1] - 2
    # The FBI's city is read from its incident names (derived); where it differs from
    # ALERRT's it is mostly several places against one ("Kansas City; Grandview" against
    # "Kansas City") or ALERRT's spelling ("Philidelphia"): 184 of 212 agree.
    assert got["city"][1] > 200 and got["city"][2] / got["city"][1] > 0.8
    assert got["incident_date"][6] in (None, "1 day", "2 days", "3 days")


def test_agreement_is_not_claimed_for_fields_a_source_does_not_fill(warehouse) -> None:
    """A source whose field is unknown on every record (end_method before the outcome
    work, the FBI's city before it was read from names) is compared on nothing, never
    counted as agreeing."""
    for field in AGREEMENT_FIELDS:
        blank = {s for (s,) in warehouse.execute(
            f"SELECT source FROM source_records GROUP BY source HAVING count(*) FILTER "
            f"(nullif(nullif(trim({field}::VARCHAR), ''), 'unknown') IS NOT NULL) = 0"
        ).fetchall()}
        if not blank:
            continue
        marks = ", ".join("?" for _ in blank)
        compared = warehouse.execute(
            f"SELECT sum(compared) FROM source_agreement WHERE field = ? "
            f"AND (source_a IN ({marks}) OR source_b IN ({marks}))",
            [field, *blank, *blank]).fetchone()[0]
        assert compared == 0, (field, blank)


@pytest.fixture(scope="module")
def agreement():
    """source_agreement on a hand-made incident_links: sources a, b, c."""
    from pipelines.normalize.contract import SOURCE_AGREEMENT
    from pipelines.paths import read_sql

    con = duckdb.connect()
    con.execute(create_table_sql(SOURCE_RECORDS))
    con.execute(create_table_sql(SOURCE_AGREEMENT))
    con.executemany(
        "INSERT INTO source_records (source, source_record_id, incident_date, state, city, "
        "killed, injured, location_type, stopped_by, end_method, attacker_fate) "
        "VALUES (?, ?, ?::DATE, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("a", "r1", "2020-01-01", "MO", "St. Louis", 3, 1, "commerce", "police",
             "unknown", "unknown"),
            ("b", "s1", "2020-01-03", "MO", "st. louis", 4, 1, "other", "police",
             "unknown", "unknown"),
            ("c", "t1", "2020-01-01", "MO", "ST.LOUIS", 3, None, "commerce", "unknown",
             "unknown", "unknown"),
            ("a", "r2", "2021-05-05", "TX", "Austin", 1, 0, "education", "self",
             "unknown", "unknown"),
            ("b", "s2", "2021-05-05", "TX", "Dallas", None, 5, "unknown", "police",
             "unknown", "unknown"),
            ("b", "s3", "2021-05-05", "TX", "Dallas", 1, 5, "education", "police",
             "unknown", "unknown"),  # b lists the second attack twice
        ],
    )
    con.execute("CREATE TABLE incident_links AS SELECT * FROM (VALUES "
                "('i1', 'a', 'r1'), ('i1', 'b', 's1'), ('i1', 'c', 't1'), "
                "('i2', 'a', 'r2'), ('i2', 'b', 's2'), ('i2', 'b', 's3')) "
                "AS t(incident_id, source, source_record_id)")
    con.execute(read_sql("metrics/_macros.sql"))
    con.execute(read_sql("warehouse/source_agreement.sql"))
    yield con
    con.close()


def _agreement(con, a: str, b: str, field: str) -> tuple:
    return con.execute(
        "SELECT pairs, compared, agreeing, share, typical_difference FROM source_agreement "
        "WHERE source_a = ? AND source_b = ? AND field = ?", [a, b, field]).fetchone()


def test_tiny_agreement_counts_and_typical_differences(agreement) -> None:
    # a-b: i1 (r1-s1) and i2 (r2-s2, r2-s3): three record pairs.
    assert _agreement(agreement, "a", "b", "killed") == (3, 2, 1, 0.5, "1")
    assert _agreement(agreement, "a", "b", "injured") == (3, 3, 1, 1 / 3, "5")
    assert _agreement(agreement, "a", "b", "incident_date") == (3, 3, 2, 2 / 3, "2 days")
    assert _agreement(agreement, "a", "b", "city") == (
        3, 3, 1, 1 / 3, "Austin vs Dallas (2 pairs)")
    assert _agreement(agreement, "a", "b", "location_type") == (
        3, 2, 1, 0.5, "commerce vs other (1 pair)")
    assert _agreement(agreement, "a", "b", "stopped_by") == (
        3, 3, 1, 1 / 3, "self vs police (2 pairs)")
    # 'unknown' everywhere: nothing compared, no share, not an agreement.
    assert _agreement(agreement, "a", "b", "end_method") == (3, 0, 0, None, None)
    # City ignores case and spaces: "St. Louis" = "ST.LOUIS" = "st. louis".
    assert _agreement(agreement, "a", "c", "city") == (1, 1, 1, 1.0, None)
    assert _agreement(agreement, "b", "c", "city") == (1, 1, 1, 1.0, None)
    assert _agreement(agreement, "a", "c", "injured") == (1, 0, 0, None, None)
    lo, hi = agreement.execute(
        "SELECT ci_low, ci_high FROM source_agreement WHERE source_a = 'a' "
        "AND source_b = 'b' AND field = 'killed'").fetchone()
    assert (lo, hi) == pytest.approx(wilson(1, 2))
    # No pair within one source: b's two records of i2 are never compared to each other.
    assert agreement.execute("SELECT count(*) FROM source_agreement WHERE source_a = "
                             "source_b").fetchone() == (0,)


def test_agreement_field_list_is_one_data_table() -> None:
    """The compared fields are the rows of one VALUES list in the SQL file."""
    import re

    from pipelines.normalize.contract import SOURCE_RECORDS
    from pipelines.paths import read_sql

    sql = read_sql("warehouse/source_agreement.sql")
    listed = re.findall(r"\(\d+, '(\w+)', '(?:date|category|place|number)'\)", sql)
    assert listed == AGREEMENT_FIELDS
    assert set(listed) <= {c.name for c in SOURCE_RECORDS.columns}


# --- the FBI's own "ended before police arrived", 2000-2013 --------------------------

# Blair & Schweit (2014), "A Study of Active Shooter Incidents in the United States
# Between 2000 and 2013", p. 11: "In at least 65 (40.6%) of the 160 incidents, citizen
# engagement or the shooter committing suicide ended the shooting at the scene before
# law enforcement arrived": 37 suicides, 21 unarmed citizens restraining the shooter (3
# off-duty officers present in 2 of them), 5 armed individuals who were not law
# enforcement (a church, an airline counter, a federally managed museum, a school board
# meeting; a citizen with a firearm permit), 2 armed off-duty police officers.
STUDY_ENDED_BEFORE_POLICE = {"suicide": 37, "unarmed_citizens": 21,
                             "armed_not_police": 5, "off_duty_police": 2}
# The study's categories from the tabulation's `Terminating Event` (first event), as data.
STUDY_CATEGORY_OF_EVENT = {
    "suicide before police arrived": "suicide",
    "physical intervention by civilian": "unarmed_citizens",
    "physical intervention by civilian & off-duty police": "unarmed_citizens",
    "verbal intervention by civilian": "unarmed_citizens",
    "shot by security guard (killed)": "armed_not_police",
    "shot by security guard, then committed suicided": "armed_not_police",
    "shot by civilian (killed)": "armed_not_police",
    "shot by off-duty police (killed)": "off_duty_police",
}
# Records the tabulation words differently from the study's own narrative (the same
# narratives are in the FBI's 2000-2018 listing the workbook was tabulated from):
# record -> (study category or None, the tabulated event, the narrative).
STUDY_RECLASSIFIED = {
    "2009-01-24 The Zone": ("suicide", "Attempted Suicide (Survived)",
                            "shot himself before police arrived. He died in the hospital "
                            "two days later"),
    "2009-05-18 Larose-Cut Off Middle School": ("suicide", "Attempted Suicide (Survived)",
                                                "went to the bathroom and shot himself. He "
                                                "died a week later"),
    "2001-03-05 Santana High School": ("unarmed_citizens", "Surrendered to Police",
                                       "apprehended by an off-duty officer who heard "
                                       "gunshots"),
    "2005-11-20 Tacoma Mall": (None, "Verbal intervention by civilian",
                               "apprehended by police after a three-hour standoff"),
    "2012-02-27 Chardon High School": (None, "Physical intervention by civilian; fled the "
                                       "scene", "chased out of the building by a school "
                                       "coach ... apprehended by police near the school"),
    "2009-06-10 United States Holocaust Memorial Museum": (
        "armed_not_police", "Shot by police (Survived)",
        "exchanged gunfire with other security guards"),
    "2010-12-14 Panama City School Board Meeting": (
        "armed_not_police", "Suicide after engaging police",
        "committed suicide during an exchange of gunfire with the school district's armed "
        "security"),
    "2007-02-12 Trolley Square Mall": (
        "off_duty_police", "Shot by police (Killed)",
        "killed during an exchange of gunfire by responding officers, including an off-duty "
        "police officer who was in the mall"),
}


def test_fbi_2000_2013_study_ended_before_police_from_the_tabulation() -> None:
    """The study's 160 incidents are the 2000-2013 rows of the 2000-2018 workbook. Its
    first terminating events give 61 of the study's 65; the 8 records above, worded
    differently from the study's narrative, account for the 4 missing, record by record."""
    from collections import Counter
    from pathlib import Path

    from pipelines.sources.fbi import parse

    from .conftest import shipped_snapshots

    files = {key: Path(snap.path) for key, snap in shipped_snapshots("fbi").items()}
    frame = parse(files).frames["fbi"]
    study = frame.filter((frame["file_key"] == "2000-2018")
                         & (frame["incident_date"].dt.year() <= 2013))
    assert study.height == 160
    # The study's totals: 486 killed, 557 wounded; 73 in commerce, 39 in education.
    assert (study["killed"].sum(), study["injured"].sum()) == (486, 557)
    places = Counter(v.strip().lower() for v in study["location_raw"].to_list())
    assert (places["commerce"], places["education"]) == (73, 39)
    events = {r["source_record_id"]: r["terminating_event"] for r in study.iter_rows(named=True)}

    def first(event: str) -> str:
        return event.split(" & ")[0].split(";")[0].strip().lower()

    tabulated = {rid: STUDY_CATEGORY_OF_EVENT.get(first(e)) for rid, e in events.items()}
    counts = Counter(c for c in tabulated.values() if c)
    assert counts == {"suicide": 35, "unarmed_citizens": 22, "armed_not_police": 3,
                      "off_duty_police": 1}
    assert sum(counts.values()) == 61
    corrected = dict(tabulated)
    for rid, (category, event, _narrative) in STUDY_RECLASSIFIED.items():
        assert events[rid] == event, rid
        assert tabulated[rid] != category, rid
        corrected[rid] = category
    assert Counter(c for c in corrected.values() if c) == STUDY_ENDED_BEFORE_POLICE
    assert sum(STUDY_ENDED_BEFORE_POLICE.values()) == 65
