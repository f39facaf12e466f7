"""Seeded mutations of raw source files, for the fuzz tests.

Every mutation takes the original bytes and a ``random.Random`` and returns
``(mutated bytes, description)``; the description says exactly what was done
(positions, rows, columns) so a failing case can be read and replayed from the
seed alone. CSV mutations work on text (header names, rows, columns, cells,
encodings); xlsx mutations work on the raw bytes and, more usefully, inside
the zip on the sheet and shared-string XML, so the workbook still opens and
the parser, not the unzipper, meets the damage.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable

Mutation = Callable[[bytes, random.Random], tuple[bytes, str]]

JUNK_VALUES = (
    "", "abc", "-1", "-999999", "99999999999999999999", "1e309", "NaN", "inf", "3.5",
    "0x1F", "2024-13-45", "31/02/2019", "12:99 PM", "N/A", "?", "\u00e9\u00e8\u2603",
    "  7  ", "1,000,000", "=SUM(A1:A9)", "\x00", "'", '"', "NULL", "9" * 40, "true",
    "California & Texas", "ZZ", "-90.5", "1900-01-01", "2999-12-31",
)


# --- bytes ------------------------------------------------------------------------

def byte_flips(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """XOR 1-16 random bytes with a random non-zero mask."""
    buf = bytearray(data)
    if not buf:
        return data, "byte_flips: empty input"
    changes = []
    for _ in range(rng.randint(1, 16)):
        pos = rng.randrange(len(buf))
        mask = rng.randint(1, 255)
        buf[pos] ^= mask
        changes.append(f"{pos}^{mask:#04x}")
    return bytes(buf), f"byte_flips [{', '.join(changes)}]"


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Cut the file at a random point (sometimes to nothing at all)."""
    cut = 0 if rng.random() < 0.05 else rng.randrange(len(data))
    return data[:cut], f"truncate at byte {cut} of {len(data)}"


# --- CSV text -----------------------------------------------------------------------

def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def _lines(data: bytes) -> tuple[list[str], str]:
    text = _decode(data)
    newline = "\r\n" if "\r\n" in text[:10000] else "\n"
    return text.split(newline), newline


