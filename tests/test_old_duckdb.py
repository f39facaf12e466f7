"""The published warehouse opens in an older DuckDB, not only the 2.0 that wrote it.

DuckDB 1.4.5 refused DuckDB 2.0's storage format ("Trying to read a database file with
version number 999, but we can only read versions between 64 and 67"). ``make test``
installs DuckDB 1.4.5 beside the project's virtualenv (``.venv/duckdb-1.4``, see the
Makefile); this test opens the warehouse with it in a separate process. A missing
client fails the test: it is part of the set-up, not optional.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipelines.paths import ProjectPaths

OLD_DUCKDB = Path(os.environ.get("INCIDENTS_OLD_DUCKDB") or Path(sys.prefix) / "duckdb-1.4")
"""Where the Makefile installs DuckDB 1.4.5 (``pip install --target``);
``INCIDENTS_OLD_DUCKDB`` points elsewhere."""

READER = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "records": con.execute("SELECT count(*) FROM source_records").fetchone()[0],
    "fbi": con.execute("SELECT count(*), sum(killed) FROM source_records "
                       "WHERE source = 'fbi'").fetchone(),
    "table_comment": con.execute("SELECT comment FROM duckdb_tables() "
                                 "WHERE table_name = 'source_records'").fetchone()[0],
    "killed_comment": con.execute("SELECT comment FROM duckdb_columns() WHERE "
                                  "table_name = 'source_records' AND column_name = 'killed'"
                                  ).fetchone()[0],
    "metric_comment": con.execute("SELECT comment FROM duckdb_tables() "
                                  "WHERE table_name = 'metric_duration'").fetchone()[0],
}))
"""


def test_duckdb_1_4_reads_the_warehouse_and_its_comments(published: ProjectPaths,
                                                         warehouse) -> None:
    assert (OLD_DUCKDB / "duckdb").is_dir(), (
        f"DuckDB 1.4.5 is not installed in {OLD_DUCKDB}: run `make test` (or "
        f"`pip install --target {OLD_DUCKDB} duckdb==1.4.5`)")
    # -I: no project, user site or PYTHONPATH on the path; the old DuckDB goes first,
    # ahead of the virtualenv's own 2.0.
    result = subprocess.run([sys.executable, "-I", "-c",
                             f"import sys; sys.path.insert(0, {str(OLD_DUCKDB)!r})\n" + READER,
                             str(published.warehouse)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["version"] == "1.4.5"
    expected = {
        "records": warehouse.execute("SELECT count(*) FROM source_records").fetchone()[0],
        "fbi": list(warehouse.execute("SELECT count(*), sum(killed) FROM source_records "
                                      "WHERE source = 'fbi'").fetchone()),
    }
    assert seen["records"] == expected["records"] and seen["fbi"] == expected["fbi"]
    assert seen["fbi"] == [532, 1409]  # the FBI's 2000-2023 figures
    assert seen["table_comment"].startswith("One row per record per source")
    assert seen["killed_comment"].startswith("Victims killed")
    assert seen["metric_comment"]
