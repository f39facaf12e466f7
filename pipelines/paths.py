"""Where the project keeps its files.

Everything hangs off one root so tests and benchmarks can run the real pipeline
in a scratch folder: set ``INCIDENTS_ROOT`` to point elsewhere. SQL files always
come from the checkout, since they are code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"


@dataclass(frozen=True)
class ProjectPaths:
    """The folders one pipeline run reads and writes."""

    root: Path

    @property
    def raw(self) -> Path:
        """Immutable, content-addressed raw snapshots (``data/raw/<source>/<sha>/``)."""
        return self.root / "data" / "raw"

    @property
    def staging(self) -> Path:
        """Per-source normalized Parquet, rebuilt from raw; never published."""
        return self.root / "data" / "staging"

    @property
    def history(self) -> Path:
        """Revision history of each source (kept across refreshes, never rebuilt)."""
        return self.root / "data" / "history"

    @property
    def curated(self) -> Path:
        """The published warehouse and its Parquet export."""
        return self.root / "data" / "curated"

    @property
    def warehouse(self) -> Path:
        return self.curated / "incidents.duckdb"

    @property
    def dashboards(self) -> Path:
        return self.root / "dashboards"

    @property
    def dist(self) -> Path:
        """Citable releases, ``dist/incidents-<version>/`` and its ``.zip``."""
        return self.root / "dist"


def project_paths() -> ProjectPaths:
    """Paths for this process: ``$INCIDENTS_ROOT`` or the checkout itself."""
    return ProjectPaths(Path(os.environ.get("INCIDENTS_ROOT", REPO_ROOT)).resolve())


def read_sql(relative: str) -> str:
    """Text of a SQL file under ``sql/`` (e.g. ``"sources/fbi.sql"``)."""
    return (SQL_DIR / relative).read_text(encoding="utf-8")
