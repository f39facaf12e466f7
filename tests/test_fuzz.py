"""Fuzz: every source's raw files, damaged on purpose, through the real normalizer.

Each file of each source is mutated (byte flips, truncation, dropped and
duplicated rows, swapped, renamed and dropped columns, junk cells, ragged rows,
other encodings and line endings; for xlsx also damaged XML inside the zip) in
seeded cases, see ``tests/support/mutations.py``. Every case must end in one of:

- clean records plus rejects: tables that meet the contract, whose provenance
  points at the files read, with plausible values, with the damaged file's rows
  accounted for (as many, fewer or more records than before, as the mutation
  allows; identical records when the file still means the same), and with the
  records of the source's untouched files unchanged;
- a clear error: a ``SourceError`` that starts with the source and the damaged
  file, raised on purpose by the loader (a ValueError it chose to raise), not a
  polars, calamine or Python error that the runner's last-resort wrapper caught.

A case id ``slug-key-mutation-seed`` replays the case; a failure message says
what was done to the file. The shipped raw files are never touched: mutated
copies live in a temporary directory, and the raw files' sha256 are checked
after the module has run.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import functools
import hashlib
import io
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.snapshots import Snapshot, find, sha256_file
from pipelines.normalize.contract import TABLES, conform
from pipelines.normalize.runner import SourceError, normalize
from pipelines.registry import discover, sources
from pipelines.sources.ap_usat_nu import NO_SUCH_INCIDENT
from tests.support.mutations import mutations_for

from .conftest import SHIPPED_RAW, shipped_snapshots

VIOLENCE_PROJECT_FIXTURE = Path(__file__).parent / "fixtures" / "violence_project_sample.csv"
SHIPPED = tuple(slug for slug, s in sources().items() if not s.user_supplied_env)
FUZZED = (*SHIPPED, "violence_project")  # the user-supplied source: its test fixture

SEEDS = {"ap_usat_nu": 2, "fbi": 1, "violence_project": 2}
"""Seeds per file and mutation (3 unless listed): fewer for the sources with many
files, so every file still meets every mutation and the module stays fast."""
DEFAULT_SEEDS = 3

# What a mutation may do to the number of rows read from the damaged file, when
# the file is still read: SAME = the file means the same (identical tables),
# COUNT = as many rows, FEWER / MORE = no more / no fewer, ANY = no rule, and
# SUB_HEADER = as many rows, or the group sub-header line read as one more record
# whose values are rejected.
SAME, COUNT, FEWER, MORE, ANY, SUB_HEADER = "same", "count", "fewer", "more", "any", "sub"
ROWS_AFTER = {
    "byte_flips": ANY, "truncate": FEWER, "drop_rows": FEWER, "duplicate_rows": MORE,
    "swap_header_names": COUNT, "swap_columns": SAME, "drop_column": SAME,
    "junk_cells": COUNT, "ragged_rows": COUNT, "reencode": SAME, "line_endings": SAME,
    "header_only": FEWER, "xml_byte_flips": ANY, "xml_truncate": FEWER,
    "xlsx_drop_rows": FEWER, "xlsx_duplicate_rows": MORE, "xlsx_junk_values": COUNT,
    "xlsx_junk_strings": COUNT,
}

RULE_FOR_SOURCE = {("violence_project", "junk_cells"): SUB_HEADER}
"""The Violence Project export's group sub-header line is told from data by content
(no date, no case number, no count): junk written into it can make it look like
data, and it is then a record with its values rejected."""

AP_DETAIL = {"offenders": "attackers", "victims": "victims", "weapons": "weapons"}
"""AP's detail files and the table each feeds (one row per file row, weapons counted)."""
AP_OFFENDER_FIELDS = ("end_method", "attacker_outcome_raw", "stopped_by", "attacker_fate",
                      "attacker_fate_basis", "derivations")
"""The source_records fields AP derives from the offenders file."""
COUNTS = ("killed", "injured", "attackers", "officers_killed", "officers_injured")


@dataclass(frozen=True)
class Case:
    slug: str
    key: str
    mutation: str
    seed: int

    def __str__(self) -> str:
        return f"{self.slug}-{self.key}-{self.mutation}-{self.seed}"


