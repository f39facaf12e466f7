"""Sources: which list covers which years under which definition, what they share,
and what the last refresh changed.

The shared-incidents section counts linked incidents per combination of sources
(a placeholder note when a warehouse has no ``incident_links``).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from pipelines.dashboards import changes, time_marks
from pipelines.dashboards.captions import (
    EN_DASH,
    caption,
    category_labels,
    coverage_by_source,
    fmt_int,
    fmt_share,
    plain_label,
)
from pipelines.dashboards.charts import FULL_WIDTH, finish, shapes_like, values
from pipelines.dashboards.site import PALETTE, Chart, Page
from pipelines.dashboards.time_marks import mark_years, notes_html, ordinal_marks, with_end_labels

if TYPE_CHECKING:
    from pipelines.dashboards.data import DashboardData

TABLE_STYLE = """<style>
 #source-table { font-size: .8rem; }
 #source-table td.src { min-width: 9rem; }
 #source-table td.defn { min-width: 16rem; }
 #source-table td.rights { min-width: 14rem; }
 #source-table td.dates { min-width: 6rem; }
 .table-wrap { overflow-x: auto; }
</style>"""

# Combinations drawn in the shared-incidents chart; the CSV has them all.
TOP_COMBINATIONS = 25


def records_by_year(data: DashboardData) -> Chart:
    """Heatmap of records per source per year: the years each source covers."""
    import altair as alt
    import polars as pl

    frame = with_end_labels(mark_years(data, data.with_labels(data.query("records_by_year"))))
    rows = [s.label for s in data.loaded if s.label in set(frame["source_label"].to_list())]
    first, last = int(frame["year"].min()), int(frame["year"].max())
    step = max(6, min(16, (FULL_WIDTH - 140) // (last - first + 1)))
    year = alt.X("year:O", title="Year", scale=alt.Scale(domain=list(range(first, last + 1))),
                 axis=alt.Axis(labelExpr="datum.value % 5 == 0 ? datum.value : ''",
                               labelAngle=0, ticks=False))
    source = alt.Y("source_label:N", title=None, sort=rows)
    cells = alt.Chart(values()).mark_rect().encode(
        x=year,
        y=source,
        color=alt.Color("records:Q", title="Records in the year",
                        scale=alt.Scale(type="log", range=["#dbe9f4", PALETTE[0]]),
                        legend=alt.Legend(orient="bottom", gradientLength=220)),
        tooltip=[
            alt.Tooltip("source_label:N", title="Source"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("records:Q", title="Records", format=","),
            alt.Tooltip("first_date:N", title="First incident"),
            alt.Tooltip("last_date:N", title="Last incident (as of)"),
        ],
    )
    subtitle = ("Which years each list covers, and how many records it holds for each "
                "(colour on a log scale).")
    chart = alt.layer(
        cells, *ordinal_marks(frame, step, year, source), data=values(),
        width=alt.Step(step),
        height=alt.Step(24),
        title=alt.Title("Records per source per year", subtitle=subtitle))
    # On a phone the end-of-row labels ran past the chart's edge: the narrow layout draws
    # the same outlines without them and says what the outlines mean under the title.
    key = [f"dashed outline: {time_marks.PARTIAL_LABEL}"] if frame["partial_year"].any() else []
    key += [f"vermillion outline: {label}" for label in
            frame["collection_note"].drop_nulls().unique(maintain_order=True).to_list()]
    narrow = alt.layer(
        cells, *ordinal_marks(frame.with_columns(end_label=None), step, year, source),
        data=values(), width=alt.Step(step), height=alt.Step(24),
        title=alt.Title("Records per source per year", subtitle=(
            subtitle + (" Marked cells: " + "; ".join(key) + "." if key else ""))))
    coverage = {
        r["source"]: (int(r["dated"]), int(r["records"]))
        for r in data.coverage.iter_rows(named=True) if r["records"]
    }
    text = caption(
        data, "One square per list and year with at least one record; the colour is how many "
        "records the list holds for that year.", coverage,
        "with a date (undated records are not drawn)",
        notes_html(data, frame, "records"))
    per = frame.group_by("source_label", maintain_order=True).agg(
        pl.col("records").sum(), pl.col("year").min().alias("first"),
        pl.col("year").max().alias("last"))
    alt_text = "Records per source per year: " + "; ".join(
        f"{r['source_label']} {fmt_int(r['records'])} dated records, {r['first']}"
        f"{EN_DASH}{r['last']}" for r in per.iter_rows(named=True)) + "."
    return Chart("records_by_year", finish(chart, frame), text, frame, alt=alt_text,
                 narrow=finish(narrow, frame), narrow_below=640)


def source_table(data: DashboardData) -> str:
    """Every registered source: definition, tags, years, records, licence and attribution."""
    head = "".join(f"<th{cls}>{h}</th>" for h, cls in (
        ("Source", ""), ("Definition (what it counts)", ""), ("Kind", ""),
        ("Incident dates", ""), ("Records", ' class="num"'), ("With a date", ' class="num"'),
        ("Killed known", ' class="num"'), ("Licence and attribution", "")))
    rows = []
    for r in data.coverage.iter_rows(named=True):
        name = html.escape(data.label(r["source"]))
        title = html.escape(r["title"] or "")
        if r["homepage"]:
            title = f'<a href="{html.escape(r["homepage"])}" rel="noopener">{title}</a>'
        dates = (f'{r["first_date"]} to {r["last_date"]}' if r["first_date"] else
                 "no records loaded (why: see its licence)" if not r["records"]
                 else "no dated records")
        cells = [
            ("src", f"<b>{name}</b><br>{title}"), ("defn", html.escape(r["definition"] or "")),
            ("tags", "<br>".join(html.escape(plain_label("list_kind", t))
                                 for t in (r["tags"] or "").split(", ") if t)),
            ("dates", dates),
        ]
        nums = [fmt_int(r["records"]), fmt_int(r["dated"]), fmt_int(r["killed_known"])]
        rights = (f'{html.escape(r["licence"] or "")}<br><i>Attribution:</i> '
                  f'{html.escape(r["attribution"] or "")}')
        rows.append(
            "<tr>" + "".join(f'<td class="{cls}">{c}</td>' for cls, c in cells)
            + "".join(f'<td class="num">{c}</td>' for c in nums)
            + f'<td class="rights">{rights}</td></tr>'
        )
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="Sources">'
            f'<table id="source-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def shared_incidents(data: DashboardData) -> list[str | Chart]:
    """The shared-incidents section: a placeholder, or incidents per combination of sources."""
    if not data.has_table("incident_links"):
        if data.has_table("incidents"):
            text = ("Incidents are built but the links from each list's records to them are "
                    "missing, so which lists hold the same incident cannot be counted yet.")
        else:
            text = ("Linking is not built yet, so records of the same attack in different "
                    "sources are not "
                    "matched. Until then, each source's records are shown separately and "
                    "must not be added up.")
        return [f'<p class="note" id="shared-incidents-status" data-linked="false">{text}</p>']
    return [_shared_chart(data)]


def _shared_chart(data: DashboardData) -> Chart:
    """Bars: incidents per combination of sources that list them (largest first)."""
    import altair as alt
    import polars as pl

    frame = data.query("shared_incidents").with_columns(
        pl.col("sources").map_elements(
            lambda combo: " + ".join(data.label(s) for s in combo.split(" + ")),
            return_dtype=pl.String).alias("sources_label"))
    drawn = frame.head(TOP_COMBINATIONS)
    order = drawn["sources_label"].to_list()
    tooltip = [alt.Tooltip("sources_label:N", title="Listed by"),
               alt.Tooltip("source_count:Q", title="Sources"),
               alt.Tooltip("incidents:Q", title="Incidents", format=",")]
    base = alt.Chart(values()).encode(
        y=alt.Y("sources_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=420)),
        x=alt.X("incidents:Q", title="Incidents"),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color=PALETTE[0])
    counts = base.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("incidents:Q", format=","))
    chart = alt.layer(
        bars, counts, width=FULL_WIDTH - 420, height=alt.Step(18),
        title=alt.Title("Incidents shared across sources",
                        subtitle="How many incidents each combination of sources lists "
                                 "(sources joined by +; a single name: in that source only)."))
    coverage = coverage_by_source(data.query("shared_incidents_coverage"))
    total = int(frame["incidents"].sum())
    shared = int(frame.filter(frame["source_count"] > 1)["incidents"].sum())
    notes = [f"{fmt_int(shared)} of {fmt_int(total)} linked incidents are in two or more "
             f"sources. The chart shows the {min(TOP_COMBINATIONS, frame.height)} largest of "
             f"{frame.height} combinations; the CSV has them all."]
    text = caption(data, "Linked incidents by the combination of lists that record them.",
                   coverage,
                   "linked to an incident", notes)
    largest = frame.sort("incidents", descending=True).row(0, named=True)
    alt_text = (f"Incidents shared across sources: {fmt_int(shared)} of {fmt_int(total)} "
                f"linked incidents are in two or more sources; the largest combination is "
                f"{largest['sources_label']}, {fmt_int(largest['incidents'])} incidents.")
    return Chart("shared_incidents", finish(chart, drawn), text, frame, alt=alt_text,
                 narrow=_shared_narrow(chart, order, tooltip, drawn), narrow_below=640)


def _shared_narrow(chart, order: list[str], tooltip: list, drawn) -> dict:
    """The shared-incidents bars for a phone: each combination's names written in full
    above its bar (as axis labels they would be cut to a few words)."""
    import altair as alt

    y = alt.Y("sources_label:N", title=None, sort=order, axis=None)
    bars = alt.Chart(values()).mark_bar(color=PALETTE[0], height={"band": 0.42},
                                        yOffset=6).encode(
        y=y, x=alt.X("incidents:Q", title="Incidents"), tooltip=tooltip)
    counts = bars.mark_text(align="left", dx=3, yOffset=6, fontSize=10).encode(
        text=alt.Text("incidents:Q", format=","))
    names = alt.Chart(values()).mark_text(align="left", baseline="middle", yOffset=-7,
                                          fontSize=9.5, limit=alt.ExprRef("width")).encode(
        y=y, x=alt.XDatum(0), text=alt.Text("sources_label:N"))
    return finish((bars + counts + names).properties(
        width=FULL_WIDTH - 420, height=alt.Step(32), title=chart.title), drawn)


def agreement(data: DashboardData) -> tuple[list[str | Chart], dict]:
    """The agreement section: a chart of the main pairs and a table of every pair, with
    the table's CSV; a note when the warehouse has no ``source_agreement``."""
    if not data.has_table("source_agreement"):
        return [('<p class="note" id="agreement-status">This warehouse has no '
                 "comparison of linked records yet: refresh to build it.</p>")], {}
    table = data.query("source_agreement_table")
    if table.is_empty():
        return [('<p class="note" id="agreement-status">No two sources share a linked '
                 "incident, so there is nothing to compare.</p>")], {}
    return [_agreement_chart(data), _agreement_table(data, table)], {
        "source_agreement_table": table}


