"""How to read these figures (methods.html): the one page that speaks about method.

Every other page keeps to plain words (no table, file or query names, no named
interval method) and links here from its navigation and footer. This page says
what each list counts, what "n" and "known" mean, what a 95% range is, how
records are linked into incidents, and, for analysts, where the warehouse, the
queries and the data behind each chart are.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pipelines.dashboards.captions import METHODS_PAGE, category_labels, fmt_int
from pipelines.dashboards.site import Page

if TYPE_CHECKING:
    from pipelines.dashboards.data import DashboardData


def definitions_table(data: DashboardData) -> str:
    """Every registered list: its kind, what it counts, how many records, as of when."""
    labels = category_labels()
    rows = []
    for r in data.coverage.iter_rows(named=True):
        kinds = ", ".join(labels[("list_kind", t)] for t in (r["tags"] or "").split(", ")
                          if ("list_kind", t) in labels)
        records = fmt_int(r["records"]) if r["records"] else "none loaded"
        rows.append(
            f'<tr data-source="{html.escape(r["source"])}"><td><b>'
            f'{html.escape(data.label(r["source"]))}</b></td><td>{html.escape(kinds)}</td>'
            f'<td>{html.escape(r["definition"] or "")}</td><td class="num">{records}</td>'
            f'<td>{r["last_date"] or "n/a"}</td></tr>')
    return ('<table id="definitions-table"><thead><tr><th>List</th><th>Kind</th>'
            '<th>What it counts</th><th class="num">Records</th><th>Data as of</th></tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def page(data: DashboardData) -> Page:
    """The methods page."""
    intro = (
        "<p>Every number on this site comes from one public list, or from incidents linked "
        "across lists, and says which. This page explains the words the other pages use, "
        "so that a figure can be quoted together with what it counts.</p>"
    )
    body: list = [
        '<h2 id="what-is-counted">What is counted</h2>',
        "<p>Each list has its own definition of an incident. The FBI and ALERRT record "
        "active attacks as such (someone actively trying to kill people in a populated "
        "place); the mass-shooting lists count events by how many people were shot or "
        "killed, whatever the circumstances (most are not active attacks); the school lists "
        "count gunfire at schools. So a count from one list is never added to a count from "
        "another, and a difference between lists is mostly a difference of definition, not "
        "a trend.</p>",
        definitions_table(data),
        '<h2 id="linked">Linked incidents</h2>',
        "<p>When several lists record the same attack, their records are linked into one "
        "incident (matched on date, place and victims), so an incident is counted once "
        "however many lists hold it. &ldquo;On the FBI or ALERRT list, counted once&rdquo; "
        "is the linked incidents that at least one of those two lists records. The count of "
        "linked incidents across every list mixes all the definitions above and is not a "
        "count of any one kind of attack.</p>",
        '<h2 id="known">n, &ldquo;known&rdquo; and coverage</h2>',
        "<p>Lists do not record everything. &ldquo;527 of 532 records known&rdquo; means "
        "the list has 532 records and 527 of them say what the figure needs (for example who "
        "stopped the attack); a share is of those 527, not of all 532. Records that do not "
        "say are left out, never counted as zero or as &ldquo;no&rdquo;. Every chart's "
        "caption gives this coverage for each list it draws.</p>",
        '<h2 id="ranges">95% ranges</h2>',
        "<p>A share comes with a 95% range: with so many records, shares outside the range "
        "would rarely give what the list shows. A range is wide when few records can tell, "
        "so a share resting on 20 records says much less than one resting on 500. The range "
        "is a Wilson score interval, which stays within 0% and 100% for small counts. It "
        "covers chance only, not the choices a list makes about what to include.</p>",
        '<h2 id="descriptive">Shares describe, they do not explain</h2>',
        "<p>Attacks that end differently also differ in place, weapon, number of attackers "
        "and how long anyone had to act. So a share (for example, of attacks stopped by "
        "civilians) describes what the lists recorded; it does not say what caused an "
        "outcome or what would have happened otherwise.</p>",
        '<h2 id="victims">Victims and attackers</h2>',
        "<p>Killed and injured count victims; attackers are not counted. Officers killed "
        "or injured are counted separately only by the lists that record them (ALERRT, "
        "Stanford MSA).</p>",
        '<h2 id="missing">What no list records</h2>',
        "<p>No public list loaded here records how long attacks lasted, so the Time page "
        "has no durations unless the user supplies a list that has them (the Violence "
        "Project's file, which cannot be redistributed).</p>",
        '<h2 id="analysts">For analysts: where the data are</h2>',
        "<p>Every figure is read from the published warehouse "
        "<code>data/curated/incidents.duckdb</code> (also as Parquet in "
        "<code>data/curated/parquet/</code>): the headline figures from "
        "<code>metric_summary</code>, the charts from the <code>metric_*</code> tables and "
        "<code>source_records</code>, through the queries in <code>sql/dashboards/</code> "
        "(one file per chart, named like the chart). Each chart's rows are downloadable as "
        "CSV under it, with PNG and SVG of the figure. Column meanings are in "
        "<code>docs/data-dictionary.md</code>, the linking rules in "
        "<code>docs/linkage.md</code>.</p>",
    ]
    return Page(METHODS_PAGE, "How to read these figures", intro, body)
