"""Download one public file, robustly, into a verified temporary file.

``fetch`` is the only place the pipeline talks HTTP. It retries what is worth
retrying (5xx, 429, dropped connections, timeouts, truncated bodies) with
exponential backoff and full jitter, refuses what is not (other 4xx, an HTML page
served instead of data, a wrong sha256, a host that cannot be reached at all: its
name does not resolve or it refuses the connection, as when there is no network),
and never leaves a partial file behind:
the body is streamed into ``tmp_dir/.part-*`` and that file is either returned
complete, hashed and fsynced, or removed. Moving it into place is the caller's job.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

CHUNK_SIZE = 1 << 16
SNIFF_BYTES = 512
ZIP_MAGIC = b"PK\x03\x04"
ZIP_FORMATS = frozenset({"xlsx", "zip"})
SNIFFED_FORMATS = frozenset({"csv"}) | ZIP_FORMATS


class DownloadError(Exception):
    """A download failed; the message names the source slug and the URL and says why in one line.

    ``unreachable`` says why the host could not be reached at all (``cannot resolve
    host raw.githubusercontent.com``, ``connection refused by 127.0.0.1:9``), else None:
    the same reason for every source means there is no network, said once.
    """

    def __init__(self, message: str, *, unreachable: str | None = None) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int  # 200 (new file written) or 304 (not modified; nothing written)
    path: Path | None  # the verified temporary file inside tmp_dir (None on 304)
    sha256: str | None
    bytes: int | None
    etag: str | None
    last_modified: str | None
    attempts: int  # how many HTTP attempts were made


class _Retry(Exception):
    """A transient failure of one attempt; the message is the reason."""


class _Fatal(Exception):
    """A failure that another attempt would not fix; the message is the reason."""


class _Unreachable(_Fatal):
    """The host cannot be reached at all: retrying within seconds would not help."""


UNREACHABLE_ERRNOS = {errno.ECONNREFUSED: "connection refused by",
                      errno.ENETUNREACH: "network unreachable for",
                      errno.EHOSTUNREACH: "no route to"}


def fetch(
    url: str,
    tmp_dir: Path,
    *,
    source: str,
    expected_sha256: str | None = None,
    expected_format: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    session: requests.Session | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    max_attempts: int = 4,
    backoff_base: float = 0.5,
    backoff_max: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """GET ``url`` into a new ``.part-*`` file in ``tmp_dir`` (which must exist).

    Sends a conditional GET when ``etag``/``last_modified`` are given and returns
    status 304 with no file when the server says nothing changed. After failed
    attempt ``n`` (1-based) it sleeps ``uniform(0, min(backoff_max, backoff_base *
    2**(n-1)))`` through ``sleep``. Raises DownloadError("<source>: <url>: <why>").
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = session or requests.Session()
    try:
        for attempt in range(1, max_attempts + 1):
            try:
                return _attempt(http, url, Path(tmp_dir), headers, attempt,
                                (connect_timeout, read_timeout), expected_sha256,
                                expected_format, etag, last_modified)
            except _Fatal as exc:
                raise DownloadError(
                    f"{source}: {url}: {exc}",
                    unreachable=str(exc) if isinstance(exc, _Unreachable) else None,
                ) from exc.__cause__
            except _Retry as exc:
                last = exc
                if attempt < max_attempts:
                    sleep(random.uniform(0, min(backoff_max, backoff_base * 2 ** (attempt - 1))))
        noun = "attempt" if max_attempts == 1 else "attempts"
        raise DownloadError(
            f"{source}: {url}: failed after {max_attempts} {noun}; last error: {last}"
        ) from last.__cause__
    finally:
        if session is None:
            http.close()


