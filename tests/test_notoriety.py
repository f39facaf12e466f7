"""No notoriety: attackers' names never become a column, a title, a heading or a chart.

The names are taken from the raw files that carry them (the FBI tabulation's `Shooter
Name`, AP's offenders `firstname`/`lastname`) and looked for everywhere the warehouse and
the site could show them. They may appear only where a source's own text is kept
verbatim (its narrative and the other free-text fields listed below) and in `rejects`,
which keeps rejected raw values as written.
"""

from __future__ import annotations

import re

import pytest

from pipelines.normalize.parsing import read_xlsx_table
from pipelines.paths import ProjectPaths

VERBATIM = {
    ("source_records", "narrative"), ("attackers", "mental_illness_detail"),
    ("attackers", "criminal_history_raw"), ("attackers", "charges_raw"),
    ("attackers", "verdict_raw"), ("attackers", "sentence_detail"),
    ("weapons", "obtained_detail"), ("weapons", "weapon_detail"), ("rejects", "raw_value"),
}
"""Columns that keep a source's own free text verbatim: names inside it stay, as published."""

NAME_COLUMN = re.compile(r"name$|(^|_)(first|last|middle|sur)_?name|alias")
NAME_COLUMNS_ALLOWED = {"incident_name"}
"""`incident_name` names the incident (its place or venue), never a person: checked below."""


@pytest.fixture(scope="module")
def attacker_names(published: ProjectPaths) -> list[str]:
    """Full names (two words or more) of attackers, read from the raw files."""
    import polars as pl

    names: set[str] = set()
    for path in sorted(published.raw.glob("fbi/*/*.xlsx")):
        table = read_xlsx_table(path, "Incident Name", "fbi")
        for cell in table["Shooter Name"].drop_nulls().cast(pl.String):
            names.update(" ".join(p.split()) for p in cell.split("&") if len(p.split()) >= 2)
    (offenders,) = published.raw.glob("ap_usat_nu/*/mass_killing_offenders_public.csv")
    frame = pl.read_csv(offenders, infer_schema_length=0)
    names.update(f"{first.strip()} {last.strip()}" for first, last in
                 frame.select("firstname", "lastname").drop_nulls().rows()
                 if first.strip() and last.strip())
    assert len(names) > 1000  # the test looks for real names, not an empty list
    return sorted(names)


def test_no_column_holds_a_person_name(warehouse) -> None:
    columns = warehouse.execute(
        "SELECT table_name, column_name FROM information_schema.columns").fetchall()
    named = {c for _, c in columns if NAME_COLUMN.search(c)}
    assert named <= NAME_COLUMNS_ALLOWED, named


def test_names_appear_only_in_verbatim_source_text(warehouse, attacker_names) -> None:
    # a temp table on the shared session connection: dropped below, so later tests that
    # list the warehouse's tables do not see it
    warehouse.execute("CREATE TEMP TABLE attacker_names (name VARCHAR)")
    try:
        warehouse.executemany("INSERT INTO attacker_names VALUES (?)",
                              [[n] for n in attacker_names])
        _check_names_only_in_verbatim_text(warehouse)
    finally:
        warehouse.execute("DROP TABLE attacker_names")


def _check_names_only_in_verbatim_text(warehouse) -> None:
    columns = warehouse.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' AND table_catalog <> 'temp'").fetchall()
    found = {}
    for table, column in columns:
        if (table, column) in VERBATIM:
            continue
        hits = warehouse.execute(
            f'SELECT DISTINCT n.name FROM (SELECT DISTINCT "{column}" AS v FROM "{table}" '
            f'WHERE "{column}" IS NOT NULL) AS x JOIN attacker_names AS n '
            "ON contains(x.v, n.name) LIMIT 3").fetchall()
        if hits:
            found[f"{table}.{column}"] = [h[0] for h in hits]
    assert not found, found
    # the verbatim narratives do hold names: the check above would see them
    assert warehouse.execute(
        "SELECT count(*) FROM source_records JOIN attacker_names "
        "ON contains(narrative, name)").fetchall()[0][0] > 0


def test_no_page_title_heading_or_chart_names_an_attacker(published: ProjectPaths,
                                                          attacker_names) -> None:
    site = published.dashboards
    pattern = re.compile("|".join(re.escape(n) for n in attacker_names))
    pages = sorted(site.glob("*.html"))
    assert pages
    shown = list(pages)
    shown += sorted((site / "figures").glob("*.svg"))
    shown += [p for p in sorted((site / "data").glob("*")) if p.is_file()
              and p.name != "incident_index.js"]  # the search index holds narrative words
    hits = {}
    for path in shown:
        match = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
        if match:
            hits[str(path.relative_to(site))] = match.group(0)
    assert not hits, hits


def test_incident_pages_name_incidents_not_attackers(published: ProjectPaths,
                                                     attacker_names) -> None:
    """The incident data files carry each record's fields and the source's narrative; the
    names in them may only be inside a narrative (the page's title and headings are built
    from the incident's date, place and `incident_name`, checked above)."""
    import json

    pattern = re.compile("|".join(re.escape(n) for n in attacker_names))
    shards = sorted((published.dashboards / "data" / "incident").glob("*.js"))
    assert shards
    outside = []
    for shard in shards:
        text = shard.read_text(encoding="utf-8")
        incidents = json.loads(text[text.index("{"):text.rindex("}") + 1])
        for incident in incidents.values():
            for key, value in incident.items():
                if key != "records" and pattern.search(json.dumps(value)):
                    outside.append((incident["incident_id"], key))
    assert not outside, outside[:5]