@functools.cache
def snapshots_of(slug: str) -> dict[str, Snapshot]:
    """The unmutated snapshots of a source: shipped, or the fixture of the user's file."""
    if slug != "violence_project":
        return shipped_snapshots(slug)
    fixture = VIOLENCE_PROJECT_FIXTURE
    return {"data": Snapshot(
        source=slug, key="data", name=fixture.name, url=fixture.as_uri(),
        sha256=sha256_file(fixture), bytes=fixture.stat().st_size, fetched_at="",
        http_status=None, etag=None, last_modified=None, mode="user", path=str(fixture),
    )}


@functools.cache
def raw_bytes(slug: str, key: str) -> bytes:
    return Path(snapshots_of(slug)[key].path).read_bytes()


@functools.cache
def baseline(slug: str) -> dict[str, pl.DataFrame]:
    """The source normalized from its unmutated files (once per module run)."""
    return normalize(discover()[slug], snapshots_of(slug))


def all_cases() -> list[Case]:
    cases = []
    for slug in FUZZED:
        file_keys = (["data"] if slug == "violence_project"
                     else [f.key for f in sources()[slug].data_files])
        for key in file_keys:
            name = (VIOLENCE_PROJECT_FIXTURE.name if slug == "violence_project"
                    else next(f.name for f in sources()[slug].data_files if f.key == key))
            for mutation in mutations_for(name):
                cases += [Case(slug, key, mutation, seed)
                          for seed in range(SEEDS.get(slug, DEFAULT_SEEDS))]
    return cases


CASES = all_cases()


@pytest.fixture(scope="module", autouse=True)
def raw_files_untouched():
    """After the module: data/raw and the fixture are byte-identical to before, and
    every shipped file still has its pinned sha256."""
    def digest() -> dict[str, str]:
        files = [p for p in SHIPPED_RAW.rglob("*") if p.is_file()] + [VIOLENCE_PROJECT_FIXTURE]
        return {str(p): sha256_file(p) for p in files}

    before = digest()
    yield
    assert digest() == before, "the fuzz tests changed files under data/raw or the fixture"
    for slug in SHIPPED:
        for file in sources()[slug].data_files:
            snap = find(SHIPPED_RAW, slug, file.sha256, verify=False)
            assert snap is not None and sha256_file(Path(snap.path)) == file.sha256, file.name


def test_at_least_300_cases_cover_every_source_file_and_mutation() -> None:
    assert len(CASES) >= 300
    covered = {(c.slug, c.key, c.mutation) for c in CASES}
    for slug in SHIPPED:
        for file in sources()[slug].data_files:
            assert {m for s, k, m in covered if (s, k) == (slug, file.key)} == set(
                mutations_for(file.name)), f"{slug}/{file.key}"
    assert {m for s, _, m in covered if s == "violence_project"} == set(
        mutations_for(VIOLENCE_PROJECT_FIXTURE.name))


# --- checks ---------------------------------------------------------------------------

def damaged_rows(tables: dict[str, pl.DataFrame], case: Case, name: str) -> int:
    """Rows read from the damaged file: its records, or for an AP detail file its
    linked detail rows plus the rows rejected as pointing at no incident."""
    if case.slug == "ap_usat_nu" and case.key in AP_DETAIL:
        table = tables[AP_DETAIL[case.key]]
        linked = int(table["count"].sum()) if case.key == "weapons" else table.height
        rejects = tables["rejects"]
        orphans = rejects.filter((pl.col("source_file") == name)
                                 & (pl.col("reason") == NO_SUCH_INCIDENT)).height
        return linked + orphans
    return tables["source_records"].filter(pl.col("source_file") == name).height


