"""``incidents release``: a citable, versioned, reproducible bundle of the published warehouse.

Two releases are made once per session from the shared ``published`` warehouse (through the
command line, as a user would), and one from the warehouse built with the user-supplied
Violence Project sample, which must never reach a release.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from pipelines.paths import REPO_ROOT, ProjectPaths
from pipelines.release.bundle import WAREHOUSE_FILE, make_release, table_digest, table_names

from .conftest import run_cli

CFF_SCHEMA = Path(__file__).parent / "fixtures" / "cff-1.2.0-schema.json"
"""The CFF 1.2.0 JSON schema, as shipped by cffconvert 2.0.0 (cffconvert itself pins
jsonschema<4, which cannot install beside frictionless and Dagster)."""


def _release_root(published: ProjectPaths, base: Path) -> ProjectPaths:
    """A root whose published warehouse and site are ``published``'s (linked, read only
    by a release) and whose ``dist/`` is its own."""
    root = base / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "curated").symlink_to(published.curated)
    (root / "dashboards").symlink_to(published.dashboards)
    return ProjectPaths(root)


@pytest.fixture(scope="session")
def releases(published: ProjectPaths, tmp_path_factory: pytest.TempPathFactory):
    """Two releases, one after the other, of the same published warehouse."""
    paths = _release_root(published, tmp_path_factory.mktemp("release"))
    outputs = []
    for _ in range(2):
        result = run_cli(paths, "release")
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout)
    folders = sorted((p for p in paths.dist.iterdir() if p.is_dir()), key=lambda p: len(p.name))
    return SimpleNamespace(paths=paths, first=folders[0], second=folders[1], stdout=outputs)


def _con(folder: Path):
    con = duckdb.connect(str(folder / WAREHOUSE_FILE), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def test_release_writes_the_bundle_and_its_zip(releases) -> None:
    first = releases.first
    version = first.name.removeprefix("incidents-")
    assert releases.stdout[0].startswith(f"release {version}: {first}")
    assert "previous: none (first release)" in releases.stdout[0]
    for name in ("incidents.duckdb", "data-dictionary.md", "LICENSES.md", "CITATION.cff",
                 "datapackage.json", "CHANGES.md", "SHA256SUMS", "README.md",
                 "site/index.html"):
        assert (first / name).is_file(), name
    con = _con(first)
    tables = table_names(con)
    assert {"source_records", "incidents", "metric_summary", "build_info"} <= set(tables)
    for table in tables:
        assert (first / "csv" / f"{table}.csv").is_file(), table
        parquet = first / "parquet" / f"{table}.parquet"
        import pyarrow.parquet as pq

        schema = pq.read_schema(parquet)
        assert pq.read_metadata(parquet).num_rows == con.execute(
            f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if table == "source_records":
            assert b"Victims killed" in schema.field("killed").metadata[b"description"]
    # the version is in build_info, the site's footer, the citation, the package
    assert con.execute("SELECT release_version FROM build_info").fetchone()[0] == version
    con.close()
    assert f"Release <code>{version}</code>" in (first / "site" / "index.html").read_text()
    assert f'version: "{version}"' in (first / "CITATION.cff").read_text()
    assert json.loads((first / "datapackage.json").read_text())["version"] == version
    # SHA256SUMS covers every other file and matches it
    sums = dict(line.split("  ")[::-1] for line in
                (first / "SHA256SUMS").read_text().splitlines())
    files = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    assert set(sums) == files - {"SHA256SUMS"}
    import hashlib

    assert sums["csv/sources.csv"] == hashlib.sha256(
        (first / "csv" / "sources.csv").read_bytes()).hexdigest()
    # the zip holds the folder, with fixed timestamps
    with zipfile.ZipFile(first.parent / f"{first.name}.zip") as zf:
        names = zf.namelist()
        assert names == sorted(names) and f"{first.name}/datapackage.json" in names
        assert len(names) == len(files)
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # the published warehouse is left as it was
    published = duckdb.connect(str(releases.paths.warehouse), read_only=True)
    assert published.execute("SELECT release_version FROM build_info").fetchone()[0] is None
    published.close()


def test_datapackage_validates_against_its_files(releases) -> None:
    """The Frictionless Data Package: every table a resource with types, descriptions,
    vocabularies, keys; frictionless reads every CSV and checks it against them."""
    import frictionless

    package = json.loads((releases.first / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    con = _con(releases.first)
    assert set(resources) == set(table_names(con))
    con.close()
    records = resources["source_records"]["schema"]
    assert records["primaryKey"] == ["source", "source_record_id"]
    assert {"fields": ["source"], "reference": {"resource": "sources", "fields": ["source"]}} \
        in records["foreignKeys"]
    fields = {f["name"]: f for f in records["fields"]}
    assert fields["killed"]["type"] == "integer"
    assert fields["end_method"]["constraints"]["enum"][0] == "shot"
    assert fields["quality_flags"]["type"] == "array"
    summary = {f["name"]: f for f in resources["metric_summary"]["schema"]["fields"]}
    assert summary["n_known"]["description"] == "Records where the underlying field is known."
    assert {s["path"] for s in package["sources"]} >= {
        "https://www.washingtonpost.com/graphics/local/school-shootings-database/"}
    report = frictionless.validate(str(releases.first / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "message"])[:5]


def test_a_broken_package_fails_validation(releases, tmp_path: Path) -> None:
    """A copy of three resources is valid; a CSV edited after the release (hash), a value
    outside its vocabulary and a detail row whose record does not exist each fail."""
    import frictionless

    package = json.loads((releases.first / "datapackage.json").read_text())
    package["resources"] = [r for r in package["resources"]
                            if r["name"] in ("sources", "source_records", "attackers")]
    (tmp_path / "csv").mkdir()
    for resource in package["resources"]:
        shutil.copy(releases.first / resource["path"], tmp_path / resource["path"])
    target = tmp_path / "datapackage.json"
    target.write_text(json.dumps(package))
    assert frictionless.validate(str(target)).valid

    records = tmp_path / "csv" / "source_records.csv"
    records.write_text(records.read_text().replace(",commerce,", ",spaceship,", 1))
    attackers = tmp_path / "csv" / "attackers.csv"
    lines = attackers.read_text().splitlines()
    cells = lines[1].split(",")
    lines.append(",".join([cells[0], "no-such-record", *cells[2:]]))
    attackers.write_text("\n".join(lines) + "\n")
    for resource in package["resources"]:
        if resource["name"] == "attackers":  # the others keep their now wrong hash
            del resource["hash"], resource["bytes"]
    target.write_text(json.dumps(package))
    report = frictionless.validate(str(target))
    assert not report.valid
    errors = {(task.name, error.type) for task in report.tasks for error in task.errors}
    assert ("source_records", "hash-count") in errors, errors
    assert ("source_records", "constraint-error") in errors, errors
    assert ("attackers", "foreign-key") in errors, errors


def test_citation_is_valid_cff_and_names_every_source(releases) -> None:
    import jsonschema
    import yaml

    text = (releases.first / "CITATION.cff").read_text()
    citation = yaml.safe_load(text)
    schema = json.loads(CFF_SCHEMA.read_text())
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        citation)
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"
    con = _con(releases.first)
    included = [r[0] for r in con.execute(
        "SELECT source FROM sources WHERE records > 0 AND excluded_reason IS NULL "
        "ORDER BY source").fetchall()]
    attribution = dict(con.execute("SELECT source, attribution FROM sources").fetchall())
    con.close()
    refs = citation["references"]
    assert len(refs) == len(included) == 9
    for slug, ref in zip(included, refs, strict=True):
        assert ref["notes"].startswith(f"Cite as: {attribution[slug]}."), slug
    wapo = next(r for r in refs if "wapo" in r["notes"])
    assert wapo["license"] == "CC-BY-NC-SA-4.0"
    assert "violence_project" not in json.dumps(refs)

    broken = dict(citation, authors=[{"family": ""}])  # a person needs a non-empty name
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


def test_releasing_twice_is_reproducible(releases) -> None:
    """Same warehouse, same code: the same content per table, the same Parquet and CSV
    bytes (only build_info, which holds the version, differs), the counter increments."""
    first, second = releases.first, releases.second
    v1, v2 = (f.name.removeprefix("incidents-") for f in (first, second))
    assert v2 == f"{v1}.1"
    assert f"previous: {v1}" in releases.stdout[1]
    a, b = _con(first), _con(second)
    tables = table_names(a)
    assert tables == table_names(b)
    for table in tables:
        same = table_digest(a, table) == table_digest(b, table)
        assert same == (table != "build_info"), table
    assert a.execute("SELECT * EXCLUDE (release_version) FROM build_info").fetchall() == \
        b.execute("SELECT * EXCLUDE (release_version) FROM build_info").fetchall()
    a.close()
    b.close()
    for table in tables:
        for ext in ("csv", "parquet"):
            name = f"{ext}/{table}.{ext}"
            same = (first / name).read_bytes() == (second / name).read_bytes()
            assert same == (table != "build_info"), name
    changes = (second / "CHANGES.md").read_text()
    assert f"Compared with release {v1}." in changes
    assert "| `build_info` | 1 | 1 | changed |" in changes
    assert "| `source_records` | 16325 | 16325 | same |" in changes
    assert "| `fbi` | 532 | 532 | 0 | 0 | 0 |" in changes
    assert "None: every figure of `metric_summary` is unchanged." in changes
    assert "First release" in (first / "CHANGES.md").read_text()


def test_changes_name_records_linkage_and_figures_that_moved(releases, tmp_path: Path) -> None:
    """CHANGES.md against an earlier release that differs: records added, removed and
    changed per source, the sources' revisions, merged and split incidents, moved
    figures."""
    from pipelines.release.changes import changes_md

    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    shutil.copyfile(releases.first / WAREHOUSE_FILE, old)
    shutil.copyfile(releases.first / WAREHOUSE_FILE, new)
    con = duckdb.connect(str(old))
    con.execute("DELETE FROM source_records WHERE source = 'fbi' AND source_record_id IN "
                "(SELECT source_record_id FROM source_records WHERE source = 'fbi' "
                "ORDER BY 1 LIMIT 3)")
    con.execute("UPDATE source_records SET killed = killed + 1 WHERE source = 'wapo' AND "
                "source_record_id = (SELECT min(source_record_id) FROM source_records "
                "WHERE source = 'wapo')")
    con.execute("UPDATE metric_summary SET value = value - 1 WHERE figure = 'incidents' "
                "AND source = 'alerrt'")
    singles = [r[0] for r in con.execute("SELECT incident_id FROM incident_links GROUP BY 1 "
                                         "HAVING count(*) = 1 ORDER BY 1 LIMIT 2").fetchall()]
    # one incident of two records was two incidents before (merged now) ...
    merged = con.execute("SELECT incident_id FROM incident_links GROUP BY 1 "
                         "HAVING count(*) = 2 ORDER BY 1 LIMIT 1").fetchone()[0]
    con.execute("UPDATE incident_links SET incident_id = 'earlier-half' WHERE incident_id = ? "
                "AND (source, source_record_id) = (SELECT max((source, source_record_id)) "
                "FROM incident_links WHERE incident_id = ?)", [merged, merged])
    # ... and two single-record incidents were one before (split now)
    con.execute("UPDATE incident_links SET incident_id = 'earlier-pair' "
                "WHERE incident_id IN (?, ?)", singles)
    con.close()
    con = duckdb.connect(str(new))
    con.execute("INSERT INTO source_revisions VALUES ('gva', now(), 'a', 'b', 'added', 'x', "
                "NULL, NULL, NULL), ('gva', now(), 'a', 'b', 'changed', 'y', 'killed', '4', "
                "'5')")
    con.close()
    release = SimpleNamespace(version="2030.01.01", previous="2029.12.31",
                              excluded={"violence_project": "terms"}, dropped={}, tables={})
    text = changes_md(new, old, release)
    assert "Compared with release 2029.12.31." in text
    assert "| `fbi` | 529 | 532 | 3 | 0 | 0 |" in text
    assert "| `wapo` | 428 | 428 | 0 | 0 | 1 |" in text
    assert "| `gva` | 1 | 0 | 1 | 1 |" in text  # from source_revisions
    assert f"- Merged: 1 incidents now hold records that were in several incidents before: " \
           f"`{merged}`." in text
    assert "- Split: 1 earlier incidents have their records in several incidents now: " \
           "`earlier-pair`." in text
    assert "| incidents | `alerrt` | 596 | 597 |" in text
    assert "| `source_records` | 16322 | 16325 | changed |" in text


def test_washington_post_terms_travel_with_its_records(releases) -> None:
    licences = (releases.first / "LICENSES.md").read_text()
    assert "## Terms that travel with the `wapo` records: CC-BY-NC-SA-4.0" in licences
    assert "use them for non-commercial purposes only" in licences
    assert "share anything you build from them under the same licence" in licences
    package = json.loads((releases.first / "datapackage.json").read_text())
    nc = [lic for lic in package["licenses"] if lic["name"] == "CC-BY-NC-SA-4.0"]
    assert nc and "wapo" in nc[0]["title"]
    con = _con(releases.first)
    assert "CC BY-NC-SA 4.0" in con.execute(
        "SELECT licence FROM sources WHERE source = 'wapo'").fetchone()[0]
    con.close()
    import pyarrow.parquet as pq

    sources = pq.read_table(releases.first / "parquet" / "sources.parquet").to_pylist()
    assert "CC BY-NC-SA" in next(s for s in sources if s["source"] == "wapo")["licence"]


def test_violence_project_is_never_released(published_with_violence_project: ProjectPaths,
                                            releases, tmp_path: Path) -> None:
    """A warehouse built with the user's Violence Project copy releases without it: every
    table rebuilt as if it had not been supplied (the same content as the release of the
    warehouse built without it), the source marked excluded with the reason, and the
    release says so. The published warehouse keeps its rows."""
    paths = _release_root(published_with_violence_project, tmp_path)
    paths = ProjectPaths(paths.root)
    (paths.root / "data" / "staging").symlink_to(published_with_violence_project.staging)
    if published_with_violence_project.history.is_dir():
        (paths.root / "data" / "history").symlink_to(published_with_violence_project.history)
    release = make_release(paths)
    supplied = duckdb.connect(str(paths.warehouse), read_only=True)
    held = supplied.execute("SELECT count(*) FROM source_records WHERE source = "
                            "'violence_project'").fetchone()[0]
    supplied.close()
    assert held > 0 and release.dropped["violence_project"] >= held

    con = _con(release.folder)
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE column_name IN "
            "('source', 'source_a', 'source_b', 'linked_source') AND table_name <> 'sources'"
    ).fetchall():
        assert con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = '
                           "'violence_project'").fetchone()[0] == 0, (table, column)
    assert con.execute("SELECT count(*) FROM source_records WHERE attacker_fate_from LIKE "
                       "'violence_project:%'").fetchone()[0] == 0
    reason, records = con.execute("SELECT excluded_reason, records FROM sources "
                                  "WHERE source = 'violence_project'").fetchone()
    assert "forbid redistribution" in reason and records == 0
    con.close()
    # The same tables as the release of the warehouse that never had it, but for the
    # build's time and the incident ids, lent by the warehouse the release was made from
    # (as a refresh lends them) rather than drawn afresh.
    both = duckdb.connect()
    both.execute("ATTACH ? AS vp (READ_ONLY)", [str(release.folder / WAREHOUSE_FILE)])
    both.execute("ATTACH ? AS plain (READ_ONLY)", [str(releases.first / WAREHOUSE_FILE)])
    ids = {"incident_id", "id_carried_over", "built_at", "release_version"}
    tables = [r[0] for r in both.execute("SELECT table_name FROM duckdb_tables() WHERE "
                                         "database_name = 'plain'").fetchall()]
    assert len(tables) > 20
    for table in tables:
        columns = [r[0] for r in both.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'plain' AND "
            "table_name = ?", [table]).fetchall()]
        kept = ", ".join(f'"{c}"' for c in columns if c not in ids)
        for a, b in (("vp", "plain"), ("plain", "vp")):
            assert both.execute(f'SELECT count(*) FROM (SELECT {kept} FROM {a}."{table}" '
                                f'EXCEPT ALL SELECT {kept} FROM {b}."{table}")').fetchone()[0] \
                == 0, table
    moved = both.execute("SELECT count(*) FROM vp.incident_links v JOIN plain.incident_links p "
                         "USING (source, source_record_id) WHERE v.incident_id <> p.incident_id"
                         ).fetchone()[0]
    assert moved <= 5, moved  # the ids of a few incidents only
    both.close()
    for csv in (release.folder / "csv").glob("*.csv"):
        if csv.name not in ("sources.csv", "build_info.csv"):
            assert "violence_project" not in csv.read_text(), csv.name
    con = _con(release.folder)
    snapshots = json.loads(con.execute("SELECT snapshots FROM build_info").fetchone()[0])
    con.close()
    assert snapshots["violence_project"] == []  # built from none of its files
    assert "held" in (release.folder / "LICENSES.md").read_text()
    assert (f"`violence_project` ({release.dropped['violence_project']} rows of the local "
            "warehouse naming it, over all tables, dropped)") in (
        release.folder / "CHANGES.md").read_text()
    assert "`violence_project`: Left out of every release" in (
        release.folder / "README.md").read_text()


def test_readme_explains_citing_and_past_releases() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert "## How to cite" in readme
    assert "### Getting a past release's tables back" in readme
