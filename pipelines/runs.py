"""Runs whose process is gone are marked failed, so the run queue moves on.

``incidents refresh`` runs its Dagster run inside its own process
(``execute_in_process``), which no run launcher watches: when that process is
killed (SIGKILL, out of memory, a closed laptop) the run stays STARTED forever, and
with ``max_concurrent_runs: 1`` every later run, from the UI or a schedule, waits
QUEUED behind it. So each command-line run is tagged with the process that runs it
(host, pid, and the pid's start time, so a reused pid is not taken for it: the same
pid the refresh lock names), and the next refresh and the ``abandoned_runs`` sensor
(evaluated by ``dagster-daemon``) mark every such run whose process is gone as failed.

Only the standard library at import: the sensor and the command line import it.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

PROCESS_TAG = "incidents/process"
"""``<host>:<pid>:<start>`` of the process running a command-line run."""
UNFINISHED = ("STARTING", "STARTED", "CANCELING")
"""Run statuses that still claim a place in the run queue."""


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), "" where
    /proc is not available but the process exists, or None when there is no such
    process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
    except OSError:
        pass
    else:
        fields = stat.rsplit(")", 1)[1].split()
        return None if fields[0] == "Z" else fields[19]  # a zombie has ended
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


def process_tag() -> dict[str, str]:
    """The run tag naming this process (see :data:`PROCESS_TAG`)."""
    pid = os.getpid()
    return {PROCESS_TAG: f"{socket.gethostname()}:{pid}:{process_start(pid) or ''}"}


def process_gone(tag: str) -> str | None:
    """Why the process a :data:`PROCESS_TAG` names is gone, or None while it runs
    (or when it ran on another host, which cannot be looked at from here)."""
    parts = tag.split(":")
    if len(parts) < 3 or not parts[-2].isdigit():
        return None
    host, pid, started = ":".join(parts[:-2]), int(parts[-2]), parts[-1]
    if host != socket.gethostname():
        return None
    now = process_start(pid)
    if now is None:
        return f"its process (pid {pid}) is gone: killed, or ended before it could finish"
    if started and now and now != started:
        return f"its process (pid {pid}) is gone (the pid now belongs to another process)"
    return None


def fail_abandoned_runs(instance: Any) -> list[str]:
    """Mark every unfinished run whose process is gone as failed, and write its
    failure summary; return their run ids."""
    import dagster as dg

    from pipelines.operations import write_failure_summary

    runs = instance.get_runs(filters=dg.RunsFilter(
        statuses=[dg.DagsterRunStatus[s] for s in UNFINISHED]))
    failed = []
    for run in runs:
        why = process_gone(run.tags.get(PROCESS_TAG, ""))
        if why is None:
            continue
        message = f"marked failed: {why}"
        instance.report_run_failed(run, message=message)
        write_failure_summary(instance, run.run_id, run.job_name, [("run", message)])
        failed.append(run.run_id)
    return failed
