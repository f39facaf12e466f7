"""Dashboards as a person sees them: each page opened from file:// in headless Chromium.

Every page must load with no console error and no request other than file://,
draw every chart (an SVG or canvas inside each chart container), and show the
headline figures of metric_summary, each tile with its definition and coverage. A
screenshot of each page is saved to the test's tmp dir and, when DASHBOARD_SCREENSHOTS
names a folder, there too.

Uses Debian's /usr/bin/chromium (never ``playwright install``). If it is
missing the tests FAIL, never skip: CI installs it.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.dashboards.site import NAV
from pipelines.paths import ProjectPaths

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]
PAGES = [href for href, _ in NAV]
# Every chart container holds a drawn SVG (or canvas) with at least one mark.
ALL_DRAWN = """() => [...document.querySelectorAll('.chart')].every(
    el => el.dataset.rendered === 'true'
          && el.querySelector('svg .mark-rect, svg .mark-symbol, svg .mark-line, svg .mark-area,'
                              + ' svg .mark-rule, svg .mark-text, canvas'))"""
DRAW_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, or why it cannot start.

    The reason is returned rather than raised so that each test FAILS with it
    (a fixture error would be reported as an error, and nothing here may skip).
    """
    if not CHROMIUM.is_file():
        yield (f"{CHROMIUM} is missing: the dashboard browser tests need Debian's chromium "
               "(apt-get install chromium). They never skip; CI installs it.")
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield ("playwright is not installed: .venv/bin/pip install 'playwright>=1.65' "
               "(never `playwright install`: the tests use /usr/bin/chromium)")
        return
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page opened from disk, with every request and console problem recorded."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int] | None = None,
                 query: str = "") -> None:
        if isinstance(browser, str):
            pytest.fail(browser)
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # Anything not on disk is refused, so a stray request fails fast instead of hanging.
        self.page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
        self.page.goto(path.as_uri() + query, wait_until="load")
        self.page.wait_for_function(ALL_DRAWN, timeout=DRAW_TIMEOUT_MS)

    def _console(self, message: Any) -> None:
        # Errors, and Vega's warnings (a chart drawn other than it was designed).
        if message.type == "error" or (message.type == "warning" and "WARN" in message.text):
            self.problems.append(f"console {message.type}: {message.text}")

    def screenshot(self, name: str, folder: Path) -> Path:
        target = folder / f"{Path(name).stem}.png"
        self.page.screenshot(path=str(target), full_page=True)
        extra = os.environ.get("DASHBOARD_SCREENSHOTS")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(target, Path(extra) / target.name)
        return target

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)
        remote = [u for u in self.requests if not u.startswith("file://")]
        assert remote == [], f"requests outside file://: {remote}"


@pytest.mark.parametrize("name", PAGES)
def test_page_draws_offline_without_errors(browser, published: ProjectPaths, name: str,
                                           tmp_path: Path) -> None:
    visit = Visit(browser, published.dashboards / name)
    try:
        shot = visit.screenshot(name, tmp_path)
        charts = visit.page.locator(".chart").count()
        drawn = visit.page.locator(".chart[data-rendered=true]").count()
        assert drawn == charts, f"{drawn} of {charts} charts finished drawing"
        if name not in ("incidents.html", "methods.html"):
            assert charts >= 1
        visit.assert_clean()
        assert shot.stat().st_size > 10_000
    finally:
        visit.page.close()


def _shown_number(text: str) -> float:
    """The number a reader sees in a tile: '6,127' -> 6127, '57%' -> 57, '4.5 min' -> 4.5."""
    return float(re.sub(r"[^\d.]", "", text))


def test_headline_tiles_show_metric_summary(browser, published: ProjectPaths, warehouse) -> None:
    """Every figure of metric_summary is shown (but the count of linked incidents across every
    list, which mixes definitions: a sentence says so instead), with the linked incidents
    the FBI or ALERRT lists; every tile shows its definition in words and its coverage, and
    the first tiles are the active-shooter and active-attack lists."""
    visit = Visit(browser, published.dashboards / "index.html")
    try:
        shown = visit.page.eval_on_selector_all(
            "#headline-tiles [data-figure]",
            "els => els.map(e => ({...e.dataset, text: e.textContent, "
            "visible: e.offsetParent !== null}))")
        tiles = visit.page.eval_on_selector_all(
            "#headline-tiles .tile",
            "els => els.map(e => ({source: e.dataset.source, group: e.dataset.group, "
            "title: e.querySelector('h3').innerText, "
            "definition: e.querySelector('.def') && e.querySelector('.def').innerText, "
            "coverage: e.querySelector('.coverage') && e.querySelector('.coverage').innerText,"
            " visible: e.querySelector('.def').offsetParent !== null}))")
        total_note = visit.page.inner_text("#all-lists-total")
        visit.assert_clean()
    finally:
        visit.page.close()
    definitions = dict(warehouse.execute("SELECT source, definition FROM sources").fetchall())
    assert [t["source"] for t in tiles[:3]] == ["fbi", "alerrt", "linked_active"]
    assert [t["title"] for t in tiles[:3]] == ["FBI", "ALERRT",
                                               "On the FBI or ALERRT list, counted once"]
    for tile in tiles:
        assert tile["visible"] and tile["definition"] and tile["coverage"], tile
        assert tile["coverage"].startswith("Coverage: rests on "), tile
        assert tile["definition"] == definitions.get(tile["source"], tile["definition"]), tile
    assert tiles[0]["definition"].startswith("Active shooter incident (FBI)")
    assert tiles[1]["definition"].startswith("Active attack (ALERRT)")
    assert "counted once" in tiles[2]["definition"]
    assert all(t["group"] == "related" for t in tiles[3:])
    assert "mixes definitions" in total_note
    expected = {
        (figure, source): (value, n_known, n, unit)
        for figure, source, value, n_known, n, unit in warehouse.execute(
            "SELECT figure, source, value, n_known, n, unit FROM metric_summary "
            "WHERE source <> 'linked'").fetchall()
    }
    active = warehouse.execute(
        "SELECT count(*), sum(killed), count(killed), sum(injured), count(injured) "
        "FROM incidents WHERE fbi_active_shooter OR alerrt_active_attack").fetchone()
    expected[("incidents", "linked_active")] = (active[0], active[0], active[0], "incidents")
    expected[("killed", "linked_active")] = (active[1], active[2], active[0], "victims")
    expected[("injured", "linked_active")] = (active[3], active[4], active[0], "victims")
    found = {(t["figure"], t["source"]): t for t in shown if t["figure"] != "on_both_lists"}
    assert set(found) == set(expected)
    for key, (value, n_known, n, unit) in expected.items():
        tile = found[key]
        assert tile["visible"], f"{key} is not visible"
        assert int(tile["nKnown"]) == n_known and int(tile["n"]) == n, key
        assert math.isclose(float(tile["value"]), value, rel_tol=1e-12), key
        seen = _shown_number(tile["text"])
        if unit == "share":
            assert seen == round(value * 100), (key, tile["text"])
        elif unit == "minutes":
            assert seen == round(value, 1), (key, tile["text"])
        else:
            assert seen == round(value), (key, tile["text"])


