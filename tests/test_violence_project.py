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

from .conftest import run_cli, scratch_root

FIXTURE = Path(__file__).parent / "fixtures" / "violence_project_sample.csv"


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


def test_absent_unless_supplied_and_never_committed(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    result = run_cli(paths, "refresh",
                     env={"INCIDENTS_VIOLENCE_PROJECT_CSV": str(FIXTURE)})
    assert result.returncode == 0, result.stdout + result.stderr
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
