"""Record linkage on the real published records and the hand-labelled pairs.

Each test links a copy of the warehouse the pipeline published (so it does not
depend on how the warehouse build calls the linker).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.linkage.evaluate import LABELS, pairwise_scores
from pipelines.linkage.link import TABLES, build_links

PRECISION_TARGET = 0.98
RECALL_TARGET = 0.95


def linked_copy(published_warehouse: Path, target: Path, previous: Path | None = None,
                edit=None) -> tuple[duckdb.DuckDBPyConnection, dict[str, int]]:
    """Copy the published warehouse to ``target``, apply ``edit(con)``, link it."""
    shutil.copy(published_warehouse, target)
    con = duckdb.connect(str(target))
    for table in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    if edit:
        edit(con)
    return con, build_links(con, previous)


def ids(con) -> dict[tuple[str, str], str]:
    return {(s, r): i for s, r, i in con.execute(
        "SELECT source, source_record_id, incident_id FROM incident_links").fetchall()}


@pytest.fixture(scope="module")
def linked(published, tmp_path_factory):
    path = tmp_path_factory.mktemp("linked") / "incidents.duckdb"
    con, counts = linked_copy(published.warehouse, path)
    con.execute("CHECKPOINT")  # as publish does before renaming the file into place
    yield con, counts, path
    con.close()


def test_tables_counts_and_comments(linked):
    con, counts, _ = linked
    assert set(counts) == set(TABLES)
    for table, n in counts.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n
    records = con.execute("SELECT count(*) FROM source_records").fetchone()[0]
    assert counts["incident_links"] == records
    assert counts["incidents"] < records
    assert con.execute("SELECT count(*) FROM (SELECT source, source_record_id FROM "
                       "incident_links GROUP BY ALL HAVING count(*) > 1)").fetchone()[0] == 0
    assert con.execute("SELECT count(DISTINCT incident_id) FROM incident_links").fetchone()[0] \
        == counts["incidents"]
    undocumented = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE table_name IN "
        "('incidents', 'incident_links', 'discrepancies') AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert undocumented == []
    tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE "
                              "table_name IN ('incidents', 'incident_links', 'discrepancies')"
                              ).fetchall())
    assert len(tables) == 3 and all(tables.values())


def test_one_record_per_source_unless_a_source_duplicate(linked):
    con, _, _ = linked
    clashes = con.execute("""
        SELECT incident_id, source, list(source_record_id), bool_and(source_duplicate)
        FROM incident_links GROUP BY incident_id, source HAVING count(*) > 1
    """).fetchall()
    assert clashes, "the sources' known duplicates should be linked"
    assert all(flagged for *_, flagged in clashes), clashes
    spread = con.execute("SELECT max(last_date - first_date) FROM incidents").fetchone()[0]
    assert spread <= 3


def test_gva_trace_is_linked_to_gva_by_id(linked):
    con, _, _ = linked
    unlinked = con.execute("""
        SELECT t.source_record_id FROM incident_links AS t
        JOIN incident_links AS g ON g.source = 'gva' AND g.source_record_id = t.source_record_id
        WHERE t.source = 'gva_trace' AND g.incident_id <> t.incident_id
    """).fetchall()
    assert unlinked == []


@pytest.mark.parametrize(("date", "state", "min_killed", "sources"), [
    ("2017-10-01", "NV", 50, {"fbi", "alerrt", "ap_usat_nu", "mother_jones", "gva"}),
    ("2016-06-12", "FL", 40, {"fbi", "alerrt", "ap_usat_nu", "mother_jones", "stanford_msa"}),
    ("2012-12-14", "CT", 20, {"fbi", "alerrt", "k12ssdb", "wapo", "stanford_msa"}),
    ("2018-02-14", "FL", 15, {"fbi", "alerrt", "k12ssdb", "wapo", "gva", "mother_jones"}),
    ("2022-05-24", "TX", 19, {"fbi", "alerrt", "k12ssdb", "wapo", "gva", "ap_usat_nu"}),
    ("2017-11-05", "TX", 20, {"fbi", "alerrt", "ap_usat_nu", "gva", "mother_jones"}),
    ("2019-08-03", "TX", 20, {"fbi", "alerrt", "ap_usat_nu", "gva", "mother_jones"}),
    ("2007-04-16", "VA", 30, {"fbi", "alerrt", "ap_usat_nu", "mother_jones", "stanford_msa"}),
])
def test_famous_attacks_are_one_incident(linked, date, state, min_killed, sources):
    con, _, _ = linked
    loaded = {r[0] for r in con.execute("SELECT DISTINCT source FROM source_records").fetchall()}
    rows = con.execute(
        "SELECT sources, killed, fbi_active_shooter, killed_4_plus FROM incidents "
        "WHERE incident_date = ? AND state = ? AND killed >= ?",
        [date, state, min_killed]).fetchall()
    assert len(rows) == 1, rows
    found, killed, fbi, killed_4_plus = rows[0]
    assert sources & loaded <= set(found)
    assert killed >= min_killed
    assert fbi and killed_4_plus


def test_labelled_pairs_precision_and_recall(linked):
    con, _, _ = linked
    scores = pairwise_scores(con, LABELS)
    evaluated_matches = scores.true_positive + scores.false_negative
    evaluated_non = scores.true_negative + scores.false_positive
    assert evaluated_matches >= 60 and evaluated_non >= 60, scores
    assert scores.precision >= PRECISION_TARGET, scores.errors
    assert scores.recall >= RECALL_TARGET, scores.errors


def test_labels_file_is_well_formed():
    import csv

    with LABELS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["label"] for r in rows} == {"match", "non_match"}
    assert sum(r["label"] == "match" for r in rows) >= 60
    assert sum(r["label"] == "non_match" for r in rows) >= 60
    pairs = {tuple(sorted([(r["source_a"], r["id_a"]), (r["source_b"], r["id_b"])]))
             for r in rows}
    assert len(pairs) == len(rows)
    cross = {tuple(sorted((r["source_a"], r["source_b"]))) for r in rows
             if r["label"] == "match" and r["source_a"] != r["source_b"]}
    sources = ["fbi", "alerrt", "ap_usat_nu", "mother_jones", "stanford_msa", "wapo",
               "k12ssdb", "gva", "gva_trace"]
    every_pair = {tuple(sorted((a, b))) for i, a in enumerate(sources) for b in sources[i + 1:]}
    assert every_pair <= cross
    assert all(r["note"] for r in rows)


def test_discrepancies_hold_each_sources_value(linked):
    con, _, _ = linked
    sandy_hook = con.execute("""
        SELECT d.source, d.value, d.best_value FROM discrepancies AS d
        JOIN incidents AS i USING (incident_id)
        WHERE i.incident_date = '2012-12-14' AND i.state = 'CT' AND d.field = 'killed'
        ORDER BY d.source
    """).fetchall()
    values = {value for _, value, _ in sandy_hook}
    assert {"26", "27"} <= values
    assert {best for *_, best in sandy_hook} == {"27"}
    bad = con.execute("""
        SELECT count(*) FROM discrepancies AS d JOIN incident_links AS l
        USING (incident_id, source, source_record_id)
    """).fetchone()[0]
    assert bad == con.execute("SELECT count(*) FROM discrepancies").fetchone()[0]


def test_ids_are_stable_across_refreshes(published, linked, tmp_path):
    con1, _, first_path = linked
    first = ids(con1)
    # Linked again from nothing: the ids are derived, so they are the same.
    con2, _ = linked_copy(published.warehouse, tmp_path / "again.duckdb")
    assert ids(con2) == first
    con2.close()
    # Linked again with the first build as the previous warehouse.
    con3, _ = linked_copy(published.warehouse, tmp_path / "second.duckdb",
                          previous=first_path)
    assert ids(con3) == first
    assert con3.execute("SELECT bool_and(id_carried_over) FROM incidents").fetchone()[0]
    con3.close()


def test_ids_survive_a_newer_snapshot_of_one_source(published, linked, tmp_path):
    """A newer WaPo snapshot: one record changed, one removed, one added that matches a
    K-12 SSDB-only incident, one added that is new."""
    con1, _, first_path = linked
    before = ids(con1)
    k12_only, = con1.execute("""
        SELECT l.source_record_id FROM incidents AS i JOIN incident_links AS l
        USING (incident_id)
        WHERE i.sources = ['k12ssdb'] AND i.killed = 0 AND i.injured = 1
          AND i.incident_date >= '2015-01-01' AND i.city IS NOT NULL
        ORDER BY l.source_record_id LIMIT 1
    """).fetchone()
    changed = ("wapo", "304")  # Oxford High School, 2021-11-30

    def newer_wapo(con):
        con.execute("UPDATE source_records SET killed = killed + 1 "
                    "WHERE source = 'wapo' AND source_record_id = '304'")
        con.execute("DELETE FROM source_records "
                    "WHERE source = 'wapo' AND source_record_id = '410'")
        con.execute("""
            INSERT INTO source_records BY NAME
            SELECT * REPLACE ('wapo' AS source, 'new-1' AS source_record_id)
            FROM source_records WHERE source = 'k12ssdb' AND source_record_id = ?
        """, [k12_only])
        con.execute("""
            INSERT INTO source_records BY NAME
            SELECT * REPLACE ('new-2' AS source_record_id, DATE '2025-01-09' AS incident_date,
                              'Nowhere Springs' AS city, 'WY' AS state,
                              'Nowhere Springs Middle School' AS incident_name)
            FROM source_records WHERE source = 'wapo' AND source_record_id = '1'
        """)

    con2, _ = linked_copy(published.warehouse, tmp_path / "newer.duckdb", previous=first_path,
                          edit=newer_wapo)
    after = ids(con2)
    kept = {k for k in before if k in after}
    assert len(kept) == len(before) - 1  # wapo 410 is gone
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert after[changed] == before[changed]
    assert after["wapo", "new-1"] == before["k12ssdb", k12_only]
    assert after["wapo", "new-2"] not in set(before.values())
    con2.close()


FBI_ALERRT_SAME_HOUR_TARGET = 0.98


def test_fbi_records_link_to_alerrt_of_same_state_date_and_hour(warehouse):
    """ALERRT builds on the FBI list: an FBI record with an ALERRT record of the same
    state, date and start hour is linked to one of them, small attacks included
    (computed on the published warehouse)."""
    n, linked_n = warehouse.execute("""
        WITH pairs AS (
            SELECT f.source_record_id AS fbi_id,
                   bool_or(lf.incident_id = la.incident_id) AS linked
            FROM source_records AS f
            JOIN source_records AS a
              ON a.source = 'alerrt' AND a.state = f.state
             AND a.incident_date = f.incident_date
             AND hour(a.start_time) = hour(f.start_time)
            JOIN incident_links AS lf
              ON lf.source = f.source AND lf.source_record_id = f.source_record_id
            JOIN incident_links AS la
              ON la.source = a.source AND la.source_record_id = a.source_record_id
            WHERE f.source = 'fbi'
            GROUP BY 1
        )
        SELECT count(*), count(*) FILTER (linked) FROM pairs
    """).fetchone()
    assert n >= 500
    assert linked_n / n >= FBI_ALERRT_SAME_HOUR_TARGET, (linked_n, n)
    small = dict(warehouse.execute("""
        SELECT f.source_record_id, lf.incident_id = la.incident_id
        FROM source_records AS f
        JOIN incident_links AS lf USING (source, source_record_id)
        JOIN incident_links AS la ON la.source = 'alerrt'
        WHERE (f.source_record_id, la.source_record_id) IN (
            ('2009-06-10 United States Holocaust Memorial Museum', '96'),
            ('2010-03-04 The Pentagon', '115'),
            ('2018-04-03 YouTube Headquarters', '300'),
            ('2020-02-08 NYPD 41st Precinct Office', '366'))
    """).fetchall())
    assert len(small) == 4 and all(small.values()), small


def test_labelled_non_matches_stay_apart(warehouse):
    """No labelled non-match (different attacks on the same day and state) is in one
    incident of the published warehouse, for any pair of sources."""
    from pipelines.linkage.evaluate import scores_by_source_pair

    by_pair = scores_by_source_pair(warehouse, LABELS)
    merged = {pair: s.errors for pair, s in by_pair.items() if s.false_positive}
    assert merged == {}
    assert by_pair["alerrt", "fbi"].true_negative >= 4


def test_docs_show_the_per_source_pair_scores(warehouse):
    """docs/linkage.md holds the per source pair table of the published warehouse."""
    from pipelines.linkage.evaluate import source_pair_table
    from pipelines.paths import REPO_ROOT

    doc = (REPO_ROOT / "docs" / "linkage.md").read_text(encoding="utf-8")
    assert source_pair_table(warehouse, LABELS) in doc
