"""Shared fixtures: the real pipeline run in a scratch root, on the shipped raw data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT, ProjectPaths

SHIPPED_RAW = REPO_ROOT / "data" / "raw"


def scratch_root(base: Path, *, with_raw: bool = True) -> ProjectPaths:
    """A project root for one test: a copy of the shipped raw snapshots, nothing else."""
    root = base / "project"
    root.mkdir(parents=True, exist_ok=True)
    if with_raw:
        shutil.copytree(SHIPPED_RAW, root / "data" / "raw",
                        ignore=shutil.ignore_patterns(".part-*"))
    return ProjectPaths(root)


def run_cli(paths: ProjectPaths, *args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pipelines ...`` as a whole process against ``paths``."""
    full_env = {
        **os.environ,
        "INCIDENTS_ROOT": str(paths.root),
        "DAGSTER_HOME": str(paths.root / ".dagster_home"),
        **(env or {}),
    }
    full_env.pop("INCIDENTS_MIRROR", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=REPO_ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The whole pipeline run once, offline, on the shipped raw files."""
    paths = scratch_root(tmp_path_factory.mktemp("published"))
    result = run_cli(paths, "refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    return paths


@pytest.fixture(scope="session")
def warehouse(published: ProjectPaths):
    """A read-only connection to the published warehouse."""
    import duckdb

    con = duckdb.connect(str(published.warehouse), read_only=True)
    yield con
    con.close()


VIOLENCE_PROJECT_SAMPLE = Path(__file__).parent / "fixtures" / "violence_project_sample.csv"
"""The hand-made Violence Project sample (the real file is user-supplied, never shipped)."""


@pytest.fixture(scope="session")
def published_with_violence_project(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The whole pipeline run once, offline, on the shipped raw files plus the Violence
    Project sample supplied through ``INCIDENTS_VIOLENCE_PROJECT_CSV``: its records exist
    only in a warehouse built so."""
    paths = scratch_root(tmp_path_factory.mktemp("published_vp"))
    result = run_cli(paths, "refresh",
                     env={"INCIDENTS_VIOLENCE_PROJECT_CSV": str(VIOLENCE_PROJECT_SAMPLE)})
    assert result.returncode == 0, result.stdout + result.stderr
    return paths


def shipped_snapshots(slug: str) -> dict:
    """The shipped raw snapshots of one source, as the normalizer receives them."""
    from pipelines.ingest.snapshots import find
    from pipelines.registry import sources

    source = sources()[slug]
    found = {f.key: find(SHIPPED_RAW, slug, f.sha256) for f in source.data_files}
    assert all(found.values()), f"{slug}: shipped raw snapshots missing: {found}"
    return found


def normalize_shipped(slug: str) -> dict:
    """Run one source's real normalizer on its shipped raw files (no Dagster, no publish)."""
    from pipelines.normalize.runner import normalize
    from pipelines.registry import discover

    return normalize(discover()[slug], shipped_snapshots(slug))