def ragged_rows(body: bytes) -> set[int]:
    """Data rows (1 = the first after the header) of a CSV file that are not as wide as
    its header, read with the standard csv module as an independent judge; blank
    lines are not rows of data."""
    text = body.decode("utf-8-sig", errors="replace")
    try:
        widths = [len(r) for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error:  # not splittable into records at all: nothing to compare
        return set()
    return {i for i, w in enumerate(widths) if i and w and w != widths[0]}


def flagged_duplicates(tables: dict[str, pl.DataFrame], name: str) -> int:
    records = tables["source_records"]
    return records.filter((pl.col("source_file") == name)
                          & pl.col("quality_flags").list.contains("duplicate_id_in_source")
                          ).height


def comparable(frame: pl.DataFrame, drop: tuple[str, ...] = (),
               fold_line_breaks: bool = False) -> pl.DataFrame:
    """``frame`` without ``drop``, in a canonical order (records by file and row)."""
    frame = frame.drop([c for c in drop if c in frame.columns])
    if fold_line_breaks:  # CR, LF and CRLF inside a cell are one line break
        frame = frame.with_columns(pl.col(pl.String).str.replace_all("\r\n?", "\n"))
    keys = [c for c, t in frame.schema.items() if not isinstance(t, pl.List)]
    first = [c for c in ("source_file", "source_row") if c in keys]
    return frame.sort(first + [c for c in keys if c not in first], nulls_last=True)


def difference(got: pl.DataFrame, want: pl.DataFrame) -> str:
    if got.height != want.height:
        return f"{got.height} rows, expected {want.height}"
    cols = [c for c in want.columns if c not in got.columns or not got[c].equals(want[c])]
    if not cols or cols[0] not in got.columns:
        return f"columns {got.columns}, expected {want.columns}"
    c = cols[0]
    i = got.with_row_index("_i").filter(got[c].ne_missing(want[c]))["_i"].min()
    return (f"columns {cols} differ, e.g. row {i} {c}: {got[c][i or 0]!r}, "
            f"expected {want[c][i or 0]!r}")


def assert_same_tables(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame],
                       context: str, drop: tuple[str, ...] = (),
                       fold_line_breaks: bool = False) -> None:
    assert set(got) == set(want), f"{context}\n  tables {sorted(got)} != {sorted(want)}"
    for name in want:
        a = comparable(got[name], drop, fold_line_breaks)
        b = comparable(want[name], drop, fold_line_breaks)
        assert a.equals(b), f"{context}\n  {name} changed: {difference(a, b)}"


def assert_clear_error(exc: SourceError, case: Case, name: str, what: str,
                       context: str) -> None:
    """The loader itself diagnosed the damage, and said where: source and file first."""
    text = str(exc)
    assert text.startswith(f"{case.slug}: {name}: "), (
        f"{context}\n  the error does not start with the source and the damaged file: {text}")
    cause = exc.__cause__
    assert cause is None or type(cause) in (ValueError, SourceError), (
        f"{context}\n  not diagnosed by the loader: the runner's wrapper caught "
        f"{type(cause).__name__}: {text}")
    if case.mutation == "drop_column":  # the missing column is named (whitespace folded)
        dropped = " ".join(ast.literal_eval(what.removeprefix("drop_column ")).split())
        assert dropped in text, f"{context}\n  the error does not name {dropped!r}: {text}"


def optional_column_dropped(case: Case, what: str) -> bool:
    """Whether the mutation dropped one of AP's optional descriptive columns."""
    from pipelines.sources.ap_usat_nu import DESCRIPTIVE

    if case.slug != "ap_usat_nu" or case.mutation != "drop_column":
        return False
    dropped = " ".join(ast.literal_eval(what.removeprefix("drop_column ")).split())
    return dropped in DESCRIPTIVE.get(case.key, ())


