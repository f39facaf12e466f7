"""How attacks end: how (end_method), who stopped them, the attacker's fate, police arrival.

All descriptive: attacks that end differently differ in place, weapon and time
before anyone could act, so no chart here says what caused an outcome.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import (
    EN_DASH,
    METHODS_PAGE,
    caption,
    coverage_by_source,
    fmt_int,
    fmt_share,
    plain_label,
)
from pipelines.dashboards.charts import (
    END_METHOD_COLOURS,
    FATE_COLOURS,
    FULL_WIDTH,
    STOPPED_BY_COLOURS,
    category_colours,
    finish,
    ink_on,
    peak_shares,
    shapes_like,
    share_tooltips,
    source_colours,
    values,
)
from pipelines.dashboards.site import PALETTE, Chart, Page
from pipelines.dashboards.time_marks import mark_years, notes_html, quantitative_marks

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData



def _with_row_labels(data: DashboardData, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``row_label``: the source's short name with its coverage, e.g. "FBI (527 of 532
    known)": the records that tell how the attack ended, of all its records."""
    import polars as pl

    labelled = data.with_labels(frame)
    return labelled.with_columns(
        (pl.col("source_label") + " (" + pl.col("n_known").map_elements(
            fmt_int, return_dtype=pl.String) + " of " + pl.col("n").map_elements(
            fmt_int, return_dtype=pl.String) + " known)").alias("row_label"))


