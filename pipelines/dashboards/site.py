"""Static, offline pages: Vega JavaScript shipped once in ``dashboards/assets/``.

Pages load the shared bundle with a relative ``<script src>``, which browsers
allow from ``file://``, so a page opened from a shared drive or an email
attachment draws its charts with no network. Chart specs are inlined in the
page; every chart's data is also written as CSV next to it.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
           "#F0E442", "#000000", "#999999")

SITE_TITLE = "US active-shooter incidents"

# (file, navigation label): the order of the navigation bar.
NAV = (
    ("index.html", "Overview"),
    ("before.html", "Before the attack"),
    ("endings.html", "How attacks end"),
    ("time.html", "Time"),
    ("where.html", "Where"),
    ("sources.html", "Sources"),
    ("incidents.html", "Incidents"),
    ("methods.html", "How to read these figures"),
    ("key-figures.html", "Key figures (print)"),
)


def bundle_cache() -> Path:
    """Where built Vega bundles are kept between sites: ``$XDG_CACHE_HOME`` (or
    ``~/.cache``) ``/incidents-warehouse``. A bundle depends only on the installed
    vl-convert, so like pip's cache it outlives any one project folder."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "incidents-warehouse"


def vega_bundle(site: Path) -> str:
    """Relative path of the shared Vega/Vega-Lite/Vega-Embed bundle, written once per version.

    Building the bundle costs vl-convert three to four seconds, so it is built
    once per library version into :func:`bundle_cache` and copied into the site.
    """
    import shutil

    import vl_convert as vlc

    version = getattr(vlc, "__version__", "unknown")
    name = f"vega-{vlc.get_vega_version()}-embed-{vlc.get_vega_embed_version()}.js"
    target = site / "assets" / name
    if not target.is_file():
        cached = bundle_cache() / f"vl-convert-{version}-{name}"
        try:
            if not cached.is_file():
                write_atomic(cached, vlc.javascript_bundle())
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            shutil.copyfile(cached, tmp)
            os.replace(tmp, target)
        except OSError:  # an unwritable cache folder: build straight into the site
            write_atomic(target, vlc.javascript_bundle())
    return f"assets/{name}"