def _field_order() -> list[str]:
    """Fields in the order of the source_records contract (date first)."""
    from pipelines.normalize.contract import SOURCE_RECORDS

    return [c.name for c in SOURCE_RECORDS.columns]


def _pair_label(data: DashboardData, a: str, b: str) -> str:
    return f"{data.label(a)} / {data.label(b)}"


def _agreement_chart(data: DashboardData) -> Chart:
    """Share of linked record pairs that agree, per field, for the main pairs of sources:
    dot and 95% interval bar, one colour per pair."""
    import altair as alt
    import polars as pl

    frame = data.query("source_agreement").with_columns(
        pl.struct("source_a", "source_b").map_elements(
            lambda r: _pair_label(data, r["source_a"], r["source_b"]),
            return_dtype=pl.String).alias("pair"),
        pl.col("field").str.replace_all("_", " ").alias("field_label"),
    )
    order = _field_order()
    fields = sorted(frame["field"].unique().to_list(),
                    key=lambda f: order.index(f) if f in order else len(order))
    pairs = frame["pair"].unique(maintain_order=True).to_list()
    colour = alt.Color("pair:N", title="Pair of sources", sort=pairs,
                       scale=alt.Scale(domain=pairs, range=list(PALETTE[:len(pairs)])),
                       legend=alt.Legend(orient="top", columns=3))
    base = alt.Chart(values()).encode(
        y=alt.Y("field_label:N", title=None, sort=[f.replace("_", " ") for f in fields]),
        yOffset=alt.YOffset("pair:N", sort=pairs),
        color=colour,
    )
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="Linked record pairs that agree (95% interval)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("ci_high:Q"),
    )
    point = base.mark_point(filled=True, size=50, opacity=1).encode(
        x=alt.X("share:Q"), shape=shapes_like(colour),
        tooltip=[alt.Tooltip("pair:N", title="Sources"),
                 alt.Tooltip("field_label:N", title="Field"),
                 alt.Tooltip("share:Q", title="Agree", format=".1%"),
                 alt.Tooltip("ci_low:Q", title="95% range from", format=".1%"),
                 alt.Tooltip("ci_high:Q", title="95% range to", format=".1%"),
                 alt.Tooltip("agreeing:Q", title="Pairs agreeing", format=","),
                 alt.Tooltip("compared:Q", title="Pairs compared", format=","),
                 alt.Tooltip("pairs:Q", title="Linked pairs", format=","),
                 alt.Tooltip("typical_difference:N", title="Typical difference")],
    )
    chart = alt.layer(
        interval, point, width=FULL_WIDTH - 260, height=alt.Step(9),
        title=alt.Title("How often two sources agree on the same attack",
                        subtitle="Per field, the share of linked record pairs (one record "
                                 "of each source in one incident) that give the same value. "
                                 "Dot: share; bar: 95% range."))
    drawn = set(frame["source_a"].to_list()) | set(frame["source_b"].to_list())
    coverage = {s: v for s, v in coverage_by_source(
        data.query("source_agreement_coverage")).items() if s in drawn}
    notes = [
        "A pair is compared on a field only when both records know it (not blank, not "
        "unknown); city is compared ignoring case and spaces. Shown: the six pairs of "
        "sources with the most linked records (GVA (The Trace) republishes GVA, so it is "
        "left out), and fields compared on at least 20 pairs. A disagreement can be a "
        "different count (e.g. one list counts the attacker among the dead), a different "
        "category scheme (what one calls commerce another calls other), or a wrong link. "
        "The table below has every pair, field and the typical difference."]
    text = caption(data, "How often two lists' records of the same incident agree, field by "
                   "field.", coverage,
                   "linked to a record of another source", notes)
    ranked = frame.sort("share")
    low, high = ranked.row(0, named=True), ranked.row(-1, named=True)
    alt_text = (
        f"How often two sources agree on the same attack, over {frame.height} pairs of "
        f"sources and fields: from {fmt_share(low['share'])} ({low['pair']}, "
        f"{low['field_label']}: {fmt_int(low['agreeing'])} of {fmt_int(low['compared'])}) to "
        f"{fmt_share(high['share'])} ({high['pair']}, {high['field_label']}: "
        f"{fmt_int(high['agreeing'])} of {fmt_int(high['compared'])}).")
    return Chart("source_agreement", finish(chart, frame), text, frame, alt=alt_text)


