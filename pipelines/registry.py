"""The source registry: one declarative entry per public dataset.

Each source module under ``pipelines/sources/`` declares its ``SOURCE`` entry
next to the code that parses it, so adding a source is one module plus one SQL
file and nothing else is edited: ``discover()`` finds the modules.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from types import ModuleType

RAW_GITHUB = "https://raw.githubusercontent.com"
MIRROR_ENV = "INCIDENTS_MIRROR"
"""Set to e.g. ``http://127.0.0.1:8000`` to fetch from a mirror laid out like raw GitHub."""


@dataclass(frozen=True)
class SourceFile:
    """One upstream file of a source, pinned by commit and sha256."""

    key: str
    """Short stable name used in record ids and rejects (e.g. ``"2000-2018"``)."""
    path: str
    """Path inside the upstream repository (or of the zip that holds it)."""
    sha256: str
    bytes: int
    member: str | None = None
    """When set, ``path`` is a zip archive and this is the file inside it."""
    optional: bool = False
    """Documentation files that the loader does not read."""

    @property
    def name(self) -> str:
        return PurePosixPath(self.member or self.path).name

    @property
    def format(self) -> str:
        return PurePosixPath(self.path).suffix.lstrip(".").lower()


@dataclass(frozen=True)
class Source:
    """A public incident list: who publishes it, what it counts, where it lives."""

    slug: str
    title: str
    publisher: str
    licence: str
    attribution: str
    homepage: str
    """The publisher's page or canonical URL (not always fetchable)."""
    repo: str
    """``owner/name`` of the GitHub repository serving the pinned copy."""
    commit: str
    branch: str
    files: tuple[SourceFile, ...]
    definition: str
    """What the source counts: its inclusion criteria, in its own terms."""
    expected_records: tuple[int, int]
    """Inclusive bounds on the number of records of the pinned files, checked on every
    build; a newer snapshot gets the looser :meth:`record_bounds`."""
    first_date: date
    last_date: date | None = None
    """Dates outside [first_date, last_date] are flagged (None: up to today)."""
    notes: str = ""
    updates_daily: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    user_supplied_env: str | None = None
    """For data whose terms forbid redistribution: the environment variable naming
    the user's own copy. Such a source is never shipped and never downloaded."""

    def url(self, file: SourceFile, *, latest: bool = False) -> str:
        """Raw URL of ``file``, pinned to the commit, or the branch tip when ``latest``."""
        base = os.environ.get(MIRROR_ENV, RAW_GITHUB).rstrip("/")
        ref = self.branch if latest else self.commit
        return f"{base}/{self.repo}/{ref}/{file.path}"

    def record_bounds(self, used_sha256: set[str]) -> tuple[int, int]:
        """Plausible record counts for a build from the files with these sha256.

        The pinned files must give exactly the published figures. A newer snapshot
        (``refresh --latest``) may grow and be revised, so it only has to keep half
        the pinned minimum and stay under three times the maximum: enough to stop a
        file that parses to a fraction of its rows, without blocking real growth.
        """
        lo, hi = self.expected_records
        if used_sha256 <= {f.sha256 for f in self.data_files}:
            return lo, hi
        return lo // 2, hi * 3

    @property
    def data_files(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if not f.optional)


def _source_modules() -> list[ModuleType]:
    from pipelines import sources

    return [
        importlib.import_module(f"{sources.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(sources.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def discover() -> dict[str, ModuleType]:
    """Source modules by slug, in a stable order. Each has ``SOURCE`` and ``parse``."""
    modules = {m.SOURCE.slug: m for m in _source_modules()}
    return dict(sorted(modules.items()))


def sources() -> dict[str, Source]:
    """Registry entries by slug."""
    return {slug: module.SOURCE for slug, module in discover().items()}