def assert_clean(tables: dict[str, pl.DataFrame], case: Case,
                 snapshots: dict[str, Snapshot], context: str, what: str = "") -> None:
    """Contract, provenance, plausible values, and every damaged row accounted for."""
    slug, name = case.slug, snapshots[case.key].name
    damaged = snapshots[case.key]
    base = baseline(slug)
    assert set(tables) == set(base), f"{context}\n  tables {sorted(tables)}"
    for table, frame in tables.items():
        conform(frame, TABLES[table], slug)  # raises ContractError naming the column
        assert frame["source"].eq(slug).all(), f"{context}\n  {table}.source"

    records, rejects = tables["source_records"], tables["rejects"]
    sha_by_name = {s.name: s.sha256 for s in snapshots.values()}
    assert records["source_file"].is_in(list(sha_by_name)).all(), context
    assert rejects["source_file"].is_in(list(sha_by_name)).all(), context
    assert records["source_sha256"].equals(
        records["source_file"].replace_strict(sha_by_name), check_names=False), (
        f"{context}\n  source_sha256 is not the sha256 of the file read")
    rows = records.select("source_file", "source_row")
    assert rows.null_count().sum_horizontal().item() == 0, f"{context}\n  records without a row"
    assert not rows.is_duplicated().any(), f"{context}\n  two records from one row"
    ids = records["source_record_id"].implode()
    assert rejects.filter(pl.col("source_record_id").is_not_null()
                          & ~pl.col("source_record_id").is_in(ids)).is_empty(), (
        f"{context}\n  rejects point at records that do not exist")
    for detail in ("attackers", "weapons", "victims"):
        if detail in tables:
            assert tables[detail]["source_record_id"].is_in(ids).all(), (
                f"{context}\n  {detail} rows of records that do not exist")

    bad = records.filter(
        pl.any_horizontal(pl.col(c) < 0 for c in COUNTS if c in records.columns)
        | ~pl.col("latitude").is_between(-90, 90) | ~pl.col("longitude").is_between(-180, 180)
        | ~pl.col("duration_min").is_finite() | (pl.col("duration_min") < 0)
    )
    assert bad.is_empty(), f"{context}\n  implausible values kept:\n{bad.head(3)}"
    for detail, col in (("attackers", "age"), ("victims", "age"), ("weapons", "count")):
        if detail in tables:
            assert not (tables[detail][col] < 0).any(), f"{context}\n  {detail}.{col} < 0"

    if name.endswith(".csv"):
        # a row cut short (a truncated file) or too long is an error, never a record
        # with NULLs in its missing cells or with its fields shifted
        ragged = ragged_rows(Path(damaged.path).read_bytes())
        from_ragged = records.filter((pl.col("source_file") == name)
                                     & pl.col("source_row").is_in(sorted(ragged)))
        assert from_ragged.is_empty(), (
            f"{context}\n  records read from rows not as wide as the header: "
            f"{from_ragged['source_row'].to_list()[:5]}")

    rule = RULE_FOR_SOURCE.get((slug, case.mutation), ROWS_AFTER[case.mutation])
    if rule == SAME and optional_column_dropped(case, what):
        # AP's descriptive columns are optional (a release without them still loads): the
        # fields they feed are then NULL, as unpublished, and nothing else changes
        fed = {t: [c for c in base[t].columns if c in tables[t].columns
                   and tables[t][c].null_count() == tables[t].height
                   and base[t][c].null_count() < base[t].height] for t in base}
        assert any(fed.values()), f"{context}\n  no field lost its values"
        for table, columns in fed.items():
            assert_same_tables({table: tables[table]}, {table: base[table]}, context,
                               drop=("source_sha256", *columns))
        rule = COUNT
    if rule == SAME:  # line_endings also turns line breaks inside quoted cells into CR
        assert_same_tables(tables, base, context, drop=("source_sha256",),
                           fold_line_breaks=case.mutation == "line_endings")
    n, was = damaged_rows(tables, case, name), damaged_rows(base, case, name)
    assert rule != COUNT or n == was, f"{context}\n  {n} rows read, the file had {was}"
    assert rule != FEWER or n <= was, f"{context}\n  {n} rows read from {was} and fewer"
    assert rule != MORE or n >= was, f"{context}\n  {n} rows read from {was} and more"
    if rule == SUB_HEADER:
        assert n in (was, was + 1), f"{context}\n  {n} rows read, the file had {was}"
        sub_header = records.filter(pl.col("source_row") == 1)
        assert n == was or sub_header["quality_flags"].list.contains("value_rejected").all(), (
            f"{context}\n  the sub-header line was read as a record without rejects")
    if rule == MORE and not (slug == "ap_usat_nu" and case.key in AP_DETAIL):
        extra = flagged_duplicates(tables, name) - flagged_duplicates(base, name)
        assert extra >= n - was, (
            f"{context}\n  {n - was} records added but only {extra} flagged as duplicates")
    assert_untouched_files_unchanged(tables, case, name, context)


