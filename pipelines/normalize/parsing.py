"""Polars helpers for the messy part of parsing: reading CSV and xlsx files that may
be damaged, markers of unknown, numbers, dates, state names, header rows found by
content, and value-level rejects.

Every helper works on whole columns; no row-by-row Python.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def computed_once(expr: pl.Expr, use: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``use(value)``, where ``value`` stands for ``expr`` computed once per row: Polars
    shares no string work between copies of an expression, so an expression written
    with the same text parsing three times parses each text three times."""
    return pl.struct(expr.alias("value")).struct.with_fields(
        result=use(pl.field("value"))).struct.field("result")


INT32_MAX = 2**31 - 1


def to_int(col: str | pl.Expr) -> pl.Expr:
    """Whole number from text such as "12", "1,965" or "12.0"; NULL if not a number.

    Every whole number the sources give is a count, an age, an hour, a code or an id,
    so a negative number, or one too large for an INTEGER, is NULL too (and so
    rejected where the caller checks the field), never a bogus count or an error.
    """
    as_float = clean_text(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    return computed_once(as_float, lambda number: pl.when(
        (number == number.round(0)) & number.is_between(0, INT32_MAX)
    ).then(number.cast(pl.Int32, strict=False)))


def to_float(col: str | pl.Expr) -> pl.Expr:
    """Number from text such as "3.5" or "1,965.5"; NULL if not a finite number
    ("NaN" and "inf" are not measurements)."""
    number = clean_text(col).str.replace_all(",", "").cast(pl.Float64, strict=False)
    return computed_once(number, lambda value: pl.when(value.is_finite()).then(value))


def clock_time(col: str | pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(time of day, precision) from a clock time written with AM/PM or on the 24-hour
    clock with seconds; (NULL, NULL) for anything else.

    Read: "9:00 PM", "9:00PM", "9:30 p.m.", "930am" and "1230pm" (hour and minutes run
    together, as the K-12 SSDB writes one), "9am" (precision ``hour``), "16:00:00" and
    "16:00" (an hour from 13 to 23 can only be the 24-hour clock).
    Not read: a bare "4:00" or "10:15" (morning or evening?), an hour above 12 or
    minutes above 59 with AM/PM, or any other text. Precision is ``minute`` unless only the hour is
    given.

    Each step reads the fields of one struct built by the step before (``pl.field``):
    Polars does not share string work between copies of an expression, so writing
    the steps as expressions of expressions parsed each text some twenty times.
    """
    text = (clean_text(col).str.to_uppercase().str.replace_all(r"[\s.]", "")
            .str.replace(r"([AP])$", "${1}M"))
    field = pl.field
    steps = pl.struct(text.alias("text")).struct.with_fields(
        parts=field("text").str.extract_groups(r"^(\d{1,2}):?(\d{2})?([AP]M)$"),
        full=field("text").str.to_time("%H:%M:%S", strict=False),
        clock=field("text").str.extract_groups(r"^(\d{1,2}):(\d{2})$"),
    ).struct.with_fields(
        hour=field("parts").struct.field("1").cast(pl.Int32, strict=False),
        minute=field("parts").struct.field("2").cast(pl.Int32, strict=False),
        pm=field("parts").struct.field("3") == "PM",
        hour24=field("clock").struct.field("1").cast(pl.Int32, strict=False),
        minute24=field("clock").struct.field("2").cast(pl.Int32, strict=False),
    ).struct.with_fields(
        marked_ok=field("hour").is_between(1, 12)
        & (field("minute").is_null() | field("minute").is_between(0, 59)),
        afternoon_ok=field("hour24").is_between(13, 23) & field("minute24").is_between(0, 59),
    ).struct.with_fields(
        # components of the rows that are no time of day are NULL, so is their time
        marked=pl.time(
            pl.when(field("marked_ok"))
            .then(field("hour") % 12 + pl.when(field("pm")).then(12).otherwise(0)),
            pl.when(field("marked_ok")).then(field("minute").fill_null(0))),
        afternoon=pl.time(pl.when(field("afternoon_ok")).then(field("hour24")),
                          pl.when(field("afternoon_ok")).then(field("minute24"))),
    ).struct.with_fields(
        time=pl.coalesce(field("marked"), field("full"), field("afternoon")),
    ).struct.with_fields(
        precision=pl.when(field("marked").is_not_null() & field("minute").is_null())
        .then(pl.lit("hour")).when(field("time").is_not_null()).then(pl.lit("minute")),
    )
    return steps.struct.field("time"), steps.struct.field("precision")


def state_code(col: str | pl.Expr) -> pl.Expr:
    """USPS code from a state name or code (first state of "A & B"); NULL if unknown."""
    text = clean_text(col).str.split("&").list.first().str.strip_chars().str.to_lowercase()
    return text.replace_strict(_STATE_LOOKUP, default=None, return_dtype=pl.String)


def find_header_row(frame: pl.DataFrame, first_cell: str) -> int:
    """Index of the row whose first cell is ``first_cell`` (the table's header)."""
    if frame.width == 0:
        raise ValueError(f"empty sheet: no header row starting with {first_cell!r}")
    hits = frame.with_row_index("_i").filter(
        pl.col(frame.columns[0]).cast(pl.String).str.strip_chars() == first_cell
    )
    if hits.height == 0:
        raise ValueError(f"no header row starting with {first_cell!r}")
    return int(hits["_i"][0])


def read_csv_text(path: Path, source: str, *, check_width: bool = True,
                  **options: Any) -> pl.DataFrame:
    """A CSV file as text columns, once it is known to be a well-formed CSV file.

    The file must be UTF-8 (a byte-order mark is dropped) with LF, CRLF or bare CR
    line endings and, unless ``check_width`` is off, every record as wide as the
    first (the header). Polars alone reads a short record with NULLs in its missing
    cells (a truncated file would lose values without a word), reads a bare-CR file
    as one enormous line, and reports bad UTF-8, long records or broken quoting
    without saying where. Here each of those raises a ValueError naming the source,
    the file and the line or data row (1 = the first row after the header).
    The structure check is the one place that walks records: the standard csv
    module (C code) counts each record's fields once, since Polars cannot tell a
    short record from empty cells. ``options`` go to ``pl.read_csv``.
    """
    import csv
    import io

    where = f"{source}: {path.name}"
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(f"{where}: the file is UTF-16 (byte-order mark), not UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n" if b"\n" in data else b"\r", 0, exc.start) + 1
        raise ValueError(f"{where}: not UTF-8 text: byte {data[exc.start]:#04x} at "
                         f"line {line} (byte {exc.start})") from exc
    if not text.strip():
        raise ValueError(f"{where}: the file is empty")
    if "\x00" in text.split("\n", 1)[0].split("\r", 1)[0]:
        raise ValueError(f"{where}: NUL bytes in the header line (UTF-16 text?), not UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        widths = pl.Series("fields", [len(record) for record in reader], dtype=pl.Int32)
    except csv.Error as exc:
        raise ValueError(f"{where}: line {reader.line_num}: not a well-formed CSV record "
                         f"({exc})") from exc
    if check_width:
        ragged = widths.to_frame().with_row_index("row").filter(
            (pl.col("fields") != widths[0]) & (pl.col("fields") > 0)  # 0: a blank line
        )
        if ragged.height:
            rows = ", ".join(f"{r} ({n} fields)" for r, n in ragged.head(5).iter_rows())
            raise ValueError(f"{where}: {ragged.height} data row(s) not as wide as the "
                             f"header ({widths[0]} fields): row {rows}")
    try:
        return pl.read_csv(text.encode(), infer_schema_length=0,
                           eol_char="\n" if "\n" in text else "\r", **options)
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise ValueError(f"{where}: not a readable CSV file: {reason}") from exc


def read_xlsx(path: Path, source: str, **options: Any):
    """``pl.read_excel`` (calamine, every cell as text). A workbook that cannot be
    opened or read (not a zip, damaged XML, a cell pointing at a missing string)
    raises a ValueError naming the source and the file. ``options`` go to
    ``pl.read_excel`` (``sheet_name``, ``has_header``...)."""
    import fastexcel

    try:
        return pl.read_excel(path, engine="calamine", infer_schema_length=0, **options)
    except (fastexcel.FastExcelError, pl.exceptions.PolarsError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0]
        raise ValueError(f"{source}: {path.name}: not a readable xlsx workbook: "
                         f"{reason}") from exc


def read_xlsx_table(path: Path, first_cell: str, source: str,
                    sheet: str | int = 0) -> pl.DataFrame:
    """A sheet's table as text columns, with the header found by its content.

    Sheets that open with a summary block (as the FBI files do) put the real
    header somewhere below; we look for it instead of trusting a row number.
    Blank trailing rows are dropped; ``_row`` is the data row number (1-based).
    Errors name ``source`` and the file.
    """
    kwargs = {"sheet_name": sheet} if isinstance(sheet, str) else {"sheet_id": sheet + 1}
    grid = read_xlsx(path, source, has_header=False, **kwargs)
    try:
        header_at = find_header_row(grid, first_cell)
    except ValueError as exc:
        raise ValueError(f"{source}: {path.name}: {exc}") from exc
    names = [
        str(v).strip() if v is not None else f"_extra_{i}"
        for i, v in enumerate(grid.row(header_at))
    ]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{source}: {path.name}: header names {repeated} more than once")
    body = grid.slice(header_at + 1).rename(dict(zip(grid.columns, names, strict=True)))
    body = body.with_row_index("_row", offset=1)
    data_cols = [c for c in names if not c.startswith("_extra_")]
    return body.filter(pl.any_horizontal(pl.col(data_cols).is_not_null()))


def unique_ids(ids: pl.Expr, row: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """A source's ids made unique: a repeated id gets "#2", "#3"... in file order, a
    missing one "row <n>" (``row``: the data row number), so a repeated or blank id
    in a file never breaks the key. Returns ``(id expression, duplicated
    expression)`` for ``with_columns``; flag the duplicated rows
    ``duplicate_id_in_source``."""
    n = pl.int_range(1, pl.len() + 1).over(ids)
    unique = pl.when(n == 1).then(ids).otherwise(pl.concat_str(ids, pl.lit("#"), n))
    unique = pl.coalesce(unique, pl.concat_str(pl.lit("row "), row.cast(pl.String)))
    return unique, (pl.len().over(ids) > 1) & ids.is_not_null()


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
    marker of unknown) and the parsed value is NULL. The checks run as one lazy
    query (a filter per check, concatenated in order), collected once: a collect per
    check cost more in Polars' per-call overhead than in work.
    """
    parts = [
        frame.lazy().filter(clean_text(raw).is_not_null() & pl.col(parsed).is_null()).select(
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
    return pl.concat(parts).collect() if parts else empty_rejects()


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source": pl.String, "source_file": pl.String, "source_row": pl.Int32,
            "source_record_id": pl.String, "field": pl.String, "raw_value": pl.String,
            "reason": pl.String,
        }
    )
