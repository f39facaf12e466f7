"""The texts that make a release citable and reusable: ``datapackage.json`` (a Frictionless
Tabular Data Package), ``CITATION.cff`` (CFF 1.2.0), ``LICENSES.md`` and ``README.md``.

The package's schemas come from the contract (:mod:`pipelines.normalize.contract`: types,
descriptions, vocabularies as enums, keys), the same definitions that check every build;
the tables outside the contract (metrics, linkage) from the warehouse's own ``COMMENT``s.
The licences and citation texts come from the released ``sources`` table and
``licences.csv`` beside this module (each source's SPDX id where it has one).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.normalize.contract import DETAIL_TABLES, RECORD_DEFINITIONS, TABLES

PROJECT = "Open warehouse of US active-shooter incidents"
AUTHOR = "The contributors to the open warehouse of US active-shooter incidents"
PACKAGE_NAME = "us-active-shooter-incidents"
KEYWORDS = ("active shooter", "mass shooting", "school shooting", "gun violence",
            "United States", "incident data", "record linkage")
LICENCES_CSV = Path(__file__).with_name("licences.csv")
EXTRA_KEYS = {"incidents": ("incident_id",), "incident_links": ("source", "source_record_id")}
"""Primary keys of the linkage tables (built by sql/linkage/, outside the contract)."""
EXTRA_REFERENCES = {
    "incident_links": ((("incident_id",), "incidents", ("incident_id",)),
                       (("source", "source_record_id"), "source_records",
                        ("source", "source_record_id"))),
    "discrepancies": ((("incident_id",), "incidents", ("incident_id",)),),
}
"""Foreign keys of the linkage tables: (fields, referenced table, referenced fields)."""


@dataclass(frozen=True)
class SourceInfo:
    """One source as the release describes it (the released ``sources`` row)."""

    slug: str
    title: str
    publisher: str
    licence: str
    attribution: str
    homepage: str
    repo: str
    commit: str
    records: int
    excluded_reason: str | None
    spdx: str
    licence_url: str

    @property
    def included(self) -> bool:
        return not self.excluded_reason and self.records > 0


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    date: str
    """The release date, ``YYYY-MM-DD`` (from the version)."""
    built_at: str
    """When the warehouse was built, UTC, RFC 3339."""
    fingerprint: str
    sources: tuple[SourceInfo, ...]

    @property
    def included(self) -> tuple[SourceInfo, ...]:
        return tuple(s for s in self.sources if s.included)


def licence_table() -> dict[str, dict[str, str]]:
    """``licences.csv``: per source, its SPDX id and licence URL (blank when none)."""
    with LICENCES_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["source"]: row for row in csv.DictReader(handle)}


def release_info(warehouse: Path, version: str) -> ReleaseInfo:
    """What the texts say about the release, read from the released warehouse."""
    import duckdb

    spdx = licence_table()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        built_at, fingerprint = con.execute(
            "SELECT strftime(built_at, '%Y-%m-%dT%H:%M:%SZ'), fingerprint "
            "FROM build_info").fetchone()
        rows = con.execute(
            "SELECT source, title, publisher, licence, attribution, homepage, "
            "coalesce(repo, ''), coalesce(pinned_commit, ''), coalesce(records, 0), "
            "excluded_reason FROM sources ORDER BY source").fetchall()
    finally:
        con.close()
    sources = tuple(
        SourceInfo(*row, spdx=spdx.get(row[0], {}).get("spdx", ""),
                   licence_url=spdx.get(row[0], {}).get("licence_url", ""))
        for row in rows)
    date = "-".join(version.split(".")[:3])
    return ReleaseInfo(version, date, built_at, fingerprint, sources)


# ---------------------------------------------------------------- datapackage.json

_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT")


def field_type(data_type: str) -> dict:
    """The Table Schema type (and format) of a DuckDB type."""
    t = data_type.upper()
    if t.endswith("]"):
        return {"type": "array"}
    if t.startswith(("STRUCT", "MAP", "UNION")):
        return {"type": "object"}
    if t in _INTEGERS:
        return {"type": "integer"}
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return {"type": "number"}
    if t == "BOOLEAN":
        return {"type": "boolean"}
    if t == "DATE":
        return {"type": "date"}
    if t == "TIME":
        return {"type": "time"}
    if t.startswith("TIMESTAMP"):
        return {"type": "datetime", "format": "any"}
    return {"type": "string"}


def table_schema(table: str, columns: list[tuple[str, str, str | None]]) -> dict:
    """Table Schema of one table: from the contract when it is a contract table, else
    from the warehouse's columns (name, DuckDB type, comment)."""
    contract = TABLES.get(table)
    fields = []
    for name, data_type, comment in columns:
        col = next((c for c in contract.columns if c.name == name), None) if contract else None
        spec: dict = {"name": name, **field_type(data_type)}
        description = col.description if col else comment
        if description:
            spec["description"] = description
        constraints: dict = {}
        if col and col.required:
            constraints["required"] = True
        if col and col.vocabulary and spec["type"] == "string":
            constraints["enum"] = list(col.vocabulary)
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict = {"fields": fields, "missingValues": [""]}
    key = contract.key if contract and contract.key else EXTRA_KEYS.get(table)
    if key:
        schema["primaryKey"] = list(key)
    references = foreign_keys(table, {name for name, _, _ in columns})
    if references:
        schema["foreignKeys"] = [
            {"fields": list(fields_), "reference": {"resource": target,
                                                   "fields": list(target_fields)}}
            for fields_, target, target_fields in references]
    return schema