def write_atomic(target: Path, content: str | bytes) -> None:
    """Write a file through a temporary name, so a reader never sees half a page."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, target)


@dataclass
class Chart:
    """A chart with its caption and the rows it draws.

    ``name`` names every file of the chart: ``sql/dashboards/<name>.sql`` (the
    query behind it, by convention), ``data/<name>.csv`` and
    ``figures/<name>.png|svg``; the page element is ``<name>`` with dashes.
    """

    name: str
    spec: dict[str, Any]
    caption_html: str
    table: Any  # polars.DataFrame: what the chart draws, written as CSV
    # The chart's text alternative: one or two sentences stating its main figure,
    # computed from ``table`` by the page. It becomes the spec's ``description`` (the
    # drawn chart's accessible name, also in the SVG file's metadata).
    alt: str = ""
    # A layout for containers narrower than ``narrow_below`` pixels (e.g. side-by-side
    # panels, which cannot take a container's width, stacked): a spec drawn with this
    # chart's rows instead of its own (kept in ``usermeta.narrow``; files use ``spec``).
    narrow: dict[str, Any] | None = None
    narrow_below: int = 0

    def __post_init__(self) -> None:
        if self.alt:
            self.spec["description"] = self.alt
        if self.narrow is not None:
            narrow = {k: v for k, v in self.narrow.items() if k != "datasets"}
            self.spec.setdefault("usermeta", {})["narrow"] = {
                "below": self.narrow_below, "spec": narrow}

    @property
    def element_id(self) -> str:
        return self.name.replace("_", "-")


@dataclass
class Page:
    """One page: an introduction, then HTML fragments and charts in order."""

    filename: str
    title: str
    intro_html: str
    body: list[str | Chart] = field(default_factory=list)
    extra_head: str = ""
    # More CSVs to write to data/<name>.csv, e.g. the rows behind a note or a table.
    files: dict[str, Any] = field(default_factory=dict)
    # Data the page loads with <script src> (file:// allows it, unlike fetch()): path
    # under the site, e.g. "data/incident_index.js" -> the script's text.
    scripts: dict[str, str] = field(default_factory=dict)

    @property
    def charts(self) -> list[Chart]:
        return [part for part in self.body if isinstance(part, Chart)]


STYLE = """
 :root { --ink: #222; --muted: #555; --rule: #ddd; --accent: #0072B2; }
 body { font-family: system-ui, sans-serif; margin: 0; color: var(--ink); line-height: 1.45; }
 main { overflow-wrap: break-word; }
 header.site { background: #f4f6f8; border-bottom: 1px solid var(--rule); }
 header.site div, main { max-width: 1100px; margin: 0 auto; padding: 0 1rem; }
 header.site .name { font-weight: 600; padding-top: .6rem; display: block; color: var(--ink);
   text-decoration: none; }
 nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: .3rem 0 0;
   padding: 0 0 .6rem; }
 nav a { color: var(--accent); text-decoration: none; }
 nav a[aria-current="page"] { color: var(--ink); font-weight: 600;
   border-bottom: 2px solid var(--accent); }
 h1 { margin: 1.2rem 0 .4rem; } h2 { margin-top: 2.2rem; }
 figure { margin: 1.5rem 0 2.2rem; }
 .chart { max-width: 100%; overflow-x: auto; }
 .chart.vega-embed { display: block; }
 .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
   clip: rect(0 0 0 0); white-space: nowrap; }
 .table-wrap { overflow-x: auto; max-width: 100%; }
 select, label { max-width: 100%; }
 .table-wrap:focus-visible { outline: 2px solid var(--accent); }
 a:focus-visible, button:focus-visible, summary:focus-visible, select:focus-visible,
 input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
 figcaption { font-size: .88rem; color: #333; max-width: 62rem; }
 figcaption p { margin: .35rem 0; }
 figcaption details summary { cursor: pointer; color: var(--muted); }
 figcaption ul { margin: .3rem 0; padding-left: 1.2rem; }
 .downloads a { margin-right: .6rem; }
 .note { border-left: 4px solid #E69F00; background: #fff8eb; padding: .6rem .9rem;
   max-width: 62rem; }
 table { border-collapse: collapse; font-size: .85rem; }
 td, th { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
   vertical-align: top; }
 td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
 .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
   gap: .8rem; margin: 1rem 0; }
 .tile { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; }
 .tile h3 { font-size: .95rem; margin: 0 0 .1rem; }
 .tile .def { font-size: .75rem; color: var(--muted); margin: 0 0 .4rem; }
 .tile .big { font-size: 1.7rem; font-weight: 600; line-height: 1.1; margin-bottom: .3rem; }
 .tile .big small { font-size: .8rem; font-weight: normal; color: var(--muted); }
 .tile .fig { font-size: .88rem; margin: .25rem 0; }
 .tile .fig .label { color: var(--muted); }
 .tile .fig .value { font-weight: 600; }
 .tile .note-line { display: block; font-size: .75rem; color: var(--muted); }
 .tile .asof { font-size: .75rem; color: var(--muted); margin-top: .4rem; }
 .tile .coverage, .tile .kind { font-size: .75rem; color: var(--muted); margin: .3rem 0 0; }
 .pages { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
 .pages dt { font-weight: 600; } .pages dd { margin: 0; color: #333; }
 footer { color: var(--muted); font-size: .8rem; margin: 3rem 0 2rem; }
 @media (max-width: 600px) {
   h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; }
   .pages { grid-template-columns: 1fr; } .pages dd { margin-bottom: .5rem; }
 }
 @page { margin: 12mm; }
 @media print {
   body { font-size: 10pt; line-height: 1.35; }
   header.site { background: none; border: 0; }
   nav, .downloads, .vega-embed > details, .vega-actions, input, button, select,
     [role="search"], .search, .no-print { display: none !important; }
   main, header.site div { max-width: none; padding: 0; }
   h1 { margin-top: .3rem; } h2 { margin-top: 1.2rem; break-after: avoid; }
   /* A chart is never cut; its caption (definitions, long) may run on to the next page. */
   .chart, .tile, .note, tr { break-inside: avoid; }
   figure { margin: .8rem 0 1.2rem; }
   .chart { overflow: visible; }
   .chart svg, .chart canvas, .vega-embed { max-width: 100% !important; height: auto !important; }
   a { color: inherit; }
   /* Paper cannot be clicked open: print what folded details hold (definitions). */
   figcaption details::details-content { content-visibility: visible; display: contents; }
   figcaption details > summary { list-style: none; font-weight: 600; }
   a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; color: #444;
     word-break: break-all; }
 }
