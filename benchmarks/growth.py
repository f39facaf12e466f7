"""How the build grows with the data: everything after parsing, at 1x, 4x and 16x.

    .venv/bin/python benchmarks/growth.py [--sizes 1,4,16] [--json]

Starts from a pinned refresh in a scratch root, then for each size writes
synthetic staged tables: ``k`` copies of every source's parsed records and their
detail tables, copy ``k`` with ids suffixed ``~k`` and dates moved ``7 * k``
days, so copies fall in the same years and states (denser blocks for the
linkage, as a bigger list would be) but never in one matching window. A fresh
child process per size then times the warehouse build (load, SQL, linkage,
metrics, checks, Parquet and CSV export) and the dashboards, and reports its
peak memory. Parsing is not repeated synthetically (that would mean writing
synthetic xlsx files); its cost per source is in the full-refresh step table.

The registry's record-count anchors hold for the real files only, so the child
scales them by ``k``: the benchmark measures speed, the tests check the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DETAIL = ("source_records", "rejects", "attackers", "weapons", "victims")


def _shifted(parquet: Path, columns: set[str], k: int) -> str:
    """SELECT of copy ``k`` of a staged table: ids suffixed, dates moved 7k days."""
    if k == 0 or "source_record_id" not in columns:
        # Tables without record ids (none today) are copied once, not multiplied.
        return f"SELECT * FROM read_parquet('{parquet}')" if k == 0 else (
            f"SELECT * FROM read_parquet('{parquet}') LIMIT 0")
    changes = [f"source_record_id || '~{k}' AS source_record_id"]
    if "incident_date" in columns:
        changes.append(f"(incident_date + INTERVAL ({7 * k}) DAY)::DATE AS incident_date")
    return f"SELECT * REPLACE ({', '.join(changes)}) FROM read_parquet('{parquet}')"


def replicate(staged: Path, target: Path, copies: int) -> int:
    """Write ``copies`` shifted copies of each staged table under ``target``; records."""
    import duckdb

    records = 0
    con = duckdb.connect()
    try:
        for source_dir in sorted(p for p in staged.iterdir() if p.is_dir()):
            out = target / source_dir.name
            out.mkdir(parents=True, exist_ok=True)
            for meta in source_dir.glob("*.json"):
                shutil.copy(meta, out / meta.name)
            for parquet in source_dir.glob("*.parquet"):
                columns = {r[0] for r in con.execute(
                    "SELECT name FROM parquet_schema(?)", [str(parquet)]).fetchall()}
                selects = [_shifted(parquet, columns, k) for k in range(copies)]
                con.execute(f"COPY ({' UNION ALL '.join(selects)}) TO '{out / parquet.name}' "
                            "(FORMAT parquet)")
                if parquet.stem == "source_records":
                    records += con.execute(
                        f"SELECT count(*) FROM read_parquet('{out / parquet.name}')").fetchone()[0]
    finally:
        con.close()
    return records


def child(root: Path, copies: int) -> dict:
    """Build warehouse and dashboards from the synthetic staging in ``root``; time both."""
    import dataclasses

    from pipelines import registry
    from pipelines.dashboards.build import build_site
    from pipelines.normalize import staging
    from pipelines.paths import ProjectPaths
    from pipelines.warehouse.publish import build

    scaled = {
        slug: dataclasses.replace(src, expected_records=(src.expected_records[0] * copies,
                                                         src.expected_records[1] * copies))
        for slug, src in registry.sources().items()
    }
    registry.sources = lambda: scaled  # the record-count check reads the registry
    paths = ProjectPaths(root)
    staged = {slug: staging.staged_tables(paths, slug) for slug in scaled}
    manifests = {slug: [s.manifest() for s in staging.read_snapshots(paths, slug).values()]
                 if staging.has_snapshots(paths, slug) else [] for slug in scaled}
    statuses = {slug: staging.read_status(paths, slug) for slug in scaled}
    started = time.perf_counter()
    published = build(paths, staged, scaled, manifests, statuses)
    warehouse = time.perf_counter() - started
    started = time.perf_counter()
    build_site(paths)
    dashboards = time.perf_counter() - started
    return {"copies": copies, "records": published.counts["source_records"],
            "incidents": published.counts["incidents"], "warehouse_s": warehouse,
            "dashboards_s": dashboards, "total_s": warehouse + dashboards,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def warm_root(base: Path) -> Path:
    """A scratch root with the shipped raw files, refreshed once (pinned, offline)."""
    root = base / "warm"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw",
                    ignore=shutil.ignore_patterns(".part-*"))
    env = {"INCIDENTS_ROOT": str(root), "DAGSTER_HOME": str(root / ".dagster_home")}
    done = subprocess.run([sys.executable, "-m", "pipelines", "refresh"], cwd=ROOT,
                          env={**_environ(), **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"warm-up refresh failed:\n{done.stdout}\n{done.stderr}")
    return root


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "INCIDENTS_MIRROR"}


def measure(sizes: list[int]) -> list[dict]:
    """One child process per size; results in size order."""
    results = []
    with tempfile.TemporaryDirectory(prefix="incidents-growth-") as tmp:
        warm = warm_root(Path(tmp))
        for copies in sizes:
            root = Path(tmp) / f"x{copies}"
            shutil.copytree(warm / "data" / "raw", root / "data" / "raw")
            records = replicate(warm / "data" / "staging", root / "data" / "staging", copies)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(copies), "--root", str(root)],
                cwd=ROOT, env=_environ(), capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{copies}x failed:\n{done.stdout}\n{done.stderr}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert result["records"] == records, (result, records)
            results.append(result)
            shutil.rmtree(root)
    return results


def table(results: list[dict]) -> str:
    """Markdown table with seconds per 1,000 records, the linearity measure."""
    base = results[0]
    lines = ["| size | records | incidents | warehouse s | dashboards s | total s | "
             "s per 1k records | vs 1x per record | peak RSS MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        per_k = 1000 * r["total_s"] / r["records"]
        ratio = per_k / (1000 * base["total_s"] / base["records"])
        lines.append(f"| {r['copies']}x | {r['records']:,} | {r['incidents']:,} | "
                     f"{r['warehouse_s']:.2f} | {r['dashboards_s']:.2f} | {r['total_s']:.2f} | "
                     f"{per_k:.3f} | {ratio:.2f} | {r['peak_rss_mib']:.0f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.root, args.child)))
        return 0
    results = measure([int(s) for s in args.sizes.split(",")])
    print(json.dumps(results) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
