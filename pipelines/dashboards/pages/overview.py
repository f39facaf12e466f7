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

from pipelines.dashboards.captions import (
    EN_DASH,
    METHODS_PAGE,
    caption,
    category_labels,
    fmt_int,
    fmt_share,
)
from pipelines.dashboards.charts import MEASURE_COLOURS, category_colours, finish, values
from pipelines.dashboards.site import NAV, Chart, Page
from pipelines.dashboards.time_marks import mark_years, notes_html, quantitative_marks

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

PAGE_BLURBS = {
    "index.html": "Headline figures per source and incidents, killed and injured per year.",
    "before.html": "Who the attackers were, signs before the attack, how weapons were "
                   "obtained, and armed security on site, each with how many are known.",
    "endings.html": "How attacks ended, who stopped them, whether the attacker died, and "
                    "how often they were over before police arrived.",
    "time.html": "How long attacks lasted, and the hour and weekday they started.",
    "where.html": "Incidents and casualties per state, and the kinds of places attacked.",
    "sources.html": "Which source covers which years under which definition, how "
                    "records are shared across sources, and what the last refresh changed.",
    "incidents.html": "Every incident, searchable by name, place or narrative, each "
                      "opening every source's record side by side.",
    METHODS_PAGE: "What each number counts, what \u201cknown\u201d and the 95% ranges mean, "
                  "and how the lists are linked.",
    "key-figures.html": "A two-page brief to print: the headline figures per definition with "
                        "coverage, how attacks end, and how often they were over before "
                        "police arrived.",
}

FIGURE_LABELS = {
    "killed": "Killed",
    "injured": "Injured",
    "share_ended_before_police": "Over before police arrived",
    "share_stopped_by_civilians": "Stopped by civilians",
    "median_duration_min": "Median duration",
    "on_both_lists": "On both lists",
}


def _figure_span(row: dict) -> tuple[str, str]:
    """One headline number (with its value and coverage as data attributes, which the
    browser test reads back), and the line under it: interval and coverage."""
    value = row["value"]
    notes = []
    if row["unit"] == "share":
        shown = fmt_share(value, 0)
        if row["ci_low"] is not None:
            notes.append(f'95% range {fmt_share(row["ci_low"])}{EN_DASH}'
                         f'{fmt_share(row["ci_high"])}')
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


# Sources whose tags put them in the lead group: the lists this site is named after.
ACTIVE_TAGS = ("active_shooter", "active_attack")
# The related lists, in this order of kind; each tile names its kind in words.
RELATED_ORDER = ("mass_shooting", "mass_killing", "school")
# Linked incidents across every list: mixed definitions, so never a headline tile.
ALL_LINKED = "linked"
# Linked incidents the FBI or ALERRT lists (sql/dashboards/headline_active.sql).
ACTIVE_LINKED = "linked_active"
ACTIVE_LINKED_TITLE = "On the FBI or ALERRT list, counted once"
UNIT_WORDS = {"records": "incidents on this list", "incidents": "incidents"}


def _tags(data: DashboardData) -> dict[str, list[str]]:
    """Each source's tags (its kind of list), from the sources table."""
    return {r["source"]: [t for t in (r["tags"] or "").split(", ") if t]
            for r in data.coverage.iter_rows(named=True)}


def _active_rows(data: DashboardData) -> list[dict]:
    """The linked active-shooter figures, when the warehouse links incidents."""
    if not data.has_table("incidents") or not {"fbi_active_shooter", "alerrt_active_attack"} <= (
            data.columns("incidents")):
        return []
    return data.query("headline_active").to_dicts()


