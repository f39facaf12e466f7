"""Write a citable release: ``dist/incidents-<version>/`` and ``dist/incidents-<version>.zip``.

A release is made from the published warehouse and never changes it: the DuckDB file
is copied, and only the copy gets the version (``build_info.release_version``) and
the sources left out (``sources.excluded_reason``). Every table is then written as
Parquet (with the warehouse's comments in its schema) and as CSV, sorted, with fixed
writer settings and no timestamps, so releasing twice from the same warehouse gives
the same bytes; the folder is written under a temporary name and renamed into place,
so a half-written release is never mistaken for one.

A source whose terms forbid redistribution (a registry entry with
``user_supplied_env``: the Violence Project) is never in a release: when the
published warehouse holds its records, the release's warehouse is rebuilt from the
staged sources without them (every derived table too: incidents, metrics,
agreement), and its ``sources`` row, ``LICENSES.md``, ``CHANGES.md`` and
``README.md`` say it was left out and why.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.paths import ProjectPaths

NAME = "incidents"
VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(\.\d+)?$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member of the zip gets this timestamp (the zip format's earliest), so the
archive's bytes depend on its contents only."""
WAREHOUSE_FILE = "incidents.duckdb"


@dataclass
class Release:
    """What :func:`make_release` wrote."""

    version: str
    folder: Path
    archive: Path
    previous: str | None
    excluded: dict[str, str] = field(default_factory=dict)
    """Source slug -> why its records are not in the release (every restricted source)."""
    dropped: dict[str, int] = field(default_factory=dict)
    """Restricted source -> rows the published warehouse held and the release left out."""
    tables: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Table -> (rows, sha256 of its content)."""


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version: ``2026.12.01.1`` -> (2026, 12, 1, 1); no counter is 0."""
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def releases(dist: Path) -> list[str]:
    """Versions of the finished releases in ``dist`` (folders with their warehouse),
    oldest first."""
    found = [p.name.removeprefix(f"{NAME}-") for p in dist.glob(f"{NAME}-*")
             if p.is_dir() and (p / WAREHOUSE_FILE).is_file()]
    return sorted((v for v in found if VERSION_RE.match(v)), key=version_key)


def next_version(dist: Path, today: str | None = None) -> str:
    """Today's date (UTC) as ``YYYY.MM.DD``, then ``.1``, ``.2``... when a release of
    that date exists (as a folder or a zip)."""
    base = today or datetime.now(UTC).strftime("%Y.%m.%d")
    taken = {p.name.removeprefix(f"{NAME}-").removesuffix(".zip")
             for p in dist.glob(f"{NAME}-{base}*")}
    if base not in taken:
        return base
    counter = 1
    while f"{base}.{counter}" in taken:
        counter += 1
    return f"{base}.{counter}"


def restricted_sources() -> dict[str, str]:
    """Sources whose terms forbid redistribution -> the reason given in the release."""
    from pipelines.registry import sources

    return {
        s.slug: f"Left out of every release: its terms forbid redistribution ({s.licence}). "
                f"Supply your own copy through ${s.user_supplied_env} and run `make run` to "
                "add it to your local warehouse."
        for s in sources().values() if s.user_supplied_env
    }


def make_release(paths: ProjectPaths, version: str | None = None) -> Release:
    """Write the release of the published warehouse and return what was written."""
    if not paths.warehouse.is_file():
        raise FileNotFoundError(f"nothing published yet: {paths.warehouse} (run `make run`)")
    paths.dist.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(paths.dist)
    version = version or next_version(paths.dist)
    if not VERSION_RE.match(version):
        raise ValueError(f"version {version!r} is not YYYY.MM.DD or YYYY.MM.DD.N")
    folder = paths.dist / f"{NAME}-{version}"
    archive = paths.dist / f"{NAME}-{version}.zip"
    if folder.exists() or archive.exists():
        raise FileExistsError(f"release {version} exists already: {folder}")
    previous = releases(paths.dist)
    excluded = restricted_sources()
    tmp = paths.dist / f".{NAME}-{version}.tmp-{os.getpid()}"
    work = paths.dist / f".{NAME}-work.tmp-{os.getpid()}"  # scratch roots, then removed
    for scratch in (tmp, work):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
    try:
        release = Release(version, folder, archive, previous[-1] if previous else None,
                          excluded)
        target = tmp / WAREHOUSE_FILE
        release.dropped = _release_warehouse(paths, target, work, excluded)
        _stamp(target, version, excluded)
        release.tables = export_tables(target, tmp)
        _site(paths, target, tmp / "site", work)
        _write_texts(paths, release, tmp)
        write_sums(tmp)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    write_zip(folder, archive)
    return release


