"""Run one source through parse (Polars) -> map (its SQL file) -> check (the contract).

A source module supplies ``SOURCE`` and ``parse(files) -> Parsed``; its SQL file
``sql/sources/<slug>.sql`` creates views named after the contract tables
(``source_records`` and, where the source has them, ``attackers``, ``weapons``,
``victims``) from the frames ``parse`` registered. Everything else, provenance,
generic quality flags, type casts and contract checks, happens here once.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pipelines.normalize.contract import (
    NORMALIZED_TABLES,
    REJECTS,
    SOURCE_RECORDS,
    ContractError,
    Table,
    conform,
)
from pipelines.paths import read_sql

# DuckDB warns that Arrow output of an executed statement copies the rows once more
# than a relation's would: a copy of a source's few thousand rows is cheap beside
# the relation's second binding (see _checked). pyproject.toml repeats the filter
# for pytest, which resets the filters for every test.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result",
                        category=UserWarning, module=__name__)

if TYPE_CHECKING:
    import polars as pl

    from pipelines.ingest.snapshots import Snapshot


class SourceError(ValueError):
    """A source's files could not be parsed or mapped; names source, file and cause."""


@dataclass
class Parsed:
    """What a source's ``parse`` returns: frames for its SQL, and value-level rejects."""

    frames: dict[str, pl.DataFrame]
    rejects: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


_DATABASE = None
_DATABASE_LOCK = threading.Lock()


def _connection():
    """A fresh DuckDB connection for one source: its own temp views, macros, registered
    frames and variables, on an in-memory database the process opens once. Opening a
    database costs ~15 ms of CPU, a connection to an open one next to nothing; the
    sources' SQL creates only TEMP objects, so sources normalized at once in threads
    never see each other's, and closing the connection drops them."""
    global _DATABASE

    with _DATABASE_LOCK:
        if _DATABASE is None:
            _DATABASE = _shared_database()
        return _DATABASE.cursor()


def _shared_database():
    """The in-memory database of the sources' connections, holding what every source's
    SQL reads and none changes, made once per process: the location keyword macros
    (keywords.py, sql/normalize/location_keywords.sql), the vocabulary table `_vocab`
    and the field macros (sql/normalize/fields.sql). Made on every source's connection
    they cost ~12 ms of CPU each time (the keyword macro is a CASE of 36 regular
    expressions). Each connection still sets its own `vocab_map` variable, its source's
    map (sql/normalize/vocab_variable.sql): DuckDB variables belong to a connection."""
    import duckdb

    from pipelines.normalize.keywords import location_keyword_macro
    from pipelines.normalize.vocab import vocab_tables

    database = duckdb.connect()
    database.execute(location_keyword_macro())
    database.execute(read_sql("normalize/location_keywords.sql"))
    database.register("_vocab_frame", vocab_tables())
    database.execute("CREATE TABLE _vocab AS SELECT * FROM _vocab_frame")
    database.unregister("_vocab_frame")
    database.execute(read_sql("normalize/fields.sql"))
    return database


def _typed_select(table: Table, view: str, present: set[str]) -> str:
    """Cast every contract column; optional ones a source leaves out take their default."""

    def value(col) -> str:
        return col.default if col.optional and col.name not in present else f'"{col.name}"'

    casts = ", ".join(f'CAST({value(c)} AS {c.type}) AS "{c.name}"' for c in table.columns)
    return f"SELECT {casts} FROM {view}"


def normalize(module: ModuleType, snapshots: dict[str, Snapshot]) -> dict[str, pl.DataFrame]:
    """Normalized tables of one source, each checked against the contract.

    Raises SourceError (one line naming the source and its files) for anything a
    malformed or drifted file provokes, so callers can keep the last good data.
    """
    source = module.SOURCE
    if not snapshots:  # a user-supplied source the user has not supplied
        return empty_tables()
    try:
        return _normalize(module, snapshots)
    except SourceError:
        raise
    except Exception as exc:  # anything a malformed file can provoke, made one clear line
        text = " ".join(str(exc).split())
        if not text.startswith(f"{source.slug}:"):
            files = ", ".join(s.name for s in snapshots.values())
            text = f"{source.slug}: {files}: {type(exc).__name__}: {text}"
        raise SourceError(text) from exc


