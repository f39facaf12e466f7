"""The incident page: one HTML file showing any incident, every source's record side by side.

``incident.html?id=<incident_id>`` loads ``data/incident/<last two characters of the
id>.js`` with a ``<script src>`` (browsers allow that from file://, unlike fetch() of
JSON) and builds the page from it with ``textContent``, so text from the sources is
never read as markup. The shell is a Jinja2 template with autoescaping; the data is
JSON made safe for a ``<script>`` element. The page's title is the incident's place
and date, never a name a source gives it (some name people).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.dashboards.site import Page, _json_for_script

if TYPE_CHECKING:
    from pipelines.dashboards.data import DashboardData

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FOLDER = "data/incident"  # the data files, one per shard
SHARD_CHARS = 2  # incident ids end in hex digits: 256 files of ~35 incidents each

STYLE = """<style>
 .record-scroll { overflow-x: auto; max-width: 100%; }
 #record-table { margin: .5rem 0 1rem; }
 #record-table th[scope=row] { white-space: nowrap; background: #f4f6f8; }
 #record-table td { min-width: 9rem; }
 #record-table td.best { background: #f7f8fa; font-weight: 600; min-width: 6rem; }
 #record-table small { color: var(--muted); }
 #record-table small.disputed { color: #8a4b00; font-weight: 600; }
 #record-table tr[data-disputed] th[scope=row] { border-left: 4px solid #E69F00; }
 mark.differs, .legend mark { background: #fde2c4; color: var(--ink); font-weight: 600;
   padding: 0 .2rem; border: 1px dashed #D55E00; }
 section.narrative { border-top: 1px solid var(--rule); margin-top: 1rem; }
 section.narrative blockquote { white-space: pre-wrap; margin: .4rem 0 .4rem 1rem;
   padding-left: .8rem; border-left: 3px solid var(--rule); max-width: 62rem; }
 section.narrative .meta, section.narrative .credit { font-size: .85rem; color: var(--muted);
   max-width: 62rem; }
 .record-scroll:focus { outline: 2px solid var(--accent); }
</style>"""


def shard_of(incident_id: str) -> str:
    """The data file an incident is in: the id's last characters, as the page computes it."""
    tail = incident_id[-SHARD_CHARS:].lower()
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in tail)


def shards(data: DashboardData) -> tuple[dict[str, str], dict[str, Any]]:
    """``data/incident/<shard>.js`` -> its script, and the lookups the page ships once.

    Each incident carries its best values, the records that differ from them (from
    ``discrepancies``) and every linked record. Records are arrays in the order of
    ``columns`` and their file URL an index into ``urls``, which keeps the ~16,000
    records near a quarter of their size as named objects.
    """
    import polars as pl

    incidents = data.query("incident_page_incidents")
    records = data.query("incident_page_records")
    urls = sorted(u for u in records["source_url"].unique().to_list() if u is not None)
    records = records.with_columns(pl.col("source_url").replace_strict(
        {u: i for i, u in enumerate(urls)}, default=None, return_dtype=pl.Int32))
    columns = [c for c in records.columns if c != "incident_id"]
    linked: dict[str, list] = {}
    for record in records.iter_rows():  # serializing: a record as an array
        linked.setdefault(record[0], []).append(record[1:])
    files: dict[str, dict[str, Any]] = {}
    for row in incidents.iter_rows(named=True):  # serializing, one dict per incident
        row["records"] = linked.get(row["incident_id"], [])
        row["differences"] = [[d["field"], d["source"], d["record"], d["value"], d["best"]]
                              for d in row["differences"] or [] if d["differs"]]
        files.setdefault(shard_of(row["incident_id"]), {})[row["incident_id"]] = row
    scripts = {
        f"{FOLDER}/{name}.js":
            f"window.INCIDENT_SHARD = {_json_for_script(content)};\n"
        for name, content in sorted(files.items())
    }
    return scripts, {"folder": FOLDER, "chars": SHARD_CHARS, "columns": columns, "urls": urls}


def source_registry(data: DashboardData) -> dict[str, dict[str, str | None]]:
    """Name, attribution, licence and homepage of every source, for the credits."""
    rows = data.con.sql(
        "SELECT source, title, attribution, licence, homepage FROM sources").pl()
    return {r["source"]: {**r, "label": data.label(r["source"])}
            for r in rows.iter_rows(named=True)}


def page(data: DashboardData) -> Page:
    """``incident.html``, or a page saying why there is none when records are not linked."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    linked = data.has_table("incidents") and data.has_table("incident_links")
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True))
    if not linked:
        intro = ("<p>Records are not linked into incidents in this warehouse, so there is "
                 'no incident page; every record is in the <a href="incidents.html">'
                 "Incidents</a> table.</p>")
        return Page("incident.html", "Incident", intro, [])
    scripts, lookups = shards(data)
    body = env.get_template("incident.html.j2").render(
        sources_json=Markup(_json_for_script(source_registry(data))),
        shards_json=Markup(_json_for_script(lookups)),
        script=Markup((TEMPLATES / "incident.js").read_text(encoding="utf-8")),
    )
    return Page("incident.html", "Incident", "", [body], extra_head=STYLE, scripts=scripts)
