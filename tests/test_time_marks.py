"""Honest time axes on small hand-made sources: which last year is partial, which years a
collection note covers, and what the caption says about them.

The browser tests (tests/test_dashboards_browser.py) check the marks are drawn on the
real site; these pin the rules themselves.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.dashboards import time_marks
from pipelines.paths import read_sql


class FakeData:
    """The two things time_marks asks of DashboardData: a query and a source's label."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, name: str) -> pl.DataFrame:
        return self.con.sql(read_sql(f"dashboards/{name}.sql")).pl()

    def label(self, source: str) -> str:
        return source.upper()


def _data(last_dates: dict[str, str | None]) -> FakeData:
    con = duckdb.connect()
    con.execute("CREATE TABLE sources (source VARCHAR, last_date DATE)")
    con.executemany("INSERT INTO sources VALUES (?, ?)", list(last_dates.items()))
    return FakeData(con)


def test_last_year_is_partial_only_when_records_stop_before_december() -> None:
    data = _data({
        "annual": "2023-12-06",      # an annual report: its last attack in December
        "year_end": "2020-12-31",
        "daily": "2026-07-22",       # a daily file pulled in July
        "suspended": "2016-06-26",   # a project suspended mid-year
        "november": "2019-11-30",
        "empty": None,
    })
    assert time_marks.partial_years(data) == {
        "daily": (2026, "2026-07-22"),
        "suspended": (2016, "2016-06-26"),
        "november": (2019, "2019-11-30"),
    }


def test_mark_years_flags_the_partial_year_and_the_noted_years() -> None:
    data = _data({"stanford_msa": "2016-06-26", "fbi": "2023-12-06"})
    frame = pl.DataFrame({
        "source": ["stanford_msa"] * 4 + ["fbi"] * 2,
        "year": [2013, 2014, 2015, 2016, 2022, 2023],
        "records": [16, 13, 65, 98, 50, 48],
    })
    marked = time_marks.mark_years(data, frame).sort("source", "year")
    rows = {(r["source"], r["year"]): r for r in marked.iter_rows(named=True)}
    assert [k for k, r in rows.items() if r["partial_year"]] == [("stanford_msa", 2016)]
    note = time_marks.collection_notes().filter(pl.col("source") == "stanford_msa").row(
        0, named=True)
    assert {k for k, r in rows.items() if r["collection_note"]} == {
        ("stanford_msa", y) for y in range(note["from_year"], note["to_year"] + 1)}
    assert rows[("stanford_msa", 2015)]["collection_note"] == note["label"]
    assert [k for k, r in rows.items() if r["note_start"]] == [("stanford_msa", 2015)]
    assert marked.height == frame.height  # a mark never adds or drops a row

    ends = time_marks.with_end_labels(marked)
    labels = {(r["source"], r["year"]): r["end_label"] for r in ends.iter_rows(named=True)
              if r["end_label"]}
    assert labels == {("stanford_msa", 2016):
                      f"{time_marks.PARTIAL_LABEL}; outlined: {note['label']}"}

    notes = time_marks.notes_html(data, marked, "records")
    assert len(notes) == 2
    assert "STANFORD_MSA 2016 (records to 2016-06-26)" in notes[0]
    assert "FBI" not in notes[0]
    assert "13 in 2014, 65 in 2015, 98 in 2016" in notes[1]


def test_collection_notes_are_data_with_a_label_and_a_sentence() -> None:
    notes = time_marks.collection_notes()
    assert notes.columns == ["source", "from_year", "to_year", "label", "note"]
    assert notes.height >= 1
    for row in notes.iter_rows(named=True):
        assert row["from_year"] <= row["to_year"]
        assert row["label"] and len(row["label"]) <= 30  # drawn on the chart
        assert len(row["note"]) > 40  # the caption's explanation
