"""Captions under every chart: sources, their definitions, coverage and as-of dates.

Sources count different things, and many fields are missing for some of them;
a chart read without its caption invites comparisons the data do not support.
So every caption says which sources are drawn, what each counts, how many of
their records carry the field drawn (n_known of n), and how recent each is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

EN_DASH = "\u2013"  # for ranges and missing values

# At most this many sources: definitions shown open; more: folded under a summary.
OPEN_DEFINITIONS = 3


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
            known: str, notes: Iterable[str] = (), unit: str = "records") -> str:
    """Caption HTML: what is drawn, then sources, coverage, as-of dates and definitions.

    ``lead`` and ``notes`` are HTML; ``known`` completes "N of M records ...";
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
    return (
        f"<p>{lead}</p>{extra}"
        f'<p class="provenance">Sources: {names}. Coverage: {fmt_int(total_k)} of '
        f"{fmt_int(total_n)} {html.escape(unit)} {html.escape(known)}. Data as of {as_of}.</p>"
        f"<details{is_open}><summary>What each source counts, its coverage and as-of date"
        f"</summary><ul>{items}</ul></details>"
    )