def foreign_keys(table: str, columns: set[str]) -> list[tuple[tuple[str, ...], str,
                                                                tuple[str, ...]]]:
    """Each record's detail rows point to their record; every contract table's
    ``source`` to ``sources``; the linkage tables as :data:`EXTRA_REFERENCES`."""
    record = ("source", "source_record_id")
    references = []
    if table in {t.name for t in (*DETAIL_TABLES, RECORD_DEFINITIONS)}:
        references.append((record, "source_records", record))
    elif table in TABLES and table != "sources" and "source" in columns:
        references.append((("source",), "sources", ("source",)))
    references += EXTRA_REFERENCES.get(table, ())
    return references


def _licence_entries(info: ReleaseInfo) -> list[dict]:
    """One entry per distinct licence of the included sources, naming them."""
    by_licence: dict[tuple[str, str], list[str]] = {}
    for s in info.included:
        if s.spdx:
            by_licence.setdefault((s.spdx, s.licence_url), []).append(s.slug)
    entries = [{"name": spdx, "path": url,
                "title": f"{spdx}: the records of {', '.join(slugs)} (rows whose `source` is "
                         f"{' or '.join(slugs)}); each source's terms are in LICENSES.md"}
               for (spdx, url), slugs in sorted(by_licence.items())]
    others = [s.slug for s in info.included if not s.spdx]
    if others:
        entries.append({"name": "other", "title": "Publisher's own terms (no SPDX licence) "
                        f"for the records of {', '.join(others)}: see LICENSES.md and the "
                        "sources table", "path": "LICENSES.md"})
    return entries


def datapackage(warehouse: Path, info: ReleaseInfo) -> dict:
    """The Frictionless Data Package describing ``csv/<table>.csv`` of the release."""
    import hashlib

    import duckdb

    folder = warehouse.parent
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' "
            "ORDER BY table_name").fetchall()
        resources = []
        for table, comment in tables:
            columns = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() "
                "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
                [table]).fetchall()
            path = folder / "csv" / f"{table}.csv"
            data = path.read_bytes()
            contract = TABLES.get(table)
            resources.append({
                "name": table,
                "path": f"csv/{table}.csv",
                "profile": "tabular-data-resource",
                "title": table,
                "description": contract.description if contract else comment or table,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
                "schema": table_schema(table, columns),
            })
    finally:
        con.close()
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{PROJECT}, release {info.version}",
        "id": f"{PACKAGE_NAME}-{info.version}",
        "version": info.version,
        "created": info.built_at,
        "description": (
            "Public US active-shooter and mass-shooting incident lists, each kept under its "
            "own definition, normalized onto one contract, linked into real-world incidents "
            "and summarized in metrics with their coverage. Each table is also in "
            "parquet/<table>.parquet (with these descriptions in its schema) and in "
            "incidents.duckdb. Cite as in CITATION.cff; every source keeps its own licence "
            "(LICENSES.md)."),
        "keywords": list(KEYWORDS),
        "licenses": _licence_entries(info),
        "sources": [{"title": f"{s.publisher}: {s.title} ({s.slug}; {s.licence})",
                     "path": s.homepage} for s in info.included],
        "contributors": [{"title": AUTHOR, "role": "author"}] + [
            {"title": s.publisher, "role": "contributor"} for s in info.included],
        "resources": resources,
    }


