"""Captions under every chart: sources, their definitions, coverage and as-of dates.

Sources count different things, and many fields are missing for some of them;
a chart read without its caption invites comparisons the data do not support.
So every caption says which sources are drawn, what each counts, how many of
their records carry the field drawn (n_known of n), and how recent each is.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

EN_DASH = "\u2013"  # for ranges and missing values

# At most this many sources: definitions shown open; more: folded under a summary.
OPEN_DEFINITIONS = 3

# Plain words for the warehouse's category values (field,category,label): data, not code.
CATEGORY_LABELS_CSV = Path(__file__).with_name("category_labels.csv")

# The page that explains n, "known", 95% ranges, linked incidents and definitions.
METHODS_PAGE = "methods.html"


@cache
def category_labels() -> dict[tuple[str, str], str]:
    """(field, raw category) -> the words a reader sees, from ``category_labels.csv``."""
    with CATEGORY_LABELS_CSV.open(encoding="utf-8", newline="") as handle:
        return {(r["field"], r["category"]): r["label"] for r in csv.DictReader(handle)}


def plain_label(field: str, category: str | None) -> str:
    """The plain label of a category ("none" -> "nobody — the attacker fled"); a value
    the CSV does not list yet shows with spaces for underscores rather than not at all."""
    if category is None:
        return EN_DASH
    return category_labels().get((field, category), category.replace("_", " "))


def fmt_int(value: float | int | None) -> str:
    """12,345; an en dash for missing."""
    return EN_DASH if value is None else f"{round(value):,}"


def fmt_share(value: float | None, digits: int = 0) -> str:
    """57%; an en dash for missing."""
    return EN_DASH if value is None else f"{value * 100:.{digits}f}%"


def coverage_by_source(frame: pl.DataFrame, n: str = "n", n_known: str = "n_known", *,
                       how: str = "first") -> dict[str, tuple[int, int]]:
    """(n_known, n) per source from a chart's rows.

    ``how="first"``: totals repeat on every row of a source (e.g. a share per
    category); ``how="sum"``: rows partition the source's records (e.g. years).
    """
    import polars as pl

    agg = pl.first if how == "first" else pl.sum
    rows = frame.group_by("source", maintain_order=True).agg(
        agg(n_known).alias("k"), agg(n).alias("n"))
    return {r["source"]: (int(r["k"] or 0), int(r["n"] or 0)) for r in rows.iter_rows(named=True)}


def caption(data: DashboardData, lead: str, coverage: Mapping[str, tuple[int, int]],
            known: str, notes: Iterable[str] = (), *, one_at_a_time: bool = False,
            unit: str = "records") -> str:
    """Caption HTML: what is drawn, then sources, coverage, as-of dates and definitions.

    ``lead`` and ``notes`` are HTML; ``known`` completes "N of M records ...".
    ``one_at_a_time``: the chart shows one source at a time (a drop-down), so no
    total across sources is given, only each source's own coverage.
    ``unit`` names what is counted when it is not records (e.g. "attackers").
    """
    infos = [data.sources[s] for s in coverage if s in data.sources]
    total_k = sum(k for k, _ in coverage.values())
    total_n = sum(n for _, n in coverage.values())
    names = ", ".join(html.escape(i.label) for i in infos) or "none loaded"
    dates = [i.last_date for i in infos if i.last_date]
    if not dates:
        as_of = "no dated records"
    elif len(set(dates)) == 1:
        as_of = dates[0]
    else:
        as_of = f"{min(dates)} to {max(dates)}, depending on the source"
    items = "".join(
        f"<li><b>{html.escape(i.label)}</b> ({html.escape(i.title)}): "
        f"{html.escape(i.definition)} <i>Coverage: {fmt_int(coverage[i.source][0])} of "
        f"{fmt_int(coverage[i.source][1])} {html.escape(unit)}. "
        f"Data as of {i.last_date or 'n/a'}.</i></li>"
        for i in infos
    )
    is_open = " open" if len(infos) <= OPEN_DEFINITIONS else ""
    extra = "".join(f"<p>{n}</p>" for n in notes)
    provenance = (f"Sources: {names}. Coverage: {fmt_int(total_k)} of {fmt_int(total_n)} "
                  f"{html.escape(unit)} {html.escape(known)}.")
    if one_at_a_time:
        provenance = (f"Sources: {names}, one at a time. Coverage: each list's own, "
                      "below.")
    return (
        f"<p>{lead}</p>{extra}"
        f'<p class="provenance">{provenance} Data as of {as_of}.</p>'
        f"<details{is_open}><summary>What each source counts, its coverage and as-of date"
        f"</summary><ul>{items}</ul></details>"
    )
