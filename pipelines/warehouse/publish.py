"""Build the warehouse under a temporary name and rename it into place.

Readers never see a half-built file: they hold the old file open (or open the
new one after the rename), and a failed or killed build leaves the previous
warehouse untouched. DuckDB stays single-writer: only this function writes,
and only to a file no one else has open.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipelines.fingerprint import EXPORT_STAMP, build_fingerprint, code_digest
from pipelines.linkage.link import build_links
from pipelines.normalize.contract import NORMALIZED_TABLES, TABLES, comment_sql, create_table_sql
from pipelines.normalize.states import STATE_BOUNDS
from pipelines.paths import ProjectPaths, read_sql
from pipelines.registry import Source
from pipelines.transaction import one_transaction
from pipelines.warehouse.checks import CHECKS, CheckOutcome, run_checks
from pipelines.warehouse.metrics import build_metrics

TMP_PREFIX = ".incidents.duckdb.tmp-"
STORAGE_VERSION = "v1.0.0"
"""The DuckDB storage format the warehouse is written in: every DuckDB since 1.0 (June
2024) opens it, where DuckDB 2.0's own format is refused by 1.4 and older
(tests/test_old_duckdb.py opens it with DuckDB 1.4.5)."""
DISABLED_COMPRESSION = "fsst"
"""Compression the build does not try when it writes the file. FSST is never chosen over
dictionary compression for the warehouse's text (the file comes out no larger without
it), but trying it on every text column, the long narratives included, was a third of
each checkpoint's CPU. Storage only: every value reads back the same."""
WAREHOUSE_SQL = ("record_definitions", "flag_coordinates")
"""SQL files under sql/warehouse/ run, in order, once every source is loaded."""
AFTER_LINKAGE_SQL = ("infer_fate",)
"""SQL files under sql/warehouse/ run, in order, once records are linked into incidents
(they read incidents and incident_links) and before the metrics."""
BESIDE_METRICS_SQL = ("source_agreement",)
"""SQL files under sql/warehouse/ run, in order, after :data:`AFTER_LINKAGE_SQL` and
side by side with the metrics, on a second connection that has the metric macros (e.g.
the Wilson interval): they read ``incident_links`` and records, never a metric table."""
CSV_TABLES = ("source_agreement",)
"""Tables besides the ``metric_*`` ones also exported as CSV (small summary tables)."""
SIDE_BY_SIDE = 2
"""Tables :func:`build` fills, and files :func:`export_parquet` writes, at a time: each is
one core's work (DuckDB and Arrow release the GIL)."""


class PublishError(RuntimeError):
    """The new warehouse failed a blocking check; the previous one stays published."""


@dataclass(frozen=True)
class Published:
    path: Path
    counts: dict[str, int]
    checks: dict[str, CheckOutcome]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_builds(curated: Path) -> list[Path]:
    """Delete temporary files left by a build or export that was killed (its process
    is gone): the warehouse under its temporary name, its WAL, and half-written
    exports ``parquet/.<table>.parquet.tmp-<pid>`` and ``csv/.<table>.csv.tmp-<pid>``."""
    removed = []
    leftovers = [*curated.glob(f"{TMP_PREFIX}*"), *curated.glob("parquet/.*.tmp-*"),
                 *curated.glob("csv/.*.tmp-*")]
    for tmp in leftovers:
        pid = tmp.name.rpartition(".tmp-")[2].split(".")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _sources_rows(registry: dict[str, Source], snapshots: dict[str, list[dict]],
                  statuses: dict[str, dict]) -> list[tuple]:
    return [
        (
            s.slug, s.title, s.publisher, s.licence, s.attribution, s.homepage,
            s.definition, s.repo, s.commit, list(s.tags),
            json.dumps(snapshots.get(s.slug, [])),
            bool(statuses.get(s.slug, {}).get("stale")),
            statuses.get(s.slug, {}).get("error"),
        )
        for s in registry.values()
    ]


def _insert_parquet(con, table: str, files: list[Path]) -> None:
    """Append the rows of ``files`` to ``table``, columns matched by name, file after
    file in the order given (DuckDB keeps insertion order), on a cursor of ``con`` (so
    several tables can be filled at once); nothing when there is none."""
    if files:
        with con.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} BY NAME "
                           "SELECT * FROM read_parquet(?, union_by_name = true)",
                           [[str(f) for f in files]])


def _insert_values(con, head: str, rows: list[tuple]) -> None:
    """``head VALUES (...), (...)`` for ``rows`` in one statement (``executemany`` runs
    its statement once per row); nothing when there are no rows."""
    if rows:
        marks = "(" + ", ".join(["?"] * len(rows[0])) + ")"
        con.execute(f"{head} VALUES " + ", ".join([marks] * len(rows)),
                    [value for row in rows for value in row])


