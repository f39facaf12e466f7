"""Honest time axes: each source's partial last year, and jumps made by its collection.

A list that stops in July draws its last year as a collapse; a list whose
compilers changed how they collected draws the change as a surge. Both are
marked on the chart itself (a caption alone is not read, and is not printed
when a chart is copied into a briefing), from data:

- partial years from ``sql/dashboards/partial_years.sql`` (the records stop
  before December of their last year), never written per source;
- collection notes from ``collection_notes.csv`` next to this file (source,
  years, the short label drawn on the chart, the sentence for the caption).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.dashboards.site import PALETTE

if TYPE_CHECKING:
    import altair as alt
    import polars as pl

    from pipelines.dashboards.data import DashboardData

NOTES_CSV = Path(__file__).with_name("collection_notes.csv")
PARTIAL_LABEL = "partial year"
PARTIAL_COLOUR = "#444"
NOTE_COLOUR = PALETTE[3]  # vermillion: stands apart from the source colours it overlays


def partial_years(data: DashboardData) -> dict[str, tuple[int, str]]:
    """Source -> (its partial last year, its last incident date), for sources whose
    records stop before December of their last year."""
    frame = data.query("partial_years")
    return {r["source"]: (int(r["last_year"]), r["last_date"])
            for r in frame.iter_rows(named=True) if r["partial"]}


def collection_notes() -> pl.DataFrame:
    """The rows of ``collection_notes.csv``: source, from_year, to_year, label, note."""
    import polars as pl

    return pl.read_csv(NOTES_CSV, schema_overrides={"from_year": pl.Int32, "to_year": pl.Int32})


def mark_years(data: DashboardData, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``source`` and ``year``) plus the columns the marks draw from:
    ``partial_year`` (the source's partial last year), ``collection_note`` (the label of a
    collection note covering the year, else null) and ``note_start`` (its first year)."""
    import polars as pl

    partial = partial_years(data)
    last = pl.DataFrame({"source": list(partial), "_partial": [y for y, _ in partial.values()]},
                        schema={"source": pl.String, "_partial": pl.Int32})
    notes = collection_notes().select("source", "from_year", "to_year", "label")
    marked = (frame.drop("partial_year", strict=False)
              .join(last, on="source", how="left")
              .with_columns((pl.col("year") == pl.col("_partial")).fill_null(False)
                            .alias("partial_year")))
    covered = (marked.select("source", "year").unique()
               .join(notes, on="source")
               .filter(pl.col("year").is_between(pl.col("from_year"), pl.col("to_year")))
               .group_by("source", "year")
               .agg(pl.col("label").first().alias("collection_note"),
                    (pl.col("year") == pl.col("from_year")).any().alias("note_start")))
    return (marked.join(covered, on=["source", "year"], how="left")
            .with_columns(pl.col("note_start").fill_null(False))
            .drop("_partial"))


def notes_html(data: DashboardData, frame: pl.DataFrame, count: str | None = None) -> list[str]:
    """Caption sentences for what :func:`mark_years` marked in ``frame``: the partial
    years drawn, and each collection note with the records per year around it (from
    ``count``, a column of ``frame``, when given)."""
    import polars as pl

    partial = partial_years(data)
    shown = frame.filter(pl.col("partial_year"))["source"].unique().to_list()
    notes = []
    if shown:
        items = "; ".join(
            f"{html.escape(data.label(s))} {partial[s][0]} (records to {partial[s][1]})"
            for s in sorted(shown, key=data.label))
        notes.append(
            f'<span class="partial-years">Partial years, marked "{PARTIAL_LABEL}" on the chart '
            f"(the records stop before December): {items}. Do not read their lower counts as "
            "a fall.</span>")
    for note in collection_notes().iter_rows(named=True):
        rows = frame.filter((pl.col("source") == note["source"])
                            & pl.col("collection_note").is_not_null())
        if rows.is_empty():
            continue
        counts = ""
        if count:
            years = range(note["from_year"] - 1, note["to_year"] + 1)
            per_year = {r["year"]: r[count] for r in frame.filter(
                (pl.col("source") == note["source"]) & pl.col("year").is_in(list(years))
            ).iter_rows(named=True)}
            counts = " (" + ", ".join(f"{per_year[y]:,} in {y}" for y in years
                                      if y in per_year) + ")"
        notes.append(
            f'<span class="collection-note">Marked "{html.escape(note["label"])}" on the chart'
            f"{counts}: {html.escape(note['note'])}</span>")
    return notes


