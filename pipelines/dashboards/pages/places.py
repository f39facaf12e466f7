"""Where: incidents and casualties per state on a tile grid, and kinds of places.

The map shows one source at a time (a drop-down under it): adding sources up
would count an attack once per list that has it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import caption, coverage_by_source, fmt_int, plain_label
from pipelines.dashboards.charts import (
    finish,
    peak_shares,
    stacked,
    values,
    white_from,
    white_text_where,
)
from pipelines.dashboards.site import PALETTE, Chart, Page
from pipelines.dashboards.state_grid import STATE_GRID, STATE_NAMES

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

# The map opens on this source when it is loaded: the FBI's active-shooter
# definition is the one this warehouse is named after.
DEFAULT_MAP_SOURCE = "fbi"
TILE = 34  # pixels per tile
NARROW_TILE = 24  # on a phone: twelve columns in 288 pixels
# Sequential ramps from a pale tint to an Okabe-Ito hue (blue for records,
# vermillion for victims), so zero stays visible against the page.
BLUES = ("#eef2f6", PALETTE[0])
REDS = ("#fbeee6", PALETTE[3])
LOCATION_ORDER = ("commerce", "education", "government", "health_care", "house_of_worship",
                  "open_space", "residence", "military", "other", "unknown")


def state_tiles(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every grid state for every source (0 where it lists nothing), and the rows off the grid.

    Also adds each tile's value relative to its source's largest, which picks a
    readable text colour on dark tiles.
    """
    import polars as pl

    grid = pl.DataFrame(
        [{"state": s, "row": r, "col": c, "state_name": STATE_NAMES.get(s, s)}
         for s, (r, c) in STATE_GRID.items()])
    sources = frame.select("source").unique(maintain_order=True)
    counts = ["incidents", "killed", "injured", "casualties"]
    tiles = (
        sources.join(grid, how="cross")
        .join(frame, on=["source", "state"], how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .with_columns([
            (pl.col(c) / pl.col(c).max().over("source").clip(lower_bound=1)).round(3)
            .alias(f"{c}_rel") for c in ("incidents", "casualties")
        ])
    )
    off_grid = frame.filter(pl.col("state").is_null() | ~pl.col("state").is_in(list(STATE_GRID)))
    return tiles, off_grid


def _tile_map(base, field: str, title: str, legend: str, colours: tuple[str, str]):
    """One tile map: a square per state coloured by ``field``, its code written on it."""
    import altair as alt

    enc = {
        "x": alt.X("col:O", axis=None, scale=alt.Scale(paddingInner=0.1)),
        "y": alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0.1)),
    }
    tips = [
        alt.Tooltip("state_name:N", title="State"),
        alt.Tooltip("source_label:N", title="Source"),
        alt.Tooltip("incidents:Q", title="Records", format=","),
        alt.Tooltip("killed:Q", title="Killed", format=","),
        alt.Tooltip("injured:Q", title="Injured", format=","),
    ]
    squares = base.mark_rect(cornerRadius=3).encode(
        **enc,
        color=alt.Color(f"{field}:Q", title=legend,
                        scale=alt.Scale(range=list(colours), domainMin=0),
                        legend=alt.Legend(orient="bottom", gradientLength=200)),
        tooltip=tips,
    )
    labels = base.mark_text(fontSize=10, fontWeight="bold").encode(
        **enc,
        text=alt.Text("state:N"),
        color=white_text_where(f"datum.{field}_rel > {white_from(colours)}"),
        tooltip=tips,
    )
    return alt.layer(squares, labels, width=TILE * 12, height=TILE * 8,
                     title=alt.Title(title, fontSize=13))