def test_incident_table_searches_and_sorts(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "incidents.html")
    page = visit.page
    try:
        total = int(page.get_attribute("#incident-count", "data-matching"))
        page.select_option("#incident-scope", "all")
        page.fill("#incident-search", "uvalde tx")
        page.wait_for_function(
            f"document.getElementById('incident-count').dataset.matching < {total}")
        rows = page.eval_on_selector_all("#incident-table tbody tr",
                                         "trs => trs.map(tr => tr.textContent.toLowerCase())")
        assert rows and all("uvalde" in r and "tx" in r for r in rows)

        page.fill("#incident-search", "")
        page.click("#incident-table th button[data-col='3']")  # killed, largest first
        killed = page.eval_on_selector_all(
            "#incident-table tbody tr td:nth-child(4)",
            "tds => tds.map(td => td.textContent)")
        numbers = [int(k.replace(",", "")) for k in killed if k.strip().isdigit()]
        assert numbers == sorted(numbers, reverse=True) and numbers[0] >= 50
        assert page.get_attribute("#incident-table th:nth-child(4)", "aria-sort") == "descending"

        page.select_option("#incident-source", label="FBI")
        page.wait_for_function("document.querySelectorAll('#incident-table tbody tr').length > 0")
        sources = page.eval_on_selector_all("#incident-table tbody tr td:nth-child(7)",
                                            "tds => [...new Set(tds.map(td => td.textContent))]")
        # One source per row, or every source of a linked incident ("ALERRT + FBI").
        assert sources and all("FBI" in s.split(" + ") for s in sources), sources
        visit.assert_clean()
    finally:
        page.close()


def test_incident_table_opens_on_active_shooter_incidents(browser, published: ProjectPaths,
                                                          warehouse) -> None:
    """No page of mass-shooting rows with an unknown outcome first: the table opens on the
    incidents the FBI or ALERRT lists, and one control shows every list."""
    active, every = warehouse.execute(
        "SELECT count(*) FILTER (WHERE fbi_active_shooter OR alerrt_active_attack), count(*) "
        "FROM incidents").fetchone()
    visit = Visit(browser, published.dashboards / "incidents.html")
    page = visit.page
    try:
        assert page.input_value("#incident-scope") == "active"
        assert int(page.get_attribute("#incident-count", "data-matching")) == active
        assert "active-shooter or active-attack incidents" in page.inner_text("#incident-count")
        sources = page.eval_on_selector_all(
            "#incident-table tbody tr td:nth-child(7)", "tds => tds.map(td => td.textContent)")
        assert len(sources) == 100
        assert all({"FBI", "ALERRT"} & set(s.split(" + ")) for s in sources), sources
        # Columbine (1999) predates both lists: the search says where it is, one click away.
        page.fill("#incident-search", "Columbine")
        page.wait_for_function("!document.getElementById('incident-widen').hidden")
        assert "more match in the other lists" in page.inner_text("#incident-count")
        page.click("#incident-widen")
        page.wait_for_function("document.getElementById('incident-count').dataset.scope"
                               " === 'all'")
        first = page.eval_on_selector_all(
            "#incident-table tbody tr:first-child td", "tds => tds.map(td => td.innerText)")
        assert (first[0], first[2]) == ("1999-04-20", "CO"), first
        page.fill("#incident-search", "")
        page.wait_for_function(
            f"+document.getElementById('incident-count').dataset.matching === {every}")
        visit.assert_clean()
    finally:
        page.close()


@pytest.mark.parametrize("name", [p for p in PAGES if p != "methods.html"])
def test_page_shows_no_warehouse_words(browser, published: ProjectPaths, name: str) -> None:
    """What a reader sees, charts' drawn text included (not download links, nor the rows of
    the incident table, which are the sources' own words), names no table, file, query or
    interval method: those are on "How to read these figures"."""
    visit = Visit(browser, published.dashboards / name)
    try:
        text = visit.page.evaluate(
            """() => { const main = document.querySelector('main').cloneNode(true);
                 main.querySelectorAll('.downloads, #incident-table tbody, script, style')
                   .forEach(e => e.remove());
                 return main.innerText + ' ' + [...document.querySelectorAll('svg text')]
                   .map(t => t.textContent).join(' '); }""")
        visit.assert_clean()
    finally:
        visit.page.close()
    for word in ("metric_", ".sql", "Wilson", "source_records", "data/curated", "README"):
        assert word not in text, f"{name} shows {word!r}"
    if name == "endings.html":
        assert "nobody \u2014 the attacker fled" in text
        assert not re.search(r"(^|\s)none(\s|$)", text), "a raw 'none' category is shown"


