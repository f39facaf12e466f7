"""Overview (index.html): headline figures per source, and incidents per year.

Incidents per year are drawn as small multiples, one panel per source with its
own y axis, rather than on one log-scaled axis. The sources count different
things (GVA's 4+ shot lists ~600 a year, Mother Jones a handful): on a shared
linear axis GVA flattens the rest, and on a log axis the years with no one
killed (0) cannot be drawn at all and the gaps between lines read as trends
when they are definitions. One panel per definition keeps each list's own
shape readable and invites no cross-definition comparison; the year axis is
shared so the panels line up in time.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import EN_DASH, caption, fmt_int, fmt_share
from pipelines.dashboards.charts import MEASURE_COLOURS, category_colours, finish, values
from pipelines.dashboards.site import NAV, Chart, Page

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

PAGE_BLURBS = {
    "index.html": "Headline figures per source and incidents, killed and injured per year.",
    "endings.html": "How attacks ended, who stopped them, whether the attacker died, and "
                    "how often they were over before police arrived.",
    "time.html": "How long attacks lasted, and the hour and weekday they started.",
    "where.html": "Incidents and casualties per state, and the kinds of places attacked.",
    "sources.html": "Which source covers which years under which definition, how "
                    "records are shared across sources, and what the last refresh changed.",
    "incidents.html": "Every incident, searchable by name, place or narrative, each "
                      "opening every source's record side by side.",
}

FIGURE_LABELS = {
    "killed": "Killed",
    "injured": "Injured",
    "share_ended_before_police": "Over before police arrived",
    "share_stopped_by_civilians": "Stopped by civilians",
    "median_duration_min": "Median duration",
}


def _figure_span(row: dict) -> tuple[str, str]:
    """One headline number (with its value and coverage as data attributes, which the
    browser test reads back), and the line under it: interval and coverage."""
    value = row["value"]
    notes = []
    if row["unit"] == "share":
        shown = fmt_share(value, 0)
        if row["ci_low"] is not None:
            notes.append(f'95% CI {fmt_share(row["ci_low"])}{EN_DASH}{fmt_share(row["ci_high"])}')
    elif row["unit"] == "minutes":
        shown = EN_DASH if value is None else f"{value:.1f} min"
    else:
        shown = fmt_int(value)
    if row["n_known"] != row["n"] or row["unit"] in ("share", "minutes"):
        notes.append(f'{fmt_int(row["n_known"])} of {fmt_int(row["n"])} records known')
    attrs = (f'data-figure="{html.escape(row["figure"])}" '
             f'data-source="{html.escape(row["source"])}" '
             f'data-value="{"" if value is None else repr(float(value))}" '
             f'data-n-known="{row["n_known"]}" data-n="{row["n"]}"')
    return f'<span class="value" {attrs}>{shown}</span>', " · ".join(notes)


def headline_tiles(data: DashboardData) -> str:
    """One tile per source with every figure metric_summary holds for it; rows that are
    not a source's (e.g. ``linked``: incidents linked across sources) get a tile too."""
    rows = data.query("headline_figures").to_dicts()
    order = [s.source for s in data.loaded]
    order += sorted({r["source"] for r in rows} - set(order))
    tiles = []
    for source in order:
        figures = {r["figure"]: r for r in rows if r["source"] == source}
        if not figures:
            continue
        info = data.sources.get(source)
        first = next(iter(figures.values()))
        subtitle = info.title if info else first["definition"] or ""
        as_of = info.last_date if info else first["as_of"]
        parts = []
        if "incidents" in figures:
            big = figures.pop("incidents")
            number, _ = _figure_span(big)
            parts.append(f'<div class="big">{number} <small>{html.escape(big["unit"])}</small>'
                         "</div>")
        ordered = [f for f in FIGURE_LABELS if f in figures] + sorted(
            f for f in figures if f not in FIGURE_LABELS)
        for name in ordered:
            number, note = _figure_span(figures[name])
            label = html.escape(FIGURE_LABELS.get(name, name.replace("_", " ")))
            note_html = f'<span class="note-line">{note}</span>' if note else ""
            parts.append(f'<div class="fig"><span class="label">{label}</span> {number}'
                         f"{note_html}</div>")
        tiles.append(
            f'<section class="tile" data-source="{html.escape(source)}">'
            f"<h3>{html.escape(data.label(source))}</h3>"
            f'<p class="def">{html.escape(subtitle)}</p>{"".join(parts)}'
            f'<p class="asof">Data as of {as_of or "n/a"}</p></section>'
        )
    missing = [s for s in data.sources.values() if not s.records]
    note = ""
    if missing:
        names = ", ".join(html.escape(s.title) for s in missing)
        note = f"<p>Registered but not loaded (no records): {names}.</p>"
    return f'<div class="tiles" id="headline-tiles">{"".join(tiles)}</div>{note}'


MEASURE_HEADERS = ("datum.value == 'incidents' ? 'Incidents (records)' : "
                   "datum.value == 'killed' ? 'Victims killed' : 'Victims injured'")