def _stacked_shares(data: DashboardData, name: str, colours: dict[str, str], title: str,
                    subtitle: str, legend: str, lead: str, known: str,
                    notes: tuple[str, ...] = (), field: str = "") -> Chart:
    """A 100% bar per source: the share of each category among the records that tell how
    the attack ended (the same denominator for how, who and fate). Categories show in
    plain words (``category_labels.csv``, by ``field``: "none" reads "nobody — the
    attacker fled")."""
    import altair as alt
    import polars as pl

    frame = _with_row_labels(data, data.query(name))
    order = {c: i for i, c in enumerate(colours)}
    frame = frame.with_columns(
        pl.col("category").replace_strict(order, default=len(order)).alias("category_order"),
        pl.col("category").map_elements(lambda c: plain_label(field, c),
                                        return_dtype=pl.String).alias("category_label"),
        pl.col("category").replace_strict(colours, default=PALETTE[-1])
        .replace_strict({c: ink_on(c) for c in PALETTE}).alias("ink"))
    present = frame["category"].unique().to_list()
    scale = category_colours(colours, present)
    labels = {c: plain_label(field, c) for c in scale.domain}
    scale = alt.Scale(domain=[labels[c] for c in scale.domain], range=scale.range)
    rows = frame.select("source", "row_label").unique(maintain_order=True)["row_label"].to_list()
    base = alt.Chart(values()).transform_stack(
        stack="share", groupby=["row_label"], as_=["x0", "x1"],
        sort=[alt.SortField("category_order", order="ascending")],
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").encode(
        y=alt.Y("row_label:N", title=None, sort=rows, axis=alt.Axis(
            labelLimit=260, labelExpr="[split(datum.label, ' (')[0], "
                                      "'(' + split(datum.label, ' (')[1]]")))
    bars = base.mark_bar(height={"band": 0.78}).encode(
        x=alt.X("x0:Q", title="Share of records that tell how the attack ended",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("x1:Q"),
        # The legend lists the categories in the order the bars stack them, and says so:
        # the order, not only the colour, tells which segment is which.
        color=alt.Color("category_label:N", title=f"{legend} (left to right)", scale=scale,
                        legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=share_tooltips(legend, "category_label"),
    )
    # Each segment wide enough for it carries its category's name beside its share (the
    # plot's width, the signal "width", decides: a phone fits fewer), so the bars are
    # read from their labels, not only their colours.
    shares = base.mark_text(fontSize=10, fontWeight="bold").encode(
        x=alt.X("mid:Q"), text=alt.Text("segment_label:N"), color=alt.Color("ink:N", scale=None),
        tooltip=share_tooltips(legend, "category_label"),
    ).transform_calculate(
        pct="format(datum.share, '.0%')",
    ).transform_calculate(
        segment_label="datum.share * width >= 8 + 6 * length(datum.category_label + datum.pct)"
                      " ? datum.category_label + ' ' + datum.pct : datum.pct",
    ).transform_filter("datum.share * width >= 6.5 * length(datum.pct) + 4")
    chart = alt.layer(bars, shares, width=FULL_WIDTH - 300, height=alt.Step(30),
                      title=alt.Title(title, subtitle=subtitle))
    text = caption(data, lead, coverage_by_source(frame), known, notes)
    alt_text = (f"{title}, the largest category per source: "
                f"{peak_shares(frame, 'category_label', what='records that tell')}.")
    return Chart(name, finish(chart, frame), text, frame, alt=alt_text)


def _fate_coverage(data: DashboardData) -> str:
    """One sentence: per source, of the records that tell how an attack ended, how many
    give the attacker's fate, and how many of those fates were inferred from links."""
    import polars as pl

    frame = data.with_labels(data.query("attacker_fate"))
    per_source = frame.group_by("source", "source_label", maintain_order=True).agg(
        pl.col("count").filter(pl.col("category") != "unknown").sum().alias("known"),
        pl.col("inferred").sum().alias("inferred"), pl.col("n_known").first())
    parts = [f"{html.escape(r['source_label'])} {fmt_int(r['known'])} of "
             f"{fmt_int(r['n_known'])} ({fmt_int(r['inferred'])} inferred)"
             for r in per_source.iter_rows(named=True)]
    return "Attacker's fate known: " + "; ".join(parts) + "." if parts else ""


def end_method(data: DashboardData) -> Chart:
    return _stacked_shares(
        data, "end_method", END_METHOD_COLOURS,
        "How the attack ended",
        "Share of each source's records that tell how the attack ended; hover for counts "
        "and 95% intervals. Who did it and whether the attacker died are the next charts.",
        "How it ended",
        "How each list's attacks ended, as a share of its records that say how. Lists that "
        "never say how an attack ended (GVA) are not drawn; the label of each bar says how "
        "many of its records tell.",
        "telling how the attack ended", field="end_method")


def stopped_by(data: DashboardData) -> Chart:
    return _stacked_shares(
        data, "stopped_by", STOPPED_BY_COLOURS,
        "Who stopped the attack",
        "Records that say how the attack ended; an off-duty officer was already on the scene, "
        "not police arriving; \u201cnot said who\u201d: the list says how but not who.",
        "Stopped by",
        "Who stopped each list's attacks, as a share of its records that say how the attack "
        "ended. Descriptive, not causal: attacks stopped by different people differ in many "
        "other ways.",
        "telling how the attack ended", field="stopped_by")


def attacker_fate(data: DashboardData) -> Chart:
    return _stacked_shares(
        data, "attacker_fate", FATE_COLOURS,
        "Whether the attacker died",
        "Records that say how the attack ended; \u201cnot said\u201d: the list does not say "
        "(e.g. ALERRT's \"Shot by police\") and no linked record of another list does.",
        "Attacker",
        "Whether the attacker died, as a share of each list's records that say how the attack "
        "ended: stated by the list, worked out from its other fields, or taken from another "
        "list's record of the same incident (counted as inferred in the chart's data).",
        "telling how the attack ended", (_fate_coverage(data),), field="attacker_fate")


def police_arrival_by_year(data: DashboardData) -> Chart:
    """Share over before police arrived per year, with its 95% interval as a band."""
    import altair as alt
    import polars as pl

    frame = mark_years(data, data.with_labels(data.query("police_arrival_by_year")))
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
        y2=alt.Y2("ci_high:Q"),
    )
    line = base.mark_line(point=True, strokeWidth=1.6).encode(
        y=alt.Y("share:Q"),
        color=colour, shape=shapes_like(colour),
        tooltip=[alt.Tooltip("year:Q", title="Year", format="d"),
                 *share_tooltips()[:4],
                 alt.Tooltip("ended_before_police:Q", title="Over before police", format=","),
                 alt.Tooltip("n_known:Q", title="Records where known", format=","),
                 alt.Tooltip("n:Q", title="Records in year", format=",")],
    )
    chart = alt.layer(
        *quantitative_marks(frame, 300, name_source=True), band, line, data=values(),
        width=FULL_WIDTH, height=300,
        title=alt.Title("Share of attacks over before police arrived, by year",
                        subtitle="Line: share; band: 95% range (wide where a year has few "
                                 "records)."))
    text = caption(
        data,
        "Share of each list's attacks that were over before police arrived, per year, for "
        "the lists that can tell. Descriptive, not causal.",
        coverage_by_source(frame, how="sum"), "saying whether police arrived before the end",
        notes_html(data, frame, "n"))
    overall = frame.group_by("source_label", maintain_order=True).agg(
        pl.col("ended_before_police").sum(), pl.col("n_known").sum(), pl.col("year").min()
        .alias("first"), pl.col("year").max().alias("last"))
    alt_text = "Share of attacks over before police arrived, all years together: " + "; ".join(
        f"{r['source_label']} {fmt_share(r['ended_before_police'] / r['n_known'])} "
        f"({fmt_int(r['ended_before_police'])} of {fmt_int(r['n_known'])} records, "
        f"{r['first']}{EN_DASH}{r['last']})"
        for r in overall.iter_rows(named=True) if r["n_known"]) + "."
    return Chart("police_arrival_by_year", finish(chart, frame), text, frame, alt=alt_text)


def police_arrival_by_location(data: DashboardData) -> Chart:
    """Share over before police arrived per location type: point and 95% interval bar."""
    import altair as alt
    import polars as pl

    frame = data.with_labels(data.query("police_arrival_by_location")).with_columns(
        pl.col("location_type").map_elements(lambda c: plain_label("location_type", c),
                                             return_dtype=pl.String).alias("location"))
    sources = frame["source"].unique(maintain_order=True).to_list()
    places = (frame.group_by("location").agg(pl.col("n_known").sum())
              .sort("n_known", descending=True)["location"].to_list())
    colour = alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                       legend=alt.Legend(orient="top"))
    base = alt.Chart(values()).encode(
        y=alt.Y("location:N", title=None, sort=places),
        yOffset=alt.YOffset("source_label:N"),
        color=colour,
    )
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="Over before police arrived (95% interval)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("ci_high:Q"),
    )
    point = base.mark_point(filled=True, size=55, opacity=1).encode(
        x=alt.X("share:Q"), shape=shapes_like(colour),
        tooltip=[alt.Tooltip("location:N", title="Location type"),
                 *share_tooltips()[:4],
                 alt.Tooltip("ended_before_police:Q", title="Over before police", format=","),
                 alt.Tooltip("n_known:Q", title="Records where known", format=",")],
    )
    chart = alt.layer(
        interval, point, width=FULL_WIDTH - 200, height=alt.Step(14),
        title=alt.Title("Share of attacks over before police arrived, by location type",
                        subtitle="Dot: share; bar: 95% range. Types are ordered by how many "
                                 "records they hold."))
    text = caption(
        data,
        "Share of each list's attacks that were over before police arrived, per kind of "
        "place. Places differ in who is there and how far police are, so differences are "
        "descriptive.",
        coverage_by_source(frame, how="sum"), "saying whether police arrived before the end")
    alt_text = ("Share of attacks over before police arrived, the location type with the "
                "largest share per source: "
                + peak_shares(frame, "location", count="ended_before_police") + ".")
    return Chart("police_arrival_by_location", finish(chart, frame), text, frame,
                 alt=alt_text)


