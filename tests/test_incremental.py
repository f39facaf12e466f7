"""Incremental refreshes: unchanged inputs rebuild nothing, one changed source
rebuilds only itself and what depends on it, and --force rebuilds everything."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import duckdb

from pipelines.fingerprint import build_fingerprint, code_digest, up_to_date
from pipelines.normalize import staging
from pipelines.paths import ProjectPaths
from pipelines.registry import sources
from tests.support.http_server import LocalServer

from .conftest import run_cli, scratch_root
from .test_faults import _shipped, serve_latest


def _built(paths: ProjectPaths) -> tuple[str, str]:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return con.execute("SELECT built_at::VARCHAR, fingerprint FROM build_info").fetchone()
    finally:
        con.close()


def _staged_mtimes(paths: ProjectPaths) -> dict[str, int]:
    return {slug: (paths.staging / slug / "source_records.parquet").stat().st_mtime_ns
            for slug in sources() if (paths.staging / slug / "source_records.parquet").is_file()}


def _runs(paths: ProjectPaths) -> int:
    return len(list((paths.root / ".dagster_home" / "history" / "runs").glob("*.db")))


def test_unchanged_pinned_refresh_rebuilds_nothing(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    assert up_to_date(paths)
    built, runs = _built(paths), _runs(paths)
    page = (paths.dashboards / "index.html").stat().st_mtime_ns

    again = run_cli(paths, "refresh")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing changed" in again.stdout
    assert _built(paths) == built  # the same warehouse file, not a rebuild
    assert (paths.dashboards / "index.html").stat().st_mtime_ns == page
    assert _runs(paths) == runs  # Dagster was not even started

    forced = run_cli(paths, "refresh", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "nothing changed" not in forced.stdout
    rebuilt = _built(paths)
    assert rebuilt[0] > built[0] and rebuilt[1] == built[1]  # same inputs, new build


def test_a_damaged_warehouse_or_dashboard_is_not_up_to_date(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    (paths.dashboards / "index.html").unlink()
    result = run_cli(paths, "refresh")
    assert result.returncode == 0 and "nothing changed" not in result.stdout
    assert (paths.dashboards / "index.html").is_file()
    paths.warehouse.write_bytes(b"not a duckdb file")
    result = run_cli(paths, "refresh")
    assert result.returncode == 0 and "nothing changed" not in result.stdout
    assert _built(paths)[1]


def _one_more_alerrt_case() -> bytes:
    body = _shipped("alerrt", sources()["alerrt"].files[0].sha256)
    rows = list(csv.reader(io.StringIO(body.decode())))
    added = [*rows[1]]
    added[0] = "9002"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*rows, added])
    return out.getvalue().encode()


def test_one_changed_source_reparses_only_itself(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    before, built = _staged_mtimes(paths), _built(paths)
    with LocalServer() as server:
        serve_latest(server, {"alerrt": {"body": _one_more_alerrt_case()}})
        result = run_cli(paths, "refresh", "--latest",
                         env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{server.port}"})
    assert result.returncode == 0, result.stdout + result.stderr
    after = _staged_mtimes(paths)
    assert [s for s in after if after[s] != before[s]] == ["alerrt"]
    assert _built(paths)[1] != built[1]  # the warehouse was rebuilt from the new snapshot
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    alerrt = con.execute("SELECT count(*) FROM source_records WHERE source = 'alerrt'"
                         ).fetchone()[0]
    con.close()
    assert alerrt == 598


def test_staged_tables_are_reused_only_for_the_same_snapshots_and_code(tmp_path: Path) -> None:
    from pipelines.ingest.snapshots import Snapshot

    paths = ProjectPaths(tmp_path)
    snap = Snapshot(source="wapo", key="data", name="a.csv", url="u", sha256="ab" * 32,
                    bytes=1, fetched_at="t", http_status=200, etag=None,
                    last_modified=None, mode="pinned", path="p")
    other = dataclasses.replace(snap, sha256="cd" * 32)
    assert not staging.built_with(paths, "wapo", {"data": snap}, code_digest())
    staging.write_built_with(paths, "wapo", {"data": snap}, code_digest())
    assert staging.built_with(paths, "wapo", {"data": snap}, code_digest())
    assert not staging.built_with(paths, "wapo", {"data": other}, code_digest())
    assert not staging.built_with(paths, "wapo", {"data": snap}, "another code")
    staging.forget_built_with(paths, "wapo")
    assert not staging.built_with(paths, "wapo", {"data": snap}, code_digest())


def test_fingerprint_covers_snapshots_and_staleness(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path)
    base = build_fingerprint(paths, {"a": ["1"], "b": []})
    assert build_fingerprint(paths, {"b": [], "a": ["1"]}) == base
    assert build_fingerprint(paths, {"a": ["2"], "b": []}) != base
    assert build_fingerprint(paths, {"a": ["1"], "b": []}, {"a": "HTTP 500"}) != base


def test_record_count_anchor_is_exact_only_for_the_pinned_files() -> None:
    alerrt = sources()["alerrt"]
    assert alerrt.record_bounds({alerrt.files[0].sha256}) == (597, 597)
    assert alerrt.record_bounds({"a newer snapshot"}) == (298, 1791)
