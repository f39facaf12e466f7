"""How attacks end: attacker outcome, who stopped the attack, and police arrival.

All descriptive: attacks that end differently differ in place, weapon and time
before anyone could act, so no chart here says what caused an outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.dashboards.captions import caption, coverage_by_source, fmt_int
from pipelines.dashboards.charts import (
    FULL_WIDTH,
    OUTCOME_COLOURS,
    STOPPED_BY_COLOURS,
    category_colours,
    finish,
    share_tooltips,
    source_colours,
    values,
)
from pipelines.dashboards.site import PALETTE, Chart, Page

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

# Fills light enough to need dark text on them: orange, sky blue, yellow, grey.
LIGHT = (PALETTE[1], PALETTE[5], PALETTE[6], PALETTE[8])


def _with_row_labels(data: DashboardData, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``row_label``: the source's short name with its coverage, e.g. "FBI (521 of 532)"."""
    import polars as pl

    labelled = data.with_labels(frame)
    return labelled.with_columns(
        (pl.col("source_label") + " (" + pl.col("n_known").map_elements(
            fmt_int, return_dtype=pl.String) + " of " + pl.col("n").map_elements(
            fmt_int, return_dtype=pl.String) + " known)").alias("row_label"))


def _stacked_shares(data: DashboardData, name: str, colours: dict[str, str], title: str,
                    subtitle: str, legend: str, lead: str, known: str) -> Chart:
    """A 100% bar per source: the share of each category among records where it is known."""
    import altair as alt
    import polars as pl

    frame = _with_row_labels(data, data.query(name))
    order = {c: i for i, c in enumerate(colours)}
    frame = frame.with_columns(
        pl.col("category").replace_strict(order, default=len(order)).alias("category_order"),
        pl.col("category").str.replace_all("_", " ").alias("category_label"),
        pl.col("category").replace_strict(colours, default=PALETTE[-1]).is_in(LIGHT)
        .replace_strict({True: "#222222", False: "#ffffff"}).alias("ink"))
    present = frame["category"].unique().to_list()
    scale = category_colours(colours, present)
    labels = {c: c.replace("_", " ") for c in scale.domain}
    scale = alt.Scale(domain=[labels[c] for c in scale.domain], range=scale.range)
    rows = frame.select("source", "row_label").unique(maintain_order=True)["row_label"].to_list()
    base = alt.Chart(values()).transform_stack(
        stack="share", groupby=["row_label"], as_=["x0", "x1"],
        sort=[alt.SortField("category_order", order="ascending")],
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").encode(
        y=alt.Y("row_label:N", title=None, sort=rows, axis=alt.Axis(labelLimit=260)))
    bars = base.mark_bar(height={"band": 0.78}).encode(
        x=alt.X("x0:Q", title="Share of records where it is known",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2="x1:Q",
        color=alt.Color("category_label:N", title=legend, scale=scale,
                        legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=share_tooltips(legend, "category_label"),
    )
    shares = base.mark_text(fontSize=10, fontWeight="bold").encode(
        x="mid:Q", text=alt.Text("share:Q", format=".0%"), color=alt.Color("ink:N", scale=None),
        tooltip=share_tooltips(legend, "category_label"),
    ).transform_filter("datum.share >= 0.06")
    chart = (bars + shares).properties(width=FULL_WIDTH - 300, height=alt.Step(30),
                                     title=alt.Title(title, subtitle=subtitle))
    text = caption(data, lead, coverage_by_source(frame), known)
    return Chart(name, finish(chart, frame), text, frame)


def attacker_outcome(data: DashboardData) -> Chart:
    return _stacked_shares(
        data, "attacker_outcome", OUTCOME_COLOURS,
        "How the attack ended for the attacker",
        "Share of each source's records where the outcome is known; hover for counts "
        "and 95% intervals.",
        "Attacker outcome",
        "From <code>metric_resolution</code> (overall). Sources that never record an outcome "
        "are not drawn; the label of each bar says how many of its records are known.",
        "with the attacker's outcome known")


def stopped_by(data: DashboardData) -> Chart:
    return _stacked_shares(
        data, "stopped_by", STOPPED_BY_COLOURS,
        "Who stopped the attack",
        "Share of each source's records where it is known; civilian includes off-duty "
        "officers acting as civilians; self is suicide or the attacker stopping; none means "
        "the attacker fled.",
        "Stopped by",
        "From <code>metric_resolution</code> (overall). Descriptive, not causal: attacks "
        "stopped by different people differ in many other ways.",
        "saying who stopped the attack")


def police_arrival_by_year(data: DashboardData) -> Chart:
    """Share over before police arrived per year, with its 95% interval as a band."""
    import altair as alt

    frame = data.with_labels(data.query("police_arrival_by_year"))
    sources = frame["source"].unique(maintain_order=True).to_list()
    colour = alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                       legend=alt.Legend(orient="top", symbolOpacity=1))
    base = alt.Chart(values()).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=2),
                scale=alt.Scale(nice=False)),
    )
    band = base.mark_area(opacity=0.16).encode(
        color=colour,
        y=alt.Y("ci_low:Q", title="Over before police arrived",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y2="ci_high:Q",
    )
    line = base.mark_line(point=True, strokeWidth=1.6).encode(
        y="share:Q",
        color=colour,
        tooltip=[alt.Tooltip("year:Q", title="Year", format="d"),
                 *share_tooltips()[:4],
                 alt.Tooltip("ended_before_police:Q", title="Over before police", format=","),
                 alt.Tooltip("n_known:Q", title="Records where known", format=","),
                 alt.Tooltip("n:Q", title="Records in year", format=",")],
    )
    chart = (band + line).properties(
        width=FULL_WIDTH, height=300,
        title=alt.Title("Share of attacks over before police arrived, by year",
                        subtitle="Line: share; band: 95% Wilson interval (wide where a year "
                                 "has few records)."))
    text = caption(
        data,
        "From <code>metric_police_arrival</code> (by year), for the sources that can tell "
        "whether an attack was over before police arrived. Descriptive, not causal.",
        coverage_by_source(frame, how="sum"), "saying whether police arrived before the end")
    return Chart("police_arrival_by_year", finish(chart, frame), text, frame)


def police_arrival_by_location(data: DashboardData) -> Chart:
    """Share over before police arrived per location type: point and 95% interval bar."""
    import altair as alt
    import polars as pl

    frame = data.with_labels(data.query("police_arrival_by_location")).with_columns(
        pl.col("location_type").str.replace_all("_", " ").alias("location"))
    sources = frame["source"].unique(maintain_order=True).to_list()
    places = (frame.group_by("location").agg(pl.col("n_known").sum())
              .sort("n_known", descending=True)["location"].to_list())
    base = alt.Chart(values()).encode(
        y=alt.Y("location:N", title=None, sort=places),
        yOffset=alt.YOffset("source_label:N"),
        color=alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                        legend=alt.Legend(orient="top")),
    )
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="Over before police arrived (95% interval)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2="ci_high:Q",
    )
    point = base.mark_point(filled=True, size=55, opacity=1).encode(
        x="share:Q",
        tooltip=[alt.Tooltip("location:N", title="Location type"),
                 *share_tooltips()[:4],
                 alt.Tooltip("ended_before_police:Q", title="Over before police", format=","),
                 alt.Tooltip("n_known:Q", title="Records where known", format=",")],
    )
    chart = (interval + point).properties(
        width=FULL_WIDTH - 200, height=alt.Step(14),
        title=alt.Title("Share of attacks over before police arrived, by location type",
                        subtitle="Dot: share; bar: 95% Wilson interval. Types are ordered by "
                                 "how many records they hold."))
    text = caption(
        data,
        "From <code>metric_police_arrival</code> (by location type). Places differ in who "
        "is there and how far police are, so differences are descriptive.",
        coverage_by_source(frame, how="sum"), "saying whether police arrived before the end")
    return Chart("police_arrival_by_location", finish(chart, frame), text, frame)


def page(data: DashboardData) -> Page:
    """The "How attacks end" page."""
    intro = (
        "<p>How attacks ended for the attacker, who stopped them, and how often they were "
        "already over when police arrived. Shares are of the records where the source says; "
        "sources that cannot tell are left out of a chart, not counted as zero. None of this "
        "says what caused an outcome.</p>"
    )
    body: list = [
        "<h2>Outcome and who stopped the attack</h2>",
        attacker_outcome(data),
        stopped_by(data),
        "<h2>Over before police arrived</h2>",
        police_arrival_by_year(data),
        police_arrival_by_location(data),
    ]
    return Page("endings.html", "How attacks end", intro, body)
