"""Content fingerprints: has anything a build reads changed since it was built?

A build depends on its raw snapshots (by sha256), the revision history, and
the code that turns them into tables (``pipelines/``, ``sql/`` and the versions
of the libraries that run it). The published warehouse stores the fingerprint
of what it was built from (table ``build_info``), the dashboards store the
fingerprint of the warehouse they were drawn from, and the staged tables of
each source store the code digest they were parsed with. A refresh compares
and rebuilds only what is out of date; ``refresh --force`` ignores all of it.

Only the standard library is imported here: the command line uses this before
deciding whether to start Dagster at all.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata

from pipelines.paths import REPO_ROOT, ProjectPaths

# Libraries whose version can change what a build writes.
LIBRARIES = ("duckdb", "polars", "fastexcel", "pyarrow", "altair", "vl-convert-python")
FORCE_TAG = "incidents/force"
"""Run tag that makes every step rebuild even when its inputs are unchanged."""


@cache
def code_digest() -> str:
    """sha256 over the pipeline's Python and SQL files, the mapping tables kept as data
    beside the code (``pipelines/**/*.csv``: keyword tables, reviewed lists), the page
    templates and scripts (``pipelines/**/templates/*``) and the library versions."""
    digest = hashlib.sha256()
    files = sorted([*REPO_ROOT.glob("pipelines/**/*.py"), *REPO_ROOT.glob("pipelines/**/*.csv"),
                    *REPO_ROOT.glob("pipelines/**/templates/*"),
                    *REPO_ROOT.glob("sql/**/*.sql")])
    for path in files:
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}=={version}\n".encode())
    return digest.hexdigest()


def _history_digest(paths: ProjectPaths) -> dict[str, str]:
    return {
        p.parent.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths.history.glob("*/revisions.parquet"))
    }


def build_fingerprint(paths: ProjectPaths, snapshot_shas: dict[str, list[str]],
                      stale: dict[str, str] | None = None) -> str:
    """Fingerprint of a warehouse built from these raw snapshots (per source, the
    sha256 of each file; [] for a source with no data) with the current code;
    ``stale`` names the sources kept at their last good snapshot, with the reason."""
    body = {
        "code": code_digest(),
        "snapshots": {slug: sorted(shas) for slug, shas in sorted(snapshot_shas.items())},
        "history": _history_digest(paths),
        "stale": dict(sorted((stale or {}).items())),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def staged_fingerprint(paths: ProjectPaths, slugs: list[str]) -> str:
    """Fingerprint of the warehouse the staged tables would build right now."""
    shas, stale = {}, {}
    for slug in slugs:
        used = paths.staging / slug / "snapshots.json"
        body = json.loads(used.read_text("utf-8")) if used.is_file() else {}
        shas[slug] = [s["sha256"] for s in body.values()]
        status = paths.staging / slug / "status.json"
        state = json.loads(status.read_text("utf-8")) if status.is_file() else {}
        if state.get("stale"):
            stale[slug] = state.get("error") or ""
    return build_fingerprint(paths, shas, stale)


def published_fingerprint(paths: ProjectPaths) -> str | None:
    """The fingerprint stored in the published warehouse, or None (none, or unreadable)."""
    if not paths.warehouse.is_file():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(paths.warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT fingerprint FROM build_info").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


DASHBOARD_STAMP = ".built-from.json"
EXPORT_STAMP = ".built-from"
"""In ``data/curated/parquet/``: the fingerprint of the warehouse last exported there in full."""


def exported_fingerprint(paths: ProjectPaths) -> str | None:
    """The warehouse fingerprint ``data/curated/parquet/`` was last fully exported from, or
    None: never, or an export cut short (a refresh killed after the warehouse rename)."""
    try:
        return (paths.curated / "parquet" / EXPORT_STAMP).read_text("utf-8").strip() or None
    except OSError:
        return None


def dashboards_fingerprint(paths: ProjectPaths) -> str | None:
    """The warehouse fingerprint the dashboards were last drawn from, or None."""
    stamp = paths.dashboards / DASHBOARD_STAMP
    try:
        body = json.loads(stamp.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not (paths.dashboards / "index.html").is_file():
        return None
    return body.get("fingerprint") if body.get("code") == code_digest() else None


def write_dashboards_stamp(paths: ProjectPaths, fingerprint: str) -> None:
    """Say which warehouse the dashboards were drawn from (written last, atomically)."""
    from pipelines.dashboards.site import write_atomic

    write_atomic(paths.dashboards / DASHBOARD_STAMP,
                 json.dumps({"fingerprint": fingerprint, "code": code_digest()}))


def pinned_fingerprint(paths: ProjectPaths) -> str | None:
    """Fingerprint of a pinned refresh, if every input is already on disk and verified.

    None when a pinned file is missing (it must be downloaded) or a user-supplied
    file cannot be read: then there is no shortcut and the full refresh decides.
    """
    from pipelines.ingest.download import DownloadError
    from pipelines.ingest.snapshots import find, sha256_file, user_file
    from pipelines.registry import sources

    shas: dict[str, list[str]] = {}
    for source in sources().values():
        if source.user_supplied_env:
            # Hashed where it lies, not stored: only the refresh stores it, once it
            # has been read (a file that cannot be read is never kept).
            try:
                supplied = user_file(source)
                shas[source.slug] = [sha256_file(supplied)] if supplied else []
            except (DownloadError, OSError):  # the full refresh reports it properly
                return None
            continue
        found = []
        for file in source.data_files:
            try:
                snap = find(paths.raw, source.slug, file.sha256)
            except (DownloadError, OSError):  # a damaged cache: the full refresh says so
                return None
            if snap is None:
                return None
            found.append(snap.sha256)
        shas[source.slug] = found
    return build_fingerprint(paths, shas)


def up_to_date(paths: ProjectPaths) -> bool:
    """True when a pinned refresh would rebuild nothing: the published warehouse, its
    Parquet export and the dashboards were built from exactly these inputs and this
    code, and no source is stale."""
    wanted = pinned_fingerprint(paths)  # a pinned build has no stale source
    if wanted is None or published_fingerprint(paths) != wanted:
        return False
    return dashboards_fingerprint(paths) == wanted and exported_fingerprint(paths) == wanted