def state_map(data: DashboardData) -> Chart:
    """Two tile maps (records, victims killed + injured) sharing one source drop-down;
    on a phone one above the other, with smaller tiles."""
    import altair as alt
    import polars as pl

    frame = data.query("state_map")
    tiles, off_grid = state_tiles(frame)
    tiles = data.with_labels(tiles)
    labels = [data.label(s) for s in tiles["source"].unique(maintain_order=True).to_list()]
    default = data.label(DEFAULT_MAP_SOURCE) if DEFAULT_MAP_SOURCE in data.sources else labels[0]
    if default not in labels:
        default = labels[0]
    pick = alt.param(name="map_source", value=default,
                     bind=alt.binding_select(options=labels, name="Source shown: "))
    base = alt.Chart(values()).transform_filter(alt.datum.source_label == pick)
    chart = alt.hconcat(
        _tile_map(base, "incidents", "Records (incidents as the source defines them)",
                  "Records", BLUES),
        _tile_map(base, "casualties", "Victims killed or injured", "Victims", REDS),
        spacing=30, params=[pick.param],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=alt.Title("Incidents and victims per state, one source at a time",
                        subtitle=f"Choose the source under the map (it opens on {default}). "
                                 "Counts, not rates: populous states have more of everything."))
    coverage = _state_coverage(frame)
    opening = next(s for s in tiles["source"].unique(maintain_order=True).to_list()
                   if data.label(s) == default)
    casualties_known = int(frame.filter(frame["source"] == opening)["casualties_n_known"].sum())
    notes = [
        "Victims are counted over each list's records with both killed and injured known "
        f"({fmt_int(casualties_known)} for {html.escape(default)}). Each tile is one state "
        "(DC and the territories the sources use included), placed roughly where it lies."
    ]
    if off_grid.height:
        notes.append(f"{fmt_int(off_grid['incidents'].sum())} records of all the lists have no "
                     "state or one off the grid and are not drawn.")
    known, total = coverage.get(opening, (0, 0))
    info = data.sources.get(opening)
    definition = (f" ({html.escape(info.definition.rstrip('.'))})"
                  if info and info.definition else "")
    lead = (
        f'<span class="map-opening" data-source="{html.escape(opening)}" data-records="{total}">'
        f"The map shows one list at a time. It opens on {html.escape(default)}: "
        f"{fmt_int(total)} records, {fmt_int(known)} of them with a state on the map"
        f"{definition}.</span> Choose another list under the map; the PNG and SVG show "
        f"{html.escape(default)}.")
    text = caption(data, lead, coverage, "with a state on the map", notes, one_at_a_time=True)
    shown = tiles.filter(pl.col("source_label") == default).sort("incidents", descending=True)
    top = "; ".join(f"{r['state_name']} {fmt_int(r['incidents'])}"
                    for r in shown.head(3).iter_rows(named=True))
    alt_text = (f"Records per state, {default} (the source the map opens on): "
                f"{fmt_int(shown['incidents'].sum())} records on the map, most in {top}. "
                "Choose another source with the drop-down under the map.")
    spec = finish(chart, tiles)
    return Chart("state_map", spec, text, tiles, alt=alt_text, narrow_below=TILE * 24 + 80,
                 narrow=stacked(spec, width=NARROW_TILE * 12, height=NARROW_TILE * 8))


