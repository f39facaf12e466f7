"""Robustness of ``incidents refresh`` (issue "Refresh operations"), with real processes.

1. A refresh killed with SIGKILL anywhere (raw and normalize steps, warehouse
   build, the rename, the Parquet export, the dashboards) leaves the last
   published warehouse intact and readable, and the next refresh completes
   without manual cleanup and leaves no temporary build files behind.
2. A separate reader process querying the warehouse throughout a refresh never
   gets an error, nor a result that is neither the old warehouse nor the new one.
3. Two refreshes at once: the second refuses (exit 3, naming the first) or, with
   ``--wait``, waits for the first and then succeeds; nothing is corrupted.

Every refresh over a published warehouse runs with ``--force``, so it rebuilds
everything even where a no-op fast path would skip unchanged inputs. The kill
points come from a seeded ``random.Random`` (``ROBUSTNESS_SEED`` overrides the
seed) and are printed with every failure, so a failing case can be replayed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.paths import REPO_ROOT, ProjectPaths
from pipelines.warehouse.checks import run_checks
from tests.support.warehouse_reader import observe, read_passes

from .conftest import run_cli

SEED = int(os.environ.get("ROBUSTNESS_SEED", "20240611"))
MIN_KILLS = 20
"""Refreshes that must really be killed (not end before their kill time)."""
RANDOM_KILLS = 12
"""Kills at stratified random times over the whole run."""
AIMED_KILLS = 2
"""Kills aimed inside each stage of :data:`STAGES` (and the least that must land there)."""
FIRST_KILL = 0.3
"""Earliest kill, in seconds after the process starts."""
VIOLENCE_PROJECT_ENV = "INCIDENTS_VIOLENCE_PROJECT_CSV"
VIOLENCE_PROJECT_SAMPLE = Path(__file__).parent / "fixtures" / "violence_project_sample.csv"
WAREHOUSE_STEP = "curated/warehouse"
DASHBOARD_PREFIX = "dashboards/"


# --- a refresh process watched from the outside ----------------------------------------

def cli_env(paths: ProjectPaths, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``run_cli`` gives the command line, for processes started here."""
    env = {
        **os.environ,
        "INCIDENTS_ROOT": str(paths.root),
        "DAGSTER_HOME": str(paths.root / ".dagster_home"),
        **(extra or {}),
    }
    env.pop("INCIDENTS_MIRROR", None)
    return env