def _remove_stale_tmp(dist: Path) -> None:
    """Folders of a release that was killed half-way (its process is gone)."""
    from pipelines.warehouse.publish import _pid_alive

    for tmp in dist.glob(f".{NAME}-*.tmp-*"):
        pid = tmp.name.rpartition(".tmp-")[2]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _restricted_rows(con, excluded: dict[str, str]) -> dict[str, int]:
    """Rows of each restricted source in the warehouse, over every table naming a source."""
    if not excluded:
        return {}
    slugs = list(excluded)
    marks = ", ".join("?" for _ in slugs)
    rows = dict.fromkeys(slugs, 0)
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND column_name IN ('source', 'source_a', 'source_b', 'linked_source') "
        "AND table_name <> 'sources'").fetchall()
    for table, column in columns:
        for slug, n in con.execute(
                f'SELECT "{column}", count(*) FROM "{table}" WHERE "{column}" IN ({marks}) '
                "GROUP BY 1", slugs).fetchall():
            rows[slug] += n
    return {slug: n for slug, n in rows.items() if n}


def _release_warehouse(paths: ProjectPaths, target: Path, work: Path,
                       excluded: dict[str, str]) -> dict[str, int]:
    """Copy the published warehouse to ``target``; when it holds records of a restricted
    source, rebuild it instead from the staged sources without them. Returns the rows
    of each restricted source that were left out."""
    import duckdb

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        dropped = _restricted_rows(con, excluded)
    finally:
        con.close()
    if not dropped:
        shutil.copyfile(paths.warehouse, target)
        return {}
    rebuilt = _rebuild_without(paths, work / "rebuild", set(excluded))
    shutil.copyfile(rebuilt, target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        left = _restricted_rows(con, excluded)
    finally:
        con.close()
    if left:  # never publish them, whatever the rebuild did
        raise RuntimeError(f"release refused: restricted records remain after rebuild: {left}")
    return dropped


def _rebuild_without(paths: ProjectPaths, root: Path, restricted: set[str]) -> Path:
    """The warehouse as a refresh would publish it had the restricted sources not been
    supplied: the same build, from the same staged tables, in a scratch root (the
    published warehouse, copied there, lends its incident ids as it does to a refresh)."""
    from pipelines.normalize import staging
    from pipelines.registry import sources
    from pipelines.warehouse.publish import build

    scratch = ProjectPaths(root)
    scratch.curated.mkdir(parents=True)
    shutil.copyfile(paths.warehouse, scratch.warehouse)
    scratch.history.mkdir(parents=True)
    for folder in sorted(paths.history.glob("*")) if paths.history.is_dir() else []:
        if folder.name not in restricted:
            (scratch.history / folder.name).symlink_to(folder.resolve())
    registry = sources()
    staged = {slug: {} if slug in restricted else staging.staged_tables(paths, slug)
              for slug in registry}
    manifests = {
        slug: [s.manifest() for s in staging.read_snapshots(paths, slug).values()]
        if slug not in restricted and staging.has_snapshots(paths, slug) else []
        for slug in registry
    }
    statuses = {slug: {"stale": False, "error": None} if slug in restricted
                else staging.read_status(paths, slug) for slug in registry}
    return build(scratch, staged, registry, manifests, statuses).path


def _stamp(target: Path, version: str, excluded: dict[str, str]) -> None:
    """Write the version and the exclusions into the released copy (never the published
    warehouse)."""
    import duckdb

    con = duckdb.connect(str(target))
    try:
        # A warehouse published before releases existed lacks the two columns.
        con.execute("ALTER TABLE build_info ADD COLUMN IF NOT EXISTS release_version VARCHAR")
        con.execute("ALTER TABLE sources ADD COLUMN IF NOT EXISTS excluded_reason VARCHAR")
        con.execute("UPDATE build_info SET release_version = ?", [version])
        for slug, reason in sorted(excluded.items()):
            con.execute("UPDATE sources SET excluded_reason = ? WHERE source = ?",
                        [reason, slug])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _nested(data_type: str) -> bool:
    """A list, struct or map column: its CSV cell is written as JSON."""
    return data_type.endswith("]") or data_type.startswith(("STRUCT", "MAP", "UNION"))


def export_tables(warehouse: Path, folder: Path) -> dict[str, tuple[int, str]]:
    """Write every table of ``warehouse`` to ``folder/parquet/<table>.parquet`` and
    ``folder/csv/<table>.csv``, rows sorted on every column, and return each table's
    (rows, content sha256).

    Parquet carries the warehouse's comments (:func:`publish._described`); CSV has a
    header, UTF-8, NULL as an empty cell, lists as JSON arrays; times are in UTC.
    """
    import duckdb
    import pyarrow.parquet as pq

    from pipelines.warehouse.publish import _comments, _described

    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    digests = {}
    try:
        con.execute("SET TimeZone = 'UTC'")
        comments = _comments(con)
        for table in table_names(con):
            columns = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = "
                "'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()
            ordered = f'SELECT * FROM "{table}" ORDER BY ALL'
            data = _described(con, table, comments, query=ordered).combine_chunks()
            pq.write_table(data, folder / "parquet" / f"{table}.parquet", compression="zstd",
                           compression_level=3, use_dictionary=True, write_statistics=True,
                           row_group_size=1_000_000)
            cells = ", ".join(f'to_json("{c}") AS "{c}"' if _nested(t) else f'"{c}"'
                              for c, t in columns)
            out = folder / "csv" / f"{table}.csv"
            con.execute(f"COPY (SELECT {cells} FROM ({ordered})) TO '{out}' "
                        "(FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', NULLSTR '')")
            digests[table] = (data.num_rows, table_digest(con, table))
    finally:
        con.close()
    return digests


def table_names(con) -> list[str]:
    """The warehouse's tables, by name."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "ORDER BY table_name").fetchall()]


def table_digest(con, table: str) -> str:
    """sha256 of a table's content: its rows as text, sorted (the DuckDB file's bytes
    change from one write to the next; its content does not). Set the connection's
    TimeZone first (timestamps are rendered in it)."""
    return con.execute(
        f"SELECT sha256(coalesce(string_agg(r, chr(10) ORDER BY r), '')) "
        f'FROM (SELECT CAST(t AS VARCHAR) AS r FROM "{table}" AS t)').fetchone()[0]


def _site(paths: ProjectPaths, warehouse: Path, out: Path, work: Path) -> None:
    """Build the static site from the released warehouse (so it shows exactly the
    released rows and its footer names the version) into ``out``."""
    from pipelines.dashboards.build import build_site

    scratch = ProjectPaths(work / "site")
    scratch.curated.mkdir(parents=True)
    shutil.copyfile(warehouse, scratch.warehouse)
    assets = paths.dashboards / "assets"
    if assets.is_dir():  # the Vega bundle, copied rather than assembled again
        shutil.copytree(assets, scratch.dashboards / "assets")
    build_site(scratch)
    shutil.copytree(scratch.dashboards, out)


def _write_texts(paths: ProjectPaths, release: Release, folder: Path) -> None:
    """The texts of the release: dictionary, licences, citation, package, changes, README."""
    from pipelines.docs import data_dictionary, metrics_dictionary
    from pipelines.release import changes, metadata

    warehouse = folder / WAREHOUSE_FILE
    info = metadata.release_info(warehouse, release.version)
    texts = {
        "data-dictionary.md": data_dictionary() + "\n" + metrics_dictionary(),
        "LICENSES.md": metadata.licences_md(info, release.dropped),
        "CITATION.cff": metadata.citation_cff(info),
        "datapackage.json": metadata.datapackage_json(warehouse, info),
        "CHANGES.md": changes.changes_md(
            warehouse, paths.dist / f"{NAME}-{release.previous}" / WAREHOUSE_FILE
            if release.previous else None, release),
        "README.md": metadata.readme_md(info, release),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def _files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file()),
                  key=lambda p: p.relative_to(folder).as_posix())


def write_sums(folder: Path) -> Path:
    """``SHA256SUMS`` over every other file of the release (``sha256sum -c`` reads it)."""
    lines = []
    for path in _files(folder):
        if path.name == "SHA256SUMS" and path.parent == folder:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}\n")
    target = folder / "SHA256SUMS"
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def write_zip(folder: Path, archive: Path) -> Path:
    """Zip ``folder`` (entries under ``<folder name>/``, sorted, fixed timestamps and
    permissions), written under a temporary name and renamed into place."""
    tmp = archive.with_name(f".{archive.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in _files(folder):
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}",
                                       ZIP_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes(), compresslevel=9)
        os.replace(tmp, archive)
    finally:
        tmp.unlink(missing_ok=True)
    return archive


def release_command(paths: ProjectPaths) -> int:
    """``incidents release``: under the refresh lock (waiting for a running refresh), so
    the warehouse and the staged sources it is made from belong to one build."""
    from pipelines.lock import refresh_lock

    if not paths.warehouse.is_file():
        print(f"nothing published yet: {paths.warehouse} (run `make run` first)",
              file=sys.stderr)
        return 2
    with refresh_lock(paths.root / "data" / ".refresh.lock", wait=True):
        release = make_release(paths)
    print(f"release {release.version}: {release.folder}")
    print(f"  zip:      {release.archive}")
    print(f"  tables:   {len(release.tables)} (Parquet and CSV), "
          f"{sum(n for n, _ in release.tables.values())} rows")
    print(f"  previous: {release.previous or 'none (first release)'}")
    for slug in release.excluded:
        rows = release.dropped.get(slug, 0)
        note = (f"{rows} rows naming it, over all tables, left out" if rows
                else "not in the warehouse")
        print(f"  excluded: {slug} ({note}): its terms forbid redistribution")
    print(f"  cite it:  {release.folder / 'CITATION.cff'}")
    return 0