def test_state_map_switches_source(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "where.html")
    page = visit.page
    try:
        picker = page.locator("#state-map select")
        assert picker.count() == 1, "the state map has no source drop-down"
        picker.select_option(label="GVA")
        page.wait_for_timeout(300)  # Vega redraws on the next animation frame
        assert page.locator("#state-map svg .mark-rect path").count() >= 50
        visit.assert_clean()
    finally:
        page.close()


def test_missing_durations_note_is_visible(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "time.html")
    try:
        note = visit.page.locator("[data-empty-chart=duration]")
        assert note.is_visible()
        assert "no public list loaded here records how long attacks lasted" in \
            note.inner_text()
        visit.assert_clean()
    finally:
        visit.page.close()


def test_agreement_chart_and_table_are_shown(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "sources.html")
    page = visit.page
    try:
        points = page.locator("#source-agreement svg .mark-symbol path").count()
        intervals = page.locator("#source-agreement svg .mark-rule line").count()
        assert points >= 20 and intervals >= points  # axis ticks are rules too
        assert not page.locator("#agreement-table").is_visible()  # folded until asked
        page.click("#agreement-details summary")
        assert page.locator("#agreement-table").is_visible()
        rows = page.eval_on_selector_all(
            "#agreement-table tbody tr", "trs => trs.map(tr => tr.textContent)")
        assert any(r.startswith("ALERRT / FBIkilled") for r in rows), rows[:5]
        visit.assert_clean()
    finally:
        page.close()


# --- the incident search and the incident page -----------------------------------------

def _first_rows(page: Any, query: str, n: int = 3) -> list[list[str]]:
    """Type a query into the incident table; the first rows' cells once the table settles."""
    page.fill("#incident-search", query)
    page.wait_for_function(
        "q => document.getElementById('incident-count').textContent.includes('best match')"
        " && document.getElementById('incident-search').value === q", arg=query)
    return page.eval_on_selector_all(
        "#incident-table tbody tr",
        f"trs => trs.slice(0, {n}).map(tr => [...tr.cells].map(td => td.innerText))")


# The searches readers type, and the incident each must bring first (date, state): the
# names come from linked records (Mother Jones "Columbine High School massacre", FBI
# "Pulse Nightclub", "Robb Elementary School, Uvalde, TX", "Walmart Supercenter #2201"),
# not from the Place column, which shows the city. "Sandy Hook" is also a town in
# Mississippi (GVA, 2024): the school's name must come before the town.
SEARCHES = [
    ("Columbine", "1999-04-20", "CO"),
    ("Pulse", "2016-06-12", "FL"),
    ("Virginia Tech", "2007-04-16", "VA"),
    ("Walmart", "2019-08-03", "TX"),
    ("Robb Elementary", "2022-05-24", "TX"),
    ("Sandy Hook", "2012-12-14", "CT"),
]


def test_search_finds_incidents_by_their_names(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "incidents.html")
    page = visit.page
    try:
        page.select_option("#incident-scope", "all")  # Sandy Hook, MS is a GVA incident
        found = {query: _first_rows(page, query) for query, _, _ in SEARCHES}
        for query, date, state in SEARCHES:
            rows = found[query]
            assert rows, f"{query!r} finds nothing"
            assert (rows[0][0], rows[0][2]) == (date, state), (query, rows)
        # The Mississippi town comes after the school, still found.
        assert [r[2] for r in found["Sandy Hook"][:2]] == ["CT", "MS"], found["Sandy Hook"]
        assert "Robb Elementary School" in found["Robb Elementary"][0][1]  # the matched name
        visit.assert_clean()
    finally:
        page.close()


def _open_newtown(visit: Visit) -> None:
    """Search "Sandy Hook" and open the first row by clicking the row (not its link)."""
    page = visit.page
    _first_rows(page, "Sandy Hook")
    page.click("#incident-table tbody tr:first-child td:nth-child(4)")
    page.wait_for_url(re.compile(r"incident\.html\?id=inc_"))
    page.wait_for_selector("#record-table tbody tr")


def test_incident_page_shows_every_record_and_the_differences(
        browser, published: ProjectPaths, warehouse) -> None:
    visit = Visit(browser, published.dashboards / "incidents.html")
    page = visit.page
    try:
        _open_newtown(visit)
        assert page.inner_text("main h1") == "Newtown, CT, 14 December 2012"
        assert page.title() == "Newtown, CT, 14 December 2012 | US active-shooter incidents"
        heads = page.eval_on_selector_all("#record-table thead th[data-source]",
                                          "ths => ths.map(th => th.dataset.source)")
        assert sorted(heads) == ["alerrt", "ap_usat_nu", "fbi", "k12ssdb", "mother_jones",
                                 "stanford_msa", "wapo"]
        table = page.inner_text("#record-table")
        assert "Sandy Hook Elementary massacre" in table  # Mother Jones' name, in a cell
        # Killed: ALERRT, K-12 SSDB and WaPo give 26, the best estimate is 27; marked by
        # a sign and words, not only by colour.
        killed = page.eval_on_selector_all(
            "#record-table tr[data-disputed=killed] td[data-differs=true]",
            "tds => tds.map(td => td.innerText)")
        assert len(killed) == 3 and all(t.startswith("\u2260 26") for t in killed), killed
        assert all("best estimate: 27" in t for t in killed)
        assert "sources differ" in page.inner_text("#record-table tr[data-disputed=killed] th")
        assert page.get_attribute("#incident-summary", "data-disputed") == "injured killed"
        # Each source's account, with its attribution and licence from `sources`.
        accounts = page.eval_on_selector_all(
            "#narratives section", "ss => ss.map(s => [s.dataset.source, s.innerText])")
        assert len(accounts) == 7
        licences = dict(warehouse.execute("SELECT source, licence FROM sources").fetchall())
        for source, text in accounts:
            assert f"Licence: {licences[source]}" in text, source
        homepages = page.eval_on_selector_all(
            "#record-table tbody tr:last-child a", "as => as.map(a => a.href)")
        assert any(h.startswith("https://www.fbi.gov/") for h in homepages), homepages
        visit.assert_clean()
    finally:
        page.close()