def quantitative_marks(frame: pl.DataFrame, height: int, x_title: str | None = None, *,
                       name_source: bool = False) -> list[alt.Chart]:
    """Layers for a chart whose x is ``year:Q`` over rows from :func:`mark_years` (``frame``):
    a dashed rule and the words "partial year" at each partial year, and a shaded band with
    its label over the years of a collection note. ``height`` places the note's label
    (half-way up, clear of the axis);
    ``name_source`` puts the source's name before "partial year" (sources share a panel).
    Only the layers with something to draw (an empty layer would break the year scale).
    The layers carry no data: the caller's ``alt.layer(..., data=values())`` gives it (in
    a facet a layer's own data would bypass the facet and draw every row in every panel)."""
    import altair as alt
    import polars as pl

    year = alt.Scale(zero=False)  # a rule or rect would otherwise pull the axis to 0
    x = alt.X("year:Q", title=x_title, scale=year)
    partial = alt.Chart().transform_filter("datum.partial_year")
    rule = partial.mark_rule(color=PARTIAL_COLOUR, strokeDash=[3, 2], strokeWidth=1.2).encode(
        x=x, description=alt.DescriptionValue(PARTIAL_LABEL))
    words = (f"datum.source_label + ' ' + datum.year + ': {PARTIAL_LABEL}'" if name_source
             else f"'{PARTIAL_LABEL}'")
    label = partial.transform_calculate(partial_label=words).mark_text(
        align="right", baseline="top", dx=-3, fontSize=10, color=PARTIAL_COLOUR).encode(
        x=x, y=alt.YValue(1), text=alt.Text("partial_label:N"))
    noted = (alt.Chart().transform_filter("datum.collection_note")
             .transform_calculate(year_lo="datum.year - 0.5", year_hi="datum.year + 0.5"))
    band = noted.mark_rect(color=NOTE_COLOUR, opacity=0.18).encode(
        x=alt.X("year_lo:Q", title=x_title, scale=year), x2=alt.X2("year_hi:Q"),
        description=alt.Description("collection_note:N"))
    note_label = noted.transform_filter("datum.note_start").mark_text(
        align="right", baseline="middle", dx=-2, fontSize=10, color=NOTE_COLOUR,
        fontWeight="bold").encode(x=alt.X("year_lo:Q", title=x_title, scale=year),
                                  y=alt.YValue(height / 2), text=alt.Text("collection_note:N"))
    layers = []
    if not frame.filter(pl.col("collection_note").is_not_null()).is_empty():
        layers += [band, note_label]
    if frame["partial_year"].any():
        layers += [rule, label]
    return layers


def ordinal_marks(frame: pl.DataFrame, step: int, x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """Layers for a heatmap whose x is ``year:O`` and y ``source_label:N``: partial-year
    cells outlined with a dashed line and collection-note cells in the note colour, and
    at the end of each marked row its label (``end_label`` from :func:`with_end_labels`).
    ``x`` and ``y`` are the heatmap's own encodings (others would conflict with their
    domain and sort).
    Only the layers with something to draw; the data comes from the caller's layer."""
    import altair as alt
    import polars as pl

    enc: dict[str, Any] = {"x": x, "y": y}
    partial = alt.Chart().transform_filter("datum.partial_year").mark_rect(
        fillOpacity=0, stroke=PARTIAL_COLOUR, strokeDash=[2, 1.5], strokeWidth=1.5).encode(
        **enc, description=alt.DescriptionValue(PARTIAL_LABEL))
    noted = alt.Chart().transform_filter("datum.collection_note").mark_rect(
        fillOpacity=0, stroke=NOTE_COLOUR, strokeWidth=2).encode(
        **enc, description=alt.Description("collection_note:N"))
    # One label per marked row, right of its last cell (see with_end_labels).
    ends = alt.Chart().transform_filter("datum.end_label")
    text = ends.mark_text(align="left", dx=step / 2 + 3, fontSize=10, color=PARTIAL_COLOUR
                          ).encode(**enc, text=alt.Text("end_label:N"))
    layers = []
    if frame["partial_year"].any():
        layers.append(partial)
    if not frame.filter(pl.col("collection_note").is_not_null()).is_empty():
        layers.append(noted)
    if not frame.filter(pl.col("end_label").is_not_null()).is_empty():
        layers.append(text)
    return layers


def with_end_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` from :func:`mark_years` plus ``end_label`` on the last year of each source
    with a mark: "partial year" and/or "outlined: <note label>" (null elsewhere)."""
    import polars as pl

    per_source = frame.group_by("source").agg(
        pl.col("year").max().alias("_last"), pl.col("partial_year").any().alias("_partial"),
        pl.col("collection_note").drop_nulls().first().alias("_note"))
    label = pl.concat_str(
        [pl.when(pl.col("_partial")).then(pl.lit(PARTIAL_LABEL)),
         pl.when(pl.col("_note").is_not_null()).then(pl.lit("outlined: ") + pl.col("_note"))],
        separator="; ", ignore_nulls=True)
    return (frame.join(per_source, on="source", how="left")
            .with_columns(pl.when(pl.col("year") == pl.col("_last"))
                          .then(pl.when(label != "").then(label)).alias("end_label"))
            .drop("_last", "_partial", "_note"))
