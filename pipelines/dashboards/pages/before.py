"""Before the attack: who the attackers were, the signs before, how they got their
weapons, and armed security on site against how the attack ended.

Coverage is the point of this page. Most sources publish few of these fields, and
a share built on 40 of 428 attackers says little about the other 388, so every
bar carries "(N of M known)" in its label and every caption says how many are
known per source. Sources that never publish a field are left out of its chart,
not counted as zero. All of it is descriptive: a sign common among attackers says
nothing of how many people with it never attack, and armed security on site is
set against how attacks ended without any claim that one caused the other.

No attacker's name is read here: the tables behind the page hold none.
"""

from __future__ import annotations

import csv
import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import caption, coverage_by_source, fmt_int, fmt_share
from pipelines.dashboards.charts import (
    END_METHOD_COLOURS,
    FULL_WIDTH,
    MEASURE_COLOURS,
    category_colours,
    finish,
    peak_shares,
    shapes_like,
    share_tooltips,
    source_colours,
    values,
)
from pipelines.dashboards.site import PALETTE, Chart, Page

if TYPE_CHECKING:
    import altair as alt
    import polars as pl

    from pipelines.dashboards.data import DashboardData

# Plain words (and a short definition where one helps) for every category drawn here:
# data, not code (field,category,label,definition); the file's order is the order drawn.
LABELS_CSV = Path(__file__).with_name("before_labels.csv")

# Age bands are ordered: a sequential scale (viridis, readable with colour blindness).
AGE_COLOURS = {"under_18": "#fde725", "18_24": "#7ad151", "25_34": "#22a884",
               "35_44": "#2a788e", "45_54": "#414487", "55_plus": "#440154"}
SEX_COLOURS = {"male": PALETTE[0], "female": PALETTE[1], "other": PALETTE[8]}

# Tables behind the page; a warehouse built before they existed shows a note instead.
PROFILE, SIGNS, WEAPONS = "metric_attacker_profile", "metric_warning_signs", \
    "metric_weapons_obtained"
SECURITY, SECURITY_END = "metric_armed_security", "metric_armed_security_end"

NOT_CAUSAL = ("Descriptive, not causal: where armed security is posted differs from where it "
              "is not (school size, place, year, who reports it), so these figures do not say "
              "what armed security changes.")


@cache
def labels() -> dict[str, dict[str, tuple[str, str]]]:
    """field -> {category: (label, definition)}, in the order of ``before_labels.csv``."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    with LABELS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["field"], {})[row["category"]] = (row["label"],
                                                                   row["definition"])
    return found


def label(field: str, category: str) -> str:
    """The words a reader sees for a category; an unlisted one with spaces for underscores."""
    return labels().get(field, {}).get(category, (category.replace("_", " "), ""))[0]


def _definitions(field: str, present: list[str]) -> str:
    """One sentence defining the drawn categories that need it, e.g. "family: a relative..."."""
    parts = [f"<i>{html.escape(lab)}</i>: {html.escape(defn)}"
             for cat, (lab, defn) in labels().get(field, {}).items()
             if defn and cat in present]
    text = "; ".join(parts)
    return text[:3] + text[3:4].upper() + text[4:] + "." if parts else ""  # after "<i>"


def _ink(colour: str) -> str:
    """Dark or white text, whichever reads on a fill (relative luminance of the hex colour)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#222222" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "#ffffff"


def _known(n_known: str = "n_known", n: str = "n") -> pl.Expr:
    """" (N of M known)", from two count columns."""
    import polars as pl

    as_text = {"function": fmt_int, "return_dtype": pl.String}
    return (pl.lit(" (") + pl.col(n_known).map_elements(**as_text) + " of "
            + pl.col(n).map_elements(**as_text) + " known)")