def test_incident_table_rows_open_from_the_keyboard(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "incidents.html")
    page = visit.page
    try:
        page.select_option("#incident-scope", "all")  # Columbine (1999) predates FBI, ALERRT
        _first_rows(page, "Columbine")
        page.focus("#incident-search")
        for _ in range(12):  # the source filter, the sort buttons, then the first row's link
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('tbody') !== null"):
                break
        assert page.evaluate("document.activeElement.closest('tbody tr:first-child a')")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"incident\.html\?id=inc_"))
        page.wait_for_selector("#record-table tbody tr")
        assert page.inner_text("main h1") == "Littleton, CO, 20 April 1999"
        assert "Columbine High School massacre" in page.inner_text("#record-table")
        visit.assert_clean()
    finally:
        page.close()


def test_incident_page_without_an_id_says_so(browser, published: ProjectPaths) -> None:
    visit = Visit(browser, published.dashboards / "incident.html")
    try:
        assert "No incident chosen" in visit.page.inner_text("#incident-status")
        assert visit.page.locator("#incident-body").is_hidden()
        visit.assert_clean()
    finally:
        visit.page.close()


HOSTILE = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> & co"


@pytest.fixture(scope="module")
def narrated_site(published: ProjectPaths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The incidents table and incident page built from a copy of the warehouse in which
    two records carry hand-made narratives (the shipped data has none yet): Newtown's
    Mother Jones record mentions Columbine, a rare word and markup."""
    import duckdb

    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import incident, incidents
    from pipelines.dashboards.site import write_atomic, write_page

    folder = tmp_path_factory.mktemp("narrated")
    copy = folder / "copy.duckdb"
    shutil.copy(published.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("""
            UPDATE source_records
            SET narrative = 'Like Columbine before it, the attack on the school ended in '
                            || 'the Quillwort wing. ' || ?,
                narrative_field = 'summary'
            WHERE source = 'mother_jones' AND incident_name = 'Sandy Hook Elementary massacre'
        """, [HOSTILE])
        data = DashboardData(con)
        site = folder / "site"
        for built in (incidents.page(data), incident.page(data)):
            write_page(site, built)
            for name, text in built.scripts.items():
                write_atomic(site / name, text)
    finally:
        con.close()
    return site


def test_search_finds_narrative_words_after_names(browser, narrated_site: Path) -> None:
    visit = Visit(browser, narrated_site / "incidents.html")
    page = visit.page
    try:
        page.select_option("#incident-scope", "all")
        rows = _first_rows(page, "quillwort")  # only in the narrative
        assert [(r[0], r[2]) for r in rows] == [("2012-12-14", "CT")]
        # Columbine: the school named Columbine first, then the narrative that mentions
        # it, though Newtown counts more killed (the tie-break within a kind of match).
        rows = _first_rows(page, "Columbine")
        assert [(r[0], r[2]) for r in rows[:2]] == [("1999-04-20", "CO"), ("2012-12-14", "CT")]
        visit.assert_clean()
    finally:
        page.close()


def test_incident_page_shows_narratives_as_text(browser, narrated_site: Path) -> None:
    visit = Visit(browser, narrated_site / "incidents.html")
    page = visit.page
    try:
        _open_newtown(visit)
        quote = page.inner_text("#narratives section[data-source=mother_jones] blockquote")
        assert quote.endswith(HOSTILE) and quote.startswith("Like Columbine before it")
        assert "summary" in page.inner_text("#narratives section[data-source=mother_jones]")
        assert page.evaluate("window.pwned === undefined")
        assert page.locator("#narratives img, #narratives script").count() == 0
        visit.assert_clean()
    finally:
        page.close()


# --- accessibility (WCAG 2.1 AA) and phones -------------------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every page in the navigation, and the incident page showing a real incident.
AUDITED = [*PAGES, "incident.html"]


def _page_specs(path: Path) -> dict[str, Any]:
    """The chart specs a published page embeds (none for a page without charts)."""
    found = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>',
                      path.read_text(encoding="utf-8"), re.S)
    return json.loads(found.group(1)) if found else {}


@pytest.fixture(scope="module")
def newtown_query(warehouse) -> str:
    """``?id=`` of a real incident with records from seven sources (Newtown, 2012)."""
    (incident_id,) = warehouse.execute(
        "SELECT incident_id FROM incidents WHERE incident_date = DATE '2012-12-14' "
        "AND state = 'CT'").fetchone()
    return f"?id={incident_id}"


def _visit(browser: Any, published: ProjectPaths, name: str, query: str,
           viewport: dict[str, int]) -> Visit:
    """Open a page at a viewport; the incident page with a real incident, fully drawn."""
    visit = Visit(browser, published.dashboards / name, viewport=viewport,
                  query=query if name == "incident.html" else "")
    if name == "incident.html":
        visit.page.wait_for_selector("#record-table tbody tr")
    return visit


@VIEWPORTS
@pytest.mark.parametrize("name", AUDITED)
def test_page_passes_axe_wcag21_aa(browser, published: ProjectPaths, newtown_query: str,
                                   name: str, viewport: dict[str, int]) -> None:
    """axe-core (bundled with axe-playwright-python, so offline) finds no WCAG 2.0/2.1
    A or AA violation, with folded details opened so their tables are audited too."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is not installed: pip install the dev extra")
    visit = _visit(browser, published, name, newtown_query, viewport)
    try:
        visit.page.eval_on_selector_all("main details", "ds => ds.forEach(d => d.open = true)")
        results = Axe().run(visit.page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        assert results.violations_count == 0, results.generate_report()
        visit.assert_clean()
    finally:
        visit.page.close()


FIT = """() => {
  const box = e => e.getBoundingClientRect();
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    charts: [...document.querySelectorAll('.chart')].map(el => {
      const svg = el.querySelector('svg.marks');
      const inner = el.querySelector('.chart-wrapper') || el;
      const right = box(svg).right;
      const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
      return {id: el.id, container: el.clientWidth, inner: inner.clientWidth,
              svg: box(svg).width, layout: el.dataset.layout || 'wide',
              clipped: texts.filter(t => box(t).right > right + 1
                                         || box(t).left < box(svg).left - 1)
                            .map(t => t.textContent)};
    }),
  };
}"""


@VIEWPORTS
@pytest.mark.parametrize("name", AUDITED)
def test_page_fits_the_screen(browser, published: ProjectPaths, newtown_query: str,
                              name: str, viewport: dict[str, int], tmp_path: Path) -> None:
    """The page never scrolls sideways; every chart is drawn within its container, with
    no label or legend text cut off at its edges; one-view charts fill their container
    (Vega-Lite container sizing) at a desktop's width as at a phone's."""
    visit = _visit(browser, published, name, newtown_query, viewport)
    try:
        specs = _page_specs(published.dashboards / name)
        fit = visit.page.evaluate(FIT)
        phone = viewport == PHONE
        visit.screenshot(f"{'phone' if phone else 'desktop'}-{name}", tmp_path)
        assert fit["scrollWidth"] <= fit["innerWidth"], fit
        for chart in fit["charts"]:
            assert chart["svg"] <= chart["container"], chart
            assert chart["clipped"] == [], chart
            if specs[chart["id"]].get("width") == "container":
                assert chart["svg"] >= chart["inner"] - 2, chart  # fills its container
            if phone and "narrow" in specs[chart["id"]].get("usermeta", {}):
                assert chart["layout"] == "narrow", chart
        visit.assert_clean()
    finally:
        visit.page.close()


def test_outcome_bars_show_the_whole_scale_on_a_phone(browser, published: ProjectPaths
                                                      ) -> None:
    """The bug this fixes: at 390 px the ALERRT outcome bar showed only 0-20%. Now the
    x axis runs to 100% inside the container and each bar ends at its right edge."""
    visit = Visit(browser, published.dashboards / "endings.html", viewport=PHONE)
    try:
        ends = visit.page.evaluate("""() => {
          const el = document.getElementById('end-method');
          const labels = [...el.querySelectorAll('.role-axis-label text')]
            .map(t => t.textContent);
          const right = el.getBoundingClientRect().right;
          const bars = [...el.querySelectorAll('.mark-rect path')]
            .map(p => p.getBoundingClientRect().right);
          return {labels, right, bars};
        }""")
        assert "0%" in ends["labels"] and "80%" in ends["labels"], ends["labels"]
        assert max(ends["bars"]) <= ends["right"]
        # 100% stacks: every source's bar ends at the same place, the end of the axis.
        assert max(ends["bars"]) - sorted(ends["bars"])[-8] < 1
    finally:
        visit.page.close()


def test_incident_table_scrolls_inside_itself_on_a_phone(browser, published: ProjectPaths
                                                        ) -> None:
    visit = Visit(browser, published.dashboards / "incidents.html", viewport=PHONE)
    page = visit.page
    try:
        wrap = page.evaluate("""() => {
          const w = document.getElementById('incident-table-wrap');
          const t = document.getElementById('incident-table');
          return {overflow: getComputedStyle(w).overflowX, wrap: w.clientWidth,
                  table: t.scrollWidth, tabindex: w.tabIndex, label: w.getAttribute('aria-label')};
        }""")
        assert wrap["overflow"] == "auto" and wrap["table"] > wrap["wrap"], wrap
        assert wrap["tabindex"] == 0 and wrap["label"], wrap  # keyboard users can scroll it
        page.focus("#incident-table-wrap")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "document.getElementById('incident-table-wrap').scrollLeft > 0")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        visit.assert_clean()
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_has_a_text_alternative(browser, published: ProjectPaths,
                                            name: str) -> None:
    """Each drawn chart is one image named by its spec's description: a sentence with
    the chart's figures (a share or a count), which the page computed from its rows."""
    specs = _page_specs(published.dashboards / name)
    visit = Visit(browser, published.dashboards / name)
    try:
        drawn = visit.page.eval_on_selector_all(
            ".chart", "els => els.map(el => {const s = el.querySelector('svg.marks');"
            " return [el.id, s.getAttribute('role'), s.getAttribute('aria-label')]})")
        assert sorted(d[0] for d in drawn) == sorted(specs)
        for element_id, role, label in drawn:
            assert role == "img", element_id
            assert label and label == specs[element_id]["description"], element_id
            assert re.search(r"\d", label), (element_id, label)
    finally:
        visit.page.close()


