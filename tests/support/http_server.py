"""A scriptable HTTP server on 127.0.0.1 for tests that must not touch the internet.

Tests talk to it over a real socket, so ``requests``, ``urllib3`` and the code under
test behave exactly as they would against a real host: retries, timeouts, truncated
bodies and conditional GETs are produced by the server, not by mocks.

    with LocalServer() as server:
        server.route("/data.csv", b"a,b\\n1,2\\n", fail_first=1, etag='"v1"')
        fetch(server.url("/data.csv"), ...)
        assert server.hits("/data.csv") == 2
"""

from __future__ import annotations

import mimetypes
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, unquote, urlsplit


class _QuietServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that does not print tracebacks when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes
    status: int = 200
    fail_first: int = 0
    """Answer HTTP 500 to this many requests before behaving normally."""
    delay: float = 0.0
    """Seconds to wait before sending the status line (provokes read timeouts)."""
    body_delay: float = 0.0
    """Seconds to wait between the headers and the body (a read timeout mid-response)."""
    truncate_to: int | None = None
    """Announce the full Content-Length but send only this many bytes, then close."""
    content_type: str = "application/octet-stream"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class LocalServer:
    """A threaded HTTP server on an ephemeral port of 127.0.0.1, used as a context manager."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._dirs: list[tuple[str, Path]] = []
        self._hits: Counter[str] = Counter()
        self._requests: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def __enter__(self) -> LocalServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving; handlers that are sleeping in a ``delay`` wake up and give up."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    # -- scripting ---------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (percent-encoded as needed)."""
        return f"http://127.0.0.1:{self.port}{quote(path)}"

    def route(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        fail_first: int = 0,
        delay: float = 0.0,
        body_delay: float = 0.0,
        truncate_to: int | None = None,
        content_type: str = "application/octet-stream",
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Route:
        """Script the answer for ``path`` (replacing any earlier route for it)."""
        route = Route(body, status, fail_first, delay, body_delay, truncate_to, content_type,
                      etag, last_modified, dict(headers or {}))
        with self._lock:
            self._routes[path] = route
        return route

    def serve_dir(self, root: Path, prefix: str = "/") -> None:
        """Serve every file below ``root`` at ``prefix + relative/posix/path``."""
        prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        with self._lock:
            self._dirs.append((prefix, Path(root).resolve()))

    def hits(self, path: str) -> int:
        """How many requests arrived for ``path`` (whatever the answer was)."""
        with self._lock:
            return self._hits[path]

    def request_headers(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``, oldest first."""
        with self._lock:
            return [dict(h) for h in self._requests.get(path, [])]

    # -- used by the handler -----------------------------------------------------

    def _record(self, path: str, headers: dict[str, str]) -> tuple[Route | None, int]:
        with self._lock:
            self._hits[path] += 1
            self._requests.setdefault(path, []).append(headers)
            return self._routes.get(path) or self._from_dirs(path), self._hits[path]

    def _from_dirs(self, path: str) -> Route | None:
        for prefix, root in self._dirs:
            if not path.startswith(prefix):
                continue
            candidate = (root / path[len(prefix):]).resolve()
            if candidate.is_file() and candidate.is_relative_to(root):
                kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return Route(candidate.read_bytes(), content_type=kind)
        return None


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    """Whether a conditional GET should get a 304 (ETag first, as RFC 9110 says)."""
    if route.etag is not None and "if-none-match" in headers:
        tags = [t.strip() for t in headers["if-none-match"].split(",")]
        return route.etag in tags or "*" in tags
    if route.last_modified is not None and "if-modified-since" in headers:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
            return parsedate_to_datetime(route.last_modified) <= since
        except (TypeError, ValueError):
            return False
    return False


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            route, hit = server._record(path, headers)
            if route is None:
                self._send(404, b"not found\n", "text/plain")
                return
            if route.delay and server._stopping.wait(route.delay):
                return  # the server is shutting down: drop the request
            if hit <= route.fail_first:
                self._send(500, b"internal error\n", "text/plain")
            elif route.status == 200 and _not_modified(route, headers):
                self._send(304, b"", None, route)
            else:
                self._send(route.status, route.body, route.content_type, route)

        def _send(self, status: int, body: bytes, content_type: str | None,
                  route: Route | None = None) -> None:
            self.send_response(status)
            if content_type and status != 304:
                self.send_header("Content-Type", content_type)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            if route is not None:
                for name, value in (("ETag", route.etag), ("Last-Modified", route.last_modified),
                                    *route.headers.items()):
                    if value is not None:
                        self.send_header(name, value)
            self.end_headers()
            if status == 304:
                return
            if route is not None and route.body_delay:
                self.wfile.flush()
                if server._stopping.wait(route.body_delay):
                    return
            if route is not None and route.truncate_to is not None:
                self.wfile.write(body[: route.truncate_to])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler
