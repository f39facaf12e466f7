"""``incidents``: the command-line entry point.

``incidents refresh`` runs the whole pipeline in this process against the
persistent Dagster instance in ``$DAGSTER_HOME`` (default: ``.dagster_home/`` in
the project), so runs show up in ``dagster dev`` without paying for a
subprocess per step.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
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


def refresh(latest: bool = False, source: str | None = None, wait: bool = False,
            force: bool = False) -> int:
    """Run the refresh job under the refresh lock (one refresh at a time).

    ``force`` rebuilds every step even when its inputs are unchanged.
    """
    from pipelines.lock import RefreshRunning, refresh_lock

    try:
        with refresh_lock(project_paths().root / "data" / ".refresh.lock", wait=wait):
            if not (force or latest or source) and _nothing_changed():
                return 0
            return _refresh(latest, source, force)
    except RefreshRunning as exc:
        print(f"refresh refused: {exc}", file=sys.stderr)
        return 3


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


def _refresh(latest: bool, source: str | None, force: bool = False) -> int:
    """Run the refresh job; print progress per step and where the outputs are."""
    _dagster_home()
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.fingerprint import FORCE_TAG

    job = defs.resolve_job_def("refresh")
    # One line per step as it finishes; the full logs stay in the Dagster UI.
    run_config: dict = {"loggers": {"step_progress": {}}}
    if latest:
        run_config["ops"] = {"raw": {"config": {"latest": True}}}
    selection = None
    if source:
        from pipelines.registry import sources

        if source not in sources():
            print(f"unknown source {source!r}; known: {', '.join(sources())}", file=sys.stderr)
            return 2
        # The source and everything downstream of it; other sources keep their staging.
        selection = list(
            dg.AssetSelection.assets(dg.AssetKey(["raw", source]))
            .downstream()
            .resolve(defs.resolve_asset_graph())
        )
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False,
            asset_selection=selection, tags={FORCE_TAG: "true"} if force else None,
        )
    paths = project_paths()
    elapsed = time.perf_counter() - started
    if not result.success:
        published = any(
            e.event_type_value == "STEP_SUCCESS" and e.step_key == "curated__warehouse"
            for e in result.all_events
        )
        state = "was published" if published else "is unchanged (the last published one)"
        print(f"refresh FAILED after {elapsed:.1f}s (run {result.run_id}); "
              f"the warehouse {state}: {paths.warehouse}", file=sys.stderr)
        return 1
    stale = _stale_sources(paths)
    if stale:
        print(f"refresh PUBLISHED WITH STALE SOURCES after {elapsed:.1f}s "
              f"(run {result.run_id}): these kept their last good snapshot:", file=sys.stderr)
        for slug, error in stale.items():
            print(f"  STALE {slug}: {error}", file=sys.stderr)
        print(f"  warehouse:  {paths.warehouse}", file=sys.stderr)
        return 1
    print(f"refresh done in {elapsed:.1f}s (run {result.run_id})")
    print(f"  warehouse:  {paths.warehouse}")
    print(f"  parquet:    {paths.curated / 'parquet'}")
    print(f"  dashboards: {paths.dashboards / 'index.html'}")
    return 0


def _stale_sources(paths) -> dict[str, str]:
    from pipelines.normalize.staging import read_status
    from pipelines.registry import sources

    statuses = {slug: read_status(paths, slug) for slug in sources()}
    return {slug: st["error"] for slug, st in statuses.items() if st["stale"]}


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
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="incidents", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_refresh = sub.add_parser("refresh", help="run the whole pipeline (or one source)")
    p_refresh.add_argument("--latest", action="store_true",
                           help="follow each source's branch tip instead of the pinned commit")
    p_refresh.add_argument("--source", help="refresh one source (slug) and what depends on it")
    p_refresh.add_argument("--wait", action="store_true",
                           help="wait for a running refresh to finish instead of refusing")
    p_refresh.add_argument("--force", action="store_true",
                           help="rebuild everything even when no input changed")
    p_seed = sub.add_parser("seed", help="store local byte-exact copies of the pinned files")
    p_seed.add_argument("directory")
    sub.add_parser("docs", help="regenerate docs/data-dictionary.md and data/raw/LICENSES.md")
    sub.add_parser("status", help="each source's snapshot, freshness, last run and row counts")
    sub.add_parser("checks", help="run the warehouse checks on the published warehouse")
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
    return 2


if __name__ == "__main__":
    sys.exit(main())
