"""The descriptions travel with the data: every Parquet file carries the warehouse's
comments (Arrow schema and field metadata, key ``description``), and the way the README
gives to read them in DuckDB works."""

from __future__ import annotations

import re

import pyarrow.parquet as pq

from pipelines.paths import REPO_ROOT, ProjectPaths


def test_every_parquet_file_carries_its_table_and_column_descriptions(
        published: ProjectPaths, warehouse) -> None:
    files = sorted((published.curated / "parquet").glob("*.parquet"))
    assert {f.stem for f in files} >= {"source_records", "rejects", "incidents",
                                      "metric_duration", "metric_resolution"}
    for path in files:
        schema = pq.read_schema(path)
        table = warehouse.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?",
                                  [path.stem]).fetchall()[0][0]
        assert table and schema.metadata[b"description"].decode() == table, path.name
        comments = dict(warehouse.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
            [path.stem]).fetchall())
        assert set(schema.names) == set(comments), path.name
        for field in schema:
            assert comments[field.name], (path.name, field.name)
            assert field.metadata[b"description"].decode() == comments[field.name]
    killed = pq.read_schema(published.curated / "parquet" / "source_records.parquet")
    assert killed.field("killed").metadata[b"description"].startswith(b"Victims killed")


def test_parquet_files_still_read_as_the_warehouse_tables(published: ProjectPaths,
                                                          warehouse) -> None:
    for name in ("source_records", "metric_duration", "sources"):
        path = published.curated / "parquet" / f"{name}.parquet"
        expected = warehouse.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        got = warehouse.execute("SELECT * FROM read_parquet(?) ORDER BY ALL",
                                [str(path)]).fetchall()
        assert got == expected, name


def test_readme_says_what_shows_the_comments(warehouse) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "DESCRIBE source_records` or" not in readme
    query = re.search(r"```sql\n(SELECT column_name, data_type, comment FROM duckdb_columns\(\)"
                      r".*?);\n```", readme, re.S).group(1)
    rows = warehouse.execute(query).fetchall()
    assert rows and all(comment for _, _, comment in rows)
    # DESCRIBE has no comment column in DuckDB 2.0: the README must not send people there.
    described = warehouse.execute("DESCRIBE source_records")
    assert "comment" not in [d[0] for d in described.description]