def file_identity(path: Path) -> tuple[int, int] | None:
    """(inode, mtime) of a file, or None: changes when a new file is renamed over it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


class Refresh:
    """``python -m pipelines refresh ...`` started with ``Popen``, watched while it runs.

    Records each progress line with the time it arrived (seconds since the start)
    and the first time the published warehouse was seen replaced (renamed over).
    """

    def __init__(self, paths: ProjectPaths, *args: str,
                 env: dict[str, str] | None = None) -> None:
        self.paths = paths
        self.args = ("refresh", *args)
        self.lines: list[tuple[float, str]] = []
        self.renamed_at: float | None = None
        self.killed_at: float | None = None
        self.exited_at: float | None = None
        self.stderr = ""
        self._published = file_identity(paths.warehouse)
        self._stderr_lines: list[str] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines", *self.args],
            cwd=REPO_ROOT, env=cli_env(paths, env), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        self._readers = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((self.elapsed(), line.rstrip("\n")))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        self._stderr_lines.extend(self.process.stderr)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def replaced(self) -> bool:
        """Whether the published warehouse is no longer the file there at the start."""
        return file_identity(self.paths.warehouse) != self._published

    def running(self) -> bool:
        """Poll once: note a rename of the published warehouse; False once exited."""
        if self.renamed_at is None and self.replaced:
            self.renamed_at = self.elapsed()
        if self.process.poll() is None:
            return True
        if self.exited_at is None:
            self.exited_at = self.elapsed()
        return False

    def step_lines(self) -> list[tuple[float, str, str]]:
        """(time, status, step) of each progress line: status ``ok`` or ``FAIL``."""
        out = []
        for at, line in list(self.lines):
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("ok", "FAIL"):
                out.append((at, parts[0], parts[1]))
        return out

    def finished_at(self, step: str) -> float | None:
        """When the progress line of ``step`` arrived, or None."""
        return next((at for at, _, s in self.step_lines() if s == step), None)

    def kill(self) -> None:
        self.killed_at = self.elapsed()
        os.kill(self.process.pid, signal.SIGKILL)

    def wait(self, timeout: float = 300) -> int:
        """Wait for the process (killing it after ``timeout``) and its output."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.running()
        for reader in self._readers:
            reader.join(timeout=30)
        self.stderr = "".join(self._stderr_lines)
        return self.process.returncode

    def output(self) -> str:
        return "\n".join(line for _, line in self.lines) + "\n--- stderr ---\n" + self.stderr


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` every 10 ms; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.01)


# --- what a published warehouse holds ---------------------------------------------------

def fingerprint(warehouse: Path) -> dict[str, Any]:
    """Tables, every table's row count, records per source, incidents and their ids,
    and a metric sum, read through a fresh read-only connection."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = sorted(r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables()").fetchall())
        return {
            "tables": tables,
            "rows": {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                     for t in tables},
            "per_source": con.execute(
                "SELECT source, count(*) FROM source_records GROUP BY 1 ORDER BY 1").fetchall(),
            "incidents": con.execute("SELECT count(*) FROM incidents").fetchone()[0],
            "incident_ids": con.execute(
                "SELECT md5(string_agg(incident_id, ',' ORDER BY incident_id)) FROM incidents"
            ).fetchone()[0],
            "killed_by_year": con.execute(
                "SELECT sum(killed) FROM metric_incidents_by_year").fetchone()[0],
        }
    finally:
        con.close()


def failing_checks(warehouse: Path) -> dict[str, str]:
    """The warehouse checks that fail on the file (name: summary); {} when all pass.
    Warnings (records worth a look on the shipped data) are not failures."""
    from pipelines.warehouse.checks import CHECKS

    warnings = {c.name for c in CHECKS if c.warning}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {name: o.summary for name, o in run_checks(con).items()
                if not o.passed and name not in warnings}
    finally:
        con.close()


def build_leftovers(paths: ProjectPaths) -> list[str]:
    """Temporary build files under data/curated: builds, WALs, half-written exports."""
    return sorted(
        str(p.relative_to(paths.curated)) for p in paths.curated.rglob("*")
        if ".tmp" in p.name or p.name.endswith(".wal")
    )


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture
def project(published: ProjectPaths, tmp_path: Path) -> ProjectPaths:
    """A private copy of the session's published root (warehouse, staging, Dagster home;
    conftest's ``published``), so each test starts from a published warehouse without
    paying a first refresh, and kills nothing another test reads."""
    root = tmp_path / "project"
    shutil.copytree(published.root, root, symlinks=True)
    return ProjectPaths(root)


# --- 1. SIGKILL at random points -----------------------------------------------------------

STAGES = ("raw/normalize", "warehouse build", "parquet export", "dashboards")
"""Where kills must land, at least ``AIMED_KILLS`` times each."""


@dataclass(frozen=True)
class KillPoint:
    """Kill ``delay`` seconds after ``anchor``: ``start`` (the process started),
    ``renamed`` (the new warehouse replaced the published one) or a step key
    (that step's progress line arrived)."""

    anchor: str
    delay: float
    planned: float | None = None
    """For a random kill: its time in the measured run."""

    def __str__(self) -> str:
        planned = f" (random: {self.planned:.3f}s in)" if self.planned is not None else ""
        return f"{self.delay:.3f}s after {self.anchor}{planned}"


@dataclass
class Kill:
    """What happened to one refresh planned to be killed at ``point``."""

    point: KillPoint
    returncode: int
    killed_at: float | None
    stage: str
    last_line: str
    replaced: bool
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        at = f"{self.killed_at:.3f}s" if self.killed_at is not None else "never (it ended)"
        return (f"plan {self.point}: killed at {at}, rc {self.returncode}, stage "
                f"{self.stage!r}, warehouse replaced {self.replaced}, last line "
                f"{self.last_line.strip()!r}" + (f", PROBLEMS {self.problems}"
                                                 if self.problems else ""))


@dataclass(frozen=True)
class Timeline:
    """One measured ``refresh --force``: how long it took, when each step's progress
    line arrived and when the new warehouse was renamed in. Kills are planned on it."""

    duration: float
    steps: tuple[tuple[float, str], ...]
    renamed: float
    before_warehouse: str
    """The step run just before the warehouse (the last normalize step)."""
    dashboards: str

    @classmethod
    def of(cls, run: Refresh) -> Timeline:
        steps = tuple((at, step) for at, _, step in run.step_lines())
        names = [step for _, step in steps]
        assert WAREHOUSE_STEP in names[1:], run.output()
        dashboards = [s for s in names[names.index(WAREHOUSE_STEP) + 1:]
                      if s.startswith(DASHBOARD_PREFIX)]
        assert dashboards, f"no dashboards step after the warehouse:\n{run.output()}"
        assert run.exited_at is not None and run.renamed_at is not None, run.output()
        return cls(run.exited_at, steps, run.renamed_at,
                   names[names.index(WAREHOUSE_STEP) - 1], dashboards[0])

    def at(self, step: str) -> float:
        return next(at for at, s in self.steps if s == step)

    @property
    def end(self) -> float:
        """When the last step's line arrived (the process exits just after)."""
        return self.steps[-1][0]

    def pinned(self, planned: float) -> KillPoint:
        """A kill at ``planned`` seconds into the measured run, counted from the last
        progress line before it: a refresh running faster or slower than the measured
        one is still killed in the same step, not after it has ended."""
        before = [(at, step) for at, step in self.steps if at <= planned]
        if not before:
            return KillPoint("start", planned, planned)
        at, step = before[-1]
        return KillPoint(step, planned - at, planned)

    def stratified(self, rng: random.Random, n: int) -> list[KillPoint]:
        """``n`` random times, one in each of ``n`` equal slices of the whole run."""
        span = (self.end - FIRST_KILL) / n
        return [self.pinned(FIRST_KILL + (i + rng.random()) * span) for i in range(n)]

    def aimed(self, stage: str, rng: random.Random) -> KillPoint:
        """A kill inside ``stage``, scaled by how long that stage took here."""
        if stage == "raw/normalize":
            names = [step for _, step in self.steps]
            i = rng.randrange(names.index(self.before_warehouse))
            span = self.at(names[i + 1]) - self.at(names[i])
            return KillPoint(names[i], rng.uniform(0.1, 0.7) * span)
        if stage == "warehouse build":
            span = self.renamed - self.at(self.before_warehouse)
            return KillPoint(self.before_warehouse, rng.uniform(0.1, 0.8) * span)
        if stage == "parquet export":
            span = self.at(WAREHOUSE_STEP) - self.renamed
            return KillPoint("renamed", rng.uniform(0.05, 0.5) * span)
        assert stage == "dashboards", stage
        span = self.at(self.dashboards) - self.at(WAREHOUSE_STEP)
        return KillPoint(WAREHOUSE_STEP, rng.uniform(0.1, 0.7) * span)


def stage_of(run: Refresh, replaced: bool, timeline: Timeline) -> str:
    """Where the refresh was when it ended, from its progress lines and the file."""
    done = {step for _, _, step in run.step_lines()}
    if run.process.returncode == 0:
        return "finished"
    if not done:
        return "startup"
    if timeline.before_warehouse not in done:
        return "raw/normalize"
    if WAREHOUSE_STEP not in done:
        return "parquet export" if replaced else "warehouse build"
    if timeline.dashboards not in done:
        return "dashboards"
    return "after dashboards"


def refresh_killed_at(paths: ProjectPaths, point: KillPoint, timeline: Timeline) -> Kill:
    """Start ``refresh --force``, SIGKILL it at ``point`` (unless it ends first)."""
    run = Refresh(paths, "--force")
    deadline: float | None = None
    while run.running():
        if deadline is None:
            anchor = {"start": 0.0, "renamed": run.renamed_at}.get(
                point.anchor, run.finished_at(point.anchor))
            deadline = None if anchor is None else anchor + point.delay
        if deadline is not None and run.elapsed() >= deadline:
            run.kill()
            break
        if run.elapsed() > 240:
            run.kill()
            pytest.fail(f"refresh ran over 240s, killed ({point}):\n{run.output()}")
        time.sleep(0.002)
    returncode = run.wait()
    replaced = run.replaced
    kill = Kill(point, returncode, run.killed_at if returncode == -signal.SIGKILL else None,
                stage_of(run, replaced, timeline),
                next((line for _, line in reversed(run.lines) if line.strip()), "(none)"),
                replaced)
    if returncode not in (0, -signal.SIGKILL):
        kill.problems.append(f"exit {returncode}:\n{run.output()}")
    if any(status == "FAIL" for _, status, _ in run.step_lines()):
        kill.problems.append(f"a step failed before the kill:\n{run.output()}")
    return kill


def processes_of(root: Path) -> dict[int, str]:
    """Live processes started for the project at ``root`` (its ``INCIDENTS_ROOT`` is in
    their environment): pid and command line. Linux ``/proc``."""
    marker = f"INCIDENTS_ROOT={root}".encode()
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if marker in environ and state != "Z":
            found[int(proc.name)] = command.decode("utf-8", "replace")[:160]
    return found


def test_sigkill_anywhere_leaves_the_published_warehouse_and_the_next_refresh_works(
    project: ProjectPaths,
) -> None:
    """SIGKILL a ``refresh --force`` at 20+ points over the whole run.

    Measures one forced refresh first, then kills refreshes one after another at
    stratified random times over the whole measured run (each counted from the last
    progress line before it, as timing varies between runs) and at points aimed inside
    each stage
    (raw/normalize, warehouse build before the rename, Parquet export after it,
    dashboards). Each starts from whatever the previous killed one left behind, as
    after a real crash. After every kill the published warehouse must hold exactly
    what it held before (the inputs are unchanged, so a warehouse renamed in just
    before the kill is the same) and pass every check, and the killed refresh must
    have failed no step before its kill. Once all are killed, none of their processes
    may live on (orphaned workers). Finally one more refresh must succeed with no
    cleanup, leave the same warehouse, and no temporary build file in data/curated.
    """
    measured = Refresh(project, "--force")
    while measured.running():
        time.sleep(0.002)
    assert measured.wait() == 0, measured.output()
    timeline = Timeline.of(measured)
    expected = fingerprint(project.warehouse)
    assert not failing_checks(project.warehouse)

    rng = random.Random(SEED)
    plan = timeline.stratified(rng, RANDOM_KILLS)
    plan += [timeline.aimed(stage, rng) for stage in STAGES for _ in range(AIMED_KILLS)]
    rng.shuffle(plan)
    kills: list[Kill] = []

    def log() -> str:
        return "\n".join([
            f"seed {SEED} (ROBUSTNESS_SEED replays it), measured refresh "
            f"{timeline.duration:.2f}s, renamed at {timeline.renamed:.2f}s; kills:",
            *(f"  {k}" for k in kills)])

    def kill_at(point: KillPoint) -> Kill:
        kill = refresh_killed_at(project, point, timeline)
        kills.append(kill)
        assert not kill.problems, log()
        assert project.warehouse.is_file(), f"no published warehouse after the kill\n{log()}"
        try:
            found = fingerprint(project.warehouse)
            failing = failing_checks(project.warehouse)
        except duckdb.Error as exc:
            pytest.fail(f"published warehouse unreadable after the kill: {exc}\n{log()}")
        assert found == expected, f"published warehouse changed by the kill\n{log()}"
        assert not failing, f"checks fail after the kill: {failing}\n{log()}"
        return kill

    try:
        for point in plan:
            kill_at(point)
        # Timing varies from run to run: make up for refreshes that ended before their
        # kill, and for stages that aimed kills missed, with a few more.
        for _ in range(5):
            if sum(k.returncode == -signal.SIGKILL for k in kills) >= MIN_KILLS:
                break
            kill_at(timeline.pinned(rng.uniform(FIRST_KILL, timeline.end)))
        for stage in STAGES:
            for _ in range(3):
                if sum(k.stage == stage for k in kills) >= AIMED_KILLS:
                    break
                kill_at(timeline.aimed(stage, rng))
        deadline = time.monotonic() + 10
        while processes_of(project.root) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = processes_of(project.root)
        assert not orphans, f"processes of killed refreshes live on: {orphans}\n{log()}"
    finally:
        for pid in processes_of(project.root):  # only ever this test's refreshes
            os.kill(pid, signal.SIGKILL)

    print(log())
    assert sum(k.returncode == -signal.SIGKILL for k in kills) >= MIN_KILLS, log()
    stages = Counter(k.stage for k in kills)
    for stage in STAGES:
        assert stages[stage] >= AIMED_KILLS, f"too few kills in {stage}: {stages}\n{log()}"

    result = run_cli(project, "refresh", "--force")
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{log()}"
    assert fingerprint(project.warehouse) == expected, log()
    assert not failing_checks(project.warehouse), log()
    assert build_leftovers(project) == [], log()


# --- 2. a reader during a refresh ------------------------------------------------------------

def test_a_reader_never_sees_an_error_or_a_half_built_warehouse(
    project: ProjectPaths, tmp_path: Path,
) -> None:
    """A separate process queries the published warehouse in a loop (open read-only,
    counts, a join, metric sums, close) throughout a ``refresh --force`` that adds a
    source (the Violence Project sample), so the new warehouse differs from the old.

    Every pass must succeed and see exactly the old answers or exactly the new ones,
    all old ones before all new ones: never an error, a mix, or a step back.
    """
    before = observe(project.warehouse)
    out, stop = tmp_path / "reader.jsonl", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.support.warehouse_reader",
         str(project.warehouse), str(out), str(stop)],
        cwd=REPO_ROOT, env=cli_env(project), stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_until(lambda: len(read_passes(out)) >= 3, 60, "the reader's first passes")
        refresh_started = time.time()
        result = run_cli(project, "refresh", "--force",
                         env={VIOLENCE_PROJECT_ENV: str(VIOLENCE_PROJECT_SAMPLE)})
        refresh_ended = time.time()
        assert result.returncode == 0, result.stdout + result.stderr
        done = len(read_passes(out))
        wait_until(lambda: len(read_passes(out)) >= done + 3, 60, "passes after the refresh")
    finally:
        stop.touch()
        try:
            _, reader_err = reader.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            reader.kill()
            _, reader_err = reader.communicate()
    assert reader.returncode == 0, reader_err

    after = observe(project.warehouse)
    assert after["source_records"] != before["source_records"], (before, after)
    passes = read_passes(out)
    errors = [p for p in passes if "error" in p]
    assert not errors, f"{len(errors)} of {len(passes)} reads failed, e.g. {errors[:5]}"
    states = ["before" if p["result"] == before else "after" if p["result"] == after
              else "neither" for p in passes]
    neither = [p for p, s in zip(passes, states, strict=True) if s == "neither"]
    assert not neither, (f"{len(neither)} reads saw neither warehouse: {neither[:3]}\n"
                         f"before {before}\nafter {after}")
    assert states == sorted(states, key=("before", "after").index), (
        f"a read saw the old warehouse after one saw the new: {states}")
    during = sum(refresh_started <= p["t"] <= refresh_ended for p in passes)
    assert during >= 20, f"only {during} reads during the refresh"
    print(f"{len(passes)} reads, {during} during the refresh: {Counter(states)}")


# --- 3. two refreshes at once ------------------------------------------------------------------

def test_a_second_refresh_refuses_or_waits_and_nothing_is_corrupted(
    project: ProjectPaths,
) -> None:
    """Start a ``refresh --force``; once it holds ``data/.refresh.lock``, a second one
    must refuse at once with exit 3 and a message naming the first and ``--wait``,
    and a third with ``--wait`` must block (no output, the lock still the first's)
    and start only after the first has printed its last line, then succeed.
    Afterwards the warehouse is the same and ``checks`` passes.

    The waiting one is a plain refresh: after the forced one it has nothing to do,
    and deciding that must wait for the lock too (a refresh half-way through could
    make any answer wrong); it also keeps the test short.
    """
    expected = fingerprint(project.warehouse)
    lock = project.root / "data" / ".refresh.lock"
    first = Refresh(project, "--force")
    holder = f"pid {first.process.pid},"
    waiting: Refresh | None = None
    try:
        wait_until(lambda: lock.is_file() and lock.read_text().startswith(holder), 60,
                   "the first refresh to take the lock")

        refused_started = time.monotonic()
        refused = run_cli(project, "refresh", "--force")
        refused_seconds = time.monotonic() - refused_started
        assert first.running(), "the first refresh ended before the second was refused"
        assert refused.returncode == 3, refused.stdout + refused.stderr
        message = refused.stderr
        assert "another refresh is running" in message, message
        assert f"pid {first.process.pid}" in message and "--wait" in message, message
        assert refused_seconds < 30, f"refusing took {refused_seconds:.1f}s"

        waiting = Refresh(project, "--wait")
        wait_until(lambda: waiting.elapsed() > 2, 10, "the --wait refresh to start")
        blocked = (not waiting.lines, waiting.running(), lock.read_text().startswith(holder))
        assert first.running(), "the first refresh ended too soon to show --wait waiting"
        assert blocked == (True, True, True), (
            f"--wait is not blocked behind the first refresh (no output, running, lock "
            f"held by the first): {blocked}\n{waiting.output()}")
        assert first.wait() == 0, first.output()
        assert waiting.wait() == 0, waiting.output()
    finally:
        for run in (first, waiting):
            if run is not None and run.process.poll() is None:
                run.process.kill()
                run.wait()

    assert first.lines and waiting.lines, waiting.output()
    # Both on one clock: seconds since the first refresh started.
    first_last = first.lines[-1][0]
    waiting_first = waiting.lines[0][0] + (waiting.started - first.started)
    assert waiting_first > first_last, (
        f"--wait printed at {waiting_first:.3f}s, before the first refresh's last line "
        f"at {first_last:.3f}s:\n{waiting.output()}")
    assert fingerprint(project.warehouse) == expected
    checks = run_cli(project, "checks")
    assert checks.returncode == 0, checks.stdout + checks.stderr
    assert not lock.read_text(), f"lock still names a holder: {lock.read_text()!r}"


# --- 4. killed during the Parquet export, then a plain refresh ----------------------------------

def export_mismatches(paths: ProjectPaths) -> dict[str, tuple[int, int | None]]:
    """Tables whose ``data/curated/parquet/<table>.parquet`` row count differs from the
    published warehouse's (None: no export file): table: (warehouse, export)."""
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            export = paths.curated / "parquet" / f"{table}.parquet"
            exported = (con.execute("SELECT count(*) FROM read_parquet(?)", [str(export)])
                        .fetchone()[0] if export.is_file() else None)
            if exported != rows:
                out[table] = (rows, exported)
        return out
    finally:
        con.close()


def test_an_export_cut_short_is_redone_by_the_next_plain_refresh(project: ProjectPaths) -> None:
    """Kill a refresh that adds a source the moment its new warehouse is renamed in (the
    Parquet export has just begun), then run a plain ``refresh`` with the same inputs.

    The published warehouse is then already the new one, so a refresh that only
    compared the warehouse's fingerprint would take everything as up to date and leave
    the export half old forever. Plain refreshes on purpose: the no-op fast path is
    what is under test. Afterwards every table's export matches the warehouse, no
    temporary file remains, and a further plain refresh is a no-op again.
    """
    env = {VIOLENCE_PROJECT_ENV: str(VIOLENCE_PROJECT_SAMPLE)}
    killed = Refresh(project, env=env)
    while killed.running():
        if killed.renamed_at is not None:
            killed.kill()
            break
        if killed.elapsed() > 240:
            break
        time.sleep(0.002)
    assert killed.wait() == -signal.SIGKILL, killed.output()
    assert killed.replaced, killed.output()
    assert export_mismatches(project), "the kill came after the export had ended"

    result = run_cli(project, "refresh", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert export_mismatches(project) == {}, result.stdout
    assert build_leftovers(project) == []
    again = run_cli(project, "refresh", env=env)
    assert again.returncode == 0 and "nothing changed" in again.stdout, again.stdout