def _tile(data: DashboardData, source: str, figures: dict[str, dict], group: str,
          kind: str = "") -> str:
    """One tile: what the list counts (its definition in words), its numbers, its coverage."""
    figures = dict(figures)
    info = data.sources.get(source)
    first = next(iter(figures.values()))
    definition = (info.definition if info else "") or first["definition"] or ""
    as_of = info.last_date if info else first["as_of"]
    parts = []
    counted = None
    if "incidents" in figures:
        big = figures.pop("incidents")
        counted = big
        number, _ = _figure_span(big)
        unit = UNIT_WORDS.get(big["unit"], big["unit"])
        parts.append(f'<div class="big">{number} <small>{html.escape(unit)}</small></div>')
    ordered = [f for f in FIGURE_LABELS if f in figures] + sorted(
        f for f in figures if f not in FIGURE_LABELS)
    for name in ordered:
        number, note = _figure_span(figures[name])
        label = html.escape(FIGURE_LABELS.get(name, name.replace("_", " ")))
        note_html = f'<span class="note-line">{note}</span>' if note else ""
        parts.append(f'<div class="fig"><span class="label">{label}</span> {number}'
                     f"{note_html}</div>")
    rest = (counted or first)["n"]
    known = {f: r["n_known"] for f, r in figures.items() if r["unit"] == "victims"}
    victims = (f"; victims known for {fmt_int(min(known.values()))} of them"
               if known else "")
    coverage = (f'<p class="coverage">Coverage: rests on {fmt_int(rest)} '
                f'{"incidents" if source == ACTIVE_LINKED else "records"}{victims}. '
                "Victims exclude attackers.</p>")
    title = ACTIVE_LINKED_TITLE if source == ACTIVE_LINKED else data.label(source)
    kind_html = f'<p class="kind">{html.escape(kind)}</p>' if kind else ""
    return (
        f'<section class="tile" data-source="{html.escape(source)}" data-group="{group}">'
        f"<h3>{html.escape(title)}</h3>{kind_html}"
        f'<p class="def" data-definition>{html.escape(definition)}</p>{"".join(parts)}'
        f'{coverage}<p class="asof">Data as of {as_of or "n/a"}</p></section>'
    )


def _lower_first(text: str) -> str:
    """A sentence's first letter in lower case, to read inside another sentence."""
    return text[:1].lower() + text[1:]


def headline_tiles(data: DashboardData) -> str:
    """The headline figures in two groups, never added up across definitions.

    First the active-shooter and active-attack lists (FBI, ALERRT) and the linked
    incidents on either; then the related lists (mass shootings, mass killings,
    school shootings), each under its own definition. Every tile states its
    definition in words and its coverage. The count of linked incidents across every
    list mixes definitions, so it is a sentence that says so, not a tile.
    """
    rows = data.query("headline_figures").to_dicts() + _active_rows(data)
    by_source: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], {})[r["figure"]] = r
    tags = _tags(data)
    labels = category_labels()
    loaded = [s.source for s in data.loaded if s.source in by_source]
    active = sorted((s for s in loaded if set(tags.get(s, ())) & set(ACTIVE_TAGS)),
                    key=lambda s: min(ACTIVE_TAGS.index(t) for t in tags[s] if t in ACTIVE_TAGS))
    if ACTIVE_LINKED in by_source:
        active.append(ACTIVE_LINKED)

    def kind_rank(source: str) -> tuple[int, str]:
        found = [RELATED_ORDER.index(t) for t in tags.get(source, ()) if t in RELATED_ORDER]
        return (min(found) if found else len(RELATED_ORDER), source)

    related = sorted((s for s in loaded if s not in active), key=kind_rank)

    def kind(source: str) -> str:
        words = [labels[("list_kind", t)] for t in tags.get(source, ())
                 if ("list_kind", t) in labels]
        return ", ".join(words)

    active_html = "".join(_tile(data, s, by_source[s], "active", kind(s)) for s in active)
    related_html = "".join(_tile(data, s, by_source[s], "related", kind(s)) for s in related)
    all_linked = ""
    if ALL_LINKED in by_source and "incidents" in by_source[ALL_LINKED]:
        total = by_source[ALL_LINKED]["incidents"]["value"]
        all_linked = (
            f'<p id="all-lists-total">Linked across every list, the warehouse holds '
            f"{fmt_int(total)} distinct incidents. That total mixes definitions (most are GVA "
            "mass shootings, 4+ people shot, not active attacks), so it is not a count of any "
            'one kind of attack; the <a href="sources.html">Sources</a> page shows how the '
            "lists overlap.</p>")
    note = "".join(
        f'<p class="not-loaded" data-source="{html.escape(r["source"])}">Not in any figure: '
        f'{html.escape(r["title"] or r["source"])}, which holds no records here '
        + (f'(its last refresh failed: {html.escape(r["stale_reason"])}).' if r["stale_reason"]
           else f'({html.escape(_lower_first((r["licence"] or "no file loaded").rstrip(".")))}).')
        + "</p>"
        for r in data.query("not_loaded").iter_rows(named=True))
    return (
        '<div id="headline-tiles">'
        "<h2>Active-shooter and active-attack incidents</h2>"
        "<p>The two lists that record active attacks as such: the FBI's active shooter "
        "incidents (firearms only) and ALERRT's active attacks (any weapon), then the "
        "incidents on either list, each counted once. Each tile says in words what it "
        "counts.</p>"
        f'<div class="tiles" data-group="active">{active_html}</div>'
        "<h2>Related lists, each under its own definition</h2>"
        "<p>Mass-shooting, mass-killing and school-shooting lists. Most of their incidents "
        "are not active attacks (a mass shooting is 4+ people shot, whatever the "
        "circumstances), so their numbers are not active-shooter counts and are never "
        "added to the figures above or to each other.</p>"
        f'<div class="tiles" data-group="related">{related_html}</div>'
        f"{all_linked}{note}</div>"
    )