def build(
    paths: ProjectPaths,
    staged: dict[str, dict[str, Path]],
    registry: dict[str, Source],
    snapshots: dict[str, list[dict]],
    statuses: dict[str, dict] | None = None,
) -> Published:
    """Write the warehouse from each source's staged Parquet and publish it.

    ``staged`` maps source slug to {table name: parquet path}; ``snapshots`` maps
    slug to the manifests of the raw files used; ``statuses`` marks the sources
    this run could not refresh (published from their last good snapshot).
    """
    import duckdb

    paths.curated.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(paths.curated)
    tmp = paths.curated / f"{TMP_PREFIX}{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        con.execute(f"SET disabled_compression_methods = '{DISABLED_COMPRESSION}'")
        try:
            with one_transaction(con):  # one commit, not one per table
                for table in TABLES.values():
                    con.execute(create_table_sql(table))
            # One INSERT per table over every source's file (rows in source order, as
            # file after file): a statement per file cost more than the reading. The
            # tables are independent, so two are filled at a time, each on a cursor.
            inserts = [(table.name, [tables[table.name] for tables in staged.values()
                                     if table.name in tables]) for table in NORMALIZED_TABLES]
            inserts.append(("source_revisions", sorted(paths.history.glob("*/revisions.parquet"))))
            with ThreadPoolExecutor(SIDE_BY_SIDE) as pool:
                list(pool.map(lambda job: _insert_parquet(con, *job), inserts))
            shas = {slug: [m["sha256"] for m in used] for slug, used in snapshots.items()}
            stale = {slug: st.get("error") or "" for slug, st in (statuses or {}).items()
                     if st.get("stale")}
            con.execute(
                "INSERT INTO build_info (built_at, fingerprint, code_sha256, snapshots) "
                "VALUES (now(), ?, ?, ?)",
                [build_fingerprint(paths, shas, stale), code_digest(),
                 json.dumps(shas, sort_keys=True)],
            )
            _insert_values(
                con, "INSERT INTO sources (source, title, publisher, licence, attribution,"
                " homepage, definition, repo, pinned_commit, tags, files, stale,"
                " stale_reason, records, rejects)",
                [(*row, 0, 0) for row in _sources_rows(registry, snapshots, statuses or {})])
            con.execute("""
                UPDATE sources SET records = c.n, first_date = c.lo, last_date = c.hi,
                       rejects = coalesce(j.n, 0)
                FROM (SELECT source, count(*) n, min(incident_date) lo, max(incident_date) hi
                      FROM source_records GROUP BY 1) c
                LEFT JOIN (SELECT source, count(*) n FROM rejects GROUP BY 1) j USING (source)
                WHERE sources.source = c.source
            """)
            con.execute(
                "CREATE TEMP TABLE _state_bounds (state VARCHAR, lat_min DOUBLE, "
                "lat_max DOUBLE, lon_min DOUBLE, lon_max DOUBLE)"
            )
            _insert_values(con, "INSERT INTO _state_bounds",
                           [(code, *box) for code, box in STATE_BOUNDS.items()])
            for step in WAREHOUSE_SQL:
                con.execute(read_sql(f"warehouse/{step}.sql"))
            # The previous warehouse (not yet replaced) lends its incident ids, so an
            # incident keeps its id across refreshes while its records do. The contract
            # tables' comments (catalog only; linkage reads no comment) are written
            # meanwhile on a second connection.
            with ThreadPoolExecutor(1) as pool:
                commented = pool.submit(_comment_tables, con)
                build_links(con, paths.warehouse)
                commented.result()
            for step in AFTER_LINKAGE_SQL:
                con.execute(read_sql(f"warehouse/{step}.sql"))
            # DuckDB runs each of these statements on one core (the tables are too small
            # to split), so the metrics and the steps beside them, which write other
            # tables, run at the same time: the same tables, sooner.
            with ThreadPoolExecutor(1) as pool:
                beside = pool.submit(_beside_metrics, con)
                build_metrics(con)
                beside.result()
            checks = run_checks(con)
            blocking = {c.name for c in CHECKS if c.blocking}
            failed = {k: v.summary for k, v in checks.items() if not v.passed and k in blocking}
            if failed:
                raise PublishError(f"warehouse not published, checks failed: {failed}")
            tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()")
                      .fetchall()]
            counted = dict(con.execute(" UNION ALL ".join(  # one statement, not one per table
                f"SELECT '{t}', count(*) FROM {t}" for t in tables)).fetchall())
            counts = {t: counted[t] for t in tables}
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # The export no longer matches the warehouse once it is replaced: withdraw its
        # stamp first, so a refresh killed before the export ends is not up to date.
        (paths.curated / "parquet" / EXPORT_STAMP).unlink(missing_ok=True)
        os.replace(tmp, paths.warehouse)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    export_parquet(paths)
    return Published(paths.warehouse, counts, checks)


