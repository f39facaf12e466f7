"""Dashboards without a browser: pages, sizes, offline references, chart files, branches.

The browser checks (charts drawn, no console errors, no requests) are in
tests/test_dashboards_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipelines.dashboards.site import NAV
from pipelines.paths import ProjectPaths

PAGES = [href for href, _ in NAV]
MAX_PAGE_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class References(HTMLParser):
    """Every URL a page would load by itself (not links a reader may click), and chart ids."""

    LOADING = frozenset({("script", "src"), ("link", "href"), ("img", "src"), ("source", "src"),
               ("iframe", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
               ("object", "data")})

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: list[str] = []
        self.charts: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in self.LOADING and value:
                self.loads.append(value)
            if tag == "a" and name == "href" and value:
                self.anchors.append(value)
            if name == "data-chart" and value:
                self.charts.append(value)
            if name == "id" and value:
                self.ids.append(value)


def parse(page: Path) -> References:
    refs = References()
    refs.feed(page.read_text(encoding="utf-8"))
    return refs


def chart_specs(page: Path) -> dict[str, dict]:
    """The Vega-Lite specs inlined in a page, by element id."""
    found = re.search(r'<script type="application/json" id="chart-specs">(.*?)</script>',
                      page.read_text(encoding="utf-8"), re.S)
    return json.loads(found.group(1).replace("<\\/", "</")) if found else {}


@pytest.mark.parametrize("name", PAGES)
def test_page_is_written_and_under_2_mb(published: ProjectPaths, name: str) -> None:
    page = published.dashboards / name
    assert page.is_file(), f"{name} was not written"
    assert page.stat().st_size < MAX_PAGE_BYTES, f"{name}: {page.stat().st_size} bytes"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_from_the_network(published: ProjectPaths, name: str) -> None:
    page = published.dashboards / name
    refs = parse(page)
    remote = [u for u in refs.loads if re.match(r"^(https?:)?//", u, re.I)]
    assert remote == [], f"{name} loads {remote}"
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page.read_text(encoding="utf-8"))
    missing = [u for u in refs.loads if not (published.dashboards / u).is_file()]
    assert missing == [], f"{name} refers to files that do not exist: {missing}"


def test_one_shared_vega_bundle(published: ProjectPaths) -> None:
    bundles = list((published.dashboards / "assets").glob("vega-*.js"))
    assert len(bundles) == 1
    bundle = f"assets/{bundles[0].name}"
    for name in PAGES:
        scripts = [u for u in parse(published.dashboards / name).loads if u.endswith(".js")]
        if (published.dashboards / name).read_text(encoding="utf-8").count('data-chart="'):
            assert scripts == [bundle], f"{name} scripts: {scripts}"


@pytest.mark.parametrize("name", PAGES)
def test_element_ids_are_unique(published: ProjectPaths, name: str) -> None:
    ids = parse(published.dashboards / name).ids
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)


@pytest.mark.parametrize("name", PAGES)
def test_navigation_links_every_page(published: ProjectPaths, name: str) -> None:
    anchors = set(parse(published.dashboards / name).anchors)
    assert set(PAGES) <= anchors
    local = [a for a in anchors if not re.match(r"^[a-z]+:", a) and not a.startswith("#")]
    assert all((published.dashboards / a.split("#")[0]).is_file() for a in local), local


def test_every_chart_has_csv_png_svg_and_a_caption(published: ProjectPaths) -> None:
    site = published.dashboards
    charts = []
    for name in PAGES:
        text = (site / name).read_text(encoding="utf-8")
        refs = parse(site / name)
        for chart in refs.charts:
            charts.append(chart)
            csv = site / "data" / f"{chart}.csv"
            assert csv.is_file() and len(csv.read_text().splitlines()) >= 2, chart
            assert (site / "figures" / f"{chart}.png").read_bytes()[:8] == PNG_MAGIC, chart
            assert (site / "figures" / f"{chart}.svg").read_text()[:200].lstrip().startswith(
                "<svg"), chart
            for link in (f"data/{chart}.csv", f"figures/{chart}.png", f"figures/{chart}.svg"):
                assert link in refs.anchors, f"{name}: no link to {link}"
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S):
            assert "Sources:" in caption and "Coverage:" in caption
            assert "Data as of" in caption and "What each source counts" in caption
    assert {"incidents_by_year", "end_method", "stopped_by", "attacker_fate",
            "police_arrival_by_year",
            "police_arrival_by_location", "start_hour", "weekday", "state_map",
            "location_types", "records_by_year", "source_agreement", "attacker_age",
            "attacker_sex", "attacker_race", "attacker_relationship", "warning_signs",
            "weapons_obtained", "armed_security_end", "armed_security_casualties"} <= set(charts)


def test_every_published_spec_is_valid_vega_lite(published: ProjectPaths) -> None:
    """The build skips Altair's validation for speed; this is where specs are validated."""
    from jsonschema import ValidationError

    from pipelines.dashboards.charts import validate

    specs = {f"{name}#{key}": spec for name in PAGES
             for key, spec in chart_specs(published.dashboards / name).items()}
    assert len(specs) >= 10, sorted(specs)
    # Narrow layouts (drawn on phones with the chart's rows) are Vega-Lite too.
    narrow = {f"{where} (narrow)": {**spec["usermeta"]["narrow"]["spec"],
                                    "datasets": spec["datasets"]}
              for where, spec in specs.items() if "narrow" in spec.get("usermeta", {})}
    assert len(narrow) >= 4, sorted(narrow)
    specs |= narrow
    for where, spec in specs.items():
        try:
            validate(spec)
        except ValidationError as exc:
            pytest.fail(f"{where}: {exc.message} at {list(exc.absolute_path)}")
    marked = next(spec for spec in specs.values() if "mark" in spec)
    with pytest.raises(ValidationError):
        validate({**marked, "mark": "no-such-mark"})


