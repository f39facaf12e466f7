"""Altair helpers every page shares: colours, the look of the charts, and specs.

Charts are built from rows a SQL file in ``sql/dashboards/`` already
aggregated, passed inline (``alt.Data(values=...)``), so a spec holds only the
rows it draws.

Encodings are given as channel objects (``x=alt.X("share:Q")``, ``alt.XValue(0)``),
never as bare strings or dicts: Altair looks a bare one up in the whole Vega-Lite schema
(about 2 ms each, a tenth of the site's page building); the spec is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipelines.dashboards.site import PALETTE

if TYPE_CHECKING:
    import altair as alt
    import polars as pl

    from pipelines.dashboards.data import DashboardData

DATASET = "rows"

# Width of a full-width chart in pixels: the page's content column.
FULL_WIDTH = 900
# Charts of one view (or layered views) take their container's width on the page
# (Vega-Lite's ``width: "container"``), so they fit a phone as well as a desktop; the
# width they were designed at is kept in ``usermeta`` for the PNG and SVG files, which
# have no container (see :func:`static_spec`).
EXPORT_WIDTH = "exportWidth"

# Category colours that keep their meaning across charts (Okabe-Ito).
END_METHOD_COLOURS = {
    "shot": PALETTE[0],
    "subdued": PALETTE[6],
    "apprehended": PALETTE[5],
    "surrendered": PALETTE[2],
    "suicide": PALETTE[4],
    "attempted_suicide": PALETTE[7],
    "stopped_on_own": PALETTE[3],
    "fled": PALETTE[1],
}
STOPPED_BY_COLOURS = {
    "police": PALETTE[0],
    "off_duty_police": PALETTE[2],
    "security": PALETTE[5],
    "civilian": PALETTE[3],
    "self": PALETTE[4],
    "none": PALETTE[1],
    "unknown": PALETTE[8],
}
FATE_COLOURS = {
    "died": PALETTE[3],
    "mixed": PALETTE[6],
    "survived": PALETTE[2],
    "unknown": PALETTE[8],
}
MEASURE_COLOURS = {"incidents": PALETTE[0], "killed": PALETTE[3], "injured": PALETTE[1]}


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_on(fill: str) -> str:
    """Text colour for a label drawn on ``fill``: white or black, whichever contrasts more
    (WCAG 2.1 AA asks 4.5:1 for small text; Okabe-Ito fills reach it with one of them)."""
    return "#ffffff" if contrast(fill, "#ffffff") >= contrast(fill, "#000000") else "#000000"


def white_from(ramp: tuple[str, str]) -> float:
    """Where along a two-colour ramp (0 to 1) white text first reaches 4.5:1 on it; above
    1 when it never does (black is used below). Mixed in sRGB, close to Vega's ramps."""
    low = [int(ramp[0][i:i + 2], 16) for i in (1, 3, 5)]
    high = [int(ramp[1][i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(101):
        t = step / 100
        mixed = "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(low, high,
                                                                            strict=True))
        if contrast(mixed, "#ffffff") >= 4.5 and contrast(mixed, "#000000") < 4.5:
            return min(1.0, t + 0.03)  # a margin for Vega's own interpolation
    return 2.0


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows (dates are already strings in the SQL; decimals, which
    DuckDB sums of integers give, become floats)."""
    import polars as pl

    decimals = [c for c, t in frame.schema.items() if isinstance(t, pl.Decimal)]
    if decimals:
        frame = frame.with_columns(pl.col(decimals).cast(pl.Float64))
    return frame.to_dicts()


def values() -> alt.NamedData:
    """The chart's data, by name: ``finish`` puts the rows in the spec's ``datasets``.

    Altair deep-copies and validates inline rows at every step (about a second
    for the state map); referring to them by name keeps building a spec cheap.
    """
    import altair as alt

    return alt.NamedData(name=DATASET)


def source_colours(data: DashboardData, sources: Sequence[str]) -> alt.Scale:
    """Colour scale keyed by short source name, the same colour for a source on every page."""
    import altair as alt

    chosen = [data.sources[s] for s in sources if s in data.sources]
    return alt.Scale(domain=[s.label for s in chosen], range=[s.colour for s in chosen])


# Point shapes that tell series apart without colour, in the order of a colour domain.
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down",
          "triangle-right", "triangle-left", "wedge", "stroke")


def shapes_like(colour: alt.Color) -> alt.Shape:
    """A shape channel matching a colour channel (same field, title, legend and domain):
    Vega-Lite draws one legend with both, and the points of each series differ in shape
    as well as colour, so colour is not the only thing telling them apart."""
    import altair as alt

    scale = colour["scale"]
    domain = scale["domain"] if isinstance(scale, alt.Scale) else alt.Undefined
    if domain is alt.Undefined:
        domain = colour["sort"]
    shape_scale = alt.Undefined
    if isinstance(domain, list):
        shape_scale = alt.Scale(domain=domain,
                                range=[SHAPES[i % len(SHAPES)] for i in range(len(domain))])
    return alt.Shape(colour["shorthand"], title=colour["title"], legend=colour["legend"],
                     sort=colour["sort"], scale=shape_scale)


def white_text_where(test: str) -> alt.ColorValue:
    """Text colour: white where the Vega expression ``test`` holds (on dark fills), else
    black (``alt.condition`` gives the same, as a dict Altair looks up at a cost)."""
    import altair as alt

    return alt.ColorValue("black", condition={"test": test, "value": "white"})


def category_colours(colours: dict[str, str], present: Sequence[str]) -> alt.Scale:
    """Colour scale for a fixed vocabulary, in its own order, limited to what is drawn."""
    import altair as alt

    domain = [c for c in colours if c in present]
    domain += sorted(c for c in present if c not in colours)
    rng = [colours.get(c, PALETTE[-1]) for c in domain]
    return alt.Scale(domain=domain, range=rng)


def peak_shares(frame: pl.DataFrame, key: str, *, share: str = "share", count: str = "count",
                n: str = "n_known", label: str = "source_label", what: str = "records") -> str:
    """A chart's main figure in words: per source (in the frame's order) the ``key`` with
    the largest share, e.g. "ALERRT: fled, 31% (187 of 597 records)".

    For text alternatives, so a reader who cannot see the chart (or its colours)
    gets the figure it shows, computed from the rows it draws."""
    import polars as pl

    from pipelines.dashboards.captions import fmt_int, fmt_share

    known = frame.filter(pl.col(share).is_not_null())
    top = known.sort(share, descending=True, maintain_order=True).group_by(
        label, maintain_order=True).first()
    rows = {r[label]: r for r in top.iter_rows(named=True)}
    order = known[label].unique(maintain_order=True).to_list()
    return "; ".join(
        f"{source}: {str(rows[source][key]).replace('_', ' ')}, "
        f"{fmt_share(rows[source][share])} ({fmt_int(rows[source][count])} of "
        f"{fmt_int(rows[source][n])} {what})" for source in order)


RECORD_COUNTS = ("Records", "Records where known", "Records in group")


def share_tooltips(category_title: str | None = None, category: str = "category", *,
                   source: str = "source_label", counts: tuple[str, str, str] = RECORD_COUNTS
                   ) -> list[alt.Tooltip]:
    """Tooltips of a share: source, its category, the share with its interval and counts.

    ``source`` is the field naming the row's source; ``counts`` titles ``count``,
    ``n_known`` and ``n`` (what is counted: records by default)."""
    import altair as alt

    tips = [alt.Tooltip(f"{source}:N", title="Source")]
    if category_title:
        tips.append(alt.Tooltip(f"{category}:N", title=category_title))
    return [
        *tips,
        alt.Tooltip("share:Q", title="Share", format=".1%"),
        alt.Tooltip("ci_low:Q", title="95% range from", format=".1%"),
        alt.Tooltip("ci_high:Q", title="95% range to", format=".1%"),
        *(alt.Tooltip(f"{field}:Q", title=title, format=",")
          for field, title in zip(("count", "n_known", "n"), counts, strict=True)),
    ]


# The common look, set once in each spec's ``config`` (Altair's configure_* methods
# deep-copy the whole chart per call, which costs more than building it).
CONFIG: dict[str, Any] = {
    "font": "sans-serif",
    "background": "white",
    "view": {"stroke": None},
    "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555",
              "subtitleFontSize": 12},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
             "labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
}


def finish(chart: Any, frame: pl.DataFrame) -> dict[str, Any]:
    """The spec of a top-level chart in the common look, with ``frame`` as its data.

    Not validated here (see :func:`validate`)."""
    spec = chart.to_dict(validate=False)
    config = spec.get("config", {})
    for key, value in CONFIG.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    spec["config"] = config
    spec["datasets"] = {DATASET: rows(frame)}
    _fit_container(spec)
    return spec


def _fit_container(spec: dict[str, Any]) -> None:
    """Make a one-view (or layered) chart as wide as its container, in place.

    The width it was designed at (pixels, or a step per category) is kept for the
    files of fixed size; ``autosize`` ``fit-x`` with ``contains: padding`` makes the
    container's width include the axis labels, so the whole drawing fits it.
    Concatenated and faceted charts cannot take a container's width in Vega-Lite:
    they keep their width, and give a narrow layout of their own (``Chart.narrow``).
    """
    if any(key in spec for key in ("facet", "hconcat", "vconcat", "concat", "repeat")):
        return
    width = spec.get("width")
    if not isinstance(width, int | float | dict):
        return
    spec["width"] = "container"
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec.setdefault("usermeta", {})[EXPORT_WIDTH] = width
    _step_height_in_pixels(spec)


def _step_height_in_pixels(spec: dict[str, Any]) -> None:
    """A height of ``step`` pixels per row made the pixels themselves: Vega-Lite fits
    the width only when the height is not discrete (else it warns and drops ``fit-y``).
    Rows are the distinct values of the y (and y offset) fields in the chart's data."""
    height = spec.get("height")
    if not (isinstance(height, dict) and "step" in height):
        return
    layers = [spec, *spec.get("layer", [])]
    encoding = next((part["encoding"] for part in layers
                     if isinstance(part.get("encoding"), dict) and "y" in part["encoding"]), {})
    rows = spec.get("datasets", {}).get(DATASET, [])
    count = 1
    for channel in ("y", "yOffset"):
        field = encoding.get(channel, {}).get("field")
        if field is None:
            continue
        if not rows or field not in rows[0]:
            return  # a derived field: leave the step
        count *= len({row[field] for row in rows})
    spec["height"] = height["step"] * count


