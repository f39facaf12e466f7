"""Keyword tables kept as data beside the code, loaded for the sources' SQL.

``location_keywords.csv`` (pattern, location_type, comment) derives a kind of place
from a place name or narrative ("Robb Elementary School" -> education). Rows are
tried in file order and the first pattern that matches decides, so specific rows
come first; a row with a blank location_type stops the search with no result (a
street name such as "Park Avenue" is not a park). Patterns are RE2 regular
expressions matched case-insensitively. The table reaches SQL as the macro
``location_keyword(text)``, generated from it (one CASE branch per row, so the macro
has no subquery and a SELECT may reuse its result by alias), and the macros of
``sql/normalize/location_keywords.sql`` built on it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

LOCATION_KEYWORDS_CSV = Path(__file__).with_name("location_keywords.csv")


@cache  # read once per process: every source's normalize uses it
def location_keywords(path: Path = LOCATION_KEYWORDS_CSV) -> pl.DataFrame:
    """The keyword table with its row order as ``rank`` (1 = tried first).

    Raises ValueError naming the row for a location type outside the contract's
    vocabulary or a pattern that is not a valid regular expression, so a bad edit
    fails the build instead of silently matching nothing.
    """
    import polars as pl

    from pipelines.normalize.contract import LOCATION_TYPES

    table = pl.read_csv(path, infer_schema_length=0).with_row_index("rank", offset=1)
    table = table.with_columns(pl.col("location_type").fill_null(""))
    for rank, pattern, kind in table.select("rank", "pattern", "location_type").iter_rows():
        if kind and kind not in LOCATION_TYPES:
            raise ValueError(f"{path.name}: row {rank}: location_type {kind!r} is not one of "
                             f"{list(LOCATION_TYPES)}")
        try:
            pl.Series([""]).str.contains(f"(?i){pattern}")
        except pl.exceptions.ComputeError as exc:
            raise ValueError(f"{path.name}: row {rank}: bad pattern {pattern!r}: {exc}") from exc
    return table.with_columns(pl.col("rank").cast(pl.Int32))


def location_keyword_macro(table: pl.DataFrame | None = None) -> str:
    """``CREATE MACRO location_keyword(txt)``: the first row of the keyword table whose
    pattern matches ``txt`` as ``{'location_type', 'keyword'}`` (the matched text, lower
    case); NULL when no row matches, ``txt`` is NULL, or the first match is a stop
    row (blank location_type)."""
    table = location_keywords() if table is None else table

    def quote(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    branches = []
    for pattern, kind in table.select("pattern", "location_type").iter_rows():
        regex = quote(f"(?i){pattern}")
        value = (f"{{'location_type': {quote(kind)}, "
                 f"'keyword': lower(regexp_extract(txt, {regex}))}}" if kind else "NULL")
        branches.append(f"    WHEN regexp_matches(txt, {regex}) THEN {value}")
    return ("CREATE OR REPLACE MACRO location_keyword(txt) AS CASE\n"
            + "\n".join(branches) + "\nEND")
