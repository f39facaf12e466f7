"""One refresh at a time: an advisory lock on ``data/.refresh.lock``.

A second refresh either refuses at once with a message naming the running one
or, with ``wait``, blocks until it is done. The lock is released by the kernel
when its process ends, even when it is killed, so nothing needs cleaning up.
The file names its holder while held and is emptied on release, so a refresh
that finds it still naming someone knows the last holder was killed.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class RefreshRunning(RuntimeError):
    """Another refresh holds the lock."""


@contextmanager
def refresh_lock(path: Path, *, wait: bool = False) -> Iterator[str]:
    """Hold the lock; yields the holder the file still named ("" when the last holder
    released it: otherwise it was killed, e.g. ``pid 123, started ...``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            raise RefreshRunning(
                f"another refresh is running ({holder}); wait for it, or pass --wait"
            ) from None
        handle.seek(0)
        left_by = handle.read().strip()
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield left_by
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