# The chain of survival: (step, heading, what it asks) in the order the field uses.
CHAIN_STEPS = (
    (1, "Step 1: what people at the scene did",
     "Before police arrive, the people there are the first responders: attacks stopped by "
     "civilians (including security guards and off-duty officers already on the scene), and "
     "attacks already over when police arrived."),
    (2, "Step 2: police arrival and contact",
     "Once police arrive: attacks stopped by police, and attackers shot (by police or "
     "anyone else), with whether the attacker died."),
    (3, "Step 3: officers killed and injured",
     "The cost to the responders: officers killed and injured, counted apart from other "
     "victims only by the lists named below."),
)
CHAIN_FIGURES = {
    "stopped_by_civilians": "Stopped by civilians",
    "ended_before_police": "Over before police arrived",
    "stopped_by_police": "Stopped by police",
    "attacker_shot": "Attacker shot",
    "officers_killed": "Officers killed",
    "officers_injured": "Officers injured",
}


def chain_table(data: DashboardData, frame: pl.DataFrame, step: int) -> str:
    """The step's figures, one row per list that can tell it: count, share with its 95%
    range, and coverage (records that tell, of all the list's records)."""
    rows = []
    for r in frame.filter(frame["step"] == step).iter_rows(named=True):
        share = EN_DASH
        if r["share"] is not None:
            share = (f'{fmt_share(r["share"])} <span class="range">(95% range '
                     f'{fmt_share(r["ci_low"])}{EN_DASH}{fmt_share(r["ci_high"])})</span>')
        rows.append(
            f'<tr data-figure="{r["figure"]}" data-source="{html.escape(r["source"])}" '
            f'data-n-known="{r["n_known"]}" data-n="{r["n"]}">'
            f'<td>{html.escape(CHAIN_FIGURES.get(r["figure"], r["figure"]))}</td>'
            f'<td>{html.escape(data.label(r["source"]))}</td>'
            f'<td class="num">{fmt_int(r["value"])}</td><td class="num">{share}</td>'
            f'<td class="num">{fmt_int(r["n_known"])} of {fmt_int(r["n"])} records</td></tr>')
    if not rows:
        return f'<p id="chain-step-{step}">No loaded list can tell this step.</p>'
    named = sorted({data.label(s) for s in frame.filter(frame["step"] == step)["source"]})
    return (
        f'<table id="chain-step-{step}" class="chain"><caption>Lists that can tell this step '
        f"({html.escape(', '.join(named))}) and their coverage</caption><thead><tr>"
        '<th>Figure</th><th>List</th><th class="num">Attacks</th>'
        '<th class="num">Share of records that tell</th><th class="num">Coverage</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody></table>')


def page(data: DashboardData) -> Page:
    """The "How attacks end" page, laid out along the chain of survival."""
    intro = (
        "<p>How attacks ended, step by step along the response chain: what the people at "
        "the scene did, what happened when police arrived, and what it cost the officers. "
        "Each step names the lists that can tell it and how many of their records do; lists "
        "that cannot tell are left out, not counted as zero. Lists count different things "
        "(active attacks, mass shootings, school shootings), so compare a list with itself, "
        "not with another. None of this says what caused an outcome "
        f'(<a href="{METHODS_PAGE}">how to read these figures</a>).</p>'
    )
    chain = data.query("chain_of_survival")
    heads = {step: (f"<h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>"
                    + chain_table(data, chain, step))
             for step, title, text in CHAIN_STEPS}
    body: list = [
        heads[1],
        stopped_by(data),
        police_arrival_by_year(data),
        police_arrival_by_location(data),
        heads[2],
        end_method(data),
        attacker_fate(data),
        heads[3],
    ]
    return Page("endings.html", "How attacks end", intro, body)