def stacked(spec: dict[str, Any], **sizes: Any) -> dict[str, Any]:
    """A narrow layout of a side-by-side chart: its panels one above the other, each
    resized (``width``, ``height``), for ``Chart.narrow``. Text drawn in a panel (labels
    on tiles) gets one size smaller with the panel."""
    import copy

    narrow = copy.deepcopy({k: v for k, v in spec.items() if k != "datasets"})
    narrow["vconcat"] = narrow.pop("hconcat")
    for panel in narrow["vconcat"]:
        panel.update(sizes)
        for layer in panel.get("layer", []):
            mark = layer.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "text":
                mark["fontSize"] = min(mark.get("fontSize", 11), 9)
    return narrow


def static_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec for a file of fixed size (PNG, SVG): the chart at the width it was
    designed at (``usermeta.exportWidth``), as it was drawn before it fitted containers."""
    if spec.get("width") != "container":
        return spec
    fixed = {key: value for key, value in spec.items() if key != "autosize"}
    fixed["width"] = spec.get("usermeta", {}).get(EXPORT_WIDTH, FULL_WIDTH)
    return fixed


def validate(spec: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``spec`` is valid Vega-Lite.

    The build skips Altair's own validation (half a second per site, more than
    building every page); the tests run this on every published spec instead.
    """
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    validate_jsonschema(spec, load_schema())