def _state_coverage(frame: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """(records with a state on the grid, records) per source."""
    import polars as pl

    rows = frame.group_by("source", maintain_order=True).agg(
        pl.col("incidents").filter(pl.col("state").is_in(list(STATE_GRID))).sum().alias("k"),
        pl.col("incidents").sum().alias("n"))
    return {r["source"]: (int(r["k"]), int(r["n"])) for r in rows.iter_rows(named=True)}


def location_types(data: DashboardData) -> Chart:
    """Heatmaps per source and location type: share of records, and killed per incident."""
    import altair as alt
    import polars as pl

    frame = data.with_labels(data.query("location_types")).with_columns(
        pl.col("location_type").map_elements(lambda c: plain_label("location_type", c),
                                             return_dtype=pl.String).alias("location"))
    rows = frame["source_label"].unique(maintain_order=True).to_list()
    places = [plain_label("location_type", p) for p in LOCATION_ORDER]
    places += sorted(set(frame["location"].to_list()) - set(places))
    top_kpi = float(frame["killed_per_incident"].max() or 1)
    base = alt.Chart(values()).encode(
        y=alt.Y("source_label:N", title=None, sort=rows),
        x=alt.X("location:N", title="Location type", sort=places,
                axis=alt.Axis(labelAngle=-35, orient="top")),
        tooltip=[
            alt.Tooltip("source_label:N", title="Source"),
            alt.Tooltip("location:N", title="Location type"),
            alt.Tooltip("incidents:Q", title="Records", format=","),
            alt.Tooltip("share_of_source:Q", title="Share of the source's records", format=".1%"),
            alt.Tooltip("killed:Q", title="Killed", format=","),
            alt.Tooltip("injured:Q", title="Injured", format=","),
            alt.Tooltip("killed_per_incident:Q", title="Killed per incident", format=".2f"),
            alt.Tooltip("killed_n_known:Q", title="Records with killed known", format=","),
        ],
    )
    share = base.mark_rect().encode(
        color=alt.Color("share_of_source:Q", title="Share of records",
                        scale=alt.Scale(range=list(BLUES), domain=[0, 1]),
                        legend=alt.Legend(format="%", orient="bottom", gradientLength=180)))
    share_text = base.mark_text(fontSize=10).encode(
        text=alt.Text("share_of_source:Q", format=".0%"),
        color=white_text_where(f"datum.share_of_source > {white_from(BLUES)}"))
    killed = base.mark_rect().encode(
        color=alt.Color("killed_per_incident:Q", title="Killed per incident",
                        scale=alt.Scale(range=list(REDS), domainMin=0),
                        legend=alt.Legend(orient="bottom", gradientLength=180)))
    killed_text = base.mark_text(fontSize=10).encode(
        text=alt.Text("killed_per_incident:Q", format=".1f"),
        color=white_text_where(f"datum.killed_per_incident > {top_kpi * white_from(REDS):.3f}"))
    size = {"width": alt.Step(40), "height": alt.Step(24)}
    chart = alt.hconcat(
        alt.layer(share, share_text, title="Share of each source's records", **size),
        alt.layer(killed, killed_text, title="Victims killed per incident", **size),
        spacing=24, resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=alt.Title("Kinds of places attacked",
                        subtitle="Location types mapped onto one vocabulary; GVA does not "
                                 "record the place type, so all its records are unknown."))
    text = caption(
        data,
        "Each list's records by kind of place, and victims killed per incident there. Places "
        "differ in who is there and how many, not only in how attacks unfold: killed per "
        "incident is descriptive.",
        coverage_by_source(frame, "incidents", "killed_n_known", how="sum"),
        "with killed known (shares count every record)")
    alt_text = ("Kinds of places attacked, the commonest location type per source: "
                + peak_shares(frame, "location", share="share_of_source", count="incidents",
                              n="source_records") + ".")
    spec = finish(chart, frame)
    narrow = stacked(spec, width={"step": 19})
    for panel in narrow["vconcat"]:  # upright place names: slanted ones run off the edge
        for layer in panel.get("layer", [panel]):
            axis = layer.get("encoding", {}).get("x", {}).get("axis")
            if isinstance(axis, dict):
                axis["labelAngle"] = -90
    return Chart("location_types", spec, text, frame, alt=alt_text, narrow_below=1000,
                 narrow=narrow)


def page(data: DashboardData) -> Page:
    """The Where page."""
    intro = ("<p>Where attacks happened: states on a tile grid (one equal square each, no map "
             "download), and the kinds of places. " + html.escape(
                 "Counts are per source; an attack in several lists is in each of them.")
             + "</p>")
    body: list = ["<h2>States</h2>", state_map(data), "<h2>Location types</h2>",
                  location_types(data)]
    return Page("where.html", "Where", intro, body)
