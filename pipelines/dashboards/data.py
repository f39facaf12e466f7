"""What the pages read from the warehouse: query results and the source registry.

Every chart's rows come from a file in ``sql/dashboards/`` run against the
published warehouse (read-only), so the numbers on a page trace back to a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from pipelines.dashboards.site import PALETTE
from pipelines.paths import read_sql

if TYPE_CHECKING:
    import duckdb
    import polars as pl

# Short names for axis labels and legends; a source not listed here shows its title.
SHORT_NAMES = {
    "alerrt": "ALERRT",
    "ap_usat_nu": "AP/USA TODAY/NU",
    "fbi": "FBI",
    "gva": "GVA",
    "gva_trace": "GVA (The Trace)",
    "k12ssdb": "K-12 SSDB",
    "mother_jones": "Mother Jones",
    "stanford_msa": "Stanford MSA",
    "violence_project": "Violence Project",
    "wapo": "Washington Post",
    "linked": "Linked incidents",
}


@dataclass(frozen=True)
class SourceInfo:
    """One source as captions show it: name, definition, size and as-of date."""

    source: str
    title: str
    label: str
    definition: str
    records: int
    first_date: str | None
    last_date: str | None
    colour: str


class DashboardData:
    """Read-only access to the published warehouse for one site build."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.sql(read_sql("dashboards/source_coverage.sql")).pl()
        self.coverage = rows
        loaded = [r for r in rows.iter_rows(named=True) if r["records"]]
        colours = {r["source"]: PALETTE[i % len(PALETTE)] for i, r in enumerate(loaded)}
        self.sources: dict[str, SourceInfo] = {
            r["source"]: SourceInfo(
                source=r["source"],
                title=r["title"],
                label=SHORT_NAMES.get(r["source"], r["title"]),
                definition=r["definition"] or "",
                records=int(r["records"] or 0),
                first_date=str(r["first_date"]) if r["first_date"] else None,
                last_date=str(r["last_date"]) if r["last_date"] else None,
                colour=colours.get(r["source"], PALETTE[-1]),
            )
            for r in rows.iter_rows(named=True)
        }

    def query(self, name: str) -> pl.DataFrame:
        """Rows of ``sql/dashboards/<name>.sql``."""
        return self.con.sql(read_sql(f"dashboards/{name}.sql")).pl()

    @cached_property
    def tables(self) -> frozenset[str]:
        """Names of the warehouse's tables and views, read once (pages ask a dozen times;
        the connection is read-only)."""
        rows = self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        return frozenset(r[0] for r in rows)

    def has_table(self, name: str) -> bool:
        """Whether the warehouse holds a table (or view) of this name."""
        return name in self.tables

    def columns(self, table: str) -> set[str]:
        """Column names of a table in the warehouse."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
        return {r[0] for r in rows}

    @property
    def loaded(self) -> list[SourceInfo]:
        """Sources with at least one record, in slug order."""
        return [s for s in self.sources.values() if s.records]

    def label(self, source: str) -> str:
        """Short name of a source (or of a pseudo-source such as ``linked``)."""
        info = self.sources.get(source)
        return info.label if info else SHORT_NAMES.get(source, source)

    def with_labels(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with a ``source_label`` column (short source name) after ``source``."""
        import polars as pl

        labels = {s: self.label(s) for s in frame["source"].unique().to_list()}
        labelled = frame.with_columns(
            pl.col("source").replace_strict(labels, return_dtype=pl.String).alias("source_label")
        )
        order = ["source", "source_label", *[c for c in frame.columns if c != "source"]]
        return labelled.select(order)
