"""Revision history: a newer snapshot's changes land in source_revisions, and both
snapshots are kept."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from tests.support.http_server import LocalServer

from .conftest import run_cli, scratch_root
from .test_faults import _shipped, serve_latest


def _revised_alerrt() -> tuple[bytes, str]:
    """ALERRT's file with case 1's killed changed, the last case removed, one added.

    Returns the new file and the id of the removed case."""
    rows = list(csv.reader(io.StringIO(_shipped("alerrt", _alerrt_sha()).decode())))
    header, body = rows[0], rows[1:]
    kill = header.index("kill_tot")
    first = next(r for r in body if r[0] == "1")
    removed = body[-1][0]
    first[kill] = str(int(first[kill]) + 1)
    added = [*first]
    added[0] = "9001"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body[:-1], added])
    return out.getvalue().encode(), removed


def _alerrt_sha() -> str:
    from pipelines.registry import sources

    return sources()["alerrt"].files[0].sha256


def test_new_snapshot_changes_are_recorded(tmp_path: Path) -> None:
    paths = scratch_root(tmp_path)
    assert run_cli(paths, "refresh").returncode == 0
    body, removed = _revised_alerrt()
    with LocalServer() as server:
        serve_latest(server, {"alerrt": {"body": body}})
        result = run_cli(paths, "refresh", "--latest",
                         env={"INCIDENTS_MIRROR": f"http://127.0.0.1:{server.port}"})
    assert result.returncode == 0, result.stdout + result.stderr
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    changes = con.execute(
        "SELECT change, source_record_id, field, old_value, new_value, "
        "old_sha256 = ?, new_sha256 <> old_sha256 FROM source_revisions "
        "WHERE source = 'alerrt' ORDER BY change, source_record_id", [_alerrt_sha()]
    ).fetchall()
    other = con.execute("SELECT count(*) FROM source_revisions WHERE source <> 'alerrt'"
                        ).fetchone()[0]
    records = con.execute("SELECT count(*) FROM source_records WHERE source = 'alerrt'"
                          ).fetchone()[0]
    con.close()
    killed = int(changes[1][3])
    assert changes == [
        ("added", "9001", None, None, None, True, True),
        ("changed", "1", "killed", str(killed), str(killed + 1), True, True),
        ("removed", removed, None, None, None, True, True),
    ]
    assert other == 0  # unchanged sources record no revision
    assert records == 597  # one removed, one added
    page = (paths.dashboards / "sources.html").read_text(encoding="utf-8")
    summary = page.split('<table id="revision-summary">', 1)[1].split("</table>", 1)[0]
    assert "<td>ALERRT</td>" in summary and summary.count("<tr>") == 2  # head + ALERRT
    numbers = re.findall(r'<td class="num">(\d+)</td>', summary)
    assert numbers == ["1", "1", "1", "1"]  # added, removed, changed records, fields
    changed = page.split('<table id="revision-changes">', 1)[1].split("</table>", 1)[0]
    assert f"<td>killed</td><td>{killed}</td><td>{killed + 1}</td>" in changed
    snapshots = sorted(p.parent.name for p in (paths.raw / "alerrt").glob("*/manifest.json"))
    assert len(snapshots) == 2 and _alerrt_sha()[:16] in snapshots  # both kept