def datapackage_json(warehouse: Path, info: ReleaseInfo) -> str:
    return json.dumps(datapackage(warehouse, info), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- CITATION.cff


def _yaml(value, indent: int = 0) -> list[str]:
    """Block YAML of dicts, lists and scalars; strings double-quoted as JSON (valid YAML)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines += _yaml(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {json.dumps(item, ensure_ascii=False)}")
    else:
        for item in value:
            if isinstance(item, dict | list):
                block = _yaml(item, indent + 2)
                lines.append(f"{pad}- {block[0].lstrip()}")
                lines += block[1:]
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return lines


def citation(info: ReleaseInfo) -> dict:
    """CITATION.cff (CFF 1.2.0) as a dict: the release, and every source it was built from
    as a reference with its own citation text."""
    references = []
    for s in info.included:
        ref: dict = {"type": "data", "title": s.title, "authors": [{"name": s.publisher}],
                     "url": s.homepage}
        if s.repo:
            ref["repository"] = f"https://github.com/{s.repo}"
        if s.commit:
            ref["commit"] = s.commit
        if s.spdx:
            ref["license"] = s.spdx
        ref["notes"] = (f"Cite as: {s.attribution}. Licence or terms: {s.licence}. "
                        f"Source slug in the warehouse: {s.slug}.")
        references.append(ref)
    left_out = [s.slug for s in info.sources if s.excluded_reason]
    return {
        "cff-version": "1.2.0",
        "message": "If you use these data, cite this release, and cite each source whose "
                   "records you use as its reference below asks (its licence may require it).",
        "type": "dataset",
        "title": f"{PROJECT}, release {info.version}",
        "version": info.version,
        "date-released": info.date,
        "authors": [{"name": AUTHOR}],
        "abstract": (
            "A warehouse of public US active-shooter and mass-shooting incident lists: each "
            "source's records under its own definition on one contract, linked into "
            "real-world incidents, with metrics that carry their coverage. Sources: "
            + ", ".join(s.slug for s in info.included) + "."
            + (f" Left out (terms forbid redistribution): {', '.join(left_out)}."
               if left_out else "")
            + f" Warehouse fingerprint {info.fingerprint}."),
        "keywords": list(KEYWORDS),
        "references": references,
    }


def citation_cff(info: ReleaseInfo) -> str:
    return "\n".join(_yaml(citation(info))) + "\n"


def citation_text(info: ReleaseInfo) -> str:
    """The release's citation as one line of prose (APA-like)."""
    year = info.date[:4]
    return (f"{AUTHOR} ({year}). {PROJECT} (release {info.version}) [Data set]. "
            f"Released {info.date}.")


# ---------------------------------------------------------------- LICENSES.md and README.md


def _terms(spdx: str) -> str:
    """What a Creative Commons licence asks of a reuser, in plain words."""
    asks = []
    if "-BY" in f"-{spdx}":
        asks.append("credit the publisher as required below")
    if "-NC" in spdx:
        asks.append("use them for non-commercial purposes only")
    if "-SA" in spdx:
        asks.append("share anything you build from them under the same licence")
    return "; ".join(asks)


def licences_md(info: ReleaseInfo, dropped: dict[str, int]) -> str:
    lines = [
        f"# Licences and attribution: release {info.version}",
        "",
        "This release compiles records from several publishers. Each source's records keep "
        "their publisher's terms, listed here and in the `sources` table (columns "
        "`licence`, `attribution`). A row's publisher is its `source` column. The code "
        "that built the release is MIT-licensed (`LICENSE` in the repository); that "
        "licence does not apply to the data.",
        "",
    ]
    restricted = [s for s in info.sources if "-NC" in s.spdx or "-SA" in s.spdx]
    for s in restricted:
        if s.included:
            lines += [f"## Terms that travel with the `{s.slug}` records: {s.spdx}", "",
                      f"Every row whose `source` is `{s.slug}` ({s.title}, {s.publisher}) is "
                      f"licensed {s.licence} ({s.licence_url}). If you use them, "
                      f"{_terms(s.spdx)}. Attribution: {s.attribution}.", ""]
    excluded = [s for s in info.sources if s.excluded_reason]
    if excluded:
        lines += ["## Not in this release", ""]
        for s in excluded:
            note = (f" The warehouse this release was made from held {dropped[s.slug]} rows "
                    "naming it (over all its tables); they were left out, and every table "
                    "built from them was rebuilt without them." if dropped.get(s.slug) else "")
            lines.append(f"- `{s.slug}` ({s.title}, {s.publisher}): {s.excluded_reason}{note}")
        lines.append("")
    lines += ["## Sources in this release", ""]
    for s in info.included:
        lines += [
            f"### {s.title} (`{s.slug}`)",
            "",
            f"- Publisher: {s.publisher}",
            f"- Licence / terms: {s.licence}"
            + (f" (SPDX `{s.spdx}`, {s.licence_url})" if s.spdx else ""),
            f"- Required attribution: {s.attribution}",
            f"- Publisher's page: {s.homepage}",
            *([f"- Pinned copy: https://github.com/{s.repo} at `{s.commit}`"] if s.repo else []),
            f"- Records in this release: {s.records}",
            "",
        ]
    return "\n".join(lines)


def readme_md(info: ReleaseInfo, release) -> str:
    """The release's own README: what it is, how to cite it, how to read it."""
    excluded = [s for s in info.sources if s.excluded_reason]
    tables = "\n".join(f"| `{t}` | {n} | `{digest[:16]}` |"
                       for t, (n, digest) in sorted(release.tables.items()))
    return f"""# {PROJECT}, release {info.version}

Released {info.date}, from the warehouse built at {info.built_at} (fingerprint
`{info.fingerprint}`). Previous release: {release.previous or "none (this is the first)"};
what changed since is in `CHANGES.md`.

## How to cite

{citation_text(info)}

`CITATION.cff` holds the same in the Citation File Format, with every source as a
reference and its own citation text: cite the sources whose records you use too
(their licences may require it; `LICENSES.md`).

## What is inside

- `incidents.duckdb`: the warehouse (DuckDB; `build_info.release_version` is
  `{info.version}`); every table and column carries its description as a `COMMENT`.
- `parquet/<table>.parquet`: every table, with the descriptions in its schema
  (key `description`).
- `csv/<table>.csv`: every table as CSV (UTF-8, header, empty cell for NULL, lists as
  JSON arrays, times in UTC), described by `datapackage.json` (a Frictionless Data
  Package: types, descriptions, vocabularies, keys).
- `site/index.html`: the dashboards, built from these tables.
- `data-dictionary.md`, `LICENSES.md`, `CHANGES.md`, `CITATION.cff`, `SHA256SUMS`.

Check the files with `sha256sum -c SHA256SUMS`. Rows are sorted and the Parquet and
CSV bytes depend on the content only; the content hash of each table (sha256 of its
rows as text, sorted; the DuckDB file's own bytes differ from one write to the next):

| table | rows | content sha256 |
|---|---|---|
{tables}

## Not in this release

{chr(10).join(f"- `{s.slug}`: {s.excluded_reason}" for s in excluded) or "Nothing left out."}

## Reading it back

```python
import duckdb
con = duckdb.connect("incidents.duckdb", read_only=True)
con.sql("SELECT release_version, built_at FROM build_info")
```

```python
import polars as pl
records = pl.read_parquet("parquet/source_records.parquet")
```
"""
