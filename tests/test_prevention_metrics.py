"""Prevention metrics (attacker profile, warning signs, weapons obtained, armed security):
coverage checked against the raw files by hand, and exact values on a hand-made set."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.normalize.contract import (
    ATTACKERS,
    SOURCE_RECORDS,
    SOURCES,
    WEAPONS,
    create_table_sql,
)
from pipelines.paths import REPO_ROOT, read_sql
from tests.test_metrics import wilson

PREVENTION = ("attacker_profile", "warning_signs", "weapons_obtained", "armed_security")
WAPO_CSV = str(REPO_ROOT / "data" / "raw" / "wapo" / "*" / "school-shootings-data.csv")
MOTHER_JONES_CSV = str(REPO_ROOT / "data" / "raw" / "mother_jones" / "*" / "motherjones.csv")


def raw(sql: str, path: str) -> list[tuple]:
    """Rows of a query on a raw CSV (every value read as text, as published)."""
    con = duckdb.connect()
    try:
        return con.execute(sql.replace("RAW", f"read_csv('{path}', all_varchar = true)"))\
            .fetchall()
    finally:
        con.close()


def assert_wilson(rows: list[tuple]) -> None:
    """Each (n_known, count, share, ci_low, ci_high), in the metric tables' column order,
    has share = count / n_known and the 95% Wilson interval of count out of n_known."""
    assert rows
    for n_known, k, share, lo, hi in rows:
        assert share == pytest.approx(k / n_known)
        assert (lo, hi) == pytest.approx(wilson(k, n_known))


# --- real data, checked against the raw files ----------------------------------------

def test_wapo_armed_security_coverage_matches_the_raw_file(warehouse) -> None:
    """WaPo `resource_officer` is filled for 238 of 428 records (1: 104, 0: 134, blank:
    190, counted by hand in the raw CSV), but its 0 means "not present *or unknown*", so
    only the 104 ones are a statement: 104 records say armed security was present and
    none says it was absent. The metric keeps the 324 unstated records as the NULL group
    rather than passing them off as "no SRO"."""
    assert sorted(raw("SELECT resource_officer, count(*) FROM RAW GROUP BY 1", WAPO_CSV),
                  key=str) == [("0", 134), ("1", 104), (None, 190)]
    got = warehouse.execute(
        "SELECT armed_security_present, n, n_known_end, ended_before_police_known, "
        "n_casualties_known FROM metric_armed_security WHERE source = 'wapo' "
        "ORDER BY armed_security_present NULLS LAST").fetchall()
    assert got == [(True, 104, 12, 0, 104), (None, 324, 32, 0, 324)]
    assert sum(r[1] for r in got) == 428  # every WaPo record is in one group
    # Only WaPo states armed security at all: no other source gets an all-NULL row.
    assert warehouse.execute(
        "SELECT DISTINCT source FROM metric_armed_security").fetchall() == [("wapo",)]


def test_wapo_armed_security_endings_are_shares_of_known_endings(warehouse) -> None:
    """Of the 104 WaPo records with an SRO present, 12 say how the attack ended: 10
    suicides and 2 attackers shot. The share is 10 of 12, not 10 of 104."""
    got = warehouse.execute(
        "SELECT end_method, n, n_known, count, share, ci_low, ci_high "
        "FROM metric_armed_security_end WHERE source = 'wapo' AND armed_security_present "
        "ORDER BY end_method").fetchall()
    assert [r[:4] for r in got] == [("shot", 104, 12, 2), ("suicide", 104, 12, 10)]
    assert_wilson([r[2:] for r in got])
    killed = warehouse.execute(
        "SELECT median_killed, mean_killed, mean_injured FROM metric_armed_security "
        "WHERE source = 'wapo' AND armed_security_present").fetchone()
    expected = warehouse.execute(
        "SELECT median(killed), avg(killed), avg(injured) FROM source_records "
        "WHERE source = 'wapo' AND armed_security_present_raw = '1'").fetchone()
    assert killed == pytest.approx(expected)


def test_wapo_age_bands_are_per_attacker_from_both_shooter_columns(warehouse) -> None:
    """WaPo gives up to two shooters per record: age_shooter1 is filled 298 times and
    age_shooter2 12 times in the raw file, so 310 of its 389 attackers have an age, and 209
    of them are under 18 (counted in the raw file across both columns)."""
    both = ("SELECT {0} FROM (SELECT try_cast(age_shooter1 AS INTEGER) AS age FROM RAW "
            "UNION ALL SELECT try_cast(age_shooter2 AS INTEGER) FROM RAW)")
    assert raw(both.format("count(age), count(*) FILTER (age < 18)"), WAPO_CSV) == [(310, 209)]
    bands = warehouse.execute(
        "SELECT category, n, n_known, count, share, ci_low, ci_high "
        "FROM metric_attacker_profile WHERE source = 'wapo' AND attribute = 'age_band'"
    ).fetchall()
    assert {r[1:3] for r in bands} == {(389, 310)}
    assert sum(r[3] for r in bands) == 310
    assert dict((r[0], r[3]) for r in bands)["under_18"] == 209
    assert_wilson([r[2:] for r in bands])


def test_current_students_are_a_share_of_known_relationships(warehouse) -> None:
    """K-12 SSDB: 933 of 1,816 shooters whose relationship is known were students of the
    school (51%); 2,291 shooters in all, so 475 have no known relationship and are
    not counted as non-students (933 / 2,291 would say 41%)."""
    row = warehouse.execute(
        "SELECT n, n_known, count, share, ci_low, ci_high FROM metric_attacker_profile "
        "WHERE source = 'k12ssdb' AND attribute = 'relationship' AND category = 'student'"
    ).fetchone()
    assert row[:3] == (2291, 1816, 933)
    assert_wilson([row[1:]])
    # Sources that never publish an attribute have no rows for it (FBI race, AP relationship).
    absent = warehouse.execute(
        "SELECT count(*) FROM metric_attacker_profile WHERE (source = 'fbi' AND attribute = "
        "'race') OR (source = 'ap_usat_nu' AND attribute = 'relationship')").fetchone()[0]
    assert absent == 0


def test_warning_signs_mother_jones_matches_the_raw_file(warehouse) -> None:
    """Mother Jones `prior_signs_mental_health_issues`: Yes 62 + yes 15 = 77, No 18, the
    rest '-', Unclear, TBD or Unknown (counted in the raw file). 77 of 95 known, not of
    157 attackers."""
    counts = dict(raw("SELECT lower(trim(prior_signs_mental_health_issues)), count(*) "
                      "FROM RAW GROUP BY 1", MOTHER_JONES_CSV))
    assert (counts["yes"], counts["no"]) == (77, 18)
    row = warehouse.execute(
        "SELECT n, n_known, count, share, ci_low, ci_high FROM metric_warning_signs "
        "WHERE source = 'mother_jones' AND sign = 'mental_illness'").fetchone()
    assert row[:3] == (157, 95, 77)
    assert_wilson([row[1:]])
    # Only signs a source publishes: no false 0% for sources silent on a sign.
    pairs = set(warehouse.execute("SELECT source, sign FROM metric_warning_signs").fetchall())
    assert pairs == {("k12ssdb", "criminal_history"), ("k12ssdb", "planned"),
                     ("mother_jones", "mental_illness"), ("stanford_msa", "mental_illness"),
                     ("stanford_msa", "military_experience")}
    assert warehouse.execute("SELECT min(n_known) FROM metric_warning_signs").fetchone()[0] > 0


def test_weapons_obtained_counts_records_not_weapon_rows(warehouse) -> None:
    """WaPo states `weapon_source` once per record (104 records in the raw file); 4 of them
    name no weapon, so 100 records with weapon rows know the origin. Its 54 family_or_home
    weapon rows are 50 records: the per-record statement is copied on every weapon row."""
    assert raw("SELECT count(weapon_source), count(weapon_source) FILTER (weapon IS NULL) "
               "FROM RAW", WAPO_CSV) == [(104, 4)]
    got = {r[0]: r[1:] for r in warehouse.execute(
        "SELECT obtained, n, n_known, count, share, ci_low, ci_high "
        "FROM metric_weapons_obtained WHERE source = 'wapo'").fetchall()}
    assert got["family_or_home"][:3] == (256, 100, 50)
    rows = warehouse.execute("SELECT count(*) FROM weapons WHERE source = 'wapo' "
                             "AND obtained = 'family_or_home'").fetchone()[0]
    assert rows == 54
    assert_wilson([v[1:] for v in got.values()])
    assert {v[:2] for v in got.values()} == {(256, 100)}
    assert warehouse.execute(
        "SELECT DISTINCT source FROM metric_weapons_obtained ORDER BY 1").fetchall() == [
        ("mother_jones",), ("wapo",)]


# --- exact values on a tiny hand-made warehouse --------------------------------------

RECORDS = [
    # source, id, killed, injured, end_method, ended before police, armed security
    ("a", "r1", 1, 2, "suicide", True, True),
    ("a", "r2", 3, 0, "shot", False, True),
    ("a", "r3", 0, 1, "unknown", None, False),
    ("a", "r4", None, 1, "fled", True, None),
    ("b", "s1", 2, 2, "shot", False, None),
]
ATTACKER_ROWS = [
    # source, id, no, age, sex, race, relationship, mental illness, criminal, planned
    ("a", "r1", 1, 17, "male", "white", "student", True, None, True),
    ("a", "r2", 1, 24, "female", "unknown", "unknown", False, None, None),
    ("a", "r2", 2, 55, None, "black", None, None, None, None),
    ("a", "r3", 1, None, "male", None, "student", True, None, None),
    ("b", "s1", 1, 25, None, None, None, None, None, None),
]
WEAPON_ROWS = [
    # source, id, weapon type, obtained
    ("a", "r1", "handgun", "legal_purchase"),  # one per-record statement on two rows
    ("a", "r1", "rifle", "legal_purchase"),
    ("a", "r2", "handgun", "stolen"),  # two ways in one record
    ("a", "r2", "rifle", "family_or_home"),
    ("a", "r3", "handgun", "unknown"),
    ("a", "r4", "handgun", None),
    ("b", "s1", "handgun", None),  # b never says how: no rows
]


@pytest.fixture(scope="module")
def tiny():
    con = duckdb.connect()
    for table in (SOURCES, SOURCE_RECORDS, ATTACKERS, WEAPONS):
        con.execute(create_table_sql(table))
    con.executemany(
        "INSERT INTO source_records (source, source_record_id, killed, injured, end_method, "
        "ended_before_police, armed_security_present, location_type, stopped_by, "
        "attacker_fate) VALUES (?, ?, ?, ?, ?, ?, ?, 'education', 'unknown', 'unknown')",
        RECORDS)
    con.executemany(
        "INSERT INTO attackers (source, source_record_id, attacker_no, age, sex, race, "
        "relationship, mental_illness, criminal_history, planned) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ATTACKER_ROWS)
    con.executemany("INSERT INTO weapons (source, source_record_id, weapon_type, obtained) "
                    "VALUES (?, ?, ?, ?)", WEAPON_ROWS)
    con.execute(read_sql("metrics/_macros.sql"))
    for name in PREVENTION:
        con.execute(read_sql(f"metrics/{name}.sql"))
    yield con
    con.close()


def test_tiny_attacker_profile(tiny) -> None:
    got = tiny.execute("SELECT source, attribute, category, n, n_known, count, share "
                       "FROM metric_attacker_profile ORDER BY ALL").fetchall()
    assert got == [
        ("a", "age_band", "18_24", 4, 3, 1, pytest.approx(1 / 3)),
        ("a", "age_band", "55_plus", 4, 3, 1, pytest.approx(1 / 3)),
        ("a", "age_band", "under_18", 4, 3, 1, pytest.approx(1 / 3)),
        ("a", "race", "black", 4, 2, 1, 0.5),  # 'unknown' is not known
        ("a", "race", "white", 4, 2, 1, 0.5),
        ("a", "relationship", "student", 4, 2, 2, 1.0),
        ("a", "sex", "female", 4, 3, 1, pytest.approx(1 / 3)),
        ("a", "sex", "male", 4, 3, 2, pytest.approx(2 / 3)),
        ("b", "age_band", "25_34", 1, 1, 1, 1.0),  # b gives nothing else: no rows
    ]
    lo, hi = tiny.execute("SELECT ci_low, ci_high FROM metric_attacker_profile "
                          "WHERE category = 'male'").fetchone()
    assert (lo, hi) == pytest.approx(wilson(2, 3))


def test_tiny_warning_signs(tiny) -> None:
    got = tiny.execute("SELECT source, sign, n, n_known, count, share, ci_low "
                       "FROM metric_warning_signs ORDER BY ALL").fetchall()
    assert got == [
        ("a", "mental_illness", 4, 3, 2, pytest.approx(2 / 3), pytest.approx(wilson(2, 3)[0])),
        ("a", "planned", 4, 1, 1, 1.0, pytest.approx(wilson(1, 1)[0])),
    ]


def test_tiny_weapons_obtained(tiny) -> None:
    got = tiny.execute("SELECT source, obtained, n, n_known, count, share "
                       "FROM metric_weapons_obtained ORDER BY ALL").fetchall()
    assert got == [
        ("a", "family_or_home", 4, 2, 1, 0.5),
        ("a", "legal_purchase", 4, 2, 1, 0.5),  # two rows, one record
        ("a", "stolen", 4, 2, 1, 0.5),  # r2 counts in two ways: shares add to 1.5
    ]


def test_tiny_armed_security(tiny) -> None:
    got = tiny.execute(
        "SELECT source, armed_security_present, n, n_known_end, ended_before_police_known, "
        "ended_before_police, share_ended_before_police, n_casualties_known, median_killed, "
        "median_injured, mean_killed, mean_injured FROM metric_armed_security "
        "ORDER BY armed_security_present DESC NULLS LAST").fetchall()
    assert got == [
        ("a", True, 2, 2, 2, 1, 0.5, 2, 2.0, 1.0, 2.0, 1.0),
        ("a", False, 1, 0, 0, 0, None, 1, 0.0, 1.0, 0.0, 1.0),
        # r4's injured is known but its killed is not: no casualty figures from it.
        ("a", None, 1, 1, 1, 1, 1.0, 0, None, None, None, None),
    ]  # b never states armed security: no rows
    ci = tiny.execute("SELECT ci_low, ci_high FROM metric_armed_security "
                      "WHERE armed_security_present").fetchone()
    assert ci == pytest.approx(wilson(1, 2))
    ends = tiny.execute("SELECT source, armed_security_present, end_method, n, n_known, "
                        "count, share FROM metric_armed_security_end ORDER BY ALL").fetchall()
    assert ends == [
        ("a", True, "shot", 2, 2, 1, 0.5),
        ("a", True, "suicide", 2, 2, 1, 0.5),
        ("a", None, "fled", 1, 1, 1, 1.0),
    ]  # the FALSE group knows no ending: no rows
