"""``incidents``: the command-line entry point.

``incidents refresh`` runs the whole pipeline in this process against the
persistent Dagster instance in ``$DAGSTER_HOME`` (default: ``.dagster_home/`` in
the project), so runs show up in ``dagster dev`` without paying for a
subprocess per step.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from pipelines.paths import project_paths


def _dagster_home() -> str:
    """``$DAGSTER_HOME``, defaulting to the project's git-ignored ``.dagster_home/``."""
    home = os.environ.setdefault("DAGSTER_HOME", str(project_paths().root / ".dagster_home"))
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "dagster.yaml")
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as handle:
            # Runs launched from the UI queue one at a time, like the CLI's lock.
            handle.write("telemetry:\n  enabled: false\nrun_queue:\n  max_concurrent_runs: 1\n")
    return home


def refresh(latest: bool = False, source: list[str] | str | None = None, wait: bool = False,
            force: bool = False) -> int:
    """Run the refresh job under the refresh lock (one refresh at a time).

    ``source`` limits it to those sources (and what depends on them); ``force``
    rebuilds every step even when its inputs are unchanged.
    """
    from pipelines.lock import RefreshRunning, refresh_lock

    try:
        with refresh_lock(project_paths().root / "data" / ".refresh.lock",
                          wait=wait) as left_by:
            if left_by:  # the last refresh was killed: its run must not stay STARTED
                _fail_killed_runs(left_by)
            if not (force or latest or source) and _nothing_changed():
                return 0
            return _refresh(latest, source, force)
    except RefreshRunning as exc:
        print(f"refresh refused: {exc}", file=sys.stderr)
        return 3


def _fail_killed_runs(left_by: str) -> None:
    """Mark the Dagster runs of killed refreshes failed (see pipelines/runs.py)."""
    _dagster_home()
    from pipelines.runs import fail_abandoned_runs

    with _cli_instance() as instance:
        for run_id in fail_abandoned_runs(instance):
            print(f"  (run {run_id} of a killed refresh, {left_by}: marked failed)")


def _nothing_changed() -> bool:
    """A pinned refresh whose inputs and code are unchanged since the last build.

    Checked by content hash before Dagster is even imported, so a no-op refresh
    takes well under a second; see pipelines/fingerprint.py.
    """
    started = time.perf_counter()
    from pipelines.fingerprint import up_to_date

    paths = project_paths()
    if not up_to_date(paths):
        return False
    print(f"refresh: nothing changed ({time.perf_counter() - started:.2f}s): every raw "
          "file matches its pinned sha256 and the code is unchanged since the last build, "
          "so nothing was rebuilt (refresh --force rebuilds anyway)")
    print(f"  warehouse:  {paths.warehouse}")
    print(f"  dashboards: {paths.dashboards / 'index.html'}")
    return True


def _refresh(latest: bool, source: list[str] | str | None, force: bool = False) -> int:
    """Run the refresh job; print progress per step and where the outputs are."""
    _dagster_home()
    with _kept_for_good():
        import dagster as dg

        from pipelines.definitions import defs
        from pipelines.fingerprint import FORCE_TAG
        from pipelines.runs import fail_abandoned_runs, process_tag

        instance = _cli_instance()

    job = defs.resolve_job_def("refresh")
    # One line per step as it finishes; the full logs stay in the Dagster UI.
    run_config: dict = {"loggers": {"step_progress": {}}}
    if latest:
        run_config["ops"] = {"raw": {"config": {"latest": True}}}
    selection = None
    chosen = [source] if isinstance(source, str) else list(dict.fromkeys(source or []))
    if chosen:
        from pipelines.registry import sources

        unknown = [slug for slug in chosen if slug not in sources()]
        if unknown:
            print(f"unknown source {', '.join(map(repr, unknown))}; known: "
                  f"{', '.join(sources())}", file=sys.stderr)
            instance.dispose()
            return 2
        # The sources and everything downstream of them; the others keep their staging.
        selection = list(
            dg.AssetSelection.assets(*[dg.AssetKey(["raw", slug]) for slug in chosen])
            .downstream()
            .resolve(defs.resolve_asset_graph())
        )
    # Tagged with this process, so if it is killed, the run is marked failed later
    # instead of holding the run queue (pipelines/runs.py).
    tags = {**process_tag(), **({FORCE_TAG: "true"} if force else {})}
    started = time.perf_counter()
    with instance:
        for run_id in fail_abandoned_runs(instance):  # in case an earlier check missed it
            print(f"  (run {run_id} of a killed refresh: marked failed)")
        with _signals_seen() as seen:
            result = job.execute_in_process(
                instance=instance, run_config=run_config, raise_on_error=False,
                asset_selection=selection, tags=tags,
            )
        paths = project_paths()
        elapsed = time.perf_counter() - started
        if not result.success:
            return _report_failure(instance, result, paths, elapsed,
                                   sigint=signal.SIGINT in seen)
    stale = _stale_sources(paths)
    if stale:
        _report_stale(stale, paths, elapsed, result.run_id)
        return 1
    print(f"refresh done in {elapsed:.1f}s (run {result.run_id})")
    print(f"  warehouse:  {paths.warehouse}")
    print(f"  parquet:    {paths.curated / 'parquet'}")
    print(f"  dashboards: {paths.dashboards / 'index.html'}")
    return 0