def _with_row_labels(data: DashboardData, frame: pl.DataFrame, group: str | None = None
                     ) -> pl.DataFrame:
    """Add ``source_label`` and ``row_label``: the source's short name, the group when
    there is one ("Washington Post, armed security present"), and its coverage."""
    import polars as pl

    labelled = data.with_labels(frame)
    prefix = pl.col("source_label")
    if group:
        labelled = labelled.with_columns(pl.col(group).map_elements(
            lambda g: label("armed_security", g if g != "not_stated" else ""),
            return_dtype=pl.String).alias("group_label"))
        prefix = prefix + ", " + pl.col("group_label")
    return labelled.with_columns((prefix + _known()).alias("row_label"))


def _coverage_note(frame: pl.DataFrame, what: str, unit: str) -> str:
    """Per source, how many are known, in words: "Race known for: ALERRT 591 of 615
    attackers (96%); ..."."""
    import polars as pl

    name = pl.col("source_label")
    if "group_label" in frame.columns:  # "Washington Post, armed security present"
        name = name + ", " + pl.col("group_label")
    rows = frame.group_by("row_label", maintain_order=True).agg(
        name.first().alias("name"), pl.col("n_known", "n").first())
    parts = [f"{html.escape(r['name'])} {fmt_int(r['n_known'])} of {fmt_int(r['n'])} "
             f"{unit} ({html.escape(_percent(r['n_known'], r['n']))})"
             for r in rows.iter_rows(named=True)]
    return f"{what} known for: " + "; ".join(parts) + "." if parts else ""


def _percent(known: int, total: int) -> str:
    """Share known in whole percent, never rounded up to 100% or down to 0% when it is not."""
    if not total:
        return fmt_share(None)
    if 0.995 <= known / total < 1:
        return ">99%"
    if 0 < known / total < 0.005:
        return "<1%"
    return fmt_share(known / total)


