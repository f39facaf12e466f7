"""Polars helpers for the messy part of parsing: markers of unknown, numbers,
dates, state names, header rows found by content, and value-level rejects.

Every helper works on whole columns; no row-by-row Python.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.normalize.states import STATE_CODES

UNKNOWN_MARKERS = ("", "?", "-", "N/A", "n/a", "NA", "null", "NULL", "Unknown", "unknown")

_STATE_LOOKUP = {k.lower(): v for k, v in STATE_CODES.items()} | {
    v.lower(): v for v in STATE_CODES.values()
} | {"d.c.": "DC", "washington d.c.": "DC", "washington, d.c.": "DC", "lousiana": "LA"}


def clean_text(col: str | pl.Expr, markers: tuple[str, ...] = UNKNOWN_MARKERS) -> pl.Expr:
    """Trimmed text with the source's markers of unknown turned into NULL."""
    expr = pl.col(col) if isinstance(col, str) else col
    expr = expr.cast(pl.String).str.strip_chars()
    return pl.when(expr.is_in(markers)).then(None).otherwise(expr)


def to_int(col: str | pl.Expr) -> pl.Expr:
    """Whole number from text such as "12", "1,965" or "12.0"; NULL if not a number."""
    text = clean_text(col).str.replace_all(",", "")
    as_float = text.cast(pl.Float64, strict=False)
    return pl.when(as_float == as_float.round(0)).then(as_float.cast(pl.Int32))


def to_float(col: str | pl.Expr) -> pl.Expr:
    return clean_text(col).str.replace_all(",", "").cast(pl.Float64, strict=False)


def state_code(col: str | pl.Expr) -> pl.Expr:
    """USPS code from a state name or code (first state of "A & B"); NULL if unknown."""
    text = clean_text(col).str.split("&").list.first().str.strip_chars().str.to_lowercase()
    return text.replace_strict(_STATE_LOOKUP, default=None, return_dtype=pl.String)


def find_header_row(frame: pl.DataFrame, first_cell: str) -> int:
    """Index of the row whose first cell is ``first_cell`` (the table's header)."""
    hits = frame.with_row_index("_i").filter(
        pl.col(frame.columns[0]).cast(pl.String).str.strip_chars() == first_cell
    )
    if hits.height == 0:
        raise ValueError(f"no header row starting with {first_cell!r}")
    return int(hits["_i"][0])


def read_xlsx_table(path: Path, first_cell: str, sheet: str | int = 0) -> pl.DataFrame:
    """A sheet's table as text columns, with the header found by its content.

    Sheets that open with a summary block (as the FBI files do) put the real
    header somewhere below; we look for it instead of trusting a row number.
    Blank trailing rows are dropped; ``_row`` is the data row number (1-based).
    """
    kwargs = {"sheet_name": sheet} if isinstance(sheet, str) else {"sheet_id": sheet + 1}
    grid = pl.read_excel(
        path, engine="calamine", has_header=False, infer_schema_length=0, **kwargs
    )
    header_at = find_header_row(grid, first_cell)
    names = [
        str(v).strip() if v is not None else f"_extra_{i}"
        for i, v in enumerate(grid.row(header_at))
    ]
    body = grid.slice(header_at + 1).rename(dict(zip(grid.columns, names, strict=True)))
    body = body.with_row_index("_row", offset=1)
    data_cols = [c for c in names if not c.startswith("_extra_")]
    return body.filter(pl.any_horizontal(pl.col(data_cols).is_not_null()))


def rejects_for(
    frame: pl.DataFrame,
    source: str,
    checks: dict[str, tuple[str, str, str]],
    *,
    file_col: str = "source_file",
    row_col: str = "source_row",
    id_col: str = "source_record_id",
) -> pl.DataFrame:
    """Rejects for values present in the source but unparseable.

    ``checks`` maps a source field name to ``(raw column, parsed column, reason)``:
    a row is rejected for that field where the raw value is a real value (not a
    marker of unknown) and the parsed value is NULL.
    """
    parts = [
        frame.filter(clean_text(raw).is_not_null() & pl.col(parsed).is_null()).select(
            pl.lit(source).alias("source"),
            pl.col(file_col).alias("source_file"),
            pl.col(row_col).cast(pl.Int32).alias("source_row"),
            pl.col(id_col).alias("source_record_id"),
            pl.lit(field).alias("field"),
            pl.col(raw).cast(pl.String).alias("raw_value"),
            pl.lit(reason).alias("reason"),
        )
        for field, (raw, parsed, reason) in checks.items()
    ]
    return pl.concat(parts) if parts else empty_rejects()


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source": pl.String, "source_file": pl.String, "source_row": pl.Int32,
            "source_record_id": pl.String, "field": pl.String, "raw_value": pl.String,
            "reason": pl.String,
        }
    )