@contextlib.contextmanager
def _kept_for_good() -> Iterator[None]:
    """Python's garbage collector paused while the block imports Dagster, the code
    location and the instance's storage, then told to leave what they made alone.

    Those modules, classes and definitions live as long as the command. A full
    collection walks every object alive, so each one during the run walked all of them
    again, and the imports themselves set off three: about 0.35 CPU-s of a refresh. At
    the end of the block every object they made is frozen (``gc.freeze``): later
    collections skip them. That includes the little garbage the imports leave (about
    14,000 of 195,000 objects): the command ends with ``os._exit`` after the run, so
    those would never be finalized anyway, and collecting them first would walk every
    object once more (0.17 s).
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def _signals_seen() -> Iterator[set[int]]:
    """The signals this process received inside the block (filled in on exit).

    Dagster turns SIGINT into an error inside the running step, but a library may
    replace that error with its own (DuckDB: ``RuntimeError: Query interrupted``);
    the interpreter's wakeup file descriptor sees every signal, whatever is raised.
    """
    seen: set[int] = set()
    read_end, write_end = os.pipe()
    for end in (read_end, write_end):
        os.set_blocking(end, False)
    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    try:
        yield seen
    finally:
        signal.set_wakeup_fd(previous)
        with contextlib.suppress(BlockingIOError):
            seen.update(os.read(read_end, 4096))
        os.close(read_end)
        os.close(write_end)


def _cli_instance():
    """The Dagster instance of ``$DAGSTER_HOME``, without capturing the steps' stdout and
    stderr into compute-log files for the UI.

    The progress lines already go to the terminal and every event is in the run's
    log; capturing spawned four helper processes per step (``tail -F`` and its
    watcher), which printed KeyboardInterrupt tracebacks on Ctrl-C in a terminal.
    """
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    ref = InstanceRef.from_dir(os.environ["DAGSTER_HOME"], overrides={"compute_logs": {
        "module": "dagster._core.storage.noop_compute_log_manager",
        "class": "NoOpComputeLogManager"}})
    return dg.DagsterInstance.from_ref(ref)


def _report_failure(instance, result, paths, elapsed: float, *, sigint: bool = False) -> int:
    """Say what a failed run left published, write its failure summary, and return the
    exit code: 130 when it was interrupted (Ctrl-C, ``sigint``), else 1."""
    from pipelines.operations import write_failure_summary
    from pipelines.progress import error_line, interrupted

    failures = [(e.step_key or "run", e.step_failure_data.error)
                for e in result.all_events
                if e.event_type_value == "STEP_FAILURE" and e.step_failure_data
                and e.step_failure_data.error]
    stopped = sigint or any(interrupted(error) for _, error in failures) or any(
        e.event_type_value == "PIPELINE_FAILURE" and "interrupted" in (e.message or "")
        for e in result.all_events)  # between steps
    summary = write_failure_summary(
        instance, result.run_id, result.job_def.name,
        [(step, "interrupted (SIGINT)" if interrupted(error) or sigint else error_line(error))
         for step, error in failures] or [("run", "interrupted (SIGINT)" if sigint
                                           else "failed")])
    published = any(
        e.event_type_value == "STEP_SUCCESS" and e.step_key == "curated__warehouse"
        for e in result.all_events
    )
    if published:
        state = f"the new warehouse was published: {paths.warehouse}"
    elif paths.warehouse.is_file():
        state = f"nothing was published; the last published warehouse stays: {paths.warehouse}"
    else:
        state = "nothing was published, and no warehouse is published yet"
    what = "interrupted" if stopped else "FAILED"
    print(f"refresh {what} after {elapsed:.1f}s (run {result.run_id}); {state}",
          file=sys.stderr)
    print(f"  summary: {summary}", file=sys.stderr)
    return 130 if stopped else 1


def _report_stale(stale: dict[str, dict], paths, elapsed: float, run_id: str) -> None:
    """One line per stale source, or one for all when none could reach its host for the
    same reason (no network)."""
    from pipelines.normalize.staging import has_snapshots, read_snapshots
    from pipelines.progress import without_source

    print(f"refresh PUBLISHED WITH STALE SOURCES after {elapsed:.1f}s (run {run_id}):",
          file=sys.stderr)
    unreachable = {status.get("unreachable") for status in stale.values()}
    left_out = [slug for slug in stale
                if not (has_snapshots(paths, slug) and read_snapshots(paths, slug))]
    if len(stale) > 1 and len(unreachable) == 1 and None not in unreachable and not left_out:
        print(f"  no network ({unreachable.pop()}): {len(stale)} sources kept their last "
              f"good snapshots: {', '.join(stale)}", file=sys.stderr)
    else:
        for slug, status in stale.items():
            note = " (left out: no good snapshot yet)" if slug in left_out else ""
            print(f"  STALE {slug}{note}: {without_source(slug, status['error'] or '')}",
                  file=sys.stderr)
    print(f"  warehouse:  {paths.warehouse}", file=sys.stderr)


def _stale_sources(paths) -> dict[str, dict]:
    """The status of each source the last run could not refresh (see staging.write_status)."""
    from pipelines.normalize.staging import read_status
    from pipelines.registry import sources

    statuses = {slug: read_status(paths, slug) for slug in sources()}
    return {slug: st for slug, st in statuses.items() if st["stale"]}


def seed(directory: str) -> int:
    """Store byte-exact local copies of the pinned files as raw snapshots.

    Matches files by sha256, so the folder's layout does not matter; used to ship
    the pinned data in the repository without network access.
    """
    from pathlib import Path

    from pipelines.ingest.snapshots import seed as seed_file
    from pipelines.ingest.snapshots import sha256_file
    from pipelines.registry import sources

    by_sha = {sha256_file(p): p for p in Path(directory).rglob("*") if p.is_file()}
    missing = 0
    for source in sources().values():
        for file in source.files:
            local = by_sha.get(file.sha256)
            if local is None:
                print(f"  missing {source.slug}/{file.name} ({file.sha256[:12]})")
                missing += 1
                continue
            snap = seed_file(source, file, project_paths().raw, local)
            print(f"  {source.slug}/{file.name} -> {snap.path}")
    return 1 if missing else 0


def run() -> NoReturn:
    """The ``incidents`` command: :func:`main`, then exit without tearing down the
    interpreter.

    By the time ``main`` returns every output is written (atomically, connections and
    the Dagster instance closed); what is left is Python freeing the modules of
    Dagster, Polars, DuckDB and Altair one object at a time, which took 1.6 s of a
    15 s refresh. Output streams and logging are flushed first.
    """
    import logging

    try:
        code = main()
    except BrokenPipeError:
        # The reader went away (``incidents status | head``): say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    except KeyboardInterrupt:  # Ctrl-C outside a run (a run reports it itself)
        print("interrupted", file=sys.stderr)
        code = 130
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    end_children()
    os._exit(code)


def end_children(grace: float = 2.0) -> None:
    """End and reap every process this one started, so none outlives the command.

    The figure converters' pool leaves Python's multiprocessing resource tracker
    running until its parent is gone, and Dagster's log tailers may still be
    winding down; ``os._exit`` would leave them (and unreaped zombies) behind in the
    command's process group. Linux ``/proc``; elsewhere only zombies are reaped.
    """
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    if tracker is not None and getattr(tracker._resource_tracker, "_pid", None) is not None:
        with contextlib.suppress(OSError, AttributeError):
            tracker._resource_tracker._stop()  # closes its pipe: it cleans up and exits
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == me:
                children.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0 and time.monotonic() > deadline:
            for left in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(left, signal.SIGKILL)
            deadline = float("inf")
        elif pid == 0:
            time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="incidents", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_refresh = sub.add_parser("refresh", help="run the whole pipeline (or one source)")
    p_refresh.add_argument("--latest", action="store_true",
                           help="follow each source's branch tip instead of the pinned commit")
    p_refresh.add_argument("--source", action="append", metavar="SLUG",
                           help="refresh this source and what depends on it (repeat the "
                           "option for several)")
    p_refresh.add_argument("--wait", action="store_true",
                           help="wait for a running refresh to finish instead of refusing")
    p_refresh.add_argument("--force", action="store_true",
                           help="rebuild everything even when no input changed")
    p_seed = sub.add_parser("seed", help="store local byte-exact copies of the pinned files")
    p_seed.add_argument("directory")
    sub.add_parser("docs", help="regenerate docs/data-dictionary.md and data/raw/LICENSES.md")
    sub.add_parser("status", help="each source's snapshot, freshness, last run and row counts")
    sub.add_parser("checks", help="run the warehouse checks on the published warehouse")
    sub.add_parser("release", help="write a citable, versioned release of the published "
                   "warehouse to dist/incidents-<version>/ and its .zip")
    args = parser.parse_args(argv)
    if args.command in ("status", "checks"):
        from pipelines import status

        _dagster_home()
        return getattr(status, args.command)(project_paths())
    if args.command == "docs":
        from pipelines.docs import write_docs

        for path in write_docs():
            print(f"  wrote {path}")
        return 0
    if args.command == "refresh":
        return refresh(latest=args.latest, source=args.source, wait=args.wait,
                       force=args.force)
    if args.command == "seed":
        return seed(args.directory)
    if args.command == "release":
        from pipelines.release.bundle import release_command

        return release_command(project_paths())
    return 2


if __name__ == "__main__":
    sys.exit(main())