def assert_untouched_files_unchanged(tables: dict[str, pl.DataFrame], case: Case, name: str,
                                     context: str) -> None:
    """Records (and detail rows) that come only from files the mutation left alone."""
    base = baseline(case.slug)
    if case.slug == "fbi":
        def untouched(t: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
            records = t["source_records"].filter(pl.col("source_file") != name)
            ids = records["source_record_id"].implode()
            return {"source_records": records,
                    **{d: t[d].filter(pl.col("source_record_id").is_in(ids))
                       for d in ("attackers", "weapons")}}

        assert_same_tables(untouched(tables), untouched(base), f"{context} (untouched files)")
    elif case.slug == "ap_usat_nu" and case.key in AP_DETAIL:
        drop = ("quality_flags",) + (AP_OFFENDER_FIELDS if case.key == "offenders" else ())
        others = [t for k, t in AP_DETAIL.items() if k != case.key]
        assert_same_tables(
            {t: tables[t] for t in ("source_records", *others)},
            {t: base[t] for t in ("source_records", *others)},
            f"{context} (untouched files)", drop=drop,
        )
    elif case.slug == "ap_usat_nu":  # incidents damaged: every detail row linked or rejected
        for key in AP_DETAIL:
            detail_name = snapshots_of(case.slug)[key].name
            detail_case = dataclasses.replace(case, key=key)
            assert damaged_rows(tables, detail_case, detail_name) == damaged_rows(
                base, detail_case, detail_name), f"{context}\n  {key} rows lost"


def mutated_bytes(case: Case) -> tuple[bytes, str]:
    """The damaged file's bytes and what was done, replayable from the case alone."""
    mutate = mutations_for(snapshots_of(case.slug)[case.key].name)[case.mutation]
    return mutate(raw_bytes(case.slug, case.key), random.Random(str(case)))


def run_case(case: Case, damaged: Path) -> None:
    """Write the damaged file to ``damaged``, normalize the source with it in place of
    the original (its other files as they are) and hold the outcome to the rules."""
    snapshots = snapshots_of(case.slug)
    original = snapshots[case.key]
    body, what = mutated_bytes(case)
    damaged.write_bytes(body)
    mutated = {**snapshots, case.key: dataclasses.replace(
        original, path=str(damaged), sha256=hashlib.sha256(body).hexdigest(), bytes=len(body))}
    context = f"case {case}: {original.name}: {what}"
    try:
        tables = normalize(discover()[case.slug], mutated)
    except SourceError as exc:
        assert_clear_error(exc, case, original.name, what, context)
        return
    except Exception as exc:
        pytest.fail(f"{context}\n  unhandled {type(exc).__name__}: {exc}")
    except BaseException as exc:  # a panic in Rust code (polars, calamine) is one
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        pytest.fail(f"{context}\n  unhandled {type(exc).__name__}: {exc}")
    assert_clean(tables, case, mutated, context, what)


# --- tests ----------------------------------------------------------------------------

@pytest.mark.parametrize("slug", FUZZED)
def test_the_checks_pass_on_the_unmutated_files(slug: str) -> None:
    """The rules every fuzz case is held to hold for the files as published."""
    snapshots = snapshots_of(slug)
    for key in snapshots:
        assert_clean(baseline(slug), Case(slug, key, "swap_columns", 0), snapshots,
                     f"{slug}/{key} unmutated")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_damaged_file_gives_clean_records_or_a_clear_error(case: Case,
                                                           tmp_path: Path) -> None:
    run_case(case, tmp_path / snapshots_of(case.slug)[case.key].name)


@pytest.mark.parametrize("damaged", [
    Case("fbi", "2021", "xml_truncate", 0),
    Case("ap_usat_nu", "incidents", "junk_cells", 0),
    Case("gva", "data", "truncate", 0),
], ids=str)
def test_damage_to_one_source_changes_no_other(damaged: Case, tmp_path: Path) -> None:
    """One source's file is damaged inside a copy of data/raw, as a refresh would meet
    it; every source is then normalized from that copy in one process, the damaged
    one first. The damaged one ends cleanly; every other one gives exactly the
    tables (so the totals) of its unmutated baseline."""
    raw_root = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, raw_root)
    original = snapshots_of(damaged.slug)[damaged.key]
    _, what = mutated_bytes(damaged)
    run_case(damaged, raw_root / Path(original.path).relative_to(SHIPPED_RAW))
    for slug in SHIPPED:
        if slug == damaged.slug:
            continue
        snapshots = {f.key: find(raw_root, slug, f.sha256) for f in sources()[slug].data_files}
        assert all(Path(s.path).is_relative_to(raw_root) for s in snapshots.values())
        tables = normalize(discover()[slug], snapshots)
        assert_same_tables(tables, baseline(slug),
                           f"{slug} after {damaged}: {original.name}: {what}")
        records, want = tables["source_records"], baseline(slug)["source_records"]
        assert records.height == want.height
        assert records["killed"].sum() == want["killed"].sum()
        assert records["injured"].sum() == want["injured"].sum()