def _chart_alt(published: ProjectPaths, page: str, element_id: str) -> str:
    """A chart's text alternative as published in its page."""
    return _page_specs(published.dashboards / page)[element_id]["description"]


def test_text_alternatives_state_the_figures_from_the_warehouse(
        published: ProjectPaths, warehouse) -> None:
    """The main figures in the alternatives are the warehouse's, not hand-written."""
    category, count, n_known, share = warehouse.execute("""
        SELECT category, count, n_known, share FROM metric_resolution
        WHERE grouping = 'overall' AND field = 'end_method' AND source = 'alerrt'
          AND category <> 'unknown' ORDER BY share DESC LIMIT 1""").fetchone()
    alt_end = _chart_alt(published, "endings.html", "end-method")
    # The category in the words the chart's legend uses (category_label in its CSV).
    with (published.dashboards / "data" / "end_method.csv").open(encoding="utf-8") as f:
        (label,) = {r["category_label"] for r in csv.DictReader(f)
                    if r["source"] == "alerrt" and r["category"] == category}
    assert (f"ALERRT: {label}, {share * 100:.0f}% ({count:,} of {n_known:,} records that "
            "tell)") in alt_end, alt_end
    records, first, last = warehouse.execute("""
        SELECT count(*), min(year(incident_date)), max(year(incident_date))
        FROM source_records WHERE source = 'alerrt' AND incident_date IS NOT NULL""").fetchone()
    alt_years = _chart_alt(published, "index.html", "incidents-by-year")
    assert f"ALERRT {records:,} records {first}\u2013{last}" in alt_years, alt_years


