"""The analyst's command line: status, checks, one-source refresh, exit codes."""

from __future__ import annotations

from pathlib import Path

from pipelines.paths import ProjectPaths
from pipelines.warehouse.checks import CHECKS

from .conftest import run_cli, scratch_root


def test_status_lists_every_source(published: ProjectPaths) -> None:
    result = run_cli(published, "status")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:-1]}
    assert "532" in lines["fbi"] and "pinned" in lines["fbi"]
    assert "2306a6464edb +6" in lines["fbi"]  # seven FBI workbooks
    assert "not supplied" in lines["violence_project"]
    assert "ok 20" in lines["alerrt"]  # last materialization from the Dagster instance


def test_checks_pass_on_the_published_warehouse(published: ProjectPaths) -> None:
    result = run_cli(published, "checks")
    assert result.returncode == 0, result.stdout + result.stderr
    warned = [c.name for c in CHECKS if f"WARN  {c.name}" in result.stdout]
    assert f"{len(CHECKS) - len(warned)} passed, {len(warned)} warnings, 0 failed" in (
        result.stdout)
    # The shipped data has known cross-source outliers: a warning, and still exit 0.
    assert "casualty_outliers" in warned
    for check in CHECKS:
        assert (f"pass  {check.name}" in result.stdout
                or (check.warning and check.name in warned)), check.name


def test_nothing_published_yet(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path, with_raw=False)
    for command in ("status", "checks"):
        result = run_cli(paths, command)
        assert result.returncode == 2
        assert "nothing published yet" in result.stdout


def test_one_source_refresh_runs_only_that_source(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    result = run_cli(paths, "refresh", "--source", "alerrt")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    steps = [line.split()[1] for line in lines if line.startswith("  ok")]
    assets = [line.split()[0] for line in lines if line.startswith("       ")]
    assert "raw" in steps and "normalized" in steps and "curated/warehouse" in steps
    assert assets == ["raw/alerrt", "normalized/alerrt"], result.stdout


def test_unknown_source_is_refused(published: ProjectPaths) -> None:
    result = run_cli(published, "refresh", "--source", "nope")
    assert result.returncode == 2
    assert "unknown source 'nope'" in result.stderr
