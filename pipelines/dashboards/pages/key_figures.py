"""Key figures: a two-page brief to print for a briefing, every number computed.

Policy staff quote headline numbers out of context, so each number stands beside
its source's definition in words and its coverage (how many records had the
field). Figures are per source and never added up across sources: the lists
count different things. Page one: the headline figures per definition; page two:
how attacks end and how often they were over before police arrived. The page is
laid out for A4 and US Letter (see PRINT_STYLE); the browser test prints it to
PDF and checks it is exactly two pages with every chart drawn.
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import (
    EN_DASH,
    caption,
    coverage_by_source,
    fmt_int,
    fmt_share,
)
from pipelines.dashboards.charts import finish, source_colours, values
from pipelines.dashboards.pages import endings
from pipelines.dashboards.site import Chart, Page
from pipelines.dashboards.time_marks import PARTIAL_LABEL, partial_years

if TYPE_CHECKING:
    from pipelines.dashboards.data import DashboardData

FILENAME = "key-figures.html"

# Compact type and a forced break before page two; the screen look stays the site's.
PRINT_STYLE = """<style>
 .brief table { width: 100%; font-size: .8rem; }
 .brief td.def { color: #333; font-size: .74rem; max-width: 32rem; }
 .brief .rule { font-size: .85rem; }
 .brief .page-two { margin-top: 2rem; }
 .brief .figures-list { font-size: .95em; margin: .3rem 0; padding-left: 1.1rem; }
 @media print {
   .brief { font-size: 8.6pt; line-height: 1.3; }
   .brief h1 { font-size: 15pt; margin: 0 0 .2rem; }
   .brief h2 { font-size: 11pt; margin: .5rem 0 .2rem; }
   .brief p { margin: .2rem 0; }
   .brief table { font-size: 7.6pt; }
   .brief td.def { font-size: 7pt; }
   .brief td, .brief th { padding: .1rem .3rem; }
   .brief .page-two { break-before: page; margin-top: 0; }
   .brief figure { margin: .3rem 0; }
   .brief figcaption { font-size: 7.4pt; }
   .brief .chart svg { max-height: 88mm; width: auto !important; }
   .brief footer { margin: .4rem 0 0; font-size: 7pt; }
   /* Each source's definition is in the table on page one, beside its figures. */
   .brief figcaption details { display: none; }
 }
</style>"""


def _figure(row: dict | None, unit: str) -> str:
    """A count with its coverage, e.g. "1,409 (known for 532 of 532 records)"."""
    if row is None or row["value"] is None:
        return f'<span class="value">{EN_DASH}</span> <small>not recorded</small>'
    attrs = (f'data-figure="{html.escape(row["figure"])}" '
             f'data-source="{html.escape(row["source"])}"'
             f' data-value="{float(row["value"])!r}" data-n-known="{row["n_known"]}"'
             f' data-n="{row["n"]}"')
    return (f'<span class="value" {attrs}>{fmt_int(row["value"])}</span> {unit}'
            f'<br><small>known for {fmt_int(row["n_known"])} of {fmt_int(row["n"])} '
            "records</small>")


def headline_table(data: DashboardData) -> str:
    """One row per loaded source: its definition in words, the years it covers (its last
    year marked when partial), its records, and the victims killed and injured."""
    rows = data.query("headline_figures").to_dicts()
    partial = partial_years(data)
    body = []
    for info in data.loaded:
        figures = {r["figure"]: r for r in rows if r["source"] == info.source}
        if not figures:
            continue
        first, last = (info.first_date or "")[:4], (info.last_date or "")[:4]
        years = f"{first}{EN_DASH}{last}"
        if info.source in partial:
            years += (f' <span class="partial" data-partial-year="{partial[info.source][0]}">'
                      f"({last} is a {PARTIAL_LABEL}: records to {info.last_date})</span>")
        else:
            years += f" (records to {info.last_date})"
        body.append(
            f'<tr data-source="{html.escape(info.source)}">'
            f"<th scope=\"row\">{html.escape(info.label)}</th>"
            f'<td class="def">{html.escape(info.definition)} <i>{years}.</i></td>'
            f'<td class="num">{_figure(figures.get("incidents"), "")}</td>'
            f'<td class="num">{_figure(figures.get("killed"), "")}</td>'
            f'<td class="num">{_figure(figures.get("injured"), "")}</td></tr>')
    return (
        '<table id="key-headline"><thead><tr><th>Source</th>'
        "<th>What it counts (its definition) and the years it covers</th>"
        '<th class="num">Records</th><th class="num">Victims killed</th>'
        f'<th class="num">Victims injured</th></tr></thead><tbody>{"".join(body)}</tbody>'
        "</table>")


def _share_line(data: DashboardData, row: dict, what: str) -> str:
    """One share with its interval and coverage, e.g. "FBI: 62% <what> (95% range 58% to 66%);
    522 of 532 records tell"."""
    share = row["share"] if "share" in row else row["value"]
    return (f'<li data-source="{html.escape(row["source"])}">'
            f"<b>{html.escape(data.label(row['source']))}</b>: {fmt_share(share)} {what} "
            f"(95% range {fmt_share(row['ci_low'])}{EN_DASH}{fmt_share(row['ci_high'])}); "
            f"{fmt_int(row['n_known'])} of {fmt_int(row['n'])} records tell.</li>")


def police_arrival(data: DashboardData) -> Chart:
    """Share over before police arrived, per source: dot and 95% interval."""
    import altair as alt

    frame = data.with_labels(data.query("key_police_arrival"))
    sources = frame["source"].to_list()
    base = alt.Chart(values()).encode(
        y=alt.Y("source_label:N", title=None, sort=[data.label(s) for s in sources]),
        color=alt.Color("source_label:N", scale=source_colours(data, sources), legend=None))
    interval = base.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("ci_low:Q", title="Over before police arrived (dot; line: 95% interval)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("ci_high:Q"))
    point = base.mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X("share:Q"), tooltip=[alt.Tooltip("source_label:N", title="Source"),
                              alt.Tooltip("share:Q", format=".1%", title="Share"),
                              alt.Tooltip("n_known:Q", format=",", title="Records that tell")])
    # The share printed on the side of its interval with room on any screen: left of it
    # when the interval starts past a quarter of the scale (right of a high interval the
    # label ran past a phone's chart edge), right of it otherwise.
    share = alt.Text("share:Q", format=".0%")
    left = base.transform_filter("datum.ci_low >= 0.25").mark_text(
        align="right", dx=-8, fontSize=11, color="#222").encode(x=alt.X("ci_low:Q"), text=share)
    right = base.transform_filter("datum.ci_low < 0.25").mark_text(
        align="left", dx=8, fontSize=11, color="#222").encode(x=alt.X("ci_high:Q"), text=share)
    chart = alt.layer(
        interval, point, left, right, width=560, height=alt.Step(26),
        title=alt.Title("Over before police arrived",
                        subtitle="Share of the records that say whether police arrived "
                                 "before the attack ended."))
    items = "".join(_share_line(data, r, "over before police arrived")
                    for r in frame.iter_rows(named=True))
    text = caption(
        data, "Share of each list's attacks that were over before police arrived, over all "
        "its records; lists that never say are left out.", coverage_by_source(frame),
        "saying whether police arrived before the end"
    ) + f'<ul class="figures-list">{items}</ul>'
    alt_text = "Over before police arrived, per source: " + "; ".join(
        f"{r['source_label']} {fmt_share(r['share'])} of {fmt_int(r['n_known'])} records "
        "that tell" for r in frame.iter_rows(named=True)) + "."
    return Chart("key_police_arrival", finish(chart, frame), text, frame, alt=alt_text)


def how_attacks_end(data: DashboardData) -> Chart:
    """The "How the attack ended" chart of the endings page, with a short caption that
    lists each source's coverage and its share stopped by civilians."""
    chart = endings.end_method(data)
    civilians = [r for r in data.query("headline_figures").to_dicts()
                 if r["figure"] == "share_stopped_by_civilians" and r["value"] is not None]
    items = "".join(_share_line(data, r, "stopped by civilians") for r in civilians)
    text = caption(
        data, "Share of each list's records that tell how the attack ended; lists that never "
        "say are left out.",
        coverage_by_source(chart.table), "telling how the attack ended",
    ) + f'<ul class="figures-list">{items}</ul>'
    # The page's title without "hover" (paper has none) and without pointing at charts
    # that are not in the brief.
    spec = {**chart.spec, "title": {"text": "How the attack ended", "subtitle": (
        "Share of each source's records that tell how the attack ended; the label of each "
        "bar says how many tell.")}}
    return dataclasses.replace(chart, name="key_end_method", spec=spec, caption_html=text)


def page(data: DashboardData) -> Page:
    """The Key figures brief."""
    as_of = "; ".join(f"{html.escape(s.label)} {s.last_date}" for s in data.loaded)
    intro = (
        '<div class="brief-intro"><p class="rule"><b>Read every number with its definition.'
        "</b> Each list counts something different (active shooters, mass killings, 4+ shot, "
        "school shootings), so the figures are per source and are never added up across "
        "sources; many attacks are in several lists. Coverage says how many of a source's "
        "records had the field. Victims exclude attackers where the source separates them.</p>"
        f"<p>Data as of: {as_of}.</p></div>")
    body: list = [
        '<div class="brief">',
        "<h2>Headline figures, per definition</h2>",
        headline_table(data),
        '<section class="page-two">',
        "<h2>How attacks end</h2>",
        '<p class="rule">Each source as defined on page one; shares are of the records that '
        "tell, per source, never pooled across sources.</p>",
        how_attacks_end(data),
        "<h2>Over before police arrived</h2>",
        police_arrival(data),
        "</section></div>",
    ]
    return Page(FILENAME, "Key figures", intro, body, extra_head=PRINT_STYLE)