def test_charts_embed_aggregates_not_records(published: ProjectPaths, warehouse) -> None:
    records = warehouse.execute("SELECT count(*) FROM source_records").fetchall()[0][0]
    for name in PAGES:
        for chart_id, spec in chart_specs(published.dashboards / name).items():
            rows = sum(len(v) for v in spec.get("datasets", {}).values())
            csv = published.dashboards / "data" / f"{chart_id.replace('-', '_')}.csv"
            csv_rows = len(csv.read_text().splitlines()) - 1
            assert 0 < rows <= csv_rows, f"{chart_id}: {rows} rows in the spec, {csv_rows} in CSV"
            assert rows < records / 10, f"{chart_id} embeds {rows} rows"
            assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_no_durations_says_so_instead_of_an_empty_chart(published: ProjectPaths) -> None:
    text = (published.dashboards / "time.html").read_text(encoding="utf-8")
    assert "no public list loaded here records how long attacks lasted" in text
    assert "README" not in text
    assert 'data-empty-chart="duration"' in text and 'data-chart="duration"' not in text
    assert re.search(r"Durations are known for 0 of [\d,]+ records", text)
    assert (published.dashboards / "data" / "duration.csv").is_file()
    assert not (published.dashboards / "figures" / "duration.png").exists()


def _tables(warehouse) -> set[str]:
    return {r[0] for r in warehouse.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}


def test_shared_incidents_section_follows_linking(published: ProjectPaths, warehouse) -> None:
    text = (published.dashboards / "sources.html").read_text(encoding="utf-8")
    assert "Shared incidents across sources" in text
    assert "incident_links" in _tables(warehouse)
    assert 'data-chart="shared_incidents"' in text
    assert "Linking is not built yet" not in text


def test_agreement_section_shows_chart_and_every_pair(published: ProjectPaths,
                                                      warehouse) -> None:
    text = (published.dashboards / "sources.html").read_text(encoding="utf-8")
    assert 'id="agreement"' in text and 'data-chart="source_agreement"' in text
    spec = chart_specs(published.dashboards / "sources.html")["source-agreement"]
    drawn = {(r["source_a"], r["source_b"]) for r in spec["datasets"]["rows"]}
    assert ("alerrt", "fbi") in drawn and len(drawn) == 6
    assert not any("gva_trace" in pair for pair in drawn)
    assert all(r["compared"] >= 20 for r in spec["datasets"]["rows"])
    compared = warehouse.execute(
        "SELECT count(*) FROM source_agreement WHERE compared > 0").fetchone()[0]
    table = re.search(r'<table id="agreement-table">.*?</table>', text, re.S).group(0)
    assert table.count("<tr>") == compared + 1  # a row per pair and field, and the head
    assert "ALERRT / FBI" in table and "ended before police" in table
    csv = published.dashboards / "data" / "source_agreement_table.csv"
    assert len(csv.read_text().splitlines()) == compared + 1
    caption = re.search(r'data-chart="source_agreement".*?<figcaption>(.*?)</figcaption>',
                        text, re.S).group(1)
    assert "linked to a record of another source" in caption
    assert "compared on a field only when both records know it" in caption


def test_changes_section_on_a_first_refresh(published: ProjectPaths) -> None:
    """Nothing revised, nothing stale: the page says so rather than showing empty tables.

    A new snapshot's changes and a stale source are in test_revisions and test_faults."""
    text = (published.dashboards / "sources.html").read_text(encoding="utf-8")
    assert 'id="changes"' in text
    assert 'id="stale-sources" data-stale="0"' in text
    assert 'id="revision-summary" data-revisions="0"' in text


def test_incident_table_ships_every_record_compactly(published: ProjectPaths, warehouse) -> None:
    text = (published.dashboards / "incidents.html").read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="incident-data">(.*?)</script>',
                     text, re.S).group(1)
    data = json.loads(blob.replace("<\\/", "</"))
    records = warehouse.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
    assert len(data["rows"]) == records
    assert all(len(r) == 9 and r[7].startswith("inc_") for r in data["rows"][:100])
    active = warehouse.execute("SELECT count(*) FROM incidents "
                               "WHERE fbi_active_shooter OR alerrt_active_attack").fetchone()[0]
    assert sum(r[8] for r in data["rows"]) == active
    assert (published.dashboards / "data" / "incidents.csv").is_file()