def drop_rows(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Drop random physical lines after the header (may split quoted records)."""
    lines, nl = _lines(data)
    if len(lines) < 3:
        return data, "drop_rows: too few lines"
    k = rng.randint(1, max(1, min(50, (len(lines) - 1) // 4)))
    dropped = sorted(rng.sample(range(1, len(lines)), k))
    gone = set(dropped)
    kept = [line for i, line in enumerate(lines) if i not in gone]
    return _encode(nl.join(kept)), f"drop_rows lines {dropped[:12]}{'...' if k > 12 else ''}"


def duplicate_rows(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Repeat random physical lines right after themselves."""
    lines, nl = _lines(data)
    if len(lines) < 3:
        return data, "duplicate_rows: too few lines"
    k = rng.randint(1, max(1, min(30, (len(lines) - 1) // 4)))
    picked = set(rng.sample(range(1, len(lines)), k))
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in picked and line:
            out.append(line)
    return _encode(nl.join(out)), f"duplicate_rows lines {sorted(picked)[:12]}"


def _table(data: bytes) -> tuple[list[list[str]], bool]:
    text = _decode(data)
    quote_all = text.lstrip().startswith('"')
    return list(csv.reader(io.StringIO(text, newline=""))), quote_all


def _untable(rows: list[list[str]], quote_all: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                        lineterminator="\n")
    writer.writerows(rows)
    return _encode(out.getvalue())


def _header_at(rows: list[list[str]]) -> int:
    """The header row: the first row with as many cells as the widest of the first few."""
    width = max((len(r) for r in rows[:20]), default=0)
    return next((i for i, r in enumerate(rows[:20]) if len(r) == width), 0)


def swap_header_names(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Swap two header names (the data stay put: the columns now mean each other)."""
    rows, quote_all = _table(data)
    h = _header_at(rows) if rows else 0
    if not rows or len(rows[h]) < 2:
        return data, "swap_header_names: no header"
    a, b = rng.sample(range(len(rows[h])), 2)
    names = rows[h][a], rows[h][b]
    rows[h][a], rows[h][b] = names[1], names[0]
    return _untable(rows, quote_all), f"swap_header_names {names[0]!r}<->{names[1]!r}"


def swap_columns(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Swap two whole columns, header and data (the file means the same)."""
    rows, quote_all = _table(data)
    h = _header_at(rows) if rows else 0
    if not rows or len(rows[h]) < 2:
        return data, "swap_columns: no header"
    a, b = rng.sample(range(len(rows[h])), 2)
    names = rows[h][a], rows[h][b]
    for row in rows:
        if len(row) > max(a, b):
            row[a], row[b] = row[b], row[a]
    return _untable(rows, quote_all), f"swap_columns {names[0]!r}<->{names[1]!r}"


def drop_column(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Remove one whole column."""
    rows, quote_all = _table(data)
    h = _header_at(rows) if rows else 0
    if not rows or len(rows[h]) < 2:
        return data, "drop_column: no header"
    a = rng.randrange(len(rows[h]))
    name = rows[h][a]
    for row in rows:
        if len(row) > a:
            del row[a]
    return _untable(rows, quote_all), f"drop_column {name!r}"


def junk_cells(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Overwrite random data cells with values no parser expects."""
    rows, quote_all = _table(data)
    h = _header_at(rows) if rows else 0
    body = [i for i in range(h + 1, len(rows)) if rows[i]]
    if not body:
        return data, "junk_cells: no data rows"
    changes = []
    for _ in range(rng.randint(1, 25)):
        i = rng.choice(body)
        j = rng.randrange(len(rows[i]))
        value = rng.choice(JUNK_VALUES)
        rows[i][j] = value
        col = rows[h][j] if j < len(rows[h]) else j
        changes.append(f"r{i}/{col}={value!r}")
    return _untable(rows, quote_all), f"junk_cells [{', '.join(changes[:10])}]"


def ragged_rows(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Add or remove trailing fields on random lines (rows of the wrong width)."""
    lines, nl = _lines(data)
    if len(lines) < 3:
        return data, "ragged_rows: too few lines"
    changed = []
    for i in rng.sample(range(1, len(lines)), min(len(lines) - 1, rng.randint(1, 10))):
        if rng.random() < 0.5:
            lines[i] += ',extra' * rng.randint(1, 3)
            changed.append(f"+{i}")
        elif "," in lines[i]:
            lines[i] = lines[i].rsplit(",", rng.randint(1, 3))[0]
            changed.append(f"-{i}")
    return _encode(nl.join(lines)), f"ragged_rows {changed}"


def reencode(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Re-encode the UTF-8 text as latin-1, cp1252, UTF-16 or UTF-8 with a BOM."""
    text = _decode(data)
    encoding = rng.choice(("latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig"))
    return text.encode(encoding, errors="replace"), f"reencode {encoding}"


def line_endings(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Switch to CRLF or bare CR line endings."""
    ending = rng.choice(("\r\n", "\r"))
    text = _decode(data).replace("\r\n", "\n").replace("\n", ending)
    return _encode(text), f"line_endings {ending!r}"


def header_only(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Keep the first lines only: a file with a header and no (or few) records."""
    lines, nl = _lines(data)
    keep = rng.randint(1, 3)
    return _encode(nl.join(lines[:keep]) + nl), f"header_only first {keep} lines"


CSV_MUTATIONS: dict[str, Mutation] = {
    "byte_flips": byte_flips,
    "truncate": truncate,
    "drop_rows": drop_rows,
    "duplicate_rows": duplicate_rows,
    "swap_header_names": swap_header_names,
    "swap_columns": swap_columns,
    "drop_column": drop_column,
    "junk_cells": junk_cells,
    "ragged_rows": ragged_rows,
    "reencode": reencode,
    "line_endings": line_endings,
    "header_only": header_only,
}


# --- xlsx (a zip of XML parts) -----------------------------------------------------------

def _rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def _parts(data: bytes, pattern: str) -> list[str]:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return [n for n in names if re.fullmatch(pattern, n)]


SHEETS = r"xl/worksheets/sheet\d+\.xml"
XML_PARTS = SHEETS + r"|xl/sharedStrings\.xml|xl/workbook\.xml|xl/styles\.xml"


def xml_byte_flips(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Flip bytes inside one decompressed XML part, then re-zip (valid zip, bad XML)."""
    part = rng.choice(_parts(data, XML_PARTS))
    flipped: list[str] = []

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        out, desc = byte_flips(body, rng)
        flipped.append(desc)
        return out

    return _rezip(data, change), f"xml_byte_flips {part}: {flipped[0]}"


def xml_truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Cut one decompressed XML part short, then re-zip."""
    part = rng.choice(_parts(data, XML_PARTS))
    cuts: list[int] = []

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        cuts.append(rng.randrange(len(body)))
        return body[: cuts[0]]

    return _rezip(data, change), f"xml_truncate {part} at {cuts[0]}"


_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_CELL_VALUE = re.compile(rb"(<v>)(.*?)(</v>)", re.S)
_SHARED = re.compile(rb"(<t(?:\s[^>]*)?>)(.*?)(</t>)", re.S)


def _sheet_edit(data: bytes, rng: random.Random, label: str,
                edit: Callable[[bytes, random.Random], tuple[bytes, str]]) -> tuple[bytes, str]:
    part = rng.choice(_parts(data, SHEETS))
    said: list[str] = []

    def change(name: str, body: bytes) -> bytes:
        if name != part:
            return body
        out, desc = edit(body, rng)
        said.append(desc)
        return out

    return _rezip(data, change), f"{label} {part}: {said[0]}"


def _drop_sheet_rows(body: bytes, rng: random.Random) -> tuple[bytes, str]:
    rows = list(_ROW.finditer(body))
    if len(rows) < 2:
        return body, "no rows"
    gone = sorted(rng.sample(range(len(rows)), rng.randint(1, max(1, min(20, len(rows) // 4)))))
    out, last = [], 0
    for i in gone:
        out += [body[last:rows[i].start()]]
        last = rows[i].end()
    out.append(body[last:])
    return b"".join(out), f"dropped rows #{gone[:12]}"


def _duplicate_sheet_rows(body: bytes, rng: random.Random) -> tuple[bytes, str]:
    rows = list(_ROW.finditer(body))
    if not rows:
        return body, "no rows"
    picked = sorted(rng.sample(range(len(rows)), rng.randint(1, max(1, min(10, len(rows) // 4)))))
    out, last = [], 0
    for i in picked:
        out += [body[last:rows[i].end()], rows[i].group(0)]
        last = rows[i].end()
    out.append(body[last:])
    return b"".join(out), f"duplicated rows #{picked[:12]} (same r=)"


def _junk_sheet_values(body: bytes, rng: random.Random) -> tuple[bytes, str]:
    values = list(_CELL_VALUE.finditer(body))
    if not values:
        return body, "no values"
    picked = sorted(rng.sample(range(len(values)), min(len(values), rng.randint(1, 25))))
    junk = [rng.choice((b"-1", b"1e309", b"99999999999", b"NaN", b"abc", b"", b"-5.5",
                        b"999999999", b"4000000", b"0.000001")) for _ in picked]
    out, last = [], 0
    for i, value in zip(picked, junk, strict=True):
        m = values[i]
        out += [body[last:m.start(2)], value]
        last = m.end(2)
    out.append(body[last:])
    return b"".join(out), f"{len(picked)} cell values -> {[v.decode() for v in junk[:8]]}"


def xlsx_drop_rows(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _sheet_edit(data, rng, "xlsx_drop_rows", _drop_sheet_rows)


def xlsx_duplicate_rows(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _sheet_edit(data, rng, "xlsx_duplicate_rows", _duplicate_sheet_rows)


def xlsx_junk_values(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _sheet_edit(data, rng, "xlsx_junk_values", _junk_sheet_values)


def xlsx_junk_strings(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Overwrite random shared strings (the text cells) with junk text."""
    if "xl/sharedStrings.xml" not in _parts(data, XML_PARTS):
        return xlsx_junk_values(data, rng)
    said: list[str] = []

    def change(name: str, body: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return body
        strings = list(_SHARED.finditer(body))
        picked = sorted(rng.sample(range(len(strings)), min(len(strings), rng.randint(1, 25))))
        out, last = [], 0
        for i in picked:
            value = rng.choice(JUNK_VALUES).replace("&", "&amp;").replace("<", "&lt;")
            value = value.replace("\x00", "")
            out += [body[last:strings[i].start(2)], value.encode()]
            last = strings[i].end(2)
            said.append(f"#{i}={value!r}")
        out.append(body[last:])
        return b"".join(out)

    return _rezip(data, change), f"xlsx_junk_strings [{', '.join(said[:10])}]"


XLSX_MUTATIONS: dict[str, Mutation] = {
    "byte_flips": byte_flips,
    "truncate": truncate,
    "xml_byte_flips": xml_byte_flips,
    "xml_truncate": xml_truncate,
    "xlsx_drop_rows": xlsx_drop_rows,
    "xlsx_duplicate_rows": xlsx_duplicate_rows,
    "xlsx_junk_values": xlsx_junk_values,
    "xlsx_junk_strings": xlsx_junk_strings,
}


def mutations_for(filename: str) -> dict[str, Mutation]:
    return XLSX_MUTATIONS if filename.lower().endswith(".xlsx") else CSV_MUTATIONS