def incidents_by_year(data: DashboardData) -> Chart:
    """Small multiples: one row per source, one column each for incidents, killed, injured."""
    import altair as alt

    frame = data.with_labels(data.query("incidents_by_year"))
    measures = list(MEASURE_COLOURS)
    rows = [s.label for s in data.loaded if s.label in set(frame["source_label"].to_list())]
    first, last = int(frame["year"].min()), int(frame["year"].max())
    base = alt.Chart(values()).transform_fold(measures, as_=["measure", "value"])
    lines = base.mark_line(point=alt.OverlayMarkDef(size=8), strokeWidth=1.3).encode(
        x=alt.X("year:Q", title="Year", scale=alt.Scale(domain=[first, last], nice=False),
                axis=alt.Axis(format="d", tickCount=8, grid=False)),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=3)),
        color=alt.Color("measure:N", scale=category_colours(MEASURE_COLOURS, measures),
                        legend=None),
        tooltip=[
            alt.Tooltip("source_label:N", title="Source"),
            alt.Tooltip("year:Q", title="Year", format="d"),
            alt.Tooltip("incidents:Q", title="Incidents", format=","),
            alt.Tooltip("killed:Q", title="Killed", format=","),
            alt.Tooltip("injured:Q", title="Injured", format=","),
            alt.Tooltip("partial_year:N", title="Partial year (ends at as-of date)"),
        ],
    ).properties(width=235, height=62)
    chart = lines.facet(
        row=alt.Row("source_label:N", title=None, sort=rows,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold",
                                      labelOrient="left", labelPadding=8)),
        column=alt.Column("measure:N", title=None, sort=measures,
                          header=alt.Header(labelExpr=MEASURE_HEADERS, labelFontWeight="bold")),
        spacing={"row": 10, "column": 18},
    ).resolve_scale(y="independent").properties(
        title=alt.Title("Incidents, killed and injured per year, one row per source",
                        subtitle="Every panel has its own y axis: the sources count different "
                                 "things, so compare shapes over time, not heights across rows."),
    )
    coverage = {
        r["source"]: (int(r["dated"]), int(r["records"]))
        for r in data.coverage.iter_rows(named=True) if r["records"]
    }
    killed_k = int(frame["killed_n_known"].sum())
    injured_k = int(frame["injured_n_known"].sum())
    dated = sum(k for k, _ in coverage.values())
    notes = [
        f"Killed is known for {fmt_int(killed_k)} and injured for {fmt_int(injured_k)} of the "
        f"{fmt_int(dated)} dated records; victims exclude attackers. Each source's last year "
        "runs only to its as-of date, so it is partial. Sources overlap (the same attack can be "
        "in several lists), so rows must not be added up."
    ]
    text = caption(
        data,
        "Records per year as each source defines an incident, with the victims killed and "
        "injured in them. Small multiples rather than one log-scaled chart: years with no one "
        "killed stay on the chart, and GVA's hundreds a year do not flatten the smaller lists.",
        coverage, "have a date (undated records are not drawn)", notes)
    spec = finish(chart, frame)
    return Chart("incidents_by_year", spec, text, frame, alt=_by_year_alt(frame),
                 narrow=_narrow_facets(spec), narrow_below=980)


def _by_year_alt(frame: pl.DataFrame) -> str:
    """The small multiples in words: per source its records, years and busiest year."""
    import polars as pl

    per = frame.group_by("source_label", maintain_order=True).agg(
        pl.col("incidents").sum().alias("total"), pl.col("year").min().alias("first"),
        pl.col("year").max().alias("last"),
        pl.col("year").sort_by("incidents", descending=True).first().alias("peak"),
        pl.col("incidents").max().alias("peak_n"))
    return "Incidents per year, per source: " + "; ".join(
        f"{r['source_label']} {fmt_int(r['total'])} records {r['first']}{EN_DASH}{r['last']}, "
        f"most in {r['peak']} ({fmt_int(r['peak_n'])})" for r in per.iter_rows(named=True)
    ) + ". Killed and injured per year are in the chart's CSV."


def _narrow_facets(spec: dict) -> dict:
    """The small multiples for a phone: source names written upwards beside each row
    instead of across, narrower and taller panels with fewer year labels."""
    import copy

    narrow = copy.deepcopy({k: v for k, v in spec.items() if k != "datasets"})
    narrow["facet"]["row"]["header"].update(labelAngle=270, labelAlign="center",
                                            labelPadding=4, labelFontSize=11)
    narrow["facet"]["column"]["header"]["labelExpr"] = (
        "datum.value == 'incidents' ? 'Records' : datum.value == 'killed' ? 'Killed' "
        ": 'Injured'")  # a header wider than its panel would widen the column
    narrow["spec"].update(width=54, height=96)
    for part in [narrow["spec"], *narrow["spec"].get("layer", [])]:
        axis = part.get("encoding", {}).get("x", {}).get("axis")
        if isinstance(axis, dict):
            axis.update(tickCount=2, labelFontSize=10)
    narrow["spacing"] = {"row": 8, "column": 10}
    return narrow


def page(data: DashboardData) -> Page:
    """The overview page, which is also the site's index."""
    contents = "".join(
        f'<dt><a href="{href}">{html.escape(label)}</a></dt><dd>{PAGE_BLURBS.get(href, "")}</dd>'
        for href, label in NAV if href != "index.html"
    )
    intro = (
        "<p>Public lists of US shootings and attacks, each under its own definition of an "
        "incident, loaded into one warehouse (<code>data/curated/incidents.duckdb</code>). "
        "The lists overlap and count different things, so every figure here is per source; "
        "numbers from different sources are not added up.</p>"
    )
    body: list = [
        f'<dl class="pages">{contents}</dl>',
        "<h2>Headline figures per source</h2>",
        "<p>From <code>metric_summary</code>: records, victims killed and injured, and the "
        "shares a source can tell, with 95% Wilson intervals and how many records each rests "
        "on.</p>",
        headline_tiles(data),
        "<h2>Incidents per year</h2>",
        incidents_by_year(data),
    ]
    return Page("index.html", "Overview", intro, body)
