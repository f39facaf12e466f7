"""Plain ``dagster dev`` in the project folder shows the runs of ``make run``.

An analyst who knows Dagster types ``dagster dev`` (no ``DAGSTER_HOME``, no make):
it must open the project's instance in ``.dagster_home/``, not a throw-away one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pipelines.paths import REPO_ROOT, ProjectPaths

RUNS_QUERY = '{ runsOrError { ... on Runs { results { runId status } } } }'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runs(port: int) -> dict[str, str] | None:
    """Run id -> status from the UI's GraphQL API; None while it is not up yet."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": RUNS_QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
    except OSError:
        return None
    return {r["runId"]: r["status"] for r in body["data"]["runsOrError"]["results"]}


def test_plain_dagster_dev_shows_the_cli_runs(published: ProjectPaths, tmp_path: Path) -> None:
    # The project folder as a clone has it (pyproject.toml and dagster.yaml), with the
    # instance the CLI refresh of the session recorded its run in.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "dagster.yaml"):
        shutil.copy(REPO_ROOT / name, project / name)
    shutil.copytree(published.root / ".dagster_home", project / ".dagster_home")
    cli_runs = {p.stem for p in (project / ".dagster_home/history/runs").glob("*.db")} - {
        "index"}
    assert cli_runs

    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(PYTHONPATH=str(REPO_ROOT), INCIDENTS_ROOT=str(published.root))
    port = _free_port()
    dev = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-p", str(port)],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        runs = None
        deadline = time.monotonic() + 240
        while runs is None and dev.poll() is None and time.monotonic() < deadline:
            time.sleep(2)
            runs = _runs(port)
        assert runs is not None, "dagster dev did not come up"
        # While it runs, Dagster's scratch folder exists: git must ignore it.
        scratch = [p.name for p in project.glob(".tmp_dagster_home_*")]
    finally:
        dev.send_signal(signal.SIGINT)
        try:
            log, _ = dev.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            dev.kill()
            log, _ = dev.communicate()
    assert cli_runs <= set(runs), log
    assert all(runs[r] == "SUCCESS" for r in cli_runs)
    for name in [*scratch, ".tmp_dagster_home_k2x9q"]:
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"{name} is not git-ignored"
