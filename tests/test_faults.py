"""Fault behaviour of a refresh: a source that fails keeps its last good snapshot,
the other sources still refresh, and the warehouse says which source is stale."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.snapshots import find
from pipelines.registry import sources
from tests.support.http_server import LocalServer

from .conftest import SHIPPED_RAW, run_cli, scratch_root


def _shipped(slug: str, sha256: str) -> bytes:
    return Path(find(SHIPPED_RAW, slug, sha256).path).read_bytes()


def serve_latest(server: LocalServer, broken: dict[str, dict]) -> None:
    """Serve every source at its branch tip, with ``broken[slug]`` overriding routes."""
    zips: dict[str, zipfile.ZipFile] = {}
    buffers: dict[str, io.BytesIO] = {}
    for source in sources().values():
        if source.user_supplied_env:
            continue
        for file in source.data_files:
            path = f"/{source.repo}/{source.branch}/{file.path}"
            body = _shipped(source.slug, file.sha256)
            if source.slug in broken:
                server.route(path, **broken[source.slug])
            elif file.member:
                if path not in zips:
                    buffers[path] = io.BytesIO()
                    zips[path] = zipfile.ZipFile(buffers[path], "w")
                zips[path].writestr(file.member, body)
            else:
                server.route(path, body)
    for path, archive in zips.items():
        archive.close()
        server.route(path, buffers[path].getvalue())


def _renamed_column(slug: str, old: str, new: str) -> bytes:
    body = _shipped(slug, sources()[slug].files[0].sha256)
    header, rest = body.split(b"\n", 1)
    return header.replace(old.encode(), new.encode()) + b"\n" + rest


FBI_2018 = sources()["fbi"].files[0]
FAULTS = {
    "download fails": ("alerrt", {"body": b"", "status": 500}, "HTTP 500"),
    "truncated xlsx": ("fbi", {"body": _shipped("fbi", FBI_2018.sha256)[:9000]},
                       "FBI_-_Active_Shooter_Incidents_2000-2018.xlsx"),
    "random bytes": ("mother_jones", {"body": bytes(range(256)) * 40}, "motherjones.csv"),
    "html page": ("wapo", {"body": b"<!doctype html><title>Moved</title>",
                           "content_type": "text/html"}, "HTML"),
    "column renamed": ("alerrt", {"body": _renamed_column("alerrt", "resolution,",
                                                          "outcome,")}, "resolution"),
    "column dropped": ("gva_trace", {"body": _renamed_column("gva_trace", '"victims_killed"',
                                                             '"dropped"')},
                       "victims_killed"),
}


@pytest.fixture(scope="module")
def refreshed_once(tmp_path_factory: pytest.TempPathFactory):
    """A root whose pinned refresh succeeded: every source has a last good snapshot."""
    paths = scratch_root(tmp_path_factory.mktemp("faults"))
    assert run_cli(paths, "refresh").returncode == 0
    return paths


@pytest.mark.parametrize("fault", list(FAULTS))
def test_failing_source_keeps_last_good_snapshot(refreshed_once, tmp_path: Path, fault) -> None:
    import shutil

    paths = scratch_root(tmp_path, with_raw=False)
    shutil.copytree(refreshed_once.root, paths.root, dirs_exist_ok=True)
    slug, route, mentions = FAULTS[fault]
    before = duckdb.connect(str(paths.warehouse), read_only=True)
    expected = dict(before.execute(
        "SELECT source, count(*) FROM source_records GROUP BY 1").fetchall())
    before.close()
    with LocalServer() as server:
        serve_latest(server, {slug: route})
        result = run_cli(paths, "refresh", "--latest",
                         env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{server.port}"})
        asked = {s.slug for s in sources().values() for f in s.data_files
                 if server.hits(f"/{s.repo}/{s.branch}/{f.path}")}
    assert result.returncode == 1, result.stdout + result.stderr
    # Every source asked the branch tip: the others refreshed (same bytes, same snapshot).
    assert asked == {s for s, src in sources().items() if not src.user_supplied_env}
    stale_lines = [line for line in result.stderr.splitlines() if line.startswith("  STALE")]
    # Named once per line: "STALE alerrt: alerrt: ..." repeated the slug.
    assert len(stale_lines) == 1 and stale_lines[0].startswith(f"  STALE {slug}: ")
    assert f"{slug}: {slug}: " not in stale_lines[0]
    assert mentions in stale_lines[0], stale_lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    counts = dict(con.execute(
        "SELECT source, count(*) FROM source_records GROUP BY 1").fetchall())
    stale = con.execute("SELECT source, stale_reason FROM sources WHERE stale").fetchall()
    con.close()
    assert counts == expected  # the stale source kept its records, the others refreshed
    assert [s for s, _ in stale] == [slug] and mentions in stale[0][1]
    checks = run_cli(paths, "checks")
    assert checks.returncode == 1 and "FAIL  sources_fresh" in checks.stdout
    page = (paths.dashboards / "sources.html").read_text(encoding="utf-8")
    listed = page.split('id="stale-sources" data-stale="1"', 1)[1].split("</div>", 1)[0]
    assert mentions in listed  # the dashboards say which source is stale and why
