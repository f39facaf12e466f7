"""The package builds cleanly: ``make run``'s first ``pip install -e .`` prints no
screens of setuptools warnings, and the wheel says its licence in SPDX form."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pipelines.paths import REPO_ROOT


def test_wheel_builds_without_warnings_and_with_an_spdx_licence(tmp_path: Path) -> None:
    # A copy of what the build reads, so the build's egg-info stays out of the checkout.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO_ROOT / name).exists():
            shutil.copy(REPO_ROOT / name, src / name)
    shutil.copytree(REPO_ROOT / "pipelines", src / "pipelines",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # pip builds in an isolated environment with the setuptools pyproject.toml asks for
    # (from the package index), as `make run`'s set-up does.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path),
         str(src)], capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    output = built.stdout + built.stderr
    assert "Warning" not in output and "deprecated" not in output, output
    wheel = next(tmp_path.glob("active_shooter_warehouse-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
        names = archive.namelist()
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text
    assert any(n.endswith("licenses/LICENSE") for n in names)
