"""What the operations tools say and leave behind, with real processes (issue "Analysts
can trust what the tools say"): a killed refresh does not block the run queue, Ctrl-C
says interrupted, several ``--source`` options, every failed run's summary, nothing
outlives a refresh, and Git keeps the raw files byte-exact."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT, ProjectPaths

from .conftest import run_cli

BIN = Path(sys.executable).parent
"""The virtualenv's scripts: ``dagster``, ``dagster-daemon``."""


@pytest.fixture
def project(published: ProjectPaths, tmp_path: Path) -> ProjectPaths:
    """A private copy of the session's published root (conftest's ``published``)."""
    root = tmp_path / "project"
    shutil.copytree(published.root, root, symlinks=True)
    return ProjectPaths(root)


def env_of(paths: ProjectPaths) -> dict[str, str]:
    env = {**os.environ, "INCIDENTS_ROOT": str(paths.root),
           "DAGSTER_HOME": str(paths.root / ".dagster_home")}
    env.pop("INCIDENTS_MIRROR", None)
    return env


class Cli:
    """``python -m pipelines refresh ...`` in its own session, its stdout read live."""

    def __init__(self, paths: ProjectPaths, *args: str) -> None:
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "refresh", *args], cwd=REPO_ROOT,
            env=env_of(paths), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )
        self._readers = [threading.Thread(target=self._read, args=(stream, into), daemon=True)
                         for stream, into in ((self.process.stdout, self.lines),
                                              (self.process.stderr, self.errors))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_for_line(self, start: str, timeout: float = 120) -> None:
        wait_until(lambda: any(line.startswith(start) for line in self.lines), timeout,
                   f"a line starting {start!r}: {self.lines}")

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Wait for the process (killed after ``timeout``): exit code, stdout, stderr."""
        try:
            self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        for reader in self._readers:
            reader.join(timeout=30)
        return self.process.returncode, "\n".join(self.lines), "\n".join(self.errors)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def session_members(sid: int) -> list[str]:
    """Every process (zombies too) whose session id is ``sid``: pid, state and command."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")[:120]
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid:
            found.append(f"{stat.parent.name} {fields[0]} {command.decode(errors='replace')}")
    return found