MEASURE_HEADERS = ("datum.value == 'incidents' ? 'Incidents (records)' : "
                   "datum.value == 'killed' ? 'Victims killed' : 'Victims injured'")


def incidents_by_year(data: DashboardData) -> Chart:
    """Small multiples: one row per source, one column each for incidents, killed, injured."""
    import altair as alt

    frame = mark_years(data, data.with_labels(data.query("incidents_by_year")))
    measures = list(MEASURE_COLOURS)
    rows = [s.label for s in data.loaded if s.label in set(frame["source_label"].to_list())]
    first, last = int(frame["year"].min()), int(frame["year"].max())
    lines = alt.Chart().mark_line(point=alt.OverlayMarkDef(size=8), strokeWidth=1.3).encode(
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
            alt.Tooltip("partial_year:N", title="Partial year (records stop before December)"),
        ],
    )
    # The fold is the facet's own transform (before faceting), so the layers marking
    # partial years and collection notes are drawn in every measure's panel.
    panels = alt.layer(*quantitative_marks(frame, 62), lines, data=values(), width=235,
                       height=62)
    chart = panels.facet(
        row=alt.Row("source_label:N", title=None, sort=rows,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold",
                                      labelOrient="left", labelPadding=8)),
        column=alt.Column("measure:N", title=None, sort=measures,
                          header=alt.Header(labelExpr=MEASURE_HEADERS, labelFontWeight="bold")),
        spacing={"row": 10, "column": 18},
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
        title=alt.Title("Incidents, killed and injured per year, one row per source",
                        subtitle="Every panel has its own y axis: the sources count different "
                                 "things, so compare shapes over time, not heights across rows."),
    ).transform_fold(measures, as_=["measure", "value"])
    coverage = {
        r["source"]: (int(r["dated"]), int(r["records"]))
        for r in data.coverage.iter_rows(named=True) if r["records"]
    }
    killed_k = int(frame["killed_n_known"].sum())
    injured_k = int(frame["injured_n_known"].sum())
    dated = sum(k for k, _ in coverage.values())
    notes = [
        f"Killed is known for {fmt_int(killed_k)} and injured for {fmt_int(injured_k)} of the "
        f"{fmt_int(dated)} dated records; victims exclude attackers. Sources overlap (the "
        "same attack can be in several lists), so rows must not be added up.",
        *notes_html(data, frame, "incidents"),
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
        "incident. The lists overlap and count different things, so every figure here says "
        "which list it comes from and what that list counts; numbers made under different "
        "definitions are never added up. Shares come with a 95% range and the number of "
        f'records they rest on (<a href="{METHODS_PAGE}">how to read these figures</a>).</p>'
    )
    body: list = [
        f'<dl class="pages">{contents}</dl>',
        headline_tiles(data),
        "<h2>Incidents per year</h2>",
        incidents_by_year(data),
    ]
    return Page("index.html", "Overview", intro, body)
