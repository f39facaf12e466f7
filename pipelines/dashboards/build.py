"""Write the whole static site from the published warehouse, and time each step.

Layout of ``dashboards/``: one HTML page per topic, ``assets/`` (the shared
Vega bundle), ``data/<chart>.csv`` and ``figures/<chart>.png|svg``.
"""

from __future__ import annotations

import gc
import html
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.dashboards.site import Page, write_page
from pipelines.paths import ProjectPaths

if TYPE_CHECKING:
    import duckdb

    from pipelines.dashboards.figures import FigureWriter

FOOTER = ('<a href="methods.html">How to read these figures</a>: what each number counts, '
          "what &ldquo;known&rdquo; and the 95% ranges mean, and where the data behind every "
          "chart can be downloaded. Charts drawn offline with Vega, Vega-Lite and Vega-Embed; "
          "colours from the Okabe-Ito palette.")


@dataclass
class SiteReport:
    """What a build wrote and how long each step took (seconds)."""

    pages: dict[str, int] = field(default_factory=dict)  # file name -> bytes
    charts: list[str] = field(default_factory=list)
    figures_converted: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def page_builders() -> list[Callable]:
    """Each page module's ``page(data)``: the pages with charts first, in navigation order,
    so their figures convert while the pages without charts (Incidents, methods, and the
    incident page the Incidents table opens) build; the navigation itself is ``site.NAV``."""
    from pipelines.dashboards.pages import (
        before,
        endings,
        incident,
        incidents,
        key_figures,
        methods,
        overview,
        places,
        sources,
        timing,
    )

    return [overview.page, before.page, endings.page, timing.page, places.page, sources.page,
            key_figures.page, incidents.page, methods.page, incident.page]


def build_pages(con: duckdb.DuckDBPyConnection, report: SiteReport,
                built: Callable[[Page], None] | None = None) -> list[Page]:
    """Build every page in memory from the warehouse (``con``, read-only); ``built`` is
    called with each page as soon as it is built (the site starts converting its figures)."""
    from altair.utils.schemapi import debug_mode

    from pipelines.dashboards.data import DashboardData

    # Altair validates every object as it is built; the finished specs are validated
    # in the tests instead (pipelines.dashboards.charts.validate), which halves this.
    data = DashboardData(con)
    pages = []
    with debug_mode(False):
        for build in page_builders():
            started = time.perf_counter()
            pages.append(build(data))
            report.timings[f"page {pages[-1].filename}"] = time.perf_counter() - started
            if built is not None:
                built(pages[-1])
    return pages


def release_footer(con: duckdb.DuckDBPyConnection) -> str:
    """The footer's release line when the warehouse is a release (``incidents release``
    sets ``build_info.release_version`` in its copy); empty for a refresh's warehouse."""
    has = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = "
                      "'build_info' AND column_name = 'release_version'").fetchone()[0]
    version = has and con.execute("SELECT max(release_version) FROM build_info").fetchone()[0]
    if not version:
        return ""
    return (f" Release <code>{html.escape(version)}</code>: cite it as its "
            "<code>CITATION.cff</code> says.")


def build_site(paths: ProjectPaths, same_source: bool = False) -> SiteReport:
    """Write every page, its CSVs and figures under ``paths.dashboards``.

    ``same_source``: the site was last drawn from this very warehouse with this code (a
    forced rebuild), so no figure is expected to change and the figure converters start
    only if one does (see :class:`FigureWriter`)."""
    from pipelines.dashboards.figures import FigureWriter

    with earlier_objects_set_aside():
        figures = FigureWriter(paths.dashboards, expect_changes=not same_source)
        try:
            return _build_site(paths, figures)
        finally:
            figures.close()


@contextmanager
def earlier_objects_set_aside() -> Iterator[None]:
    """Python's garbage collector looks only at the objects made inside this block.

    A refresh builds the site in the process that ran the earlier steps. Building it (the
    chart objects, the incident data) makes Python run full collections, and each walks
    every object alive, those left by the earlier steps too: about 0.3 CPU-s of a cold
    site step. The objects alive on entry are set aside (``gc.freeze``) and put back on
    exit (``gc.unfreeze``), where later collections find any garbage among them as usual.
    Unless some were already set aside when the block began (``incidents refresh`` does
    so for good after its imports): unfreezing cannot tell those apart, so all stay aside.
    """
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()


def _build_site(paths: ProjectPaths, figures: FigureWriter) -> SiteReport:
    import duckdb

    from pipelines.dashboards.figures import prune, write_csv
    from pipelines.dashboards.pages import incident
    from pipelines.dashboards.site import vega_bundle, write_atomic

    report = SiteReport()
    site: Path = paths.dashboards
    started = time.perf_counter()
    vega_bundle(site)  # ~4 s the first time in a fresh folder, then a file check
    report.timings["vega bundle"] = time.perf_counter() - started

    # Each page's figures convert in the pool while the next pages build (FigureWriter).
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        pages = build_pages(con, report, lambda page: figures.add(page.charts))
        footer = FOOTER + release_footer(con)
    finally:
        con.close()

    started = time.perf_counter()
    csvs: set[str] = set()
    scripts: set[str] = set()
    for page in pages:
        target = write_page(site, page, footer)
        report.pages[page.filename] = target.stat().st_size
        for chart in page.charts:
            write_csv(site, chart)
            csvs.add(f"{chart.name}.csv")
            report.charts.append(chart.name)
        for name, frame in page.files.items():
            write_atomic(site / "data" / f"{name}.csv", frame.write_csv())
            csvs.add(f"{name}.csv")
        for name, text in page.scripts.items():
            write_atomic(site / name, text)
            scripts.add(name)
    prune(site / "data", csvs, (".csv",))
    # Data scripts: the folders this build wrote to, and the incident page's even when
    # it wrote none there (records not linked), so no stale incident is left behind.
    for folder in {"data", incident.FOLDER, *(str(Path(name).parent) for name in scripts)}:
        prune(site / folder, {Path(n).name for n in scripts if str(Path(n).parent) == folder},
              (".js",))
    report.timings["write pages and csv"] = time.perf_counter() - started

    started = time.perf_counter()  # the figures not yet converted while the pages built
    report.figures_converted = figures.finish()
    prune(site / "figures", {f"{c.name}.{ext}" for p in pages for c in p.charts
                             for ext in ("png", "svg")}, (".png", ".svg"))
    report.timings["figures png+svg"] = time.perf_counter() - started
    return report