def _comment_tables(con) -> None:
    """``COMMENT ON`` every contract table and column, on a cursor of ``con``."""
    with con.cursor() as cursor, one_transaction(cursor):  # one commit, not one per COMMENT
        for table in TABLES.values():
            for statement in comment_sql(table):
                cursor.execute(statement)


def _beside_metrics(con) -> None:
    """The :data:`BESIDE_METRICS_SQL` steps, on their own cursor of ``con`` (a second
    connection to the warehouse being built, with its own temp tables and macros)."""
    with con.cursor() as cursor:
        cursor.execute(read_sql("metrics/_macros.sql"))
        for step in BESIDE_METRICS_SQL:
            cursor.execute(read_sql(f"warehouse/{step}.sql"))


def export_parquet(paths: ProjectPaths) -> list[Path]:
    """Export every curated table to ``data/curated/parquet/<table>.parquet``, and
    the metric tables (and :data:`CSV_TABLES`) also to ``data/curated/csv/<table>.csv``;
    once all are written, stamp ``parquet/`` with the warehouse's fingerprint (see
    ``exported_fingerprint``).

    Each Parquet file carries the warehouse's ``COMMENT``s: the table's as the schema
    metadata ``description``, each column's as its Arrow field metadata ``description``,
    so a Polars, Arrow or R user reading only the file still has them.

    The files are independent and each is written on one core (a table is a single row
    group), so up to :data:`SIDE_BY_SIDE` threads write them side by side, each through its
    own cursor on the read-only connection; every file is the same as written alone."""
    import duckdb
    import pyarrow.parquet as pq

    def export(table: str, ext: str, options: str) -> Path:
        final = paths.curated / ext / f"{table}.{ext}"
        tmp = final.with_name(f".{table}.{ext}.tmp-{os.getpid()}")
        with con.cursor() as cursor:
            if ext == "parquet":
                pq.write_table(_described(cursor, table, comments), tmp, compression="zstd")
            else:
                cursor.execute(f"COPY {table} TO '{tmp}' {options}")
        os.replace(tmp, final)
        return final

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        exports = [(t, "parquet", "") for t in tables]
        exports += [(t, "csv", "(FORMAT csv, HEADER)") for t in tables
                    if t.startswith("metric_") or t in CSV_TABLES]
        comments = _comments(con)
        for ext in {ext for _, ext, _ in exports}:
            (paths.curated / ext).mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(SIDE_BY_SIDE) as pool:
            written = list(pool.map(lambda job: export(*job), exports))
        built = (con.execute("SELECT max(fingerprint) FROM build_info").fetchone()[0]
                 if "build_info" in tables else None)
    finally:
        con.close()
    if built:
        stamp = paths.curated / "parquet" / EXPORT_STAMP
        tmp = stamp.with_name(f"{stamp.name}.tmp-{os.getpid()}")
        tmp.write_text(built, encoding="utf-8")
        os.replace(tmp, stamp)
    return written


def _comments(con) -> dict[str, tuple[str | None, dict[str, str | None]]]:
    """{table: (its comment, {column: its comment})} of the warehouse's main schema, read
    in two queries rather than two per exported table."""
    where = "database_name = current_database() AND schema_name = 'main'"
    comments: dict[str, tuple[str | None, dict[str, str | None]]] = {
        table: (comment, {}) for table, comment in con.execute(
            f"SELECT table_name, comment FROM duckdb_tables() WHERE {where}").fetchall()}
    for table, column, comment in con.execute(
            f"SELECT table_name, column_name, comment FROM duckdb_columns() WHERE {where}"
    ).fetchall():
        if table in comments:
            comments[table][1][column] = comment
    return comments


def _described(con, table: str,
               comments: dict[str, tuple[str | None, dict[str, str | None]]] | None = None,
               query: str | None = None):
    """``table`` as an Arrow table whose schema carries the warehouse's comments
    (key ``description``: the table's in the schema metadata, each column's in its
    field metadata); a table or column without a comment gets no key. ``comments``:
    :func:`_comments` of ``con``, when the caller exports several tables. ``query``
    selects its rows another way (a release sorts them, for byte-stable files)."""
    import pyarrow as pa

    data = con.sql(query or f"SELECT * FROM {table}").to_arrow_table()
    comment, columns = (comments if comments is not None else _comments(con)).get(
        table, (None, {}))
    described = [comment] if comment else []
    fields = [f.with_metadata({"description": columns[f.name]}) if columns.get(f.name) else f
              for f in data.schema]
    metadata = {"description": described[0]} if described else None
    return pa.Table.from_arrays(data.columns, schema=pa.schema(fields, metadata=metadata))