"""

EMBED = """<script>
// Each chart is drawn as wide as its container (Vega-Lite's width "container"). On a
// narrow screen a chart with its own narrow layout (usermeta.narrow: side-by-side
// panels stacked) draws that, and every chart gets titles wrapped, legends in as many
// columns as fit and axis labels that leave room for the data.
// The drawing is one image for assistive technology, named by the chart's text
// alternative (the spec's description); the caption and the CSV hold the rest.
const specs = JSON.parse(document.getElementById('chart-specs').textContent);
const OPTIONS = {renderer: 'svg', actions: {export: true, source: false, compiled: false,
                 editor: false}};
const NARROW = 640;  // pixels of container below which a chart is fitted to a phone
function wrap(text, chars) {
  if (typeof text !== 'string' || text.length <= chars) return text;
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last && (last + ' ' + word).length > chars) lines.push(word);
    else lines[lines.length - 1] = last ? last + ' ' + word : word;
  }
  return lines;
}
function fitted(spec, width) {
  const out = {...spec};
  const title = typeof spec.title === 'string' ? {text: spec.title} : spec.title;
  if (title) {
    out.title = {...title, text: wrap(title.text, Math.floor(width / 8.5))};
    if (title.subtitle) out.title.subtitle = wrap(title.subtitle, Math.floor(width / 6.4));
  }
  // Legends start under the plot, right of the axis labels: one column is what fits.
  const columns = Math.max(1, Math.floor(width / 300));
  const walk = node => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasets' || key === 'data') copy[key] = value;
      else if (key === 'legend' && value && typeof value === 'object') {
        copy[key] = {...value, columns: Math.min(value.columns || columns, columns),
                     labelLimit: Math.floor(width / columns / 2)};
      } else if (key === 'labelLimit' && value > width * 0.45) copy[key] = width * 0.45;
      else if (key === 'title' && typeof value === 'string') {
        copy[key] = wrap(value, Math.floor(width / 10));  // axis, legend, panel titles
      }
      else copy[key] = walk(value);
    }
    return copy;
  };
  for (const key of ['layer', 'encoding', 'hconcat', 'vconcat', 'concat', 'spec', 'facet']) {
    if (out[key]) out[key] = walk(out[key]);
  }
  const config = spec.config || {};
  // Labels that would overlap on a narrow axis are thinned (e.g. every fifth year).
  out.config = walk({...config, legend: {...(config.legend || {}), columns},
                     axis: {...(config.axis || {}), labelOverlap: 'greedy'}});
  return out;
}
function labelled(el, spec) {
  const svg = el.querySelector('svg.marks');
  if (svg && spec.description) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', spec.description);
    svg.removeAttribute('aria-roledescription');
    // Vega's own roles on each mark (unnamed when a layer is empty) stay out of the way.
    for (const part of svg.children) part.setAttribute('aria-hidden', 'true');
  }
  const menu = el.querySelector('details > summary');
  if (menu) menu.setAttribute('aria-label', 'Save this chart as an image');
}
async function draw(id, spec) {
  const el = document.getElementById(id);
  const width = el.clientWidth;
  const narrow = spec.usermeta && spec.usermeta.narrow;
  const narrowed = () => {
    el.dataset.layout = 'narrow';
    const shown = {...narrow.spec, datasets: spec.datasets, description: spec.description};
    return width < NARROW ? fitted(shown, width - 40) : shown;
  };
  let shown = width < NARROW ? fitted(spec, width - 40) : spec;
  if (narrow && width < narrow.below) shown = narrowed();
  let result = await vegaEmbed(el, shown, OPTIONS);
  const svg = el.querySelector('svg.marks');
  if (narrow && el.dataset.layout !== 'narrow' && svg
      && svg.getBoundingClientRect().width > width) {  // longer labels than planned for
    result.finalize();
    result = await vegaEmbed(el, narrowed(), OPTIONS);
  }
  labelled(el, spec);
  el.dataset.rendered = 'true';
}
for (const [id, spec] of Object.entries(specs)) {
  draw(id, spec).catch(err => {
    const el = document.getElementById(id);
    el.textContent = 'Chart failed to draw: ' + err;
    console.error('chart ' + id + ' failed to draw', err);
  });
}
</script>"""


def _json_for_script(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` can close it early)."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def figure_html(chart: Chart) -> str:
    """A chart container, its caption and links to its data and figure files."""
    name = html.escape(chart.name)
    links = (
        f'<p class="downloads">Data: <a href="data/{name}.csv">CSV</a> '
        f'Figure: <a href="figures/{name}.png">PNG</a> '
        f'<a href="figures/{name}.svg">SVG</a></p>'
    )
    return (
        f'<figure><div id="{chart.element_id}" class="chart" data-chart="{name}"></div>'
        f"<figcaption>{chart.caption_html}{links}</figcaption></figure>"
    )


SCRIPT_ELEMENT = re.compile(r"(<script\b.*?</script>)", re.S)
TABLE_ELEMENT = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
SCROLL_BOX_OPENED = re.compile(r'<div class="(?:table-wrap|record-scroll)"[^>]*>\s*$')


def scrolling_tables(markup: str) -> str:
    """Every table in a box that scrolls sideways by itself (``.table-wrap``), so a wide
    table never makes the page scroll sideways on a phone. The box can take keyboard
    focus (to scroll it with arrow keys) and is a named region, as WCAG 2.1 asks of a
    scrolling area; tables already in such a box are left alone, script text is not read.
    """
    pieces = SCRIPT_ELEMENT.split(markup)
    for i in range(0, len(pieces), 2):  # the even pieces are outside <script> elements
        text, out, last = pieces[i], [], 0
        for match in TABLE_ELEMENT.finditer(text):
            table = match.group(0)
            out.append(text[last:match.start()])
            if SCROLL_BOX_OPENED.search(text[max(0, match.start() - 300):match.start()]):
                out.append(table)
            else:
                out.append(f'<div class="table-wrap" tabindex="0" role="region" '
                           f'aria-label="{html.escape(_table_name(table))}">{table}</div>')
            last = match.end()
        pieces[i] = "".join(out) + text[last:]
    return "".join(pieces)


def _table_name(table: str) -> str:
    """A table's caption as plain text, else its id in words."""
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
    if caption:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", caption.group(1))).split())
    ident = re.search(r'\bid="([^"]+)"', table[:300])
    return ident.group(1).replace("-", " ").capitalize() if ident else "Table"


