"""Benchmark the record linkage at 1x, 4x and 16x the published records.

    .venv/bin/python benchmarks/linkage.py [--sizes 1,4,16] [--naive-sample 20]

Each copy k of ``source_records`` (and ``record_definitions``) is shifted by
k * 100 whole years, so copies never fall in one blocking window and cannot match
each other, and is perturbed: about one record in ten moves a day, one in ten
gains a victim killed, one in ten has its place and name respelt. Each size runs
``build_links`` in a fresh child process (so its peak memory is its own) and
prints records, candidate pairs, seconds and peak RSS. The 1x child also times
the same scorer on all pairs without blocking ("naive", in that process) and
prints the ratio; by default on every 20th record against all others (1/20 of
all pairs) and scaled up, ``--naive-sample 1`` for the full all-pairs run
(about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic(target: Path, source_db: Path, copies: int) -> int:
    """Write ``copies`` shifted, perturbed copies of the records to ``target``."""
    import duckdb

    con = duckdb.connect(str(target))
    try:
        con.execute(f"ATTACH '{source_db}' AS src (READ_ONLY)")
        con.execute("CREATE TABLE source_records AS SELECT * FROM src.source_records LIMIT 0")
        con.execute("CREATE TABLE record_definitions AS "
                    "SELECT * FROM src.record_definitions LIMIT 0")
        for k in range(copies):
            suffix = "" if k == 0 else f"~{k}"
            con.execute(f"""
                INSERT INTO source_records
                WITH r AS (
                    SELECT *, hash(source, source_record_id, {k}) % 10 AS h
                    FROM src.source_records
                )
                SELECT * EXCLUDE (h) REPLACE (
                    source_record_id || '{suffix}' AS source_record_id,
                    (incident_date + INTERVAL ({k * 100}) YEAR
                        + INTERVAL (CASE WHEN {k} > 0 AND h = 0 THEN 1 ELSE 0 END) DAY)::DATE
                        AS incident_date,
                    CASE WHEN {k} > 0 AND h = 1 THEN killed + 1 ELSE killed END AS killed,
                    CASE WHEN {k} > 0 AND h = 2 THEN regexp_replace(city, 'a', 'e')
                         ELSE city END AS city,
                    CASE WHEN {k} > 0 AND h = 2 THEN regexp_replace(incident_name, 'o', 'u')
                         ELSE incident_name END AS incident_name
                )
                FROM r
            """)
            con.execute(f"""
                INSERT INTO record_definitions
                SELECT * REPLACE (source_record_id || '{suffix}' AS source_record_id)
                FROM src.record_definitions
            """)
        con.execute("DETACH src")
        return con.execute("SELECT count(*) FROM source_records").fetchone()[0]
    finally:
        con.close()


def naive_seconds(con, sample: int) -> tuple[float, int]:
    """Seconds to score all pairs with the same scorer, no blocking (scaled up from
    every ``sample``-th record against all others), and the number of pairs."""
    from pipelines.linkage.link import score_pairs

    score_pairs(con)
    n = con.execute("SELECT count(*) FROM _lk_records").fetchone()[0]
    con.execute("DROP TABLE _lk_candidates")
    con.execute(f"""
        CREATE TEMP VIEW _lk_candidates AS
        SELECT a.rid AS rid_a, b.rid AS rid_b
        FROM _lk_records AS a JOIN _lk_records AS b ON a.rid < b.rid
        WHERE a.rid % {sample} = 0
    """)
    started = time.perf_counter()
    scored, _ = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE score >= getvariable('lk_threshold')) "
        "FROM _lk_scored_view").fetchone()
    elapsed = time.perf_counter() - started
    total = n * (n - 1) // 2
    return elapsed * total / max(scored, 1), total


def child(copies: int, source_db: Path, sample: int) -> dict:
    import duckdb

    from pipelines.linkage.link import build_links

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        records = synthetic(db, source_db, copies)
        con = duckdb.connect(str(db))
        try:
            started = time.perf_counter()
            counts = build_links(con, None)
            seconds = time.perf_counter() - started
            result = {"copies": copies, "records": records, "seconds": seconds,
                      "incidents": counts["incidents"],
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
            if copies == 1:
                naive, pairs = naive_seconds(con, sample)
                result.update(naive_seconds=naive, naive_pairs=pairs, naive_sample=sample)
        finally:
            con.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16")
    parser.add_argument("--naive-sample", type=int, default=20,
                        help="score every Nth record against all others (1 = all pairs)")
    parser.add_argument("--warehouse", type=Path,
                        default=ROOT / "data" / "curated" / "incidents.duckdb")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.warehouse, args.naive_sample)))
        return 0
    if not args.warehouse.exists():
        print(f"no warehouse at {args.warehouse}: run `python -m pipelines refresh` first",
              file=sys.stderr)
        return 1
    print(f"{'copies':>6} {'records':>9} {'incidents':>9} {'seconds':>8} {'peak MiB':>9}")
    results = []
    for copies in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(copies), "--warehouse",
             str(args.warehouse), "--naive-sample", str(args.naive_sample)],
            capture_output=True, text=True, cwd=ROOT,
        )
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['copies']:>6} {r['records']:>9} {r['incidents']:>9} {r['seconds']:>8.2f} "
              f"{r['peak_rss_mib']:>9.0f}", flush=True)
    base = next((r for r in results if r["copies"] == 1), None)
    if base:
        how = ("all pairs" if base["naive_sample"] == 1 else
               f"1/{base['naive_sample']} of the pairs, scaled up")
        print(f"naive all-pairs scoring at 1x: {base['naive_pairs']:,} pairs, "
              f"{base['naive_seconds']:.1f} s ({how}); blocked linkage "
              f"{base['seconds']:.2f} s: {base['naive_seconds'] / base['seconds']:.0f}x faster")
        for r in results:
            if r["copies"] > 1:
                print(f"{r['copies']}x / 1x: records {r['records'] / base['records']:.1f}x, "
                      f"seconds {r['seconds'] / base['seconds']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