def _normalize(module: ModuleType, snapshots: dict[str, Snapshot]) -> dict[str, pl.DataFrame]:
    import polars as pl

    from pipelines.normalize.parsing import empty_rejects

    source = module.SOURCE
    parsed: Parsed = module.parse({key: Path(s.path) for key, s in snapshots.items()})
    rejects = parsed.rejects if parsed.rejects is not None else empty_rejects()
    con = _connection()
    try:
        for name, frame in parsed.frames.items():
            con.register(name, frame)
        con.register("_rejects", rejects)
        con.execute(read_sql("normalize/vocab_variable.sql"), [source.slug])
        con.register(
            "_snapshots",
            pl.DataFrame(
                {
                    "key": list(snapshots),
                    "name": [s.name for s in snapshots.values()],
                    "url": [s.url for s in snapshots.values()],
                    "sha256": [s.sha256 for s in snapshots.values()],
                }
            ),
        )
        con.execute(
            "CREATE TEMP TABLE _params AS SELECT ?::DATE AS first_date, ?::DATE AS last_date",
            [source.first_date, source.last_date],
        )
        con.execute(read_sql(f"sources/{source.slug}.sql"))
        views = _view_columns(con)
        if "source_records" not in views:
            raise ContractError(f"{source.slug}: sql/sources/{source.slug}.sql made no "
                                "source_records view")
        # The common last step is a subquery of the typed select, not a view of its
        # own: creating a view binds the source's whole tree of views once more (up
        # to 13 ms a source). It adds only required columns, so the optional columns
        # present are those of source_records.
        finished = f"({read_sql('normalize/finish_source_records.sql')}) AS _finished"
        out = {SOURCE_RECORDS.name: _checked(con, SOURCE_RECORDS, finished, source.slug,
                                             views["source_records"])}
        for table in NORMALIZED_TABLES:
            if table.name in views and table.name != SOURCE_RECORDS.name:
                out[table.name] = _checked(con, table, table.name, source.slug,
                                           views[table.name])
        out[REJECTS.name] = conform(rejects, REJECTS, source.slug)
        return out
    finally:
        con.close()


def empty_tables() -> dict[str, pl.DataFrame]:
    """Every normalized table, empty, with the contract's types (typed NULLs, no rows),
    on a connection of the shared database: opening a database of its own cost more
    than the tables."""
    con = _connection()
    try:
        out = {}
        for table in NORMALIZED_TABLES:
            nulls = ", ".join(f'CAST(NULL AS {c.type}) AS "{c.name}"' for c in table.columns)
            out[table.name] = con.sql(f"SELECT {nulls} LIMIT 0").pl()
        return out
    finally:
        con.close()


def _view_columns(con) -> dict[str, set[str]]:
    """{view: its column names} for every view of the connection, as stored when the
    view was created: ``DESCRIBE`` would bind the view's whole query again (about as
    long as creating it, with the sources' nested views and keyword macros)."""
    views: dict[str, set[str]] = {}
    for view, column in con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() AS c "
        "JOIN duckdb_views() AS v ON v.database_oid = c.database_oid "
        "AND v.view_oid = c.table_oid "
        "WHERE c.database_name IN ('temp', current_database()) AND NOT v.internal"
    ).fetchall():
        views.setdefault(view, set()).add(column)
    return views


def _checked(con, table: Table, view: str, slug: str, present: set[str]) -> pl.DataFrame:
    import duckdb
    import polars as pl

    try:
        # execute, not con.sql(...).pl(): a relation binds its query when it is made
        # and again when it runs, and binding a source's tree of views and macros
        # costs more than running it (~0.09 s of CPU over all sources). The rows
        # then come as one Arrow table, the same frame .pl() makes.
        frame = pl.from_arrow(con.execute(_typed_select(table, view, present))
                              .to_arrow_table())
    except duckdb.Error as exc:
        raise ContractError(f"{slug}: {table.name}: {exc}") from exc
    return conform(frame, table, slug)