def _attempt(
    http: requests.Session,
    url: str,
    tmp_dir: Path,
    headers: dict[str, str],
    attempt: int,
    timeout: tuple[float, float],
    expected_sha256: str | None,
    expected_format: str | None,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    """One HTTP attempt: raises _Retry or _Fatal, or returns a complete result."""
    try:
        response = http.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.RequestException as exc:
        raise _classify(exc, timeout, None, None) from exc
    with response:
        status = response.status_code
        if status == 304:
            return FetchResult(url, 304, None, None, None,
                               response.headers.get("ETag", etag),
                               response.headers.get("Last-Modified", last_modified), attempt)
        if status >= 500 or status == 429:
            raise _Retry(f"HTTP {status} {response.reason or ''}".rstrip())
        if status != 200:
            raise _Fatal(f"HTTP {status} {response.reason or ''}".rstrip())
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if expected_format in SNIFFED_FORMATS and kind == "text/html":
            raise _Fatal(f"served an HTML page instead of a {expected_format} file")
        declared = response.headers.get("Content-Length")
        expected_len = int(declared) if declared and declared.isdigit() else None

        fd, name = tempfile.mkstemp(prefix=".part-", dir=tmp_dir)
        path = Path(name)
        try:
            digest, size, head = hashlib.sha256(), 0, b""
            with os.fdopen(fd, "wb") as out:
                try:
                    for chunk in response.iter_content(CHUNK_SIZE):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                        if len(head) < SNIFF_BYTES:
                            head += chunk[: SNIFF_BYTES - len(head)]
                except requests.RequestException as exc:
                    raise _classify(exc, timeout, _wire_bytes(response, size),
                                    expected_len) from exc
                out.flush()
                os.fsync(out.fileno())
            got = _wire_bytes(response, size)
            if expected_len is not None and got < expected_len:
                raise _Retry(f"truncated: got {got} of {expected_len} bytes")
            _sniff(head, expected_format)
            sha = digest.hexdigest()
            if expected_sha256 and sha != expected_sha256.lower():
                raise _Fatal(f"sha256 mismatch: expected {expected_sha256}, got {sha}")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return FetchResult(url, 200, path, sha, size, response.headers.get("ETag"),
                           response.headers.get("Last-Modified"), attempt)


def _wire_bytes(response: requests.Response, decoded: int) -> int:
    """Body bytes read off the socket (differs from ``decoded`` under Content-Encoding)."""
    tell = getattr(response.raw, "tell", None)
    try:
        return int(tell()) if tell else decoded
    except (OSError, ValueError):
        return decoded


def _classify(exc: requests.RequestException, timeout: tuple[float, float],
              got: int | None, expected_len: int | None) -> Exception:
    """Turn a requests exception into a one-line _Retry or _Fatal reason."""
    if isinstance(exc, requests.ConnectTimeout):
        return _Retry(f"connect timed out after {timeout[0]}s")
    if isinstance(exc, requests.ReadTimeout) or (
        isinstance(exc, requests.ConnectionError)
        and exc.args and isinstance(exc.args[0], ReadTimeoutError)
    ):
        return _Retry(f"read timed out after {timeout[1]}s")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        if got is None:
            return _Retry("truncated: the connection closed mid-body")
        of = f" of {expected_len}" if expected_len is not None else ""
        return _Retry(f"truncated: got {got}{of} bytes")
    cause = exc.args[0] if exc.args else exc
    reason = " ".join(str(getattr(cause, "reason", cause)).split())
    if isinstance(exc, requests.ConnectionError):
        unreachable = _unreachable(exc)
        if unreachable:
            return _Unreachable(unreachable)
        return _Retry(f"connection failed: {reason}")
    return _Fatal(f"{type(exc).__name__}: {reason}")


def _unreachable(exc: requests.ConnectionError) -> str | None:
    """Why the host cannot be reached at all (its name does not resolve, or nothing
    accepts the connection), from the errors chained under ``exc``; else None."""
    url = exc.request.url if exc.request is not None else ""
    parts = urlsplit(url)
    host = parts.hostname or "the host"
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending and len(seen) < 12:
        error = pending.pop()
        if error is None or any(error is s for s in seen):
            continue
        seen.append(error)
        if isinstance(error, socket.gaierror):
            return f"cannot resolve host {host}"
        if isinstance(error, OSError) and error.errno in UNREACHABLE_ERRNOS:
            where = f"{host}:{parts.port}" if parts.port else host
            return f"{UNREACHABLE_ERRNOS[error.errno]} {where}"
        pending += [error.__cause__, error.__context__, getattr(error, "reason", None),
                    *(a for a in error.args[:1] if isinstance(a, BaseException))]
    return None


def _sniff(head: bytes, expected_format: str | None) -> None:
    """Refuse an HTML page (a login wall, a 'file moved' page) served as a data file."""
    if expected_format not in SNIFFED_FORMATS:
        return
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        raise _Fatal(f"served an HTML page instead of a {expected_format} file")
    if expected_format in ZIP_FORMATS and not head.startswith(ZIP_MAGIC):
        raise _Fatal(f"not a {expected_format} file: no zip signature PK\\x03\\x04 at the start")