def test_static_figures_keep_a_fixed_width(published: ProjectPaths) -> None:
    """PNG and SVG downloads have no container: they are drawn at the designed width."""
    for name in ("end_method", "start_hour", "records_by_year", "incidents_by_year"):
        svg = (published.dashboards / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
        assert width >= 600, (name, width)
        assert (published.dashboards / "figures" / f"{name}.png").stat().st_size > 10_000


def _series_encodings(spec: Any, found: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Every (channel, definition) of colour, shape and text in a spec, however nested."""
    if isinstance(spec, dict):
        encoding = spec.get("encoding")
        if isinstance(encoding, dict):
            found += [(c, d) for c, d in encoding.items() if c in ("color", "shape", "text")]
        mark = spec.get("mark")
        if mark == "text" or (isinstance(mark, dict) and mark.get("type") == "text"):
            found.append(("text-mark", {}))
        for key, value in spec.items():
            if key not in ("datasets", "encoding", "usermeta"):
                _series_encodings(value, found)
    elif isinstance(spec, list):
        for item in spec:
            _series_encodings(item, found)
    return found


@pytest.mark.parametrize("name", PAGES)
def test_colour_is_not_the_only_carrier_of_meaning(published: ProjectPaths, name: str) -> None:
    """A series told apart by colour (sources, pairs) also differs in point shape, and
    a chart of categories by colour writes its values on the marks; quantities drawn
    as colour (maps, heatmaps) are written on the tiles or given in the tooltip."""
    for element_id, spec in _page_specs(published.dashboards / name).items():
        found = _series_encodings(spec, [])
        colours = {d["field"] for c, d in found if c == "color" and d.get("field")
                   and d.get("type") == "nominal" and d.get("scale", {}) is not None}
        shapes = {d.get("field") for c, d in found if c == "shape"}
        labelled = any(c in ("text", "text-mark") for c, _ in found)
        headed = _positional_fields(spec, set())  # named by an axis or a panel header
        for field in colours:
            assert field in shapes or field in headed or labelled, (element_id, field)


def _positional_fields(spec: Any, found: set[str]) -> set[str]:
    """Fields on a labelled position (x, y, facet rows and columns) anywhere in a spec."""
    if isinstance(spec, dict):
        for key in ("encoding", "facet"):
            channels = spec.get(key)
            if isinstance(channels, dict):
                found |= {d["field"] for c, d in channels.items()
                          if c in ("x", "y", "row", "column") and isinstance(d, dict)
                          and "field" in d}
        for key, value in spec.items():
            if key not in ("datasets", "usermeta"):
                _positional_fields(value, found)
    elif isinstance(spec, list):
        for item in spec:
            _positional_fields(item, found)
    return found


def _tab_to(page: Any, script: str, limit: int = 40) -> list[str]:
    """Press Tab until ``script`` (about document.activeElement) is true; what was focused."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("(document.activeElement.innerText || "
                                  "document.activeElement.id || '').trim()"))
        if page.evaluate(script):
            return seen
    pytest.fail(f"never reached by Tab: {script}; focused {seen}")


def test_navigation_and_sorting_work_from_the_keyboard(browser, published: ProjectPaths
                                                       ) -> None:
    """From the top of a page Tab reaches the site name, then every navigation link in
    order, each with a visible focus outline; on the incidents page it goes on to the
    table's sort buttons, which Enter operates (the rows open with Enter: see above)."""
    visit = Visit(browser, published.dashboards / "incidents.html", viewport=PHONE)
    page = visit.page
    try:
        seen = [*_tab_to(page, "document.activeElement.classList.contains('name')")]
        for _ in NAV:
            page.keyboard.press("Tab")
            seen.append(page.evaluate("document.activeElement.closest('nav') && "
                                      "document.activeElement.textContent"))
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle"
                                 ) != "none", seen[-1]
        assert seen[-len(NAV):] == [label for _, label in NAV], seen
        _tab_to(page, "document.activeElement.id === 'incident-table-wrap'")
        _tab_to(page, "document.activeElement.dataset.col === '3'")  # Killed
        page.keyboard.press("Enter")
        assert page.get_attribute("#incident-table th:nth-child(4)", "aria-sort") == "descending"
        page.keyboard.press("Enter")
        assert page.get_attribute("#incident-table th:nth-child(4)", "aria-sort") == "ascending"
        visit.assert_clean()
    finally:
        page.close()


def test_labels_on_coloured_marks_have_aa_contrast(published: ProjectPaths) -> None:
    """Share labels on the outcome bars reach 4.5:1 against their segment (WCAG 1.4.3;
    axe does not check text inside SVG): white on #CC79A7 was 3.1:1."""
    from pipelines.dashboards.charts import contrast

    specs = _page_specs(published.dashboards / "endings.html")
    for element_id in ("end-method", "stopped-by", "attacker-fate"):
        spec = specs[element_id]
        scale = spec["layer"][0]["encoding"]["color"]["scale"]
        fill = dict(zip(scale["domain"], scale["range"], strict=True))
        rows = spec["datasets"]["rows"]
        assert rows
        for row in rows:
            ratio = contrast(fill[row["category_label"]], row["ink"])
            assert ratio >= 4.5, (element_id, row["category_label"], row["ink"], ratio)


# --- Before the attack ------------------------------------------------------------------

