"""Time: how long attacks lasted, and the hour and weekday they started.

Durations are rare in public lists: only the user-supplied Violence Project
file (and K-12 SSDB releases with Duration_min) carry them. When none is
loaded the page says so plainly instead of drawing an empty chart.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import EN_DASH, caption, coverage_by_source, fmt_int
from pipelines.dashboards.charts import (
    FULL_WIDTH,
    finish,
    peak_shares,
    shapes_like,
    share_tooltips,
    source_colours,
    values,
)
from pipelines.dashboards.site import Chart, Page

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

NO_DURATIONS = ("No durations: no public list loaded here records how long attacks lasted; "
                "only the Violence Project's file does, and it cannot be redistributed, so it "
                "is shown only when the user supplies it.")


def duration_coverage_html(data: DashboardData, frame: pl.DataFrame) -> str:
    """The plain statement of how many records have a duration, whatever the number."""
    coverage = coverage_by_source(frame)
    known = sum(k for k, _ in coverage.values())
    total = sum(n for _, n in coverage.values())
    with_any = [data.label(s) for s, (k, _) in coverage.items() if k]
    which = (f" ({', '.join(html.escape(s) for s in with_any)})" if with_any
             else "; no loaded source records how long an attack lasted")
    return (f'<p class="coverage" data-known="{known}" data-n="{total}">Durations are known '
            f"for {fmt_int(known)} of {fmt_int(total)} records{which}.</p>")


def duration(data: DashboardData, frame: pl.DataFrame) -> Chart:
    """Share of attacks per duration bucket, per source with durations, with 95% intervals."""
    import altair as alt
    import polars as pl

    drawn = (pl.col("n_known") > 0) & (pl.col("bucket") != "unknown")
    known = data.with_labels(frame.filter(drawn))
    sources = known["source"].unique(maintain_order=True).to_list()
    buckets = known.sort("bucket_order")["bucket"].unique(maintain_order=True).to_list()
    base = alt.Chart(values()).encode(
        x=alt.X("bucket:N", title="Minutes from first shot to the end", sort=buckets,
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("source_label:N"),
        color=alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                        legend=alt.Legend(orient="top")),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("share:Q", title="Share of records with a duration", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("bucket:N", title="Duration"), *share_tooltips(),
                 alt.Tooltip("median_min:Q", title="Median, minutes", format=".1f")],
    )
    errors = base.mark_rule(color="#222").encode(y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high:Q"))
    chart = alt.layer(
        bars, errors, width=FULL_WIDTH - 100, height=280,
        title=alt.Title("How long attacks lasted",
                        subtitle="Bars: share of the source's records with a duration; "
                                 "lines: 95% range."))
    stats = known.group_by("source_label", maintain_order=True).agg(
        pl.first("median_min"), pl.first("q1_min"), pl.first("q3_min"))
    medians = "; ".join(
        f"{html.escape(r['source_label'])}: median {r['median_min']:.1f} min "
        f"(quartiles {r['q1_min']:.1f}{EN_DASH}{r['q3_min']:.1f})"
        for r in stats.iter_rows(named=True)
    )
    text = caption(
        data, f"Minutes from the first shot to the end of the attack. {medians}.",
        coverage_by_source(known), "with a duration")
    alt_text = (f"How long attacks lasted, in minutes from first shot to the end: {medians}. "
                "Commonest duration per source: " + peak_shares(known, "bucket") + ".")
    return Chart("duration", finish(chart, known), text, known, alt=alt_text)


def start_hour(data: DashboardData) -> Chart:
    """Share of attacks starting in each hour, one line per source that records a time."""
    import altair as alt
    import polars as pl

    frame = data.with_labels(data.query("start_hour"))
    sources = frame["source"].unique(maintain_order=True).to_list()
    colour = alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                       legend=alt.Legend(orient="top"))
    chart = alt.Chart(values()).mark_line(point=True, strokeWidth=1.5).encode(
        x=alt.X("hour:Q", title="Hour the attack started (local time)",
                scale=alt.Scale(domain=[0, 23]),
                axis=alt.Axis(values=list(range(0, 24, 2)), labelExpr="datum.value + ':00'")),
        y=alt.Y("share:Q", title="Share of records with a time", axis=alt.Axis(format="%")),
        color=colour, shape=shapes_like(colour),
        tooltip=[alt.Tooltip("hour:Q", title="Hour"), *share_tooltips()],
    ).properties(width=FULL_WIDTH, height=280,
                 title=alt.Title("Hour the attack started",
                                 subtitle="Share of each source's records with a start time; "
                                          "hover for counts and 95% intervals."))
    text = caption(
        data,
        "Share of each list's attacks starting in each hour. Only lists that record a start "
        "time are drawn; ALERRT gives the hour only.",
        coverage_by_source(frame), "with a start time")
    peak = frame.with_columns(pl.col("hour").cast(pl.String) + ":00")
    alt_text = ("Hour the attack started, the commonest hour per source: "
                + peak_shares(peak, "hour", what="records with a time") + ".")
    return Chart("start_hour", finish(chart, frame), text, frame, alt=alt_text)


def weekday(data: DashboardData) -> Chart:
    """Share of attacks on each weekday, one line per source."""
    import altair as alt

    frame = data.with_labels(data.query("weekday"))
    sources = frame["source"].unique(maintain_order=True).to_list()
    days = frame.sort("weekday_no")["weekday"].unique(maintain_order=True).to_list()
    colour = alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                       legend=alt.Legend(orient="top", columns=5))
    chart = alt.Chart(values()).mark_line(point=True, strokeWidth=1.5).encode(
        x=alt.X("weekday:N", title="Weekday", sort=days,
                axis=alt.Axis(labelAngle=0, labelExpr="slice(datum.label, 0, 3)")),
        y=alt.Y("share:Q", title="Share of dated records", axis=alt.Axis(format="%")),
        color=colour, shape=shapes_like(colour),
        tooltip=[alt.Tooltip("weekday:N", title="Weekday"), *share_tooltips()],
    ).properties(width=FULL_WIDTH, height=280,
                 title=alt.Title("Weekday of the attack",
                                 subtitle="Share of each source's dated records; school "
                                          "lists fall on school days."))
    text = caption(
        data, "Share of each list's attacks on each weekday, every dated record.",
        coverage_by_source(frame), "with a date")
    alt_text = ("Weekday of the attack, the commonest weekday per source: "
                + peak_shares(frame, "weekday", what="dated records") + ".")
    return Chart("weekday", finish(chart, frame), text, frame, alt=alt_text)


def page(data: DashboardData) -> Page:
    """The Time page: durations (or the note saying none is loaded), start hour, weekday."""
    frame = data.query("duration")
    body: list = ["<h2>Duration</h2>", duration_coverage_html(data, frame)]
    files = {}
    if int(frame["n_known"].max() or 0) > 0:
        body.append(duration(data, frame))
    else:
        files["duration"] = data.with_labels(frame)
        body.append(
            f'<p class="note" data-empty-chart="duration">{html.escape(NO_DURATIONS)} '
            '<a href="data/duration.csv">Coverage per source (CSV)</a></p>')
    body += ["<h2>Start hour and weekday</h2>", start_hour(data), weekday(data)]
    intro = ("<p>How long attacks lasted and when they started. Each chart draws only the "
             "sources that record the field, and says how many records it rests on.</p>")
    return Page("time.html", "Time", intro, body, files=files)