def _group_coverage(frame: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """(n_known, n) per source, summed over its groups (each group's totals repeat on
    every category row)."""
    import polars as pl

    groups = frame.group_by("source", "group_key", maintain_order=True).agg(
        pl.col("n_known").first(), pl.col("n").first())
    return {r["source"]: (int(r["n_known"]), int(r["n"])) for r in groups.group_by(
        "source", maintain_order=True).agg(pl.col("n_known", "n").sum()).iter_rows(named=True)}


def _security_scope(data: DashboardData) -> str:
    """Which sources record armed security, and what their "not stated" group holds."""
    groups = data.query("armed_security_casualties")
    names = [data.label(s) for s in groups["source"].unique(maintain_order=True)]
    said = ", ".join(html.escape(n) for n in names) or "No loaded source"
    text = f"{said} record{'s' if len(names) == 1 else ''} when armed security was present."
    if "false" not in groups["group_key"].to_list():
        text += (" None states that it was absent, so the \u201cnot stated\u201d group holds "
                 "both places with no armed security and places where it is unknown.")
    return text


def _empty(name: str, text: str) -> str:
    """A note where a chart would be when no source publishes the field."""
    return f'<p class="note" data-empty-chart="{html.escape(name)}">{html.escape(text)}</p>'


def _share_tooltips(category_title: str) -> list[alt.Tooltip]:
    """Share, its 95% range and the counts behind it, in plain words, on this page's rows
    (a source's row label; counts of attackers or records, so no unit is named)."""
    return share_tooltips(category_title, "category_label", source="row_label",
                          counts=("Count", "Known", "All"))


def _categorised(frame: pl.DataFrame, field: str) -> pl.DataFrame:
    """Add ``category_label`` and ``category_order`` (the labels file's order)."""
    import polars as pl

    order = {c: i for i, c in enumerate(labels().get(field, {}))}
    return frame.with_columns(
        pl.col("category").map_elements(lambda c: label(field, c), return_dtype=pl.String)
        .alias("category_label"),
        pl.col("category").replace_strict(order, default=len(order), return_dtype=pl.Int64)
        .alias("category_order"))


def _stacked(data: DashboardData, name: str, frame: pl.DataFrame, field: str,
             colours: dict[str, str], title: str, subtitle: str, legend: str, axis: str,
             text: str) -> Chart:
    """A 100% bar per row label (source, or source and group), categories in order, the
    share printed on every slice wide enough to hold it."""
    import altair as alt
    import polars as pl

    frame = _categorised(frame, field).with_columns(
        pl.col("category").replace_strict(colours, default=PALETTE[-1], return_dtype=pl.String)
        .map_elements(_ink, return_dtype=pl.String).alias("ink"))
    scale = category_colours(colours, frame["category"].unique().to_list())
    scale = alt.Scale(domain=[label(field, c) for c in scale.domain], range=scale.range)
    rows = frame["row_label"].unique(maintain_order=True).to_list()
    base = alt.Chart(values()).transform_stack(
        stack="share", groupby=["row_label"], as_=["x0", "x1"],
        sort=[alt.SortField("category_order", order="ascending")],
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").encode(
        y=alt.Y("row_label:N", title=None, sort=rows, axis=alt.Axis(labelLimit=380)))
    bars = base.mark_bar(height={"band": 0.78}).encode(
        x=alt.X("x0:Q", title=axis, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("x1:Q"),
        color=alt.Color("category_label:N", title=legend, scale=scale,
                        legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=_share_tooltips(legend))
    shares = base.mark_text(fontSize=10, fontWeight="bold").encode(
        x=alt.X("mid:Q"), text=alt.Text("share:Q", format=".0%"),
        color=alt.Color("ink:N", scale=None),
        tooltip=_share_tooltips(legend)).transform_filter("datum.share >= 0.06")
    chart = alt.layer(bars, shares, width=FULL_WIDTH - 400, height=alt.Step(30),
                      title=alt.Title(title, subtitle=subtitle))
    alt_text = f"{title}, the largest category per row: " + peak_shares(
        frame, "category_label", label="row_label") + "."
    return Chart(name, finish(chart, frame), text, frame, alt=alt_text)


def _dots(data: DashboardData, name: str, frame: pl.DataFrame, field: str, title: str,
          subtitle: str, category_title: str, axis: str, text: str) -> Chart:
    """A dot per source and category with its 95% range; each source's colour is keyed
    by its label with coverage, "ALERRT (591 of 615 known)", so the legend says it."""
    import altair as alt

    frame = _categorised(frame, field)
    sources = frame["source"].unique(maintain_order=True).to_list()
    known = frame.select("source", "row_label").unique(maintain_order=True)
    colours = source_colours(data, sources)
    by_label = dict(zip(known["row_label"], known["source"], strict=True))
    colour_of = {data.sources[s].label: c for s, c in zip(
        [s for s in sources if s in data.sources], colours.range, strict=True)}
    rows = [r for r in known["row_label"] if by_label[r] in data.sources]
    scale = alt.Scale(domain=rows, range=[colour_of[data.label(by_label[r])] for r in rows])
    categories = (frame.select("category_label", "category_order").unique()
                  .sort("category_order")["category_label"].to_list())
    base = alt.Chart(values()).encode(
        y=alt.Y("category_label:N", title=None, sort=categories,
                axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("row_label:N", sort=rows),
        color=alt.Color("row_label:N", title="Source (how many known)", scale=scale,
                        legend=alt.Legend(orient="top", columns=2, labelLimit=420,
                                          symbolOpacity=1)))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=axis, axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("ci_high:Q"), tooltip=_share_tooltips(category_title))
    point = base.mark_point(filled=True, size=55, opacity=1).encode(
        x=alt.X("share:Q"), shape=shapes_like(base.encoding.color),
        tooltip=_share_tooltips(category_title))
    height = max(len(categories) * max(len(rows), 1) * 12, 120)
    chart = alt.layer(interval, point, width=FULL_WIDTH - 250, height=height,
                      title=alt.Title(title, subtitle=subtitle))
    alt_text = f"{title}, the largest share per source: " + peak_shares(
        frame, "category_label", label="row_label") + "."
    return Chart(name, finish(chart, frame), text, frame, alt=alt_text)


def _profile(data: DashboardData, name: str) -> pl.DataFrame | None:
    """One attribute of the attacker profile with row labels; None when no source gives it."""
    frame = data.query(name) if data.has_table(PROFILE) else None
    return _with_row_labels(data, frame) if frame is not None and frame.height else None


def attacker_age(data: DashboardData) -> Chart | str:
    frame = _profile(data, "attacker_age")
    if frame is None:
        return _empty("attacker_age", "No loaded source gives attackers' ages.")
    text = caption(
        data,
        "Each bar is one source's attackers whose age it gives, split by age at the time "
        "of the attack. A record with two attackers counts twice. Sources count different "
        "kinds of attack (school shootings, mass killings, active attacks), so their age "
        "profiles differ by definition: read each bar on its own.",
        coverage_by_source(frame), "whose age the source gives",
        (_coverage_note(frame, "Age", "attackers"),), unit="attackers")
    return _stacked(data, "attacker_age", frame, "age_band", AGE_COLOURS,
                    "Age of the attackers",
                    "Share of each source's attackers whose age is known; the label says how "
                    "many that is.", "Age", "Share of attackers whose age is known", text)


def attacker_sex(data: DashboardData) -> Chart | str:
    frame = _profile(data, "attacker_sex")
    if frame is None:
        return _empty("attacker_sex", "No loaded source gives attackers' sex.")
    text = caption(
        data,
        "Each bar is one source's attackers whose sex it gives. A record with two "
        "attackers counts twice.",
        coverage_by_source(frame), "whose sex the source gives",
        (_coverage_note(frame, "Sex", "attackers"),), unit="attackers")
    return _stacked(data, "attacker_sex", frame, "sex", SEX_COLOURS, "Sex of the attackers",
                    "Share of each source's attackers whose sex is known.", "Sex",
                    "Share of attackers whose sex is known", text)


def attacker_race(data: DashboardData) -> Chart | str:
    frame = _profile(data, "attacker_race")
    if frame is None:
        return _empty("attacker_race", "No loaded source gives attackers' race.")
    present = frame["category"].unique().to_list()
    text = caption(
        data,
        "Race or ethnicity as each source publishes it, put onto one list. Sources use "
        "different categories and different ways of knowing (police reports, news, "
        "photos), so a category can be missing from a source because it never uses it. "
        + _definitions("race", present),
        coverage_by_source(frame), "whose race the source gives",
        (_coverage_note(frame, "Race", "attackers"),
         "Shares of one source add up to 100%; the line through each dot is its 95% range "
         "(wide where few are known)."), unit="attackers")
    return _dots(data, "attacker_race", frame, "race", "Race of the attackers, as published",
                 "Share of each source's attackers whose race it gives; the legend says how "
                 "many that is.", "Race", "Share of attackers whose race is known", text)


def attacker_relationship(data: DashboardData) -> Chart | str:
    frame = _profile(data, "attacker_relationship")
    if frame is None:
        return _empty("attacker_relationship",
                      "No loaded source gives the attacker's relationship to the site.")
    present = frame["category"].unique().to_list()
    text = caption(
        data,
        "The attacker's tie to the place attacked or the people there, in each source's "
        "words put onto one list. " + _definitions("relationship", present),
        coverage_by_source(frame), "whose relationship to the site the source gives",
        (_coverage_note(frame, "Relationship", "attackers"),
         "The line through each dot is its 95% range."), unit="attackers")
    return _dots(data, "attacker_relationship", frame, "relationship",
                 "Relationship of the attacker to the site",
                 "Share of each source's attackers whose relationship is known.",
                 "Relationship", "Share of attackers whose relationship is known", text)


def warning_signs(data: DashboardData) -> Chart | str:
    """A panel per sign: a bar per source with its 95% range, labelled with coverage."""
    import altair as alt
    import polars as pl

    frame = data.query("warning_signs") if data.has_table(SIGNS) else None
    if frame is None or not frame.height:
        return _empty("warning_signs", "No loaded source states signs before the attack.")
    frame = _with_row_labels(data, frame.rename({"sign": "category"}))
    frame = _categorised(frame, "sign")
    signs = (frame.select("category_label", "category_order").unique()
             .sort("category_order")["category_label"].to_list())
    sources = frame["source"].unique(maintain_order=True).to_list()
    colour = alt.Color("source_label:N", title="Source", scale=source_colours(data, sources),
                       legend=None)
    y = alt.Y("row_label:N", title=None, axis=alt.Axis(labelLimit=300, minExtent=300))
    x = alt.X("share:Q", title="Share of attackers with the sign, where the source says yes "
              "or no", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    panels = []
    for sign in signs:  # one panel per sign, each with only the sources that record it
        bar = alt.Chart().mark_bar(height={"band": 0.6}, opacity=0.85).encode(
            y=y, x=x, color=colour, tooltip=_share_tooltips("Sign"))
        rule = alt.Chart().mark_rule(strokeWidth=1.5, color="#222222").encode(
            y=y, x=alt.X("ci_low:Q"), x2=alt.X2("ci_high:Q"), tooltip=_share_tooltips("Sign"))
        printed = alt.Chart().mark_text(align="left", dx=4, fontSize=11).encode(
            y=y, x=alt.X("ci_high:Q"), text=alt.Text("share:Q", format=".0%"))
        panels.append(alt.layer(
            bar, rule, printed, data=values(),
            transform=[alt.FilterTransform(
                alt.FieldEqualPredicate(field="category_label", equal=sign))],
            width=FULL_WIDTH - 420, height=alt.Step(26),
            title=alt.Title(sign[:1].upper() + sign[1:], fontSize=13)))
    chart = alt.vconcat(
        *panels, spacing=14,
        title=alt.Title("Signs before the attack",
                        subtitle="Share of attackers with each sign, of those for whom the "
                                 "source says yes or no; line: 95% range."))
    per_sign = "; ".join(
        f"{html.escape(r['category_label'])}: {html.escape(r['source_label'])} "
        f"{fmt_int(r['n_known'])} of {fmt_int(r['n'])} attackers"
        for r in frame.sort("category_order", "source_label").iter_rows(named=True))
    pairs = set(zip(frame["source"], frame["category"], strict=True))
    sparse = "; ".join(
        f"{html.escape(r['source_label'])}, {html.escape(r['category_label'])}: "
        f"{fmt_int(r['n_known'])} of {fmt_int(r['n'])}"
        for r in frame.filter(pl.col("n_known") < pl.col("n") / 2)
        .sort("category_order", "source_label").iter_rows(named=True))
    coverage = {r["source"]: (int(r["n_known"]), int(r["n"]))
                for r in frame.group_by("source", maintain_order=True)
                .agg(pl.col("n_known").max(), pl.col("n").first()).iter_rows(named=True)}
    text = caption(
        data,
        "For each sign, the share of attackers who had it among those for whom the source "
        "says yes or no. A source is drawn only for the signs it records; "
        f"{len(sources)} of the {len(data.loaded)} loaded sources record any. "
        + _definitions("sign", frame["category"].unique().to_list())
        + " Descriptive: a sign common among attackers says nothing of how many people with "
          "the same sign never attack.",
        coverage, "for the sign the source records best",
        (f"Known (yes or no) for: {per_sign}.",
         *([f"Where few are known ({sparse}), read the share with care: a sign tends to be "
            "written down when someone noticed it and left blank otherwise, so the known "
            "ones can lean towards yes."] if sparse else []),
         *(["The K-12 SSDB states planning once per incident, so every shooter of an "
            "incident carries it."] if ("k12ssdb", "planned") in pairs else [])),
        unit="attackers")
    spec = finish(chart, frame)
    narrow = {k: v for k, v in spec.items() if k != "datasets"}
    narrow["vconcat"] = []
    for panel in spec["vconcat"]:  # on a phone: the source labels in 120 px, not 300
        layers = [{**layer, "encoding": {**layer["encoding"], "y": {
            **layer["encoding"]["y"], "axis": {"labelLimit": 120, "minExtent": 120}}}}
            for layer in panel["layer"]]
        narrow["vconcat"].append({**panel, "layer": layers, "width": 140})
    alt_text = "Warning signs before the attack, the commonest per source: " + peak_shares(
        frame, "category_label") + "."
    return Chart("warning_signs", spec, text, frame, alt=alt_text, narrow=narrow,
                 narrow_below=640)


def weapons_obtained(data: DashboardData) -> Chart | str:
    frame = data.query("weapons_obtained") if data.has_table(WEAPONS) else None
    if frame is None or not frame.height:
        return _empty("weapons_obtained", "No loaded source says how weapons were obtained.")
    frame = _with_row_labels(data, frame)
    present = frame["category"].unique().to_list()
    text = caption(
        data,
        "How the attacker got the gun(s), per record, among the records that list at least "
        "one weapon and say where it came from. A record whose guns came several ways counts "
        "in each, so one source's shares can add up to more than 100%. Sources differ in "
        "detail: some say only whether guns were obtained legally, others where they came "
        "from. " + _definitions("obtained", present),
        coverage_by_source(frame), "listing a weapon and saying how it was obtained",
        (_coverage_note(frame, "How weapons were obtained", "records that list a weapon"),
         "The line through each dot is its 95% range."))
    return _dots(data, "weapons_obtained", frame, "obtained", "How the weapons were obtained",
                 "Share of records, of those that say how; a record can count in several "
                 "ways.", "Obtained", "Share of records that say how", text)


def armed_security_end(data: DashboardData) -> Chart | str:
    frame = data.query("armed_security_end") if data.has_table(SECURITY_END) else None
    if frame is None or not frame.height:
        return _empty("armed_security_end", "No loaded source says both whether armed "
                      "security was present and how the attack ended.")
    frame = _with_row_labels(data, frame, group="group_key")
    coverage = _group_coverage(frame)
    few = sum(k for k, _ in coverage.values()) < sum(n for _, n in coverage.values()) / 2
    text = caption(
        data,
        "How attacks ended, split by whether the source states that a school resource "
        "officer, police officer or armed guard was at the site when the shooting began. "
        + _security_scope(data) + " " + NOT_CAUSAL,
        coverage, "telling how the attack ended",
        (_coverage_note(frame, "How the attack ended", "records"),
         *(["Few records tell how the attack ended, so these shares are rough: hover a "
            "slice for its 95% range."] if few else [])))
    return _stacked(data, "armed_security_end", frame, "end_method", END_METHOD_COLOURS,
                    "How the attack ended, by armed security on site",
                    "Share of records that tell how the attack ended; the label says how "
                    "many that is. Descriptive, not causal.", "How it ended",
                    "Share of records that tell how the attack ended", text)


def armed_security_casualties(data: DashboardData) -> Chart | str:
    """Mean killed and injured per attack by group, the median printed beside."""
    import altair as alt
    import polars as pl

    frame = data.query("armed_security_casualties") if data.has_table(SECURITY) else None
    if frame is None or not frame.height:
        return _empty("armed_security_casualties",
                      "No loaded source says whether armed security was present.")
    frame = _with_row_labels(data, frame, group="group_key").with_columns(
        pl.col("measure").str.to_titlecase().alias("measure_label"),
        (pl.lit("mean ") + pl.col("mean").round(2).cast(pl.String) + ", median "
         + pl.col("median").cast(pl.String).str.replace(r"\.0$", "")).alias("text"))
    rows = frame["row_label"].unique(maintain_order=True).to_list()
    scale = category_colours({k.title(): v for k, v in MEASURE_COLOURS.items()},
                             frame["measure_label"].unique().to_list())
    base = alt.Chart(values()).encode(
        y=alt.Y("row_label:N", title=None, sort=rows, axis=alt.Axis(labelLimit=420)),
        yOffset=alt.YOffset("measure_label:N", sort=["Killed", "Injured"]))
    tips = [alt.Tooltip("row_label:N", title="Group"),
            alt.Tooltip("measure_label:N", title="Measure"),
            alt.Tooltip("mean:Q", title="Mean per attack", format=".2f"),
            alt.Tooltip("median:Q", title="Median per attack", format=".1f"),
            alt.Tooltip("n_known:Q", title="Records with both counts", format=","),
            alt.Tooltip("n:Q", title="Records", format=",")]
    bars = base.mark_bar(height={"band": 0.8}).encode(
        # Room right of the longest bar for its "mean …, median …" label.
        x=alt.X("mean:Q", title="Mean per attack (median in the label)",
                scale=alt.Scale(domainMax=float(frame["mean"].max() or 1) * 1.6)),
        color=alt.Color("measure_label:N", title=None, scale=scale,
                        legend=alt.Legend(orient="top")),
        tooltip=tips)
    text_ = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("mean:Q"), text=alt.Text("text:N"), tooltip=tips)
    chart = alt.layer(
        bars, text_, width=FULL_WIDTH - 560, height=alt.Step(22),
        title=alt.Title("People killed and injured per attack, by armed security on site",
                        subtitle="Bar: mean per attack; label: mean and median. "
                                 "Descriptive, not causal."))
    coverage = {r["source"]: (int(r["n_known"]), int(r["n"])) for r in
                frame.filter(pl.col("measure") == "killed").group_by("source").agg(
                    pl.col("n_known").sum(), pl.col("n").sum()).iter_rows(named=True)}
    text = caption(
        data,
        "Victims killed and injured per attack (attackers not counted), split by whether "
        "the source states that armed security was at the site. Where most attacks kill no "
        "one the median is 0, and the mean is pulled up by a few deadly attacks. "
        + _security_scope(data) + " " + NOT_CAUSAL,
        coverage, "giving both killed and injured",
        (_coverage_note(frame.filter(pl.col("measure") == "killed"),
                        "Killed and injured", "records"),))
    alt_text = "Victims per attack, by whether armed security was present: " + "; ".join(
        f"{r['row_label']}, {r['measure_label'].lower()}: {r['text']}"
        for r in frame.iter_rows(named=True)) + "."
    # On a phone the group names beside the bars left too little room for the labels
    # right of them: the narrow layout prints each group's name and coverage on two
    # lines above its bars, so the bars and their labels get the chart's whole width.
    slots = ["row_name", "row_known", "Killed", "Injured"]
    # (computed in the chart: a narrow layout is drawn from the wide chart's rows)
    cut = "indexof(datum.row_label, ' (')"
    narrow_base = alt.Chart(values()).transform_calculate(
        row_name=f"{cut} > 0 ? slice(datum.row_label, 0, {cut}) : datum.row_label",
        row_known=f"{cut} > 0 ? slice(datum.row_label, {cut} + 1) : ''").encode(
        y=alt.Y("row_label:N", title=None, sort=rows, axis=None))
    offset = alt.YOffset("measure_label:N", scale=alt.Scale(domain=slots))
    narrow_bars = narrow_base.mark_bar(height={"band": 0.8}).encode(
        yOffset=offset,
        x=alt.X("mean:Q", title="Mean per attack (median in the label)",
                scale=alt.Scale(domainMax=float(frame["mean"].max() or 1) * 2.6)),
        color=alt.Color("measure_label:N", title=None, scale=scale,
                        legend=alt.Legend(orient="top")),
        tooltip=tips)
    narrow_text = narrow_base.mark_text(align="left", dx=4, fontSize=10).encode(
        yOffset=offset, x=alt.X("mean:Q"), text=alt.Text("text:N"), tooltip=tips)
    names = [narrow_base.transform_filter("datum.measure == 'killed'").mark_text(
        align="left", baseline="middle", fontSize=11, color="#222").encode(
        yOffset=alt.YOffset(datum=slot), x=alt.XValue(0), text=alt.Text(f"{slot}:N"))
        for slot in slots[:2]]
    narrow = alt.layer(
        narrow_bars, narrow_text, *names, width=FULL_WIDTH - 560,
        height=18 * len(slots) * len(rows),
        title=alt.Title("People killed and injured per attack, by armed security on site",
                        subtitle="Bar: mean per attack; label: mean and median. "
                                 "Descriptive, not causal."))
    return Chart("armed_security_casualties", finish(chart, frame), text, frame, alt=alt_text,
                 narrow=finish(narrow, frame), narrow_below=640)


def armed_security_police(data: DashboardData) -> Chart | str:
    """Over before police arrived, by group; a note when no source can tell."""
    import altair as alt

    frame = data.query("armed_security_police") if data.has_table(SECURITY) else None
    if frame is None or not frame.height or not frame["n_known"].sum():
        return _empty("armed_security_police",
                      "No source that records armed security also says whether the attack "
                      "was over before police arrived, so that comparison cannot be drawn.")
    frame = _with_row_labels(data, frame.filter(frame["n_known"] > 0), group="group_key")
    frame = frame.with_columns(category_label=frame["group_label"])
    rows = frame["row_label"].unique(maintain_order=True).to_list()
    base = alt.Chart(values()).encode(y=alt.Y("row_label:N", title=None, sort=rows,
                                              axis=alt.Axis(labelLimit=420)))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title="Over before police arrived (95% range)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2("ci_high:Q"), tooltip=_share_tooltips("Armed security"))
    point = base.mark_point(filled=True, size=60, opacity=1).encode(
        x=alt.X("share:Q"), tooltip=_share_tooltips("Armed security"))
    chart = alt.layer(
        interval, point, width=FULL_WIDTH - 450, height=alt.Step(30),
        title=alt.Title("Over before police arrived, by armed security on site",
                        subtitle="Dot: share; line: 95% range. Descriptive, not causal."))
    text = caption(data, "Share of attacks over before police arrived, split by whether the "
                   "source states armed security was at the site. " + NOT_CAUSAL,
                   coverage_by_source(frame, how="sum"),
                   "saying whether police arrived before the end",
                   (_coverage_note(frame, "Over before police", "records"),))
    alt_text = "Over before police arrived, by whether armed security was present: " + \
        "; ".join(f"{r['row_label']}: {fmt_share(r['share'])} ({fmt_int(r['count'])} of "
                  f"{fmt_int(r['n_known'])} records that tell)"
                  for r in frame.iter_rows(named=True)) + "."
    return Chart("armed_security_police", finish(chart, frame), text, frame, alt=alt_text)


def page(data: DashboardData) -> Page:
    """The "Before the attack" page."""
    intro = (
        "<p>Who the attackers were, the signs sources record before an attack, how the "
        "attackers got their weapons, and whether armed security was on site. Most sources "
        "publish few of these fields, so every bar says how many of its attackers or records "
        "are known (&ldquo;N of M known&rdquo;), and a source that never records a field "
        "is left out rather than counted as zero. Shares are of the known ones only; the "
        "unknown ones may differ. Nothing here says what causes an attack or what would "
        "have stopped one. No attacker is named on this site.</p>"
    )
    body: list = [
        "<h2>Who the attackers were</h2>",
        attacker_age(data),
        attacker_sex(data),
        attacker_race(data),
        attacker_relationship(data),
        "<h2>Signs before the attack</h2>",
        warning_signs(data),
        "<h2>How the weapons were obtained</h2>",
        weapons_obtained(data),
        "<h2>Armed security on site and how the attack ended</h2>",
        armed_security_end(data),
        armed_security_casualties(data),
        armed_security_police(data),
    ]
    return Page("before.html", "Before the attack", intro, body)