def _attacker_names() -> set[str]:
    """Full names of attackers as the raw files publish them (Stanford MSA `Shooter Name`,
    AP/USA TODAY/NU offenders' first and last names): none may reach a page."""
    import polars as pl

    from tests.conftest import shipped_snapshots

    stanford = pl.read_csv(shipped_snapshots("stanford_msa")["data"].path,
                           infer_schema_length=0, encoding="utf8-lossy")
    offenders = pl.read_csv(shipped_snapshots("ap_usat_nu")["offenders"].path,
                            infer_schema_length=0, encoding="utf8-lossy")
    names = set(stanford["Shooter Name"].drop_nulls().to_list())
    names |= set(offenders.select(pl.concat_str("firstname", "lastname", separator=" "))
                 .to_series().drop_nulls().to_list())
    # Whole names only: a surname alone ("White", "Long") is also an ordinary word.
    return {n.strip() for n in names if len(n.split()) >= 2 and "unknown" not in n.lower()}


def test_before_page_draws_every_chart_with_its_coverage(browser, published: ProjectPaths,
                                                          warehouse, tmp_path: Path) -> None:
    visit = Visit(browser, published.dashboards / "before.html")
    page = visit.page
    try:
        visit.screenshot("before.html", tmp_path)
        drawn = page.eval_on_selector_all(".chart[data-rendered=true]",
                                          "els => els.map(e => e.dataset.chart)")
        assert drawn == ["attacker_age", "attacker_sex", "attacker_race",
                         "attacker_relationship", "warning_signs", "weapons_obtained",
                         "armed_security_end", "armed_security_casualties"]
        # The coverage a reader sees in the drawn chart, from the warehouse.
        k, n = warehouse.execute(
            "SELECT DISTINCT n_known, n FROM metric_attacker_profile "
            "WHERE source = 'wapo' AND attribute = 'race'").fetchone()
        race = page.text_content("#attacker-race svg")
        assert f"Washington Post ({k:,} of {n:,} known)" in race
        k, n = warehouse.execute(
            "SELECT DISTINCT n_known, n FROM metric_attacker_profile "
            "WHERE source = 'k12ssdb' AND attribute = 'age_band'").fetchone()
        assert f"K-12 SSDB ({k:,} of {n:,} known)" in page.text_content("#attacker-age svg")
        k, n = warehouse.execute(
            "SELECT n_known, n FROM metric_warning_signs "
            "WHERE source = 'stanford_msa' AND sign = 'military_experience'").fetchone()
        assert f"Stanford MSA ({k:,} of {n:,} known)" in page.text_content("#warning-signs svg")
        assert page.locator("[data-empty-chart=armed_security_police]").is_visible()
        visit.assert_clean()
    finally:
        page.close()


def test_before_page_names_no_attacker(browser, published: ProjectPaths) -> None:
    names = _attacker_names()
    assert len(names) > 500  # the raw files were read
    visit = Visit(browser, published.dashboards / "before.html")
    try:
        shown = (visit.page.inner_text("body") + visit.page.content()).lower()
        visit.assert_clean()
    finally:
        visit.page.close()
    site = published.dashboards
    shown += "".join((site / "data" / f"{c}.csv").read_text(encoding="utf-8").lower()
                     for c in re.findall(r'data-chart="([^"]+)"', shown))
    assert [n for n in names if n.lower() in shown] == []

# -- Honest time axes and print -------------------------------------------------------

# Printable width of an A4 page with the site's 12 mm margins, in CSS pixels (96 per inch).
A4_PRINTABLE_PX = int((210 - 2 * 12) / 25.4 * 96)
KEY_FIGURES = "key-figures.html"
# Every chart container holds a drawn SVG or canvas of nonzero size.
ALL_SIZED = """() => [...document.querySelectorAll('.chart')].every(el => {
    const drawn = el.querySelector('svg, canvas');
    const box = drawn && drawn.getBoundingClientRect();
    return el.dataset.rendered === 'true' && box && box.width > 0 && box.height > 0; })"""
SVG_TEXTS = "el => [...el.querySelectorAll('svg text')].map(t => t.textContent)"


def _inline_specs(page: Path) -> dict[str, dict]:
    """The Vega-Lite specs inlined in a page, by element id."""
    import json

    found = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>',
                      page.read_text(encoding="utf-8"), re.S)
    return json.loads(found.group(1).replace("<\\/", "</")) if found else {}


def _has_year_axis(spec: Any) -> bool:
    """Whether any layer of a spec puts ``year`` on its x axis: a time chart."""
    if isinstance(spec, dict):
        x = spec.get("encoding", {}).get("x") if isinstance(spec.get("encoding"), dict) else None
        if isinstance(x, dict) and x.get("field") == "year":
            return True
        return any(_has_year_axis(v) for k, v in spec.items() if k != "datasets")
    if isinstance(spec, list):
        return any(_has_year_axis(v) for v in spec)
    return False


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: pypdf when installed, else its page objects (/Type /Page)."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_shipped_partial_years_follow_the_data(warehouse) -> None:
    """On the shipped data: the annual FBI and ALERRT lists end in December (complete);
    the daily GVA file, the suspended Stanford project and the K-12 SSDB 2022 release stop
    mid-year (partial)."""
    rows = dict(warehouse.execute(
        "SELECT source, year(last_date) FROM sources "
        "WHERE last_date < make_date(year(last_date), 12, 1)").fetchall())
    assert {"gva": 2026, "stanford_msa": 2016, "k12ssdb": 2022}.items() <= rows.items()
    assert "fbi" not in rows and "alerrt" not in rows


