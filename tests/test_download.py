"""fetch() against a real HTTP server on 127.0.0.1: retries, timeouts, truncation, sniffing.

No request is mocked: every failure is produced by ``LocalServer`` over a socket.
Backoff sleeps go to a recorder, so the whole file runs in a couple of seconds.
"""

from __future__ import annotations

import hashlib
import io
import random
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.ingest.download import DownloadError, FetchResult, fetch
from tests.support.http_server import LocalServer

CSV = b"a,b\n1,2\n"
CSV_SHA = hashlib.sha256(CSV).hexdigest()
ALERRT = Path("/work/shared/datasets/alerrt_active_attack_data/aa_data_wide_nogeo_2024.csv")
ALERRT_SHA = "0972bbcc93d9ef9ec06e37bbcad4924ceeb7f66236bfc6efed5fd75fc5bc2c14"
HTML = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Moved</body></html>\n"
ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"


class Sleeps(list[float]):
    """Records the backoff delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Path:
    """A download directory that already holds a file, which fetch must never touch."""
    directory = tmp_path / "raw"
    directory.mkdir()
    (directory / "existing.csv").write_bytes(b"keep me\n")
    return directory


def listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


UNTOUCHED = {"existing.csv": b"keep me\n"}


def fail(url: str, tmp_dir: Path, **kwargs: object) -> str:
    """Run fetch, expect DownloadError, check the invariants of every failure, return the text."""
    with pytest.raises(DownloadError) as caught:
        fetch(url, tmp_dir, source="src", **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"src: {url}: "), message
    assert "\n" not in message
    assert listing(tmp_dir) == UNTOUCHED, "a failed download left files behind"
    return message


def test_success_writes_verified_file(server: LocalServer, tmp_dir: Path) -> None:
    server.route("/data.csv", CSV, content_type="text/csv", etag=ETAG, last_modified=LAST_MODIFIED)
    url = server.url("/data.csv")
    result = fetch(url, tmp_dir, source="src", expected_sha256=CSV_SHA, expected_format="csv")

    assert result == FetchResult(url=url, status=200, path=result.path, sha256=CSV_SHA,
                                 bytes=len(CSV), etag=ETAG, last_modified=LAST_MODIFIED,
                                 attempts=1)
    assert result.path is not None and result.path.parent == tmp_dir
    assert result.path.name.startswith(".part-")
    assert result.path.read_bytes() == CSV
    assert listing(tmp_dir) == {**UNTOUCHED, result.path.name: CSV}
    assert server.hits("/data.csv") == 1
    sent = server.request_headers("/data.csv")[0]
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_real_dataset_file_from_a_served_mirror(server: LocalServer, tmp_dir: Path) -> None:
    if not ALERRT.is_file():
        pytest.skip(f"{ALERRT} is not available on this machine")
    server.serve_dir(ALERRT.parent, "/mirror/alerrt/")
    url = server.url(f"/mirror/alerrt/{ALERRT.name}")
    result = fetch(url, tmp_dir, source="alerrt", expected_sha256=ALERRT_SHA,
                   expected_format="csv")
    assert result.status == 200 and result.sha256 == ALERRT_SHA
    assert result.path is not None and result.path.read_bytes() == ALERRT.read_bytes()
    assert result.bytes == ALERRT.stat().st_size
    result.path.unlink()
    # A path outside the served directory is not found, and 404 is not retried.
    assert "HTTP 404" in fail(server.url("/mirror/alerrt/../../etc/passwd"), tmp_dir)


def test_500_then_success_retries_once_with_jittered_backoff(
    server: LocalServer, tmp_dir: Path
) -> None:
    server.route("/flaky.csv", CSV, fail_first=1)
    sleeps = Sleeps()
    result = fetch(server.url("/flaky.csv"), tmp_dir, source="src", expected_sha256=CSV_SHA,
                   backoff_base=0.5, sleep=sleeps)
    assert result.status == 200 and result.attempts == 2
    assert result.path is not None and result.path.read_bytes() == CSV
    assert server.hits("/flaky.csv") == 2
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5
    assert listing(tmp_dir) == {**UNTOUCHED, result.path.name: CSV}


def test_backoff_bound_doubles_up_to_the_cap(
    server: LocalServer, tmp_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Full jitter draws from [0, bound]; always drawing the top shows the bound itself.
    monkeypatch.setattr(random, "uniform", lambda low, high: high)
    server.route("/flaky.csv", CSV, fail_first=4)
    sleeps = Sleeps()
    result = fetch(server.url("/flaky.csv"), tmp_dir, source="src", max_attempts=5,
                   backoff_base=0.25, backoff_max=1.0, sleep=sleeps)
    assert result.attempts == 5
    assert sleeps == [0.25, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_persistent_server_error_gives_up_after_max_attempts(
    server: LocalServer, tmp_dir: Path, status: int
) -> None:
    server.route("/down.csv", b"busy\n", status=status)
    sleeps = Sleeps()
    message = fail(server.url("/down.csv"), tmp_dir, max_attempts=4, sleep=sleeps)
    assert "failed after 4 attempts" in message
    assert f"HTTP {status}" in message
    assert server.hits("/down.csv") == 4
    assert len(sleeps) == 3


@pytest.mark.parametrize("status", [404, 403, 410])
def test_client_error_is_not_retried(server: LocalServer, tmp_dir: Path, status: int) -> None:
    server.route("/gone.csv", b"no\n", status=status)
    sleeps = Sleeps()
    message = fail(server.url("/gone.csv"), tmp_dir, sleep=sleeps)
    assert f"HTTP {status}" in message
    assert server.hits("/gone.csv") == 1
    assert sleeps == []


def test_unknown_path_is_a_404(server: LocalServer, tmp_dir: Path) -> None:
    assert "HTTP 404" in fail(server.url("/nothing/here.csv"), tmp_dir, sleep=Sleeps())


def test_read_timeout_is_retried_then_reported(server: LocalServer, tmp_dir: Path) -> None:
    server.route("/slow.csv", CSV, delay=2.0)
    message = fail(server.url("/slow.csv"), tmp_dir, read_timeout=0.3, max_attempts=2,
                   sleep=Sleeps())
    assert "failed after 2 attempts" in message
    assert "read timed out after 0.3s" in message
    assert server.hits("/slow.csv") == 2


def test_read_timeout_mid_body_is_retried_then_reported(
    server: LocalServer, tmp_dir: Path
) -> None:
    server.route("/stalls.csv", CSV, body_delay=2.0)
    message = fail(server.url("/stalls.csv"), tmp_dir, read_timeout=0.3, max_attempts=2,
                   sleep=Sleeps())
    assert "failed after 2 attempts" in message
    assert "read timed out after 0.3s" in message
    assert server.hits("/stalls.csv") == 2


def test_connection_refused_is_reported_at_once_not_retried(tmp_dir: Path) -> None:
    """Nothing listens on the port: another attempt within seconds would not help (it
    cost 4 attempts and their backoff per source offline), so one attempt, one reason."""
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(DownloadError) as caught:
        fetch(f"http://127.0.0.1:{port}/data.csv", tmp_dir, source="src", max_attempts=3,
              sleep=sleeps)
    message = str(caught.value)
    assert message == f"src: http://127.0.0.1:{port}/data.csv: connection refused by " \
                      f"127.0.0.1:{port}", message
    assert caught.value.unreachable == f"connection refused by 127.0.0.1:{port}"
    assert sleeps == [] and listing(tmp_dir) == UNTOUCHED


def test_a_host_name_that_does_not_resolve_is_reported_at_once(tmp_dir: Path) -> None:
    """``.invalid`` never resolves (RFC 2606), with or without network: as offline, where
    every source's DNS lookup failed four times with backoff (17 s of a 25 s run)."""
    sleeps = Sleeps()
    message = fail("https://nonexistent.invalid/data.csv", tmp_dir, max_attempts=4,
                   sleep=sleeps)
    assert message.endswith(": cannot resolve host nonexistent.invalid"), message
    assert "attempts" not in message and sleeps == []


