"""The Violence Project: a user-supplied file, never shipped (synthetic fixture)."""

from __future__ import annotations

import subprocess
from datetime import time
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from pipelines.normalize.runner import normalize
from pipelines.paths import REPO_ROOT
from pipelines.registry import discover

from .conftest import VIOLENCE_PROJECT_SAMPLE, run_cli, scratch_root

FIXTURE = VIOLENCE_PROJECT_SAMPLE


@pytest.fixture(scope="module")
def tables() -> dict:
    module = discover()["violence_project"]
    snap = SimpleNamespace(name=FIXTURE.name, url=FIXTURE.as_uri(), sha256="x",
                           path=str(FIXTURE))
    return normalize(module, {"data": snap})


def test_header_quirks_and_sub_header_line(tables) -> None:
    records = tables["source_records"].sort("source_record_id")
    assert records["source_record_id"].to_list() == ["1", "2", "3", "4", "5"]
    assert records["source_row"].to_list() == [2, 3, 4, 5, 6]  # row 1 is the sub-header
    assert records["state"].to_list() == ["TX", "WY", "CA", "OH", "OR"]


def test_duration_and_start_time(tables) -> None:
    records = tables["source_records"].sort("source_record_id")
    assert records["duration_min"].to_list() == [96.0, 2.0, None, 15.0, None]
    assert records["start_time"].to_list()[:4] == [time(11, 48), time(9, 5), time(14, 0),
                                                   time(19, 10)]


def test_outcome_codes(tables) -> None:
    records = tables["source_records"].sort("source_record_id")
    # On-Scene Outcome, Who Killed Shooter On Scene: 1,2 / 0,1 / 2,0 / 1,4 / 4,0
    assert records.select("end_method", "stopped_by", "attacker_fate",
                          "attacker_fate_basis").rows() == [
        ("shot", "police", "died", "stated"), ("suicide", "self", "died", "stated"),
        ("apprehended", "unknown", "survived", "stated"),
        ("shot", "civilian", "died", "stated"), ("fled", "none", "survived", "stated"),
    ]
    assert records["ended_before_police"].null_count() == 5


def test_blank_is_unknown_and_bad_values_are_rejected(tables) -> None:
    records = tables["source_records"].sort("source_record_id")
    assert records["injured"].to_list()[2] is None  # blank, not 0
    rejects = tables["rejects"]
    assert sorted(rejects["field"].to_list()) == [
        "Full Date", "Number Killed", "Start Time", "Start to End Time (in Minutes)"]
    assert set(rejects["source_row"].to_list()) == {6}
    assert "value_rejected" in records["quality_flags"].to_list()[4]


def test_absent_unless_supplied_and_never_committed(published_with_violence_project) -> None:
    paths = published_with_violence_project  # built with INCIDENTS_VIOLENCE_PROJECT_CSV
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    row = con.execute("SELECT count(*), count(duration_min) FROM source_records "
                      "WHERE source = 'violence_project'").fetchone()
    files = con.execute("SELECT files FROM sources WHERE source = 'violence_project'"
                        ).fetchone()[0]
    con.close()
    assert row == (5, 3)
    assert '"mode": "user"' in files
    copy = next((paths.raw / "violence_project").rglob("*.csv"))
    ignored = subprocess.run(["git", "check-ignore", "-q",
                              "data/raw/violence_project/x/violence_project.csv"],
                             cwd=REPO_ROOT)
    assert ignored.returncode == 0 and copy.read_bytes() == FIXTURE.read_bytes()


def test_missing_file_fails_clearly(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    result = run_cli(paths, "refresh",
                     env={"INCIDENTS_VIOLENCE_PROJECT_CSV": str(tmp_path / "nope.csv")})
    assert result.returncode == 1
    assert "violence_project" in result.stdout and "no such file" in result.stdout


def _variant(tmp_path: Path, row: int, column: str, value: str) -> Path:
    """The sample with one cell of one data row (1 = the first) replaced."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8"), newline="")))
    header = [" ".join(cell.split()) for cell in rows[0]]
    rows[1 + row][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "my export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_out_of_range_code_is_a_reject_not_unknown(tmp_path: Path) -> None:
    """`On-Scene Outcome` 9 is no code of the scheme (0-4): rejected with its reason."""
    path = _variant(tmp_path, 4, "On-Scene Outcome", "9")  # case 4: "1" -> "9"
    snap = SimpleNamespace(name=path.name, url=path.as_uri(), sha256="x", path=str(path))
    out = normalize(discover()["violence_project"], {"data": snap})
    rejects = out["rejects"].filter(source_record_id="4").select("field", "raw_value", "reason")
    assert rejects.rows() == [("On-Scene Outcome", "9", "not a code 0-4")]
    record = out["source_records"].filter(source_record_id="4")
    assert "value_rejected" in record["quality_flags"][0]


@pytest.mark.parametrize("content", [
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    b"Case,Date,Town\n1,8/1/1966,Springfield\n",
], ids=["empty", "binary", "wrong_columns"])
def test_unreadable_file_names_the_users_path_and_is_not_kept(tmp_path: Path,
                                                              content: bytes) -> None:
    paths = scratch_root(tmp_path)
    mine = tmp_path / "exports" / "my violence project.csv"
    mine.parent.mkdir()
    mine.write_bytes(content)
    result = run_cli(paths, "refresh", env={"INCIDENTS_VIOLENCE_PROJECT_CSV": str(mine)})
    # The other sources publish; this one is left out, stale, naming the user's file.
    assert result.returncode == 1
    stale = next(line for line in result.stdout.splitlines()
                 if line.strip().startswith("raw/violence_project"))
    assert "STALE" in stale and f"{mine}: cannot be read, so it was not stored" in stale, stale
    assert paths.warehouse.exists()
    assert "violence_project.csv" not in result.stdout + result.stderr
    kept = [p for p in (paths.raw / "violence_project").rglob("*") if p.is_file()]
    assert kept == []


def test_readme_documents_the_columns_with_an_example_that_loads(tmp_path: Path) -> None:
    from pipelines.sources.violence_project import COLUMNS

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The Violence Project", 1)[1].split("\n## ", 1)[0]
    for column in COLUMNS:
        assert column == "case_no" or f"`{column}`" in section, column
    example = tmp_path / "example.csv"
    example.write_text(section.split("```csv\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    snap = SimpleNamespace(name=example.name, url=example.as_uri(), sha256="x",
                           path=str(example))
    out = normalize(discover()["violence_project"], {"data": snap})
    assert out["source_records"].height == 2 and out["rejects"].height == 0