def test_every_time_chart_marks_partial_years_and_collection_notes(
        browser, published: ProjectPaths, warehouse) -> None:
    """Each chart with years on its x axis draws "partial year" once per panel for every
    drawn source whose last, partial year it shows, and the label of every collection note
    (pipelines/dashboards/collection_notes.csv) whose years it shows."""
    import polars as pl

    from pipelines.dashboards.time_marks import PARTIAL_LABEL, collection_notes

    partial = dict(warehouse.execute(
        "SELECT source, year(last_date) FROM sources "
        "WHERE last_date < make_date(year(last_date), 12, 1)").fetchall())
    notes = collection_notes()
    time_charts = 0
    noted_charts = set()
    for name in PAGES:
        specs = {k: v for k, v in _inline_specs(published.dashboards / name).items()
                 if _has_year_axis(v)}
        if not specs:
            continue
        visit = Visit(browser, published.dashboards / name)
        try:
            for element, spec in specs.items():
                time_charts += 1
                rows = pl.DataFrame(spec["datasets"]["rows"], infer_schema_length=None)
                drawn = {(r["source"], r["year"]) for r in rows.iter_rows(named=True)}
                expected = {s for s, y in partial.items() if (s, y) in drawn}
                panels = 1
                column = spec.get("facet", {}).get("column")
                if column and column["field"] in rows.columns:
                    panels = rows[column["field"]].n_unique()
                elif column:  # the facet folds columns into one, e.g. the measures
                    fold = next(t for t in spec["transform"] if "fold" in t)
                    panels = len(fold["fold"])
                texts = visit.page.eval_on_selector(f"#{element}", SVG_TEXTS)
                marks = [t for t in texts if PARTIAL_LABEL in t]
                assert len(marks) == len(expected) * panels, (element, marks, expected)
                for note in notes.iter_rows(named=True):
                    shown = any((note["source"], y) in drawn
                                for y in range(note["from_year"], note["to_year"] + 1))
                    if shown:
                        assert any(note["label"] in t for t in texts), (element, note["label"])
                        noted_charts.add(element)
            visit.assert_clean()
        finally:
            visit.page.close()
    # Overview per year, police arrival per year, sources per year.
    assert time_charts >= 3
    # Stanford MSA's 2015-2016 jump is annotated where its years are drawn.
    assert {"incidents-by-year", "records-by-year"} <= noted_charts


def test_police_arrival_names_only_the_partial_source(browser, published: ProjectPaths,
                                                       warehouse) -> None:
    """Where sources share a panel the mark names its source: K-12 SSDB's 2022 (records
    to June), never the FBI's or ALERRT's complete last years."""
    visit = Visit(browser, published.dashboards / "endings.html")
    try:
        texts = visit.page.eval_on_selector("#police-arrival-by-year", SVG_TEXTS)
        visit.assert_clean()
    finally:
        visit.page.close()
    assert [t for t in texts if "partial year" in t] == ["K-12 SSDB 2022: partial year"]


@pytest.mark.parametrize("name", PAGES)
def test_print_media_hides_navigation_and_fits_charts(browser, published: ProjectPaths,
                                                      name: str) -> None:
    """Printed, a page shows no navigation, search box or download links, every chart fits
    an A4 page's printable width, and a link to the web shows its address."""
    visit = Visit(browser, published.dashboards / name)
    page = visit.page
    try:
        page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1000})
        page.emulate_media(media="print")
        state = page.evaluate("""() => {
            const shown = el => getComputedStyle(el).display !== 'none'
                && el.getClientRects().length > 0;
            const width = document.documentElement.clientWidth;
            const charts = [...document.querySelectorAll('.chart')].map(el => {
                const drawn = el.querySelector('svg, canvas');
                const box = drawn.getBoundingClientRect();
                return {id: el.id, left: box.left, right: box.right, width: box.width};
            });
            const external = [...document.querySelectorAll('main a[href^="http"]')]
                .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content]);
            return {
                nav: [...document.querySelectorAll('nav')].filter(shown).length,
                hidden: [...document.querySelectorAll('.downloads, input, button')]
                    .filter(shown).length,
                width, charts, external};
        }""")
        visit.assert_clean()
    finally:
        page.close()
    assert state["nav"] == 0
    assert state["hidden"] == 0
    for chart in state["charts"]:
        assert chart["width"] > 100, chart
        assert chart["left"] >= -1 and chart["right"] <= state["width"] + 1, chart
    for href, after in state["external"]:
        assert href in after, (href, after)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_key_figures_print_on_two_pages(browser, published: ProjectPaths, warehouse,
                                        paper: str, tmp_path: Path) -> None:
    """The brief prints on exactly two pages of A4 and of Letter, with every chart drawn
    first, and shows each source's headline figures as metric_summary holds them."""
    visit = Visit(browser, published.dashboards / KEY_FIGURES)
    page = visit.page
    try:
        page.wait_for_function(ALL_SIZED, timeout=DRAW_TIMEOUT_MS)
        charts = page.locator(".chart").count()
        assert charts >= 2
        shown = page.eval_on_selector_all(
            "#key-headline [data-figure]",
            "els => els.map(e => ({...e.dataset, text: e.textContent}))")
        page.emulate_media(media="print")
        page.wait_for_function(ALL_SIZED, timeout=DRAW_TIMEOUT_MS)
        pdf = page.pdf(format=paper, print_background=True)
        visit.assert_clean()
    finally:
        page.close()
    (tmp_path / f"key-figures-{paper}.pdf").write_bytes(pdf)
    extra = os.environ.get("DASHBOARD_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        (Path(extra) / f"key-figures-{paper}.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == 2
    expected = {
        (figure, source): (value, n_known, n)
        for figure, source, value, n_known, n in warehouse.execute(
            "SELECT figure, m.source, value, n_known, n FROM metric_summary AS m "
            "JOIN sources AS s USING (source) "
            "WHERE figure IN ('incidents', 'killed', 'injured') AND s.records > 0").fetchall()
    }
    found = {(t["figure"], t["source"]): t for t in shown}
    assert set(found) == set(expected)
    for key, (value, n_known, n) in expected.items():
        assert int(found[key]["nKnown"]) == n_known and int(found[key]["n"]) == n, key
        assert _shown_number(found[key]["text"]) == round(value), key


