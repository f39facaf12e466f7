"""Charts, each pre-aggregated by a SQL file in ``sql/dashboards/``."""

from __future__ import annotations

import html
from pathlib import Path

from pipelines.dashboards.site import PALETTE, ChartBlock, write_page
from pipelines.paths import ProjectPaths, read_sql


def _coverage_table(coverage) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            r["source"], r["title"], r["definition"], f'{r["dated"]} of {r["records"]}',
            f'{r["killed_known"]} of {r["records"]}', f'{r["first_date"]} to {r["last_date"]}',
            r["attribution"], r["licence"],
        )) + "</tr>"
        for r in coverage.iter_rows(named=True)
    )
    head = "".join(f"<th>{h}</th>" for h in (
        "Source", "Title", "Definition (what it counts)", "Records with a date",
        "Records with killed", "Incident dates", "Attribution", "Licence"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def incidents_by_year_page(paths: ProjectPaths) -> Path:
    """Overview page: incidents per year, one line per source definition."""
    import altair as alt
    import duckdb

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        data = con.sql(read_sql("dashboards/incidents_by_year.sql")).pl()
        coverage = con.sql(read_sql("dashboards/source_coverage.sql")).pl()
    finally:
        con.close()
    site = paths.dashboards
    (site / "data").mkdir(parents=True, exist_ok=True)
    data.drop("definition").write_csv(site / "data" / "incidents_by_year.csv")

    slugs = coverage["source"].to_list()
    chart = (
        alt.Chart(alt.Data(values=data.drop("definition").to_dicts()))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("incidents:Q", title="Incidents (as each source defines them)"),
            color=alt.Color("source:N", title="Source",
                            scale=alt.Scale(domain=slugs, range=list(PALETTE[: len(slugs)]))),
            tooltip=[
                alt.Tooltip("title:N", title="Source"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("incidents:Q", title="Incidents"),
                alt.Tooltip("killed:Q", title="Killed"),
                alt.Tooltip("injured:Q", title="Injured"),
            ],
        )
        .properties(title="Incidents per year, by source", width="container", height=380)
    )
    total = int(coverage["records"].sum())
    dated = int(coverage["dated"].sum())
    as_of = max(d for d in coverage["last_date"].to_list() if d is not None)
    caption = (
        f"Sources: {', '.join(html.escape(s) for s in coverage['title'].to_list())}. "
        "Each line counts what its source counts (definitions below), so lines are not "
        f"comparable as one series. Coverage: {dated} of {total} records have a date. "
        f"Latest incident in the data: {as_of}."
    )
    block = ChartBlock("incidents-by-year", chart.to_dict(), caption, "incidents_by_year.csv")
    intro = (
        "<p>Public incident lists, each under its own definition, loaded into one "
        "warehouse (<code>data/curated/incidents.duckdb</code>).</p>"
    )
    outro = "<h2>Sources, definitions and coverage</h2>" + _coverage_table(coverage)
    return write_page(site, "index.html", "US active-shooter incidents: overview", intro,
                      [block], outro)
