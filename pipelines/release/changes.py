"""``CHANGES.md``: what changed since the previous release, so a reader can tell why a
figure in a paper differs from today's.

Compares the new release's warehouse with the previous release's (the newest
``dist/incidents-*/incidents.duckdb``): per source, the records added, removed and
changed (the revisions the sources published, from ``source_revisions``, and the
released records themselves), the incidents the linker merged or split, the headline
figures (``metric_summary``) that moved, and each table's rows and content hash.
"""

from __future__ import annotations

from pathlib import Path

MAX_LISTED = 20
"""Incidents listed by id per merge or split section; the rest are counted."""


def _fmt(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def changes_md(warehouse: Path, previous: Path | None, release) -> str:
    """The text of CHANGES.md for ``release`` (see the module docstring)."""
    lines = [f"# Changes in release {release.version}", ""]
    excluded = sorted(release.excluded)
    if excluded:
        notes = [f"`{slug}`" + (f" ({release.dropped[slug]} rows of the local warehouse naming "
                                "it, over all tables, dropped)" if release.dropped.get(slug)
                                else "") for slug in excluded]
        lines += ["Left out of this release, as of every release (terms forbid "
                  "redistribution): " + ", ".join(notes) + ".", ""]
    if previous is None or not previous.is_file():
        lines += ["First release: there is no earlier release to compare with.", "",
                  "| table | rows |", "|---|---|"]
        lines += [f"| `{t}` | {n} |" for t, (n, _) in sorted(release.tables.items())]
        return "\n".join(lines) + "\n"
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("ATTACH ? AS new (READ_ONLY)", [str(warehouse)])
        con.execute("ATTACH ? AS old (READ_ONLY)", [str(previous)])
        lines += [f"Compared with release {release.previous}.", ""]
        lines += _tables(con, release)
        lines += _records(con)
        lines += _revisions(con)
        lines += _linkage(con)
        lines += _figures(con)
    finally:
        con.close()
    return "\n".join(lines) + "\n"


def _tables(con, release) -> list[str]:
    from pipelines.release.bundle import table_digest

    def tables(db: str) -> set[str]:
        return {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'main'", [db]).fetchall()}

    old, new = tables("old"), tables("new")
    lines = ["## Tables", "", "| table | rows before | rows now | content |", "|---|---|---|---|"]
    for table in sorted(old | new):
        before = con.execute(f'SELECT count(*) FROM old."{table}"').fetchone()[0] \
            if table in old else None
        now = con.execute(f'SELECT count(*) FROM new."{table}"').fetchone()[0] \
            if table in new else None
        if table not in old or table not in new:
            state = "new table" if table in new else "table removed"
        else:
            con.execute("USE old")
            digest_old = table_digest(con, table)
            con.execute("USE new")
            state = "same" if digest_old == table_digest(con, table) else "changed"
        lines.append(f"| `{table}` | {_fmt(before)} | {_fmt(now)} | {state} |")
    con.execute("USE memory")
    return [*lines, ""]


def _records(con) -> list[str]:
    """Released records per source, added, removed and changed (by key and content)."""
    rows = con.execute("""
        WITH o AS (SELECT source, source_record_id, md5(CAST(r AS VARCHAR)) AS h
                   FROM old.source_records AS r),
             n AS (SELECT source, source_record_id, md5(CAST(r AS VARCHAR)) AS h
                   FROM new.source_records AS r)
        SELECT coalesce(n.source, o.source) AS source,
               count(o.h) AS before, count(n.h) AS now,
               count(*) FILTER (WHERE o.h IS NULL) AS added,
               count(*) FILTER (WHERE n.h IS NULL) AS removed,
               count(*) FILTER (WHERE o.h <> n.h) AS changed
        FROM o FULL JOIN n USING (source, source_record_id)
        GROUP BY ALL ORDER BY source
    """).fetchall()
    lines = ["## Records per source", "",
             "Released `source_records` compared by (`source`, `source_record_id`): a changed "
             "record differs in any column (its values or what the build derived from them).",
             "", "| source | records before | records now | added | removed | changed |",
             "|---|---|---|---|---|---|"]
    lines += [f"| `{s}` | {b} | {n} | {a} | {r} | {c} |" for s, b, n, a, r, c in rows]
    return [*lines, ""]


def _revisions(con) -> list[str]:
    """The revisions the sources published since the previous release (`source_revisions`
    rows in the new release that the previous one did not have)."""
    rows = con.execute("""
        SELECT source, count(*) FILTER (WHERE change = 'added'),
               count(*) FILTER (WHERE change = 'removed'),
               count(DISTINCT source_record_id) FILTER (WHERE change = 'changed'),
               count(*) FILTER (WHERE change = 'changed')
        FROM (SELECT * FROM new.source_revisions EXCEPT SELECT * FROM old.source_revisions)
        GROUP BY source ORDER BY source
    """).fetchall()
    lines = ["## Source revisions since the previous release", ""]
    if not rows:
        return [*lines, "No source published a revision (`source_revisions` has no new rows).",
                ""]
    lines += ["From `source_revisions`: what each source's newer snapshot added, removed and "
              "changed.", "", "| source | records added | records removed | records changed "
              "| fields changed |", "|---|---|---|---|---|"]
    lines += [f"| `{s}` | {a} | {r} | {c} | {f} |" for s, a, r, c, f in rows]
    return [*lines, ""]


def _linkage(con) -> list[str]:
    """Incidents the linker merged (records of several previous incidents now in one) or
    split (records of one previous incident now in several), over the records in both."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _moves AS
        SELECT o.incident_id AS old_id, n.incident_id AS new_id
        FROM old.incident_links o JOIN new.incident_links n USING (source, source_record_id)
    """)
    merged = [r[0] for r in con.execute(
        "SELECT new_id FROM _moves GROUP BY new_id HAVING count(DISTINCT old_id) > 1 "
        "ORDER BY new_id").fetchall()]
    split = [r[0] for r in con.execute(
        "SELECT old_id FROM _moves GROUP BY old_id HAVING count(DISTINCT new_id) > 1 "
        "ORDER BY old_id").fetchall()]
    renamed = con.execute(
        "SELECT count(DISTINCT old_id) FROM _moves WHERE old_id <> new_id AND old_id IN "
        "(SELECT old_id FROM _moves GROUP BY old_id HAVING count(DISTINCT new_id) = 1)"
    ).fetchone()[0]
    counts = con.execute("SELECT (SELECT count(*) FROM old.incidents), "
                         "(SELECT count(*) FROM new.incidents)").fetchone()

    def listed(ids: list[str]) -> str:
        shown = ", ".join(f"`{i}`" for i in ids[:MAX_LISTED])
        more = f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else ""
        return shown + more

    lines = ["## Incidents (record linkage)", "",
             f"Incidents: {counts[0]} before, {counts[1]} now.",
             f"- Merged: {len(merged)} incidents now hold records that were in several "
             "incidents before" + (f": {listed(merged)}" if merged else "") + ".",
             f"- Split: {len(split)} earlier incidents have their records in several "
             "incidents now" + (f": {listed(split)}" if split else "") + ".",
             f"- Renamed: {renamed} incidents kept their records under a new `incident_id`.",
             ""]
    return lines


def _figures(con) -> list[str]:
    """Headline figures (``metric_summary``) whose value or coverage moved."""
    rows = con.execute("""
        SELECT coalesce(n.figure, o.figure), coalesce(n.source, o.source),
               o.value, n.value, o.n_known, n.n_known, o.n, n.n
        FROM old.metric_summary o FULL JOIN new.metric_summary n USING (figure, source)
        WHERE o.value IS DISTINCT FROM n.value OR o.n_known IS DISTINCT FROM n.n_known
           OR o.n IS DISTINCT FROM n.n
        ORDER BY 1, 2
    """).fetchall()
    lines = ["## Headline figures that moved", ""]
    if not rows:
        return [*lines, "None: every figure of `metric_summary` is unchanged.", ""]
    lines += ["From `metric_summary` (each figure rests on n_known of n records).", "",
              "| figure | source | before | now | n_known of n before | n_known of n now |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {f} | `{s}` | {_fmt(a)} | {_fmt(b)} | {_fmt(ka)} of {_fmt(na)} "
              f"| {_fmt(kb)} of {_fmt(nb)} |" for f, s, a, b, ka, kb, na, nb in rows]
    return [*lines, ""]
