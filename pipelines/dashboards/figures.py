"""Files beside each chart: its data as CSV and the figure as PNG and SVG for reports.

Converting a spec costs vl-convert 0.05-0.3 s per chart, plus about 0.4 s to
start its JavaScript runtime the first time in a process: about as much as the
rest of the site together. vl-convert holds the GIL (threads do not help), so a
site's figures are converted in a few worker processes, and only when the spec
changed since the last run (its hash is kept in ``figures/.specs.json``); an
unchanged refresh converts nothing. Each page's charts go to the workers as soon
as the page is built (:class:`FigureWriter`), so converting overlaps building
the other pages in the main process instead of following it.

The converters draw with the fonts vl-convert ships (``fontconfig/fonts.conf``
hides the machine's): the figures are the same on every machine, and converting
costs half what it did when vl-convert reopened a system font file for every
glyph it measured or drew.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
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
    """Stable digest of a spec and of how it is drawn: same digest, same figure."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(_drawing() + text.encode("utf-8")).hexdigest()


@functools.cache
def _drawing() -> bytes:
    """Digest of what decides a figure's bytes besides its spec: this module and
    ``charts.py`` (how a spec is drawn), the converters' font configuration and the
    vl-convert version. A change to any of them redraws every figure, so a site never
    mixes figures drawn two ways (say, with two fonts)."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("vl-convert-python").encode("utf-8"))
    for path in (Path(__file__), Path(__file__).with_name("charts.py"), FONT_CONFIG):
        digest.update(path.read_bytes())
    return digest.digest()


def _convert(spec: dict) -> tuple[str, bytes]:
    """SVG and PNG of one spec.

    The PNG is rasterized from the SVG (what ``vegalite_to_png`` does inside),
    which saves running the spec through Vega a second time.
    """
    import vl_convert as vlc

    from pipelines.dashboards.charts import static_spec

    svg = first_gradient_zero(vlc.vegalite_to_svg(static_spec(spec)))
    return svg, vlc.svg_to_png(svg, scale=PNG_SCALE)


GRADIENT_ID = re.compile(r'(id="|url\(#)gradient_(\d+)')


def first_gradient_zero(svg: str) -> str:
    """``svg`` with its gradients (colour-ramp legends) numbered from 0: the SVG a fresh
    runtime writes for the spec.

    Vega numbers gradients with one counter over its whole JavaScript runtime, so a
    figure drawn after other charts with gradients got other ids: its file's bytes
    depended on which worker converted it, and after which charts."""
    ids = [int(match.group(2)) for match in GRADIENT_ID.finditer(svg)]
    if not ids or min(ids) == 0:
        return svg
    low = min(ids)
    return GRADIENT_ID.sub(lambda m: f"{m.group(1)}gradient_{int(m.group(2)) - low}", svg)


def _warm() -> None:
    """Start vl-convert's JavaScript runtime in a worker before any figure is due."""
    import vl_convert as vlc

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


# Read by the font loader inside vl-convert (fontdb) in the converter processes.
FONT_CONFIG = Path(__file__).with_name("fontconfig") / "fonts.conf"


def _init_worker(parent: int) -> None:
    """Worker initializer: draw with vl-convert's own fonts; end with the parent."""
    # Before the first conversion, when vl-convert loads its fonts. Only in the
    # converters: other programs this process's parent starts (a browser) keep theirs.
    os.environ["FONTCONFIG_FILE"] = str(FONT_CONFIG)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the process that started it is gone.

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


def converter_pool() -> ProcessPoolExecutor:
    """Worker processes for figure conversion, already warming up (one on one CPU).

    Spawned, not forked: the parent may be running Dagster's threads. Even on one CPU
    the conversions run in a worker, whose fonts are set apart (:func:`_init_worker`).
    """
    workers = max(1, min(4, len(os.sched_getaffinity(0))))
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(_warm)
    return pool


class FigureWriter:
    """Writes ``figures/<chart>.svg|png`` for the charts whose spec changed since the last
    build, converting each as soon as its page hands it over.

    :meth:`add` submits a page's changed charts to the converters (:func:`converter_pool`)
    right after the page is built, so the workers convert them while the main process
    builds the next pages and writes the HTML; :meth:`finish` waits for the results and
    writes the files and ``figures/.specs.json``; :meth:`close` ends the workers.

    The workers start at once, so their runtimes start while the main process queries the
    warehouse, unless no figure is expected to change (``expect_changes`` False: a rebuild
    from the warehouse the site was drawn from) and the site has figures: then they start
    at the first changed chart, and a rebuild that changes none starts none (about a
    CPU-second saved).
    """

    def __init__(self, site: Path, expect_changes: bool = True) -> None:
        self.folder = site / "figures"
        try:
            self.known = json.loads((self.folder / SPEC_HASHES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.hashes: dict[str, str] = {}  # every chart added: name -> spec hash
        self.todo: list[tuple[Chart, Future]] = []  # changed charts, in order added
        self._pool: ProcessPoolExecutor | None = None
        if expect_changes or not self.known:
            self._converters()

    def _converters(self) -> ProcessPoolExecutor:
        """The worker pool, started the first time it is asked for."""
        if self._pool is None:
            self._pool = converter_pool()
        return self._pool

    def add(self, charts: Iterable[Chart]) -> None:
        """Hand over charts: those whose spec or files changed start converting."""
        for chart in charts:
            digest = spec_hash(chart.spec)
            self.hashes[chart.name] = digest
            fresh = all((self.folder / f"{chart.name}.{ext}").is_file()
                        for ext in ("svg", "png"))
            if self.known.get(chart.name) != digest or not fresh:
                self.todo.append((chart, self._converters().submit(_convert, chart.spec)))

    def finish(self) -> list[str]:
        """Write the converted figures and the spec hashes; returns the charts converted."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for chart, job in self.todo:
            svg, png = job.result()
            write_atomic(self.folder / f"{chart.name}.svg", svg)
            write_atomic(self.folder / f"{chart.name}.png", png)
        write_atomic(self.folder / SPEC_HASHES, json.dumps(self.hashes, indent=1, sort_keys=True))
        return [chart.name for chart, _ in self.todo]

    def close(self) -> None:
        """End the workers, if any started (conversions not begun are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


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
