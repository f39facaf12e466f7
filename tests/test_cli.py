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


def _copy(published: ProjectPaths, tmp_path: Path) -> ProjectPaths:
    """A private copy of the session's published root."""
    import shutil

    shutil.copytree(published.root, tmp_path / "project", symlinks=True)
    return ProjectPaths(tmp_path / "project")


def test_offline_latest_is_quick_says_so_once_and_status_says_stale(
    published: ProjectPaths, tmp_path: Path,
) -> None:
    """``refresh --latest`` with no network: each source's connection error was printed
    three times after four attempts each, the raw step said ok, and ``status`` then
    showed every source ok and exited 0 while ``checks`` failed sources_fresh. Here the
    mirror is a closed port on 127.0.0.1 (the connection is refused, as offline)."""
    import socket
    import time

    from pipelines.registry import sources

    paths = _copy(published, tmp_path)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    result = run_cli(paths, "refresh", "--latest",
                     env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{port}"})
    seconds = time.monotonic() - started
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    asked = [s for s in sources().values() if not s.user_supplied_env]
    for source in asked:  # each source's reason once: on its raw line
        url = source.url(source.data_files[0], latest=True).replace(
            "https://raw.githubusercontent.com", f"http://127.0.0.1:{port}")
        assert out.count(url) == 1, (url, out)
    raw_step = next(line for line in result.stdout.splitlines() if line.split()[1:2] == ["raw"])
    assert raw_step.startswith("  STALE raw") and f"all {len(asked)} sources stale" in raw_step
    assert (f"  no network (connection refused by 127.0.0.1:{port}): {len(asked)} sources kept "
            "their last good snapshots") in result.stderr, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("  STALE")]
    assert "attempts" not in out
    print(f"offline --latest refresh: {seconds:.1f}s")

    status = run_cli(paths, "status")
    assert status.returncode == 1, status.stdout
    table = {line.split()[0]: line for line in status.stdout.splitlines()[1:]
             if line.split() and line.split()[0] in sources()}
    for source in asked:
        assert "STALE" in table[source.slug], table[source.slug]
        assert f"  {source.slug}: http://127.0.0.1:{port}/" in status.stdout
    assert "not supplied" in table["violence_project"]
    checks = run_cli(paths, "checks")
    assert checks.returncode == 1 and "FAIL  sources_fresh" in checks.stdout


def test_a_missing_user_supplied_file_is_stale_in_status(
    published: ProjectPaths, tmp_path: Path,
) -> None:
    """$INCIDENTS_VIOLENCE_PROJECT_CSV naming a file that is not there: the other
    sources publish, the source is left out and marked stale, and status says so."""
    paths = _copy(published, tmp_path)
    missing = tmp_path / "no-such-export.csv"
    result = run_cli(paths, "refresh",
                     env={"INCIDENTS_VIOLENCE_PROJECT_CSV": str(missing)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"  STALE violence_project (left out: no good snapshot yet): {missing}: no such "
            "file") in result.stderr, result.stderr
    status = run_cli(paths, "status")
    assert status.returncode == 1, status.stdout
    line = next(x for x in status.stdout.splitlines() if x.startswith("violence_project"))
    assert "STALE" in line, line
    assert f"  violence_project: {missing}: no such file" in status.stdout


def test_refresh_sets_its_imports_aside_for_good() -> None:
    """``incidents refresh`` imports Dagster and the code location with the garbage
    collector paused, then freezes what they made, so the run's collections do not walk
    those objects again and again; collection is on again for the run."""
    import gc

    from pipelines.cli import _kept_for_good

    def walked(thing: object) -> bool:
        return any(seen is thing for seen in gc.get_objects())

    assert gc.isenabled()
    try:
        with _kept_for_good():
            assert not gc.isenabled()
            kept = [object()]
            assert walked(kept)
        assert gc.isenabled() and not walked(kept)
        made_after = [object()]
        assert walked(made_after)
    finally:
        gc.unfreeze()