def test_truncated_body_is_retried_then_reported(server: LocalServer, tmp_dir: Path) -> None:
    body = CSV * 500
    server.route("/cut.csv", body, truncate_to=100)
    message = fail(server.url("/cut.csv"), tmp_dir, max_attempts=3, sleep=Sleeps())
    assert f"truncated: got 100 of {len(body)} bytes" in message
    assert "failed after 3 attempts" in message
    assert server.hits("/cut.csv") == 3


def test_wrong_sha256_names_both_hashes_and_is_not_retried(
    server: LocalServer, tmp_dir: Path
) -> None:
    server.route("/data.csv", CSV)
    wrong = "0" * 64
    message = fail(server.url("/data.csv"), tmp_dir, expected_sha256=wrong, sleep=Sleeps())
    assert wrong in message and CSV_SHA in message
    assert server.hits("/data.csv") == 1


@pytest.mark.parametrize("expected_format", ["csv", "xlsx", "zip"])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (HTML, "text/html; charset=utf-8"),  # said so in the header
        (b"\xef\xbb\xbf \n  " + HTML.lower(), "text/csv"),  # only the bytes tell
        (b"<HTML><body>Error</body></HTML>", "application/octet-stream"),
    ],
    ids=["content-type", "bom-and-whitespace", "uppercase"],
)
def test_html_page_instead_of_data_is_refused(
    server: LocalServer, tmp_dir: Path, expected_format: str, body: bytes, content_type: str
) -> None:
    server.route("/file", body, content_type=content_type)
    message = fail(server.url("/file"), tmp_dir, expected_format=expected_format, sleep=Sleeps())
    assert f"served an HTML page instead of a {expected_format} file" in message
    assert server.hits("/file") == 1


