"""``incidents status`` and ``incidents checks``: what is fresh, what failed.

Both read only: the published warehouse (opened read-only), the raw snapshot
manifests and the Dagster instance's event log. Exit codes: 0 all good, 1 some
source is failing, stale or a check fails, 2 nothing is published yet.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipelines.paths import ProjectPaths
from pipelines.registry import Source, sources

FRESHNESS = {True: timedelta(days=2), False: timedelta(days=35)}
"""How old a `latest` snapshot may be: 2 days for daily-updated sources, else 35 days.
Pinned snapshots are fresh by definition: they are the reproducible reference."""


def freshness(source: Source, manifests: list[dict], now: datetime) -> str:
    """fresh, stale (with age) or missing, for the snapshot files a source uses."""
    if source.user_supplied_env and not manifests:
        return "not supplied"
    if not manifests:
        return "missing"
    if all(m["mode"] in ("pinned", "seed", "user") for m in manifests):
        return "pinned"
    oldest = min(datetime.fromisoformat(m["fetched_at"]) for m in manifests)
    age = now - oldest
    limit = FRESHNESS[source.updates_daily]
    return "fresh" if age <= limit else f"stale ({age.days} days old, limit {limit.days})"


def _last_runs(slugs: list[str]) -> dict[str, str]:
    """Latest materialization or failure of each source's normalized asset."""
    import os

    import dagster as dg

    if not os.environ.get("DAGSTER_HOME") or not Path(os.environ["DAGSTER_HOME"]).is_dir():
        return {}
    out = {}
    with dg.DagsterInstance.get() as instance:
        for slug in slugs:
            key = dg.AssetKey(["normalized", slug])
            record = instance.get_latest_materialization_event(key)
            if record is None:
                out[slug] = "never"
                continue
            meta = record.asset_materialization.metadata if record.asset_materialization else {}
            stale = getattr(meta.get("stale"), "value", False)
            out[slug] = (f"{'STALE' if stale else 'ok'} "
                         f"{datetime.fromtimestamp(record.timestamp, UTC):%Y-%m-%d %H:%M}")
    return out


def status(paths: ProjectPaths) -> int:
    import duckdb

    if not paths.warehouse.is_file():
        print(f"nothing published yet at {paths.warehouse}: run `incidents refresh`")
        return 2
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT source, records, rejects, files FROM sources").fetchall()}
        # What the last refresh could not refresh, and why (as `checks` sources_fresh).
        stale = dict(con.execute(
            "SELECT source, coalesce(stale_reason, '') FROM sources WHERE stale "
            "ORDER BY source").fetchall())
    finally:
        con.close()
    now = datetime.now(UTC)
    runs = _last_runs(list(rows))
    problems = 0
    print(f"{'source':<17}{'records':>8}{'rejects':>8}  {'snapshot':<17}{'fetched':<21}"
          f"{'freshness':<28}last run")
    for slug, source in sources().items():
        records, rejects, files = rows.get(slug, (None, None, "[]"))
        manifests = json.loads(files or "[]")
        fresh = "STALE" if slug in stale else freshness(source, manifests, now)
        sha = "".join(m["sha256"][:12] for m in manifests[:1]) + (
            f" +{len(manifests) - 1}" if len(manifests) > 1 else "")
        fetched = max((m["fetched_at"][:19] for m in manifests), default="-")
        run = runs.get(slug, "-")
        bad = fresh.startswith(("stale", "STALE", "missing")) or records is None
        problems += bad
        print(f"{slug:<17}{records if records is not None else '-':>8}"
              f"{rejects if rejects is not None else '-':>8}  {sha or '-':<17}{fetched:<21}"
              f"{fresh:<28}{run}")
    published = datetime.fromtimestamp(paths.warehouse.stat().st_mtime, UTC)
    print(f"warehouse: {paths.warehouse} (published {published:%Y-%m-%d %H:%M} UTC)")
    if stale:
        from pipelines.progress import without_source

        print(f"STALE: the last refresh could not refresh {len(stale)} source(s); the "
              "warehouse holds their last good snapshot (or none):")
        for slug, reason in stale.items():
            print(f"  {slug}: {without_source(slug, reason)}")
    return 1 if problems else 0


def checks(paths: ProjectPaths) -> int:
    import duckdb

    from pipelines.warehouse.checks import CHECKS

    if not paths.warehouse.is_file():
        print(f"nothing published yet at {paths.warehouse}: run `incidents refresh`")
        return 2
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    failed = warned = 0
    try:
        for check in CHECKS:
            outcome = check.run(con)
            # A warning names records worth a look; it does not fail the command.
            failed += not outcome.passed and not check.warning
            warned += not outcome.passed and check.warning
            mark = "pass" if outcome.passed else "WARN" if check.warning else "FAIL"
            print(f"  {mark}  {check.name:<20} {outcome.summary}")
    finally:
        con.close()
    print(f"{len(CHECKS) - failed - warned} passed, {warned} warnings, {failed} failed")
    return 1 if failed else 0