def _script_data(path: Path, name: str) -> dict:
    """The object a data script assigns to ``window.<name>``."""
    text = path.read_text(encoding="utf-8")
    prefix = f"window.{name} = "
    assert text.startswith(prefix) and text.rstrip().endswith(";"), text[:80]
    return json.loads(text[len(prefix):].rstrip().rstrip(";").replace("<\\/", "</"))


def _row_of(data: dict, date: str, state: str) -> int:
    return next(i for i, r in enumerate(data["rows"]) if r[0] == date and r[2] == state
                and r[3] is not None and r[3] >= 10)


def test_search_index_holds_every_linked_name(published: ProjectPaths) -> None:
    """The table's search reads each incident's names from every linked record: the
    names the sources give (Mother Jones "Columbine High School massacre", FBI "Robb
    Elementary School, Uvalde, TX"), which the table's Place column does not show."""
    site = published.dashboards
    text = (site / "incidents.html").read_text(encoding="utf-8")
    assert '<script src="data/incident_index.js"></script>' in text
    rows = json.loads(re.search(r'id="incident-data">(.*?)</script>', text, re.S)
                      .group(1).replace("<\\/", "</"))
    index = _script_data(site / "data" / "incident_index.js", "INCIDENT_INDEX")
    assert index["rows"] == len(rows["rows"]) == len(index["names"]) == len(index["words"])
    columbine = index["names"][_row_of(rows, "1999-04-20", "CO")].split("\n")
    assert "Columbine High School massacre" in columbine  # Mother Jones
    assert "Columbine High School" in columbine  # Stanford, WaPo, K-12 SSDB
    uvalde = index["names"][_row_of(rows, "2022-05-24", "TX")].split("\n")
    assert "Robb Elementary School, Uvalde, TX" in uvalde  # FBI
    newtown = _row_of(rows, "2012-12-14", "CT")
    assert "Sandy Hook Elementary massacre" in index["names"][newtown].split("\n")
    assert "Newtown" in index["places"][newtown].split("\n")
    # Compact: 0.26 MB with names only, ~0.8 MB once narratives are loaded (fields14).
    assert (site / "data" / "incident_index.js").stat().st_size < 1_500_000
    csv = (site / "data" / "incidents.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "search_" not in csv and "incident_id" in csv


def test_incident_page_and_its_data_files(published: ProjectPaths, warehouse) -> None:
    """One incident.html for every incident; its data in small files beside it."""
    site = published.dashboards
    page = site / "incident.html"
    assert page.is_file() and page.stat().st_size < 100_000
    refs = parse(page)
    assert [u for u in refs.loads if re.match(r"^(https?:)?//", u, re.I)] == []
    assert set(PAGES) <= set(refs.anchors)
    shards = sorted((site / "data" / "incident").glob("*.js"))
    assert 1 < len(shards) <= 256
    assert max(s.stat().st_size for s in shards) < 500_000
    shipped: dict[str, dict] = {}
    for shard in shards:
        found = _script_data(shard, "INCIDENT_SHARD")
        assert all(i.endswith(shard.stem) for i in found), shard.name
        shipped.update(found)
    ids = {r[0] for r in warehouse.execute("SELECT incident_id FROM incidents").fetchall()}
    assert set(shipped) == ids
    records = sum(len(i["records"]) for i in shipped.values())
    assert records == warehouse.execute("SELECT count(*) FROM incident_links").fetchone()[0]
    lookups = json.loads(re.search(r'id="incident-shards">(.*?)</script>',
                                   page.read_text(encoding="utf-8"), re.S).group(1))
    columns = lookups["columns"]
    # Newtown 2012: seven sources; ALERRT, K-12 SSDB and WaPo count 26 killed, the best
    # estimate (most sources) is 27, so discrepancies marks those three.
    newtown = next(i for i in shipped.values()
                   if i["incident_date"] == "2012-12-14" and i["state"] == "CT")
    sources = sorted(dict(zip(columns, r, strict=True))["source"] for r in newtown["records"])
    assert sources == ["alerrt", "ap_usat_nu", "fbi", "k12ssdb", "mother_jones",
                       "stanford_msa", "wapo"]
    killed = {(d[1], d[3], d[4]) for d in newtown["differences"] if d[0] == "killed"}
    assert killed == {("alerrt", "26", "27"), ("k12ssdb", "26", "27"), ("wapo", "26", "27")}


def test_incident_page_escapes_source_text(warehouse_copy) -> None:
    """A narrative or name holding markup cannot close the data's script element, and the
    template escapes what it writes; the page itself shows it as text (browser test)."""
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import incident

    warehouse_copy.execute("""
        UPDATE source_records SET narrative = '</script><script>alert(1)</script> & <b>x</b>',
               incident_name = '<img src=x onerror=alert(2)>'
        WHERE source = 'mother_jones' AND incident_name = 'Columbine High School massacre';
        UPDATE sources SET attribution = '<i>Mother</i> </script>' WHERE source = 'mother_jones'
    """)
    page = incident.page(DashboardData(warehouse_copy))
    html = "".join(p for p in page.body if isinstance(p, str))
    assert "</script><script>alert" not in html and "<i>Mother</i>" not in html
    assert "<\\/script>" in html  # the attribution, inside JSON
    shard = next(text for text in page.scripts.values() if "alert(1)" in text)
    assert "</script>" not in shard and "<\\/script><script>alert(1)<\\/script>" in shard
    assert '"<img src=x onerror=alert(2)>"' in shard  # data as is: the page uses textContent


def test_rebuild_converts_no_unchanged_figure(published: ProjectPaths) -> None:
    from pipelines.dashboards.build import build_site

    before = (published.dashboards / "index.html").read_bytes()
    report = build_site(published)
    assert report.figures_converted == []
    assert (published.dashboards / "index.html").read_bytes() == before
    assert set(report.pages) == {*PAGES, "incident.html"}


def test_site_build_sets_earlier_objects_aside_and_puts_them_back() -> None:
    """The site build's garbage collections skip the objects alive before it (in a refresh,
    every object of the earlier steps); afterwards those are collected as usual again."""
    import gc

    from pipelines.dashboards.build import earlier_objects_set_aside

    def walked(thing: object) -> bool:
        return any(seen is thing for seen in gc.get_objects())

    earlier = [object()]
    with earlier_objects_set_aside():
        made = [object()]
        assert not walked(earlier) and walked(made)
    assert walked(earlier) and gc.get_freeze_count() == 0


def test_site_build_leaves_objects_set_aside_before_it_aside() -> None:
    """``incidents refresh`` sets its imports aside for good before the steps run; the site
    build, which cannot put back only the objects it set aside, leaves them all aside."""
    import gc

    from pipelines.dashboards.build import earlier_objects_set_aside

    def walked(thing: object) -> bool:
        return any(seen is thing for seen in gc.get_objects())

    imported = [object()]
    gc.freeze()
    try:
        with earlier_objects_set_aside():
            made = [object()]
        assert not walked(imported) and walked(made)
    finally:
        gc.unfreeze()


def test_figure_svg_does_not_depend_on_what_its_worker_drew_before() -> None:
    """Vega numbers SVG gradients with one counter per JavaScript runtime; a figure's
    file is the same whichever charts the converting worker drew before it."""
    from pipelines.dashboards.figures import _convert

    spec = {"data": {"values": [{"x": 1, "c": 1}, {"x": 2, "c": 5}]}, "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"},
                         "color": {"field": "c", "type": "quantitative"}}}
    first, png = _convert(spec)
    again, png_again = _convert(spec)
    assert 'id="gradient_0"' in first and 'url(#gradient_0)' in first
    assert again == first and png_again == png


