"""Files beside each chart: its data as CSV and the figure as PNG and SVG for reports.

Converting a spec costs vl-convert 0.1-0.4 s per chart, plus about 0.8 s to
start its JavaScript runtime the first time in a process: more than the rest
of the site together. vl-convert holds the GIL (threads do not help), so a
site's figures are converted in a few worker processes, and only when the spec
changed since the last run (its hash is kept in ``figures/.specs.json``); an
unchanged refresh converts nothing.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.dashboards.site import write_atomic

if TYPE_CHECKING:
    from pipelines.dashboards.site import Chart

PNG_SCALE = 2  # sharp in print and on high-density screens
SPEC_HASHES = ".specs.json"


def write_csv(site: Path, chart: Chart) -> Path:
    """``data/<chart>.csv``: the rows the chart draws."""
    target = site / "data" / f"{chart.name}.csv"
    write_atomic(target, chart.table.write_csv())
    return target


def spec_hash(spec: dict) -> str:
    """Stable digest of a spec: same spec, same figure."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _convert(spec: dict) -> tuple[str, bytes]:
    """SVG and PNG of one spec.

    The PNG is rasterized from the SVG (what ``vegalite_to_png`` does inside),
    which saves running the spec through Vega a second time.
    """
    import vl_convert as vlc

    from pipelines.dashboards.charts import static_spec

    svg = vlc.vegalite_to_svg(static_spec(spec))
    return svg, vlc.svg_to_png(svg, scale=PNG_SCALE)


def _warm() -> None:
    """Start vl-convert's JavaScript runtime in a worker before any figure is due."""
    import vl_convert as vlc

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker once the process that started it is gone.

    A refresh that is killed (SIGKILL, OOM) cannot shut its pool down, and each
    worker holds both ends of the pool's queues, so it would wait for work forever
    (an orphan keeping a JavaScript runtime in memory). Dagster's own log tailer
    is watched the same way (``dagster/_core/execution/scripts/watch_orphans.py``).
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def converter_pool() -> ProcessPoolExecutor | None:
    """Worker processes for figure conversion, already warming up, or None on one CPU.

    Started before the pages are built so the runtimes start while the main
    process queries the warehouse. Spawned, not forked: the parent may be
    running Dagster's threads.
    """
    workers = min(4, len(os.sched_getaffinity(0)))
    if workers < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(_warm)
    return pool


def write_figures(site: Path, charts: Iterable[Chart],
                  pool: ProcessPoolExecutor | None = None) -> list[str]:
    """Write ``figures/<chart>.svg|png`` for charts whose spec changed; returns their names.

    With ``pool`` (see :func:`converter_pool`) the figures are converted in its
    worker processes, otherwise one after another in this one."""
    folder = site / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / SPEC_HASHES
    try:
        known = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    todo = []
    hashes = {}
    for chart in charts:
        digest = spec_hash(chart.spec)
        hashes[chart.name] = digest
        fresh = all((folder / f"{chart.name}.{ext}").is_file() for ext in ("svg", "png"))
        if known.get(chart.name) != digest or not fresh:
            todo.append(chart)
    if todo:
        specs = [c.spec for c in todo]
        if pool is None:
            results = [_convert(spec) for spec in specs]
        else:
            results = list(pool.map(_convert, specs))
        for chart, (svg, png) in zip(todo, results, strict=True):
            write_atomic(folder / f"{chart.name}.svg", svg)
            write_atomic(folder / f"{chart.name}.png", png)
    write_atomic(index, json.dumps(hashes, indent=1, sort_keys=True))
    return [c.name for c in todo]


def prune(folder: Path, keep: set[str], suffixes: tuple[str, ...]) -> list[str]:
    """Delete generated files a previous build wrote and this one did not (e.g. a chart
    that is now a note), so no stale figure sits beside the pages."""
    removed = []
    if folder.is_dir():
        for path in folder.iterdir():
            if path.suffix in suffixes and path.name not in keep:
                path.unlink()
                removed.append(path.name)
    return removed