def runs(paths: ProjectPaths) -> dict[str, tuple[str, str, dict]]:
    """Every run of the project's Dagster instance: run id -> (job, status, tags)."""
    code = ("import dagster as dg, json\n"
            "with dg.DagsterInstance.get() as i:\n"
            "    print(json.dumps({r.run_id: [r.job_name, r.status.value, dict(r.tags)]\n"
            "                      for r in i.get_runs()}))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env_of(paths), cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    return {k: tuple(v) for k, v in json.loads(out.stdout).items()}


def killed_refresh(paths: ProjectPaths) -> str:
    """Start ``refresh --force``, SIGKILL it once its raw step is done; its run id."""
    before = set(runs(paths))
    cli = Cli(paths, "--force")
    cli.wait_for_line("  ok   raw")
    cli.process.kill()  # SIGKILL, the process alone (as the OOM killer does)
    assert cli.finish()[0] == -signal.SIGKILL
    (run_id,) = set(runs(paths)) - before
    assert runs(paths)[run_id][1] == "STARTED"  # what the killed process left behind
    return run_id


# --- 2. a killed refresh does not hold the run queue ---------------------------------------

def test_the_next_refresh_marks_a_killed_refresh_run_failed(project: ProjectPaths) -> None:
    """Its run stayed STARTED for ever (and with ``max_concurrent_runs: 1`` held every
    later run QUEUED); the next refresh finds the lock still naming the killed one,
    sees that run's process gone, marks it failed and writes its failure summary."""
    killed = killed_refresh(project)
    result = run_cli(project, "refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"(run {killed} of a killed refresh, pid " in result.stdout
    assert "nothing changed" in result.stdout  # and it still takes the no-op fast path
    _, status, _ = runs(project)[killed]
    assert status == "FAILURE"
    summary = project.root / ".dagster_home" / "failures" / f"{killed}.txt"
    assert "its process (pid" in summary.read_text() and "is gone" in summary.read_text()


def test_the_daemon_marks_a_killed_refresh_failed_and_a_queued_run_completes(
    project: ProjectPaths,
) -> None:
    """The real ``dagster-daemon``: after a killed command-line refresh, a run launched
    through the instance as the UI does it (``dagster job launch``: QUEUED behind
    ``max_concurrent_runs: 1``) used to stay QUEUED ("1 runs are currently in
    progress"). The ``abandoned_runs`` sensor marks the killed run failed, the queue
    launches the new run, and it completes."""
    killed = killed_refresh(project)
    launch = subprocess.run(
        [str(BIN / "dagster"), "job", "launch", "-j", "refresh_daily_sources"],
        cwd=REPO_ROOT, env=env_of(project), capture_output=True, text=True, timeout=180)
    assert launch.returncode == 0, launch.stdout + launch.stderr
    (queued,) = {r for r, (job, status, _) in runs(project).items()
                 if job == "refresh_daily_sources"}
    assert runs(project)[queued][1] == "QUEUED"
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run"], cwd=REPO_ROOT, env=env_of(project),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: runs(project)[queued][1] in ("SUCCESS", "FAILURE"), 240,
                   "the queued run to finish")
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
    assert runs(project)[killed][1] == "FAILURE"
    assert runs(project)[queued][1] == "SUCCESS"
    assert (project.root / ".dagster_home" / "failures" / f"{killed}.txt").is_file()


# --- 5. interrupts, repeated flags, failure summaries, nothing left running -----------------

@pytest.mark.parametrize(("after", "group"), [("  ok   raw", False),
                                              ("  ok   normalized", True)],
                         ids=["normalize step, the process", "warehouse build, its group"])
def test_ctrl_c_says_interrupted_publishes_nothing_and_exits_130(
    project: ProjectPaths, after: str, group: bool,
) -> None:
    """SIGINT during the normalize step printed ``FAIL normalized ...
    DagsterExecutionInterruptedError`` and exited 1; during the warehouse build DuckDB
    stops the query itself (``Query interrupted``). Sent to the process, or to its
    whole process group as a terminal's Ctrl-C is (Dagster's log tailers printed
    KeyboardInterrupt tracebacks)."""
    published = project.warehouse.stat()
    cli = Cli(project, "--force")
    cli.wait_for_line(after)
    if group:
        os.killpg(cli.process.pid, signal.SIGINT)
    else:
        cli.process.send_signal(signal.SIGINT)
    code, out, err = cli.finish()
    assert code == 130, out + err
    assert "DagsterExecutionInterruptedError" not in out + err
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err, err
    assert not [line for line in out.splitlines() if line.startswith("  FAIL")], out
    assert [line for line in out.splitlines() if line.startswith("  INTERRUPTED")], out
    assert "refresh interrupted after" in err and "nothing was published" in err, err
    after = project.warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    run_id = err.split("(run ", 1)[1].split(")", 1)[0]
    summary = project.root / ".dagster_home" / "failures" / f"{run_id}.txt"
    assert "interrupted (SIGINT)" in summary.read_text()


def test_several_sources_are_refreshed_together(project: ProjectPaths) -> None:
    """``--source alerrt --source fbi`` ran only fbi."""
    result = run_cli(project, "refresh", "--source", "alerrt", "--source", "fbi")
    assert result.returncode == 0, result.stdout + result.stderr
    assets = [line.split()[0] for line in result.stdout.splitlines()
              if line.startswith("       ")]
    assert assets == ["raw/alerrt", "raw/fbi", "normalized/alerrt", "normalized/fbi"], assets


def test_nothing_a_refresh_starts_outlives_it(project: ProjectPaths) -> None:
    """Once ``refresh --force`` has exited, no process is left in its session: the
    multiprocessing resource tracker of the figure converters lived on (and stayed a
    zombie of init)."""
    cli = Cli(project, "--force")
    code, out, err = cli.finish()
    assert code == 0, out + err
    assert session_members(cli.process.pid) == []


# --- 3. Git keeps the raw files byte-exact --------------------------------------------------

def test_a_clone_with_autocrlf_keeps_every_raw_file_byte_exact(tmp_path: Path) -> None:
    """``git -c core.autocrlf=true clone`` (Git for Windows' default) rewrote the line
    endings of 6 of the 12 pinned CSVs, so every sha256 check failed; .gitattributes
    keeps data/raw byte-exact. Clones the committed repository."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "-c", "core.autocrlf=true", "clone", "--quiet", str(REPO_ROOT),
                    str(clone)], check=True, capture_output=True, timeout=300)
    manifests = sorted((clone / "data" / "raw").glob("*/*/manifest.json"))
    assert len(manifests) >= 12
    changed = []
    for manifest in manifests:
        record = json.loads(manifest.read_text(encoding="utf-8"))
        body = (manifest.parent / record["name"]).read_bytes()
        if hashlib.sha256(body).hexdigest() != record["sha256"]:
            changed.append(str(manifest.parent.relative_to(clone)))
    assert changed == []
