"""Hand-over files between layers, under ``data/staging/<source>/``.

Each asset writes its output to a fixed path with a temporary name and a
rename, so a later step (or a partial re-run in the Dagster UI) always reads a
complete file and assets need no pickled values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.paths import ProjectPaths

if TYPE_CHECKING:
    import polars as pl

    from pipelines.ingest.snapshots import Snapshot

SNAPSHOTS_FILE = "snapshots.json"
"""The raw snapshots the staged tables were built from (the last good ones)."""
CANDIDATE_FILE = "candidate.json"
"""The raw snapshots this run's raw step landed, before they are parsed."""
STATUS_FILE = "status.json"
"""Whether this run could refresh the source, and if not, why."""
BUILT_WITH_FILE = "built_with.json"
"""The snapshots and code digest the staged tables were parsed with (written last)."""


def source_dir(paths: ProjectPaths, slug: str) -> Path:
    return paths.staging / slug


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_snapshots(paths: ProjectPaths, slug: str, snapshots: dict[str, Snapshot],
                    name: str = SNAPSHOTS_FILE) -> Path:
    """Record a set of raw snapshots for a source (``name``: used or candidate)."""
    target = source_dir(paths, slug) / name
    body = {key: {**s.manifest(), "path": s.path} for key, s in snapshots.items()}
    _atomic_write_text(target, json.dumps(body, indent=2))
    return target


def has_snapshots(paths: ProjectPaths, slug: str, name: str = SNAPSHOTS_FILE) -> bool:
    return (source_dir(paths, slug) / name).is_file()


def read_snapshots(paths: ProjectPaths, slug: str,
                   name: str = SNAPSHOTS_FILE) -> dict[str, Snapshot]:
    from pipelines.ingest.snapshots import Snapshot

    target = source_dir(paths, slug) / name
    if not target.is_file():
        raise FileNotFoundError(f"{slug}: no raw snapshot selected yet ({target}); "
                                f"materialize raw/{slug} first")
    return {k: Snapshot(**v) for k, v in json.loads(target.read_text("utf-8")).items()}


def write_status(paths: ProjectPaths, slug: str, *, error: str | None = None,
                 stage: str | None = None, unreachable: str | None = None) -> None:
    """Say whether this run refreshed the source; ``error`` means it kept the last
    good snapshot (it is stale); ``unreachable`` is why its host could not be reached
    at all (the same for every source: no network)."""
    from datetime import UTC, datetime

    body = {"stale": error is not None, "stage": stage, "error": error,
            "at": datetime.now(UTC).isoformat(timespec="seconds")}
    if unreachable:
        body["unreachable"] = unreachable
    _atomic_write_text(source_dir(paths, slug) / STATUS_FILE, json.dumps(body, indent=2))


def read_status(paths: ProjectPaths, slug: str) -> dict:
    target = source_dir(paths, slug) / STATUS_FILE
    if not target.is_file():
        return {"stale": False, "stage": None, "error": None, "at": None}
    return json.loads(target.read_text("utf-8"))


def _shas(snapshots: dict[str, Snapshot]) -> list[str]:
    return sorted(s.sha256 for s in snapshots.values())


def forget_built_with(paths: ProjectPaths, slug: str) -> None:
    """Before rewriting the staged tables: until the new stamp, nothing may reuse them."""
    (source_dir(paths, slug) / BUILT_WITH_FILE).unlink(missing_ok=True)


def write_built_with(paths: ProjectPaths, slug: str, snapshots: dict[str, Snapshot],
                     code: str) -> None:
    """Stamp the staged tables as parsed from ``snapshots`` by code ``code``."""
    body = {"snapshots": _shas(snapshots), "code": code}
    _atomic_write_text(source_dir(paths, slug) / BUILT_WITH_FILE, json.dumps(body))


def built_with(paths: ProjectPaths, slug: str, snapshots: dict[str, Snapshot],
               code: str) -> bool:
    """Whether the staged tables were parsed from exactly these snapshots by this code."""
    target = source_dir(paths, slug) / BUILT_WITH_FILE
    try:
        body = json.loads(target.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return body == {"snapshots": _shas(snapshots), "code": code}


def write_tables(
    paths: ProjectPaths, slug: str, tables: dict[str, pl.DataFrame]
) -> dict[str, Path]:
    """Write a source's normalized tables as Parquet; return {table: path}."""
    out = {}
    directory = source_dir(paths, slug)
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        final = directory / f"{name}.parquet"
        tmp = directory / f".{name}.parquet.tmp-{os.getpid()}"
        frame.write_parquet(tmp)
        os.replace(tmp, final)
        out[name] = final
    for stale in set(directory.glob("*.parquet")) - set(out.values()):
        stale.unlink()
    return out


def staged_tables(paths: ProjectPaths, slug: str) -> dict[str, Path]:
    return {p.stem: p for p in sorted(source_dir(paths, slug).glob("*.parquet"))}