def test_figures_are_drawn_with_vl_convert_fonts_not_the_machines(tmp_path: Path) -> None:
    """The converters draw text with the Liberation Sans that vl-convert ships, as a
    process that can see no other font does, so a PNG does not depend on the fonts the
    machine has (and no glyph is read from disk again and again); the main process, and
    the browser it may start, keep the machine's fonts."""
    import os
    import pickle
    import subprocess
    import sys

    from pipelines.dashboards.figures import FONT_CONFIG, _convert, converter_pool

    spec = {"data": {"values": [{"k": "Washington Post — “stated”…", "v": 3}]},
            "mark": "bar", "encoding": {"y": {"field": "k"}, "x": {"field": "v",
                                                                  "title": "Records"}}}
    pool = converter_pool()
    try:
        drawn = pool.submit(_convert, spec).result()
    finally:
        pool.shutdown()
    (tmp_path / "none").mkdir()
    (tmp_path / "fonts.conf").write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'none'}</dir></fontconfig>")
    code = ("import pickle, sys; from pipelines.dashboards.figures import _convert; "
            f"sys.stdout.buffer.write(pickle.dumps(_convert({spec!r})))")
    alone = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           cwd=Path(__file__).resolve().parents[1],
                           env={**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")})
    assert pickle.loads(alone.stdout) == drawn
    assert os.environ.get("FONTCONFIG_FILE") != str(FONT_CONFIG)


def test_figures_are_redrawn_when_how_they_are_drawn_changes(monkeypatch) -> None:
    """A figure is kept only while its spec and the way specs are drawn (the drawing
    code, fonts, vl-convert) are unchanged, so a site never mixes two drawings."""
    from pipelines.dashboards import figures

    spec = {"data": {"values": [{"x": 1}]}, "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    kept = figures.spec_hash(spec)
    assert figures.spec_hash(json.loads(json.dumps(spec))) == kept
    monkeypatch.setattr(figures, "_drawing", lambda: b"drawn another way")
    assert figures.spec_hash(spec) != kept


# --- Before the attack ------------------------------------------------------------------

def _known(k: int, n: int) -> str:
    return f"({k:,} of {n:,} known)"


def _before_rows(published: ProjectPaths) -> dict[str, list[dict]]:
    """The rows each chart of before.html draws, by chart name."""
    return {key.replace("-", "_"): spec["datasets"]["rows"] for key, spec in
            chart_specs(published.dashboards / "before.html").items()}


def _caption_of(text: str, chart: str) -> str:
    return re.search(rf'data-chart="{chart}".*?<figcaption>(.*?)</figcaption>', text,
                     re.S).group(1)


def test_before_page_labels_every_bar_with_its_coverage(published: ProjectPaths,
                                                        warehouse) -> None:
    """Every row or legend label carries "(N of M known)" from the warehouse, and every
    caption says per source how many are known, in the unit counted."""
    from pipelines.dashboards.data import SHORT_NAMES

    rows = _before_rows(published)
    text = (published.dashboards / "before.html").read_text(encoding="utf-8")
    for chart, attribute in (("attacker_age", "age_band"), ("attacker_sex", "sex"),
                             ("attacker_race", "race"),
                             ("attacker_relationship", "relationship")):
        expected = {f"{SHORT_NAMES[s]} {_known(k, n)}" for s, k, n in warehouse.execute(
            "SELECT DISTINCT source, n_known, n FROM metric_attacker_profile "
            "WHERE attribute = ?", [attribute]).fetchall()}
        assert {r["row_label"] for r in rows[chart]} == expected, chart
        caption = _caption_of(text, chart)
        for label in expected:
            name, k, n = re.fullmatch(r"(.*) \(([\d,]+) of ([\d,]+) known\)", label).groups()
            assert f"{name} {k} of {n} attackers" in caption, (chart, label)
        assert "attackers whose" in caption and "records whose" not in caption
    # Race as WaPo publishes it: 154 of its 389 attackers, said in the bar's label.
    assert "Washington Post (154 of 389 known)" in {r["row_label"] for r in rows["attacker_race"]}
    signs = {(r["source"], r["category"]): r["row_label"] for r in rows["warning_signs"]}
    for source, sign, k, n in warehouse.execute(
            "SELECT source, sign, n_known, n FROM metric_warning_signs").fetchall():
        assert signs[(source, sign)] == f"{SHORT_NAMES[source]} {_known(k, n)}"
    weapons = {r["row_label"] for r in rows["weapons_obtained"]}
    assert weapons == {f"{SHORT_NAMES[s]} {_known(k, n)}" for s, k, n in warehouse.execute(
        "SELECT DISTINCT source, n_known, n FROM metric_weapons_obtained").fetchall()}
    ends = {r["row_label"] for r in rows["armed_security_end"]}
    k, n = warehouse.execute("SELECT n_known_end, n FROM metric_armed_security WHERE "
                             "source = 'wapo' AND armed_security_present").fetchone()
    assert f"Washington Post, armed security present {_known(k, n)}" in ends
    k, n = warehouse.execute("SELECT n_known_end, n FROM metric_armed_security WHERE "
                             "source = 'wapo' AND armed_security_present IS NULL").fetchone()
    assert f"Washington Post, not stated {_known(k, n)}" in ends
    assert k < n / 5  # few WaPo records tell how the attack ended: the label says so
    assert f"Washington Post, not stated {k} of {n} records" in _caption_of(
        text, "armed_security_end")


def test_before_page_speaks_plainly_and_names_no_attacker(published: ProjectPaths) -> None:
    """Captions in plain words (no table names, no "Wilson"), armed security said to be
    descriptive, not causal, and no name column in any of the page's data files."""
    site = published.dashboards
    text = (site / "before.html").read_text(encoding="utf-8")
    captions = " ".join(re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S))
    assert "metric_" not in captions and "<code>" not in captions
    assert "wilson" not in text.lower()
    for chart in ("armed_security_end", "armed_security_casualties"):
        assert "not causal" in _caption_of(text, chart)
    assert 'data-empty-chart="armed_security_police"' in text  # WaPo cannot tell it
    for chart in parse(site / "before.html").charts:
        header = (site / "data" / f"{chart}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert "name" not in header.replace("source_label", ""), (chart, header)


def test_before_page_without_the_prevention_tables(warehouse_copy) -> None:
    """A warehouse built before the prevention metrics existed: notes, not a failed build."""
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import before

    for table in ("metric_attacker_profile", "metric_warning_signs", "metric_weapons_obtained",
                  "metric_armed_security_end", "metric_armed_security"):
        warehouse_copy.execute(f"DROP TABLE {table}")
    page = before.page(DashboardData(warehouse_copy))
    assert page.charts == []
    notes = [p for p in page.body if isinstance(p, str) and "data-empty-chart" in p]
    assert len(notes) == 9  # one per chart


def test_before_page_draws_a_group_stated_absent(warehouse_copy) -> None:
    """A source stating armed security absent (FALSE) gets its own bar, labelled so."""
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import before

    warehouse_copy.execute("""
        INSERT INTO metric_armed_security_end VALUES
            ('wapo', FALSE, 'shot', 40, 10, 4, 0.4, 0.17, 0.69),
            ('wapo', FALSE, 'suicide', 40, 10, 6, 0.6, 0.31, 0.83)
    """)
    chart = before.armed_security_end(DashboardData(warehouse_copy))
    labels = chart.table["row_label"].unique().to_list()
    assert "Washington Post, stated absent (10 of 40 known)" in labels
    assert "not causal" in chart.caption_html


# --- branches the shipped data does not reach, on a copy of the warehouse ---------------

@pytest.fixture
def warehouse_copy(published: ProjectPaths, tmp_path: Path):
    """A writable copy of the published warehouse, to add tables the pipeline does not build."""
    target = tmp_path / "copy.duckdb"
    shutil.copy(published.warehouse, target)
    con = duckdb.connect(str(target))
    yield con
    con.close()


def test_shared_incidents_counts_each_combination(warehouse_copy) -> None:
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages.sources import shared_incidents
    from pipelines.dashboards.site import Chart

    warehouse_copy.execute("""
        CREATE OR REPLACE TABLE incident_links AS
        SELECT * FROM (VALUES
            (1, 'fbi', 'a'), (1, 'alerrt', 'b'), (1, 'gva', 'c'),
            (2, 'fbi', 'd'), (2, 'alerrt', 'e'),
            (3, 'fbi', 'f'), (3, 'alerrt', 'g'),
            (4, 'gva', 'h')
        ) AS t(incident_id, source, source_record_id)
    """)
    parts = shared_incidents(DashboardData(warehouse_copy))
    assert len(parts) == 1 and isinstance(parts[0], Chart)
    counts = {r["sources"]: r["incidents"] for r in parts[0].table.iter_rows(named=True)}
    assert counts == {"alerrt + fbi": 2, "alerrt + fbi + gva": 1, "gva": 1}
    assert "3 of 4 linked incidents" in parts[0].caption_html


def test_incidents_table_prefers_linked_incidents(warehouse_copy) -> None:
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages.incidents import table_rows

    warehouse_copy.execute("""
        CREATE OR REPLACE TABLE incidents AS
            SELECT 1 AS incident_id, DATE '2022-05-24' AS incident_date,
            'Robb Elementary School' AS incident_name, 'Uvalde' AS city, 'TX' AS state,
            21 AS killed, 17 AS injured, 'shot' AS end_method, 'died' AS attacker_fate,
            TRUE AS fbi_active_shooter, FALSE AS alerrt_active_attack;
        CREATE OR REPLACE TABLE incident_links AS
            SELECT * FROM (VALUES (1, 'fbi', 'x'), (1, 'gva', 'y'))
            AS t(incident_id, source, source_record_id);
    """)
    frame, origin = table_rows(DashboardData(warehouse_copy))
    assert frame.to_dicts() == [{"date": "2022-05-24", "place": "Uvalde", "state": "TX",
                                 "killed": 21, "injured": 17, "outcome": "shot; attacker died",
                                 "source": "fbi + gva", "incident_id": 1,
                                 "active_shooter": True, "search_names": None,
                                 "search_places": None, "search_words": None}]
    assert "linked" in origin


def test_incident_page_without_linked_records(warehouse_copy) -> None:
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import incident

    warehouse_copy.execute("DROP TABLE incident_links")
    page = incident.page(DashboardData(warehouse_copy))
    assert page.scripts == {} and "not linked" in page.intro_html


def test_durations_draw_a_chart_when_a_source_has_them(warehouse_copy) -> None:
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages import timing

    warehouse_copy.execute("""
        DELETE FROM metric_duration WHERE source = 'fbi';
        INSERT INTO metric_duration (source, bucket, bucket_order, n, n_known, count, share,
                                     ci_low, ci_high, median_min, q1_min, q3_min)
        VALUES ('fbi', '<= 2 min', 1, 532, 20, 5, 0.25, 0.11, 0.47, 4.0, 2.0, 9.0),
               ('fbi', '2-5 min', 2, 532, 20, 15, 0.75, 0.53, 0.89, 4.0, 2.0, 9.0),
               ('fbi', 'unknown', 6, 532, 20, 512, NULL, NULL, NULL, 4.0, 2.0, 9.0);
    """)
    page = timing.page(DashboardData(warehouse_copy))
    names = [c.name for c in page.charts]
    assert "duration" in names and "duration" not in page.files
    chart = page.charts[names.index("duration")]
    assert chart.table.height == 2
    assert "median 4.0 min" in chart.caption_html
    html = "".join(p for p in page.body if isinstance(p, str))
    assert "Durations are known for 20 of" in html and "data-empty-chart" not in html


def test_agreement_table_escapes_source_text(warehouse_copy) -> None:
    """City names come from the sources: a hostile one is shown as text, not markup."""
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages.sources import agreement

    warehouse_copy.execute(
        "UPDATE source_agreement SET typical_difference = '<script>alert(1)</script> vs "
        "Austin (2 pairs)' WHERE source_a = 'alerrt' AND source_b = 'fbi' "
        "AND field = 'location_type'")
    parts, files = agreement(DashboardData(warehouse_copy))
    table = next(p for p in parts if isinstance(p, str) and "agreement-table" in p)
    assert "<script>alert" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt; vs Austin (2 pairs)" in table
    assert "source_agreement_table" in files


def test_agreement_section_without_the_table(warehouse_copy) -> None:
    from pipelines.dashboards.data import DashboardData
    from pipelines.dashboards.pages.sources import agreement

    warehouse_copy.execute("DROP TABLE source_agreement")
    parts, files = agreement(DashboardData(warehouse_copy))
    assert files == {} and 'id="agreement-status"' in parts[0]


def test_tables_scroll_in_their_own_box() -> None:
    """Every table of a page goes in a focusable, named box that scrolls sideways (so a
    wide table never widens the page on a phone), once; text in scripts is not touched."""
    from pipelines.dashboards.site import scrolling_tables

    page = ('<p>Intro</p><table id="definitions-table"><tr><td>1</td></tr></table>'
            '<table><caption>Who <i>stopped</i> it &amp; how</caption></table>'
            '<div class="table-wrap" tabindex="0">\n<table id="kept"></table></div>'
            '<script>const s = "<table>";</script>')
    out = scrolling_tables(page)
    assert out.count('class="table-wrap"') == 3
    assert ('<div class="table-wrap" tabindex="0" role="region" aria-label="Definitions '
            'table"><table id="definitions-table">') in out
    assert 'aria-label="Who stopped it &amp; how"><table><caption>' in out
    assert '<script>const s = "<table>";</script>' in out
    assert scrolling_tables(out) == out  # already wrapped: left alone


# --- for policy readers: what each number counts, in plain words ------------------------

class Text(HTMLParser):
    """The words a reader sees on a page: no scripts or styles, no download links."""

    SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "meta", "link", "img", "input", "hr"}:
            return
        hidden = tag in self.SKIP or ("class", "downloads") in attrs
        self.stack.append((tag, hidden or any(h for _, h in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.words.append(data)


def visible_text(page: Path) -> str:
    reader = Text()
    reader.feed(page.read_text(encoding="utf-8"))
    return " ".join(reader.words)


# Warehouse words a policy reader should never meet outside "How to read these figures".
FORBIDDEN = ("metric_", ".sql", "Wilson", "source_records", "data/curated", "incident_links",
             "source_agreement", "source_revisions", "README", "data/raw")


def _spec_texts(spec: object) -> list[str]:
    """Every title, subtitle and axis or legend title in a chart spec (what it draws as text)."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "subtitle", "text") and isinstance(value, str):
                found.append(value)
            elif key != "datasets":
                found += _spec_texts(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _spec_texts(value)
    return found


@pytest.mark.parametrize("name", [p for p in PAGES if p != "methods.html"] + ["incident.html"])
def test_page_speaks_plain_words(published: ProjectPaths, name: str) -> None:
    text = visible_text(published.dashboards / name)
    assert "<code>" not in (published.dashboards / name).read_text(encoding="utf-8")
    for word in FORBIDDEN:
        assert word not in text, f"{name} says {word!r}"
    for chart, spec in chart_specs(published.dashboards / name).items():
        for said in _spec_texts(spec):
            assert not any(w in said for w in FORBIDDEN), (name, chart, said)


def test_methods_page_explains_and_is_reached_from_every_page(published: ProjectPaths) -> None:
    for name in PAGES:
        footer = re.search(r"<footer>(.*?)</footer>",
                           (published.dashboards / name).read_text(encoding="utf-8"), re.S)
        assert 'href="methods.html"' in footer.group(1), name
    text = visible_text(published.dashboards / "methods.html")
    for words in ("95% range", "known", "Linked incidents", "describe, they do not explain",
                  "metric_summary", "data/curated/incidents.duckdb"):
        assert words in text, words
    assert text.count("Active shooter incident (FBI)") == 1


def _tiles(published: ProjectPaths) -> list[dict]:
    """Each headline tile: its source, group, definition and coverage lines, in page order."""
    text = (published.dashboards / "index.html").read_text(encoding="utf-8")
    tiles = re.findall(r'<section class="tile" data-source="([^"]+)" data-group="([^"]+)">'
                       r'(.*?)</section>', text, re.S)
    return [{"source": s, "group": g,
             "definition": re.search(r'<p class="def" data-definition>(.*?)</p>', body).group(1),
             "coverage": re.search(r'<p class="coverage">(.*?)</p>', body).group(1),
             "figures": re.findall(r'data-figure="([^"]+)" data-source="([^"]+)"', body)}
            for s, g, body in tiles]


def test_headline_tiles_lead_with_active_shooter_lists(published: ProjectPaths,
                                                       warehouse) -> None:
    """The first tiles are the FBI's and ALERRT's lists and the linked incidents on either;
    every tile states its own definition and coverage; no tile mixes definitions."""
    import html as html_lib

    tiles = _tiles(published)
    definitions = dict(warehouse.execute("SELECT source, definition FROM sources").fetchall())
    assert [t["source"] for t in tiles[:3]] == ["fbi", "alerrt", "linked_active"]
    assert {t["group"] for t in tiles[:3]} == {"active"}
    assert all(t["group"] == "related" for t in tiles[3:])
    assert "linked" not in {t["source"] for t in tiles}  # all lists together: mixed definitions
    for tile in tiles:
        assert tile["definition"].strip(), tile["source"]
        if tile["source"] in definitions:
            assert html_lib.unescape(tile["definition"]) == definitions[tile["source"]]
        assert tile["coverage"].startswith("Coverage: rests on "), tile
        # Every number in a tile is that tile's list's own.
        assert {s for _, s in tile["figures"]} == {tile["source"]}, tile
    active = warehouse.execute(
        "SELECT count(*), count(*) FILTER (WHERE fbi_active_shooter AND alerrt_active_attack) "
        "FROM incidents WHERE fbi_active_shooter OR alerrt_active_attack").fetchone()
    text = (published.dashboards / "index.html").read_text(encoding="utf-8")
    assert f'data-figure="incidents" data-source="linked_active" data-value="{float(active[0])!r}"'\
        in text
    assert f'data-figure="on_both_lists" data-source="linked_active" ' \
        f'data-value="{float(active[1])!r}"' in text
    assert "FBI lists as an active shooter incident or ALERRT lists as an active attack" in \
        tiles[2]["definition"]
    linked = warehouse.execute("SELECT count(*) FROM incidents").fetchone()[0]
    assert f"holds {linked:,} distinct incidents. That total mixes definitions" in text


def test_category_labels_cover_the_contract_vocabulary() -> None:
    from pipelines.dashboards.captions import category_labels, plain_label
    from pipelines.normalize.contract import (
        ATTACKER_FATES,
        END_METHODS,
        LOCATION_TYPES,
        STOPPED_BY,
    )

    labels = category_labels()
    for field, vocabulary in (("stopped_by", STOPPED_BY), ("end_method", END_METHODS),
                              ("attacker_fate", ATTACKER_FATES),
                              ("location_type", LOCATION_TYPES)):
        assert {c for f, c in labels if f == field} == set(vocabulary), field
    assert plain_label("stopped_by", "none") == "nobody \u2014 the attacker fled"
    assert plain_label("stopped_by", "off_duty_police") == "an off-duty officer"


def test_endings_read_plain_labels_along_the_chain(published: ProjectPaths, warehouse) -> None:
    page = published.dashboards / "endings.html"
    spec = chart_specs(page)["stopped-by"]
    labels = {r["category"]: r["category_label"] for r in spec["datasets"]["rows"]}
    assert labels["none"] == "nobody \u2014 the attacker fled"
    assert "none" not in labels.values()
    text = page.read_text(encoding="utf-8")
    steps = [text.index(f'id="chain-step-{i}"') for i in (1, 2, 3)]
    assert steps == sorted(steps)
    # Officers killed and injured: exactly the lists that count them apart from victims.
    step3 = re.search(r'<table id="chain-step-3".*?</table>', text, re.S).group(0)
    counted = warehouse.execute(
        "SELECT source, sum(officers_killed), sum(n_known), sum(n) "
        "FROM metric_law_enforcement_casualties GROUP BY source ORDER BY source").fetchall()
    assert counted and set(re.findall(r'data-figure="officers_killed" data-source="(\w+)"',
                                      step3)) == {s for s, *_ in counted}
    for source, killed, known, n in counted:
        assert re.search(rf'data-figure="officers_killed" data-source="{source}" '
                         rf'data-n-known="{known}" data-n="{n}">.*?<td class="num">'
                         rf"{int(killed):,}</td>", step3), source
    step1 = re.search(r'<table id="chain-step-1".*?</table>', text, re.S).group(0)
    assert 'data-figure="stopped_by_civilians" data-source="fbi"' in step1
    assert 'data-figure="ended_before_police" data-source="fbi"' in step1


def test_where_caption_names_the_one_source_on_the_map(published: ProjectPaths,
                                                       warehouse) -> None:
    text = (published.dashboards / "where.html").read_text(encoding="utf-8")
    caption = re.search(r'data-chart="state_map".*?<figcaption>(.*?)</figcaption>',
                        text, re.S).group(1)
    fbi = warehouse.execute("SELECT records FROM sources WHERE source = 'fbi'").fetchone()[0]
    every = warehouse.execute("SELECT count(*) FROM source_records").fetchone()[0]
    assert f"It opens on FBI: {fbi:,} records" in caption
    assert f"{every:,}" not in caption  # no total across lists above a one-list map


def test_a_list_with_no_records_says_what_is_missing_and_why(published: ProjectPaths) -> None:
    """The user-supplied Violence Project file is not shipped: one sentence says so."""
    text = visible_text(published.dashboards / "index.html")
    assert "Registered but not loaded" not in text
    assert ("Not in any figure: Mass Shooter Database (user-supplied), which holds no records "
            "here (not redistributable: obtained by request from The Violence Project") in text