def _plain_difference(field: str, text: str | None) -> str:
    """"none vs self (6 pairs)" in plain words: each side of a category disagreement as
    the category labels show it ("nobody — the attacker fled vs the attacker ...")."""
    found = re.fullmatch(r"(\w+) vs (\w+)( \(.*\))", text or "")
    if not found or (field, found.group(1)) not in category_labels():
        return text or ""
    a, b, rest = found.groups()
    return f"{plain_label(field, a)} vs {plain_label(field, b)}{rest}"


def _agreement_table(data: DashboardData, table) -> str:
    """Every pair and field compared, as an accessible table (source text escaped)."""
    from pipelines.dashboards.captions import EN_DASH, fmt_share

    head = ('<tr><th scope="col">Sources</th><th scope="col">Field</th>'
            '<th scope="col" class="num">Compared</th><th scope="col" class="num">Agree</th>'
            '<th scope="col" class="num">Share agreeing (95% interval)</th>'
            '<th scope="col">Typical difference where they disagree</th></tr>')
    rows = []
    for r in table.iter_rows(named=True):
        share = (f"{fmt_share(r['share'])} ({fmt_share(r['ci_low'])}"
                 f"{EN_DASH}{fmt_share(r['ci_high'])})")
        rows.append(
            f"<tr><td>{html.escape(_pair_label(data, r['source_a'], r['source_b']))}</td>"
            f"<td>{html.escape(r['field'].replace('_', ' '))}</td>"
            f'<td class="num">{fmt_int(r["compared"])} of {fmt_int(r["pairs"])}</td>'
            f'<td class="num">{fmt_int(r["agreeing"])}</td><td class="num">{share}</td>'
            f"<td>{html.escape(_plain_difference(r['field'], r['typical_difference']))}</td>"
            "</tr>")
    return (
        f'<details id="agreement-details"><summary>Every pair of sources and field '
        f"({fmt_int(table.height)} rows)</summary>"
        "<p>Typical difference: for killed and injured the median gap, for dates the "
        "median days apart, for categories the commonest disagreeing pair of values "
        "(first source's value vs second's), among the pairs that disagree.</p>"
        '<div class="table-wrap" tabindex="0" role="region" aria-label="Agreement table">'
        f'<table id="agreement-table"><caption>Agreement between '
        f"linked records of two sources</caption>"
        f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'
        '<p class="downloads">Data: <a href="data/source_agreement_table.csv">CSV</a></p>'
        "</details>")


def page(data: DashboardData) -> Page:
    """The Sources page."""
    intro = ("<p>Each source is a list compiled by someone else under its own definition of "
             "an incident. This page shows which years and definitions each covers, "
             "which incidents several lists share, how often they agree on them, and what "
             "the last refresh changed.</p>")
    change_parts, change_files = changes.section(data)
    agreement_parts, agreement_files = agreement(data)
    body: list = [
        "<h2>Coverage by year</h2>", records_by_year(data),
        "<h2>Definitions, coverage and licences</h2>", source_table(data),
        '<h2 id="shared">Shared incidents across sources</h2>',
        *shared_incidents(data),
        '<h2 id="agreement">Do sources agree on the same attack?</h2>',
        *agreement_parts,
        *change_parts,
    ]
    return Page("sources.html", "Sources", intro, body, extra_head=TABLE_STYLE,
                files={**change_files, **agreement_files})
