"""Raw snapshots fetched over real HTTP from a local mirror laid out like raw GitHub.

Every fault leaves data/raw exactly as it was, and errors name source and URL.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from pipelines.ingest.download import DownloadError
from pipelines.ingest.snapshots import ensure, find, history
from pipelines.registry import MIRROR_ENV, Source, sources
from tests.support.http_server import LocalServer

from .conftest import SHIPPED_RAW

ALERRT = sources()["alerrt"]
FILE = ALERRT.files[0]
FAST = {"sleep": lambda _s: None, "read_timeout": 0.5, "connect_timeout": 0.5}


def shipped_bytes(source: Source, sha256: str) -> bytes:
    snap = find(SHIPPED_RAW, source.slug, sha256)
    assert snap is not None
    return Path(snap.path).read_bytes()


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def mirror(monkeypatch: pytest.MonkeyPatch):
    with LocalServer() as server:
        monkeypatch.setenv(MIRROR_ENV, f"http://127.0.0.1:{server.port}")
        yield server


def pinned_path(source: Source, file) -> str:
    return f"/{source.repo}/{source.commit}/{file.path}"


def test_pinned_download_lands_a_content_addressed_snapshot(mirror, tmp_path: Path) -> None:
    body = shipped_bytes(ALERRT, FILE.sha256)
    mirror.route(pinned_path(ALERRT, FILE), body, content_type="text/csv", etag='"v1"',
                 last_modified="Fri, 20 Jun 2025 10:00:00 GMT")
    snap, downloaded = ensure(ALERRT, FILE, tmp_path, **FAST)
    assert downloaded
    assert Path(snap.path) == tmp_path / "alerrt" / FILE.sha256[:16] / FILE.name
    assert Path(snap.path).read_bytes() == body
    manifest = json.loads((Path(snap.path).parent / "manifest.json").read_text())
    assert manifest["sha256"] == FILE.sha256 and manifest["bytes"] == len(body)
    assert manifest["http_status"] == 200 and manifest["etag"] == '"v1"'
    assert manifest["url"] == mirror.url(pinned_path(ALERRT, FILE))
    assert manifest["last_modified"] and manifest["fetched_at"]
    # The second pinned run is a verified cache hit: no request at all.
    again, downloaded = ensure(ALERRT, FILE, tmp_path, **FAST)
    assert not downloaded and again.path == snap.path
    assert mirror.hits(pinned_path(ALERRT, FILE)) == 1


def test_retry_after_500_then_success(mirror, tmp_path: Path) -> None:
    path = pinned_path(ALERRT, FILE)
    mirror.route(path, shipped_bytes(ALERRT, FILE.sha256), fail_first=1)
    snap, downloaded = ensure(ALERRT, FILE, tmp_path, **FAST)
    assert downloaded and mirror.hits(path) == 2
    assert find(tmp_path, "alerrt", FILE.sha256) == snap


@pytest.mark.parametrize(
    ("fault", "route_kwargs", "message"),
    [
        ("server error", {"status": 500}, "HTTP 500"),
        ("timeout", {"delay": 2.0}, "timed out"),
        ("truncated body", {"truncate_to": 1000}, "truncated"),
        ("wrong sha256", {"body": b"case_code,date\n1,2000-01-01\n"}, "sha256"),
        ("html page", {"body": b"<!DOCTYPE html><html><body>Rate limited</body></html>",
                       "content_type": "text/html"}, "HTML"),
        ("not found", {"status": 404}, "404"),
    ],
)
def test_download_faults_leave_raw_untouched(mirror, tmp_path: Path, fault, route_kwargs,
                                             message) -> None:
    path = pinned_path(ALERRT, FILE)
    kwargs = {"body": shipped_bytes(ALERRT, FILE.sha256), **route_kwargs}
    mirror.route(path, kwargs.pop("body"), **kwargs)
    (tmp_path / "alerrt").mkdir()
    before = files_under(tmp_path)
    with pytest.raises(DownloadError) as err:
        ensure(ALERRT, FILE, tmp_path, **FAST)
    text = str(err.value)
    assert text.startswith(f"alerrt: {mirror.url(path)}: ")
    assert message in text, fault
    assert files_under(tmp_path) == before


def test_latest_mode_keeps_the_old_snapshot_and_honours_304(mirror, tmp_path: Path) -> None:
    pinned = shipped_bytes(ALERRT, FILE.sha256)
    mirror.route(pinned_path(ALERRT, FILE), pinned)
    old, _ = ensure(ALERRT, FILE, tmp_path, **FAST)
    newer = pinned + b"598,2025-01-02,2025,Jan,Thu,12,,No,No,Austin,TX\n"
    latest_path = f"/{ALERRT.repo}/{ALERRT.branch}/{FILE.path}"
    mirror.route(latest_path, newer, etag='"tip-2"')
    new, downloaded = ensure(ALERRT, FILE, tmp_path, latest=True, **FAST)
    assert downloaded and new.mode == "latest" and new.sha256 != old.sha256
    assert Path(old.path).read_bytes() == pinned  # never overwritten
    assert Path(new.path).read_bytes() == newer
    assert [s.sha256 for s in history(tmp_path, "alerrt", FILE.key)] == [old.sha256, new.sha256]
    # Nothing changed upstream: a conditional GET answers 304 and nothing is written.
    before = files_under(tmp_path)
    same, downloaded = ensure(ALERRT, FILE, tmp_path, latest=True, **FAST)
    assert not downloaded and same.sha256 == new.sha256
    assert mirror.request_headers(latest_path)[-1].get("if-none-match") == '"tip-2"'
    assert files_under(tmp_path) == before


def test_zip_member_is_extracted_and_verified(mirror, tmp_path: Path) -> None:
    ap = sources()["ap_usat_nu"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for f in ap.files:
            archive.writestr(f.member, shipped_bytes(ap, f.sha256))
    incidents = ap.files[0]
    mirror.route(pinned_path(ap, incidents), buffer.getvalue(), content_type="application/zip")
    snap, downloaded = ensure(ap, incidents, tmp_path, **FAST)
    assert downloaded and snap.sha256 == incidents.sha256
    assert snap.member == incidents.member
    assert files_under(tmp_path) == [
        f"ap_usat_nu/{incidents.sha256[:16]}/manifest.json",
        f"ap_usat_nu/{incidents.sha256[:16]}/{incidents.name}",
    ]


def test_zip_without_the_member_fails_cleanly(mirror, tmp_path: Path) -> None:
    ap = sources()["ap_usat_nu"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("something_else.csv", b"a,b\n")
    mirror.route(pinned_path(ap, ap.files[0]), buffer.getvalue())
    with pytest.raises(DownloadError, match=r"ap_usat_nu: http://127\.0\.0\.1:.*cannot read"):
        ensure(ap, ap.files[0], tmp_path, **FAST)
    assert files_under(tmp_path) == []


def test_corrupted_cache_is_refused_not_used(tmp_path: Path) -> None:
    snap = find(SHIPPED_RAW, "alerrt", FILE.sha256)
    target = tmp_path / "alerrt" / FILE.sha256[:16]
    target.mkdir(parents=True)
    (target / "manifest.json").write_text(
        (Path(snap.path).parent / "manifest.json").read_text())
    (target / FILE.name).write_bytes(b"tampered")
    with pytest.raises(DownloadError, match="no longer matches its sha256"):
        ensure(ALERRT, FILE, tmp_path, **FAST)