def nav_html(current: str) -> str:
    """The navigation bar, with the current page marked for screen readers and the eye."""
    current_mark = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{href}"{current_mark if href == current else ""}>'
        f"{html.escape(label)}</a></li>"
        for href, label in NAV
    )
    return f'<nav aria-label="Dashboards"><ul>{items}</ul></nav>'


def render_page(page: Page, bundle: str, footer_html: str = "") -> str:
    """The page's HTML; the Vega bundle is only referenced where a chart needs it."""
    parts = [figure_html(p) if isinstance(p, Chart) else p for p in page.body]
    charts = page.charts
    scripts = ""
    if charts:
        specs = {c.element_id: c.spec for c in charts}
        scripts = (
            f'<script src="{html.escape(bundle)}"></script>\n'
            f'<script type="application/json" id="chart-specs">{_json_for_script(specs)}'
            f"</script>\n{EMBED}"
        )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(page.title)} | {SITE_TITLE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style>
{page.extra_head}
</head>
<body>
<header class="site"><div><a class="name" href="index.html">{SITE_TITLE}</a>
{nav_html(page.filename)}</div></header>
<main>
<h1>{html.escape(page.title)}</h1>
{scrolling_tables(page.intro_html)}
{scrolling_tables("".join(parts))}
<footer>{footer_html}</footer>
</main>
{scripts}
</body>
</html>
"""


def write_page(site: Path, page: Page, footer_html: str = "") -> Path:
    """Write one page next to the shared Vega bundle; returns its path."""
    bundle = vega_bundle(site) if page.charts else ""
    target = site / page.filename
    write_atomic(target, render_page(page, bundle, footer_html))
    return target