def test_html_is_fine_when_no_format_is_expected(server: LocalServer, tmp_dir: Path) -> None:
    server.route("/page.html", HTML, content_type="text/html")
    result = fetch(server.url("/page.html"), tmp_dir, source="src")
    assert result.path is not None and result.path.read_bytes() == HTML


def test_xlsx_must_be_a_zip(server: LocalServer, tmp_dir: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    server.route("/book.xlsx", buffer.getvalue())
    server.route("/fake.xlsx", CSV)

    result = fetch(server.url("/book.xlsx"), tmp_dir, source="src", expected_format="xlsx")
    assert result.path is not None and zipfile.is_zipfile(result.path)
    result.path.unlink()
    message = fail(server.url("/fake.xlsx"), tmp_dir, expected_format="xlsx", sleep=Sleeps())
    assert "not a xlsx file" in message


def test_conditional_get_with_etag_returns_304_and_writes_nothing(
    server: LocalServer, tmp_dir: Path
) -> None:
    server.route("/data.csv", CSV, etag=ETAG, last_modified=LAST_MODIFIED)
    result = fetch(server.url("/data.csv"), tmp_dir, source="src", etag=ETAG,
                   expected_sha256=CSV_SHA)
    assert result.status == 304
    assert (result.path, result.sha256, result.bytes) == (None, None, None)
    assert result.etag == ETAG and result.attempts == 1
    assert listing(tmp_dir) == UNTOUCHED
    assert server.request_headers("/data.csv")[0]["if-none-match"] == ETAG


def test_conditional_get_with_last_modified_returns_304(
    server: LocalServer, tmp_dir: Path
) -> None:
    server.route("/data.csv", CSV, last_modified=LAST_MODIFIED)
    result = fetch(server.url("/data.csv"), tmp_dir, source="src", last_modified=LAST_MODIFIED)
    assert result.status == 304 and result.path is None
    assert result.last_modified == LAST_MODIFIED
    assert listing(tmp_dir) == UNTOUCHED
    assert server.request_headers("/data.csv")[0]["if-modified-since"] == LAST_MODIFIED


def test_changed_etag_downloads_the_new_file(server: LocalServer, tmp_dir: Path) -> None:
    server.route("/data.csv", CSV, etag='"v2"')
    result = fetch(server.url("/data.csv"), tmp_dir, source="src", etag=ETAG)
    assert result.status == 200 and result.etag == '"v2"'
    assert result.path is not None and result.path.read_bytes() == CSV


def test_a_given_session_is_used(server: LocalServer, tmp_dir: Path) -> None:
    import requests

    server.route("/data.csv", CSV)
    with requests.Session() as session:
        session.headers["User-Agent"] = "incidents-test/1"
        fetch(server.url("/data.csv"), tmp_dir, source="src", session=session)
        fetch(server.url("/data.csv"), tmp_dir, source="src", session=session)
    agents = [h["user-agent"] for h in server.request_headers("/data.csv")]
    assert agents == ["incidents-test/1", "incidents-test/1"]
