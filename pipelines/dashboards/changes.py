"""The "what changed" section: each source's latest revision, and sources kept stale.

Sources such as GVA revise past records. Analysts and researchers need to see,
after a refresh, which sources moved to a new snapshot and what that changed
(``source_revisions``), and which sources could not be refreshed and still
show their last good snapshot (``sources.stale``).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import fmt_int

if TYPE_CHECKING:
    import polars as pl

    from pipelines.dashboards.data import DashboardData

# Field-level rows listed in the page; the CSV holds every row.
SHOWN_CHANGES = 100


def _stale(data: DashboardData) -> str:
    rows = data.con.execute(
        "SELECT source, stale_reason FROM sources WHERE stale ORDER BY source").fetchall()
    if not rows:
        return ('<p id="stale-sources" data-stale="0">Every source was refreshed by the last '
                "refresh; none is showing an older snapshot.</p>")
    items = "".join(f"<li><b>{html.escape(data.label(s))}</b>: {html.escape(reason or '')}</li>"
                    for s, reason in rows)
    return (f'<div class="note" id="stale-sources" data-stale="{len(rows)}"><p>The last '
            "refresh could not refresh these sources; the warehouse shows their last good "
            "snapshot, or leaves out one that has none yet:"
            f"</p><ul>{items}</ul></div>")


def _summary_table(data: DashboardData, summary: pl.DataFrame) -> str:
    head = ("<tr><th>Source</th><th>Seen</th><th>Snapshot (sha256)</th>"
            '<th class="num">Added</th><th class="num">Removed</th>'
            '<th class="num">Changed records</th><th class="num">Changed fields</th></tr>')
    rows = []
    for r in summary.iter_rows(named=True):
        shas = (f"<code>{html.escape((r['old_sha256'] or '')[:12])}</code> &rarr; "
                f"<code>{html.escape((r['new_sha256'] or '')[:12])}</code>")
        nums = (r["added"], r["removed"], r["changed_records"], r["changed_fields"])
        rows.append(
            f"<tr><td>{html.escape(data.label(r['source']))}</td>"
            f"<td>{r['revised_at']:%Y-%m-%d %H:%M} UTC</td><td>{shas}</td>"
            + "".join(f'<td class="num">{fmt_int(n)}</td>' for n in nums) + "</tr>")
    return ('<div class="table-wrap" tabindex="0" role="region" aria-label="Revisions">'
            f'<table id="revision-summary"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _changes_table(data: DashboardData, changes: pl.DataFrame) -> str:
    head = ("<tr><th>Source</th><th>Change</th><th>Record</th><th>Field</th>"
            "<th>Was</th><th>Now</th></tr>")
    rows = []
    for r in changes.head(SHOWN_CHANGES).iter_rows(named=True):
        cells = (data.label(r["source"]), r["change"], r["source_record_id"],
                 r["field"] or "", r["old_value"] or "", r["new_value"] or "")
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                    + "</tr>")
    more = ""
    if changes.height > SHOWN_CHANGES:
        more = (f"<p>The first {SHOWN_CHANGES} of {fmt_int(changes.height)} rows; "
                '<a href="data/revision_changes.csv">the CSV</a> has them all.</p>')
    return ('<div class="table-wrap" tabindex="0" role="region" aria-label="Changes">'
            f'<table id="revision-changes"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>{more}')


def section(data: DashboardData) -> tuple[list[str], dict[str, pl.DataFrame]]:
    """The section's HTML fragments and the CSVs behind them."""
    parts = ['<h2 id="changes">What changed in the last refresh</h2>', _stale(data)]
    if not data.has_table("source_revisions"):
        return parts, {}
    summary = data.query("revision_summary")
    if summary.is_empty():
        parts.append('<p id="revision-summary" data-revisions="0">No source has changed since '
                     "its first snapshot: every record is as first loaded. When a refresh in "
                     "latest mode brings a source's new snapshot, what it added, removed and "
                     "changed is listed here.</p>")
        return parts, {}
    changes = data.query("revision_changes")
    parts += [
        "<p>The latest new snapshot of each source that has changed: records added and "
        "removed, and for records in both snapshots each field whose value changed. Both "
        "snapshots are kept.</p>",
        _summary_table(data, summary),
        _changes_table(data, changes),
        '<p class="downloads">Data: <a href="data/revision_changes.csv">CSV</a></p>',
    ]
    return parts, {"revision_changes": changes}
