"""The whole pipeline as a user runs it: outputs, publication, re-runs and failures."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb

from pipelines.paths import ProjectPaths
from pipelines.registry import sources

from .conftest import run_cli, scratch_root


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_warehouse_tables_are_documented(warehouse) -> None:
    tables = dict(warehouse.execute(
        "SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert {"source_records", "sources", "rejects", "attackers", "weapons", "victims"} <= set(
        tables
    )
    assert all(tables.values())
    undocumented = warehouse.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL "
        "AND NOT internal AND schema_name = 'main'"
    ).fetchall()
    assert undocumented == []


def test_sources_table_has_every_source_with_its_snapshots(warehouse) -> None:
    rows = warehouse.execute(
        "SELECT source, licence, definition, len(files::JSON::JSON[]) FROM sources ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["alerrt", "ap_usat_nu", "fbi", "gva", "gva_trace",
                                    "k12ssdb", "mother_jones", "stanford_msa",
                                    "violence_project", "wapo"]
    assert all(r[1] and r[2] for r in rows)
    files = {r[0]: r[3] for r in rows}
    assert files["fbi"] == 7 and files["ap_usat_nu"] == 4
    assert files["violence_project"] == 0  # user-supplied, and not supplied here


def test_parquet_export_matches_the_warehouse(published: ProjectPaths, warehouse) -> None:
    for table in ("source_records", "sources", "rejects", "attackers", "weapons",
                  "source_agreement"):
        in_db = warehouse.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        parquet = published.curated / "parquet" / f"{table}.parquet"
        in_file = duckdb.execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0]
        assert in_file == in_db
    # The agreement summary is small and read in spreadsheets: also CSV, like metrics.
    agreement = published.curated / "csv" / "source_agreement.csv"
    rows = warehouse.execute("SELECT count(*) FROM source_agreement").fetchone()[0]
    assert rows > 0 and len(agreement.read_text().splitlines()) == rows + 1


def test_dashboard_is_offline(published: ProjectPaths) -> None:
    page = (published.dashboards / "index.html").read_text()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(not s.startswith(("http:", "https:", "//")) for s in scripts)
    assert all((published.dashboards / s).is_file() for s in scripts)
    assert "incidents-by-year" in page and "Coverage:" in page
    assert (published.dashboards / "data" / "incidents_by_year.csv").is_file()


def test_second_pinned_run_downloads_nothing(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    before = _tree_digest(paths.raw)
    # Any download would have to go through this mirror, which does not exist.
    result = run_cli(paths, "refresh", env={"INCIDENTS_MIRROR": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert _tree_digest(paths.raw) == before


def test_corrupted_cache_makes_the_source_stale_not_wrong(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    # Corrupt the cached ALERRT snapshot: the pinned sha256 no longer matches.
    snapshot = next((paths.raw / "alerrt").glob("*/aa_data_wide_nogeo_2024.csv"))
    snapshot.write_bytes(snapshot.read_bytes()[:1000])
    result = run_cli(paths, "refresh")
    assert result.returncode == 1
    assert "STALE alerrt: data/raw/alerrt/" in result.stderr and "sha256" in result.stderr
    assert "restore it with `git checkout -- data/raw/alerrt/" in result.stderr
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM source_records WHERE source = 'alerrt'"
                       ).fetchone()[0] == 597  # the last good tables, not the corrupt file
    assert con.execute("SELECT stale FROM sources WHERE source = 'alerrt'").fetchone()[0]
    con.close()
    assert not list(paths.curated.glob(".incidents.duckdb.tmp-*"))
    status = run_cli(paths, "status")  # it said every source was ok and exited 0
    assert status.returncode == 1, status.stdout
    alerrt = next(line for line in status.stdout.splitlines() if line.startswith("alerrt "))
    assert "STALE" in alerrt and "597" in alerrt, alerrt
    assert "  alerrt: data/raw/alerrt/" in status.stdout


def test_one_corrupt_file_on_a_clean_root_still_publishes_the_others(tmp_path: Path) -> None:
    """A first build where one raw file no longer matches its sha256 (as when Git's
    line-ending conversion rewrote it): the other sources publish, the bad one is
    left out and marked stale with how to restore the file, and no message claims a
    warehouse or a last good snapshot that does not exist."""
    paths = scratch_root(tmp_path)
    snapshot = next((paths.raw / "alerrt").glob("*/aa_data_wide_nogeo_2024.csv"))
    snapshot.write_bytes(snapshot.read_bytes().replace(b"\n", b"\r\n"))  # as autocrlf does
    result = run_cli(paths, "refresh")
    assert result.returncode == 1, result.stdout + result.stderr
    shown = snapshot.relative_to(paths.root)
    assert f"  STALE alerrt (left out: no good snapshot yet): {shown}: stored snapshot no " \
           "longer matches its sha256" in result.stderr, result.stderr
    assert f"restore it with `git checkout -- {shown}`" in result.stderr
    assert "unchanged" not in result.stderr and "last published" not in result.stderr
    assert "kept their last good" not in result.stderr
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    counts = dict(con.execute("SELECT source, count(*) FROM source_records GROUP BY 1")
                  .fetchall())
    stale = con.execute("SELECT source, stale_reason FROM sources WHERE stale").fetchall()
    con.close()
    assert "alerrt" not in counts and counts["fbi"] == 532, counts
    assert [slug for slug, _ in stale] == ["alerrt"] and str(shown) in stale[0][1]
    status = run_cli(paths, "status")
    assert status.returncode == 1
    alerrt = next(line for line in status.stdout.splitlines() if line.startswith("alerrt "))
    assert "STALE" in alerrt and alerrt.split()[1:4] == ["0", "0", "-"], alerrt


def test_stale_temporary_build_is_cleaned_up(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    paths.curated.mkdir(parents=True)
    stale = paths.curated / ".incidents.duckdb.tmp-999999999"
    stale.write_bytes(b"half-built")
    assert run_cli(paths, "refresh").returncode == 0
    assert not stale.exists()
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM source_records").fetchone()[0] > 0
    con.close()


def test_a_fresh_root_with_no_raw_files_fails_clearly_offline(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path, with_raw=False)
    result = run_cli(paths, "refresh", env={"INCIDENTS_MIRROR": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "http://127.0.0.1:9/" in result.stdout
    assert "no warehouse is published yet" in result.stderr, result.stderr
    # A failed command-line run writes its summary too (no daemon needed).
    summaries = list((paths.root / ".dagster_home" / "failures").glob("*.txt"))
    assert len(summaries) == 1 and f"summary: {summaries[0]}" in result.stderr
    assert "raw: alerrt: http://127.0.0.1:9/" in summaries[0].read_text()
    assert not paths.warehouse.exists()
    leftovers = [p for p in paths.raw.rglob("*") if p.is_file()] if paths.raw.exists() else []
    assert leftovers == []
    shutil.rmtree(paths.root)


def _serve_pinned_files(server) -> None:
    """Serve every pinned file at its raw-GitHub path (AP's as the zip it comes in)."""
    import io
    import zipfile

    from pipelines.ingest.snapshots import find
    from pipelines.registry import sources

    from .conftest import SHIPPED_RAW

    zips: dict[str, zipfile.ZipFile] = {}
    buffers: dict[str, io.BytesIO] = {}
    for source in sources().values():
        if source.user_supplied_env:
            continue
        for file in source.data_files:
            body = Path(find(SHIPPED_RAW, source.slug, file.sha256).path).read_bytes()
            path = f"/{source.repo}/{source.commit}/{file.path}"
            if file.member:
                if path not in zips:
                    buffers[path] = io.BytesIO()
                    zips[path] = zipfile.ZipFile(buffers[path], "w")
                zips[path].writestr(file.member, body)
            else:
                server.route(path, body)
    for path, archive in zips.items():
        archive.close()
        server.route(path, buffers[path].getvalue(), content_type="application/zip")


def test_refresh_from_nothing_downloads_every_source_over_http(tmp_path: Path) -> None:
    from tests.support.http_server import LocalServer

    paths = scratch_root(tmp_path, with_raw=False)
    with LocalServer() as server:
        _serve_pinned_files(server)
        result = run_cli(paths, "refresh",
                         env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{server.port}"})
    assert result.returncode == 0, result.stdout + result.stderr
    manifests = [json.loads(p.read_text()) for p in paths.raw.rglob("manifest.json")]
    assert len(manifests) == sum(
        len(s.data_files) for s in sources().values() if not s.user_supplied_env
    )
    assert {m["http_status"] for m in manifests} == {200}
    assert _tree_digest(paths.raw).keys() >= {
        str(p.relative_to(paths.raw)) for p in paths.raw.rglob("*.csv")
    }
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM source_records WHERE source = 'fbi'"
                       ).fetchone()[0] == 532
    con.close()


def test_download_fault_keeps_the_last_good_data(tmp_path: Path) -> None:
    from tests.support.http_server import LocalServer

    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    shutil.rmtree(paths.raw / "alerrt")  # force a download for one source
    raw_before = _tree_digest(paths.raw)
    alerrt = sources()["alerrt"]
    with LocalServer() as server:
        url_path = f"/{alerrt.repo}/{alerrt.commit}/{alerrt.files[0].path}"
        server.route(url_path, b"<html><body>Service unavailable</body></html>",
                     content_type="text/html")
        result = run_cli(paths, "refresh",
                         env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{server.port}"})
    assert result.returncode == 1
    assert f"STALE alerrt: {server.url(url_path)}: " in result.stderr
    assert "HTML" in result.stderr
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM source_records WHERE source = 'alerrt'"
                       ).fetchone()[0] == 597
    con.close()
    assert _tree_digest(paths.raw) == raw_before
    assert not list(paths.raw.rglob(".part-*"))
