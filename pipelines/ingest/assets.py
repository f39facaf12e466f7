"""Raw assets: one per source, each landing its files as verified snapshots.

Every source is its own asset (``raw/<slug>``, with its own freshness policy),
but one Dagster step lands them all: landing a pinned file that is already
stored is a hash check, so ten steps cost more in Dagster's per-step
bookkeeping than in work. The step is subsettable (``refresh --source``, the
daily job land only what they select); its ``latest`` config applies to every
selected source.
"""

from datetime import timedelta

import dagster as dg

from pipelines.paths import project_paths
from pipelines.registry import Source, sources

SOURCES = sources()


class RawConfig(dg.Config):
    latest: bool = False
    """Follow the branch tip instead of the pinned commit (new sha256s are recorded)."""


def raw_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", slug])


def _spec(source: Source) -> dg.AssetSpec:
    return dg.AssetSpec(
        raw_key(source.slug),
        group_name="raw",
        kinds={"python", "file"},
        description=f"{source.title} ({source.publisher}): raw files, byte-for-byte, "
        + (f"from the file named by ${source.user_supplied_env} (never shipped)."
           if source.user_supplied_env
           else f"pinned to {source.repo}@{source.commit[:10]} and checked by sha256."),
        metadata={"licence": source.licence, "attribution": source.attribution},
        # Daily-updated sources are stale after 2 days, the others after 5 weeks.
        freshness_policy=dg.FreshnessPolicy.time_window(
            fail_window=timedelta(days=2 if source.updates_daily else 35)
        ),
    )


@dg.multi_asset(name="raw", specs=[_spec(s) for s in SOURCES.values()], can_subset=True)
def raw(context: dg.AssetExecutionContext, config: RawConfig):
    from pipelines.ingest.download import DownloadError
    from pipelines.normalize import staging

    paths = project_paths()
    slugs = [slug for slug in SOURCES if raw_key(slug) in context.selected_asset_keys]
    for slug in slugs:
        yield land_source(context, SOURCES[slug], paths, latest=config.latest)
    # A source that failed with no snapshot to fall back on is left out (stale) and
    # the others publish; only when no selected source has anything is there nothing
    # to build from.
    errors = [staging.read_status(paths, slug)["error"] for slug in slugs]
    if any(errors) and not any(staging.read_snapshots(paths, slug, staging.CANDIDATE_FILE)
                               for slug in slugs):
        raise DownloadError("; ".join(error for error in errors if error))


def land_source(context: dg.AssetExecutionContext, source: Source, paths, *,
                latest: bool) -> dg.MaterializeResult:
    """Land one source's files and record them as its candidate snapshots.

    A download that fails (or a stored file that no longer matches its sha256)
    keeps the last good snapshot, so the other sources still publish and this one
    is marked stale; with no good snapshot yet, the source is marked stale with
    none (left out of the warehouse) and the others still publish.
    """
    import time

    from pipelines.ingest.download import DownloadError
    from pipelines.normalize import staging

    started = time.perf_counter()
    unreachable = None
    try:
        snaps, fetched = _land(source, paths.raw, latest=latest)
        error = None
    except DownloadError as exc:
        error, fetched, unreachable = str(exc), [], exc.unreachable
        snaps = (staging.read_snapshots(paths, source.slug)
                 if staging.has_snapshots(paths, source.slug) else {})
        context.log.error(f"{error} (keeping the last good snapshot)" if snaps
                          else f"{error} (no good snapshot yet: left out)")
    staging.write_snapshots(paths, source.slug, snaps, staging.CANDIDATE_FILE)
    staging.write_status(paths, source.slug, error=error, stage="raw" if error else None,
                         unreachable=unreachable)
    return dg.MaterializeResult(
        asset_key=raw_key(source.slug),
        metadata={
            "files": dg.MetadataValue.json({k: s.manifest() for k, s in snaps.items()}),
            "downloaded": dg.MetadataValue.json(fetched),  # [] = all verified in the cache
            "mode": "latest" if latest else "pinned",
            "stale": error is not None,
            "error": error or "",
            "seconds": round(time.perf_counter() - started, 3),
        },
        data_version=dg.DataVersion("-".join(s.sha256[:12] for s in snaps.values())),
    )


def _land(source: Source, raw_root, *, latest: bool):
    """Make sure every file of ``source`` is stored; return snapshots and what was fetched."""
    from pipelines.ingest.snapshots import ensure, supply

    if source.user_supplied_env:
        return supply(source, raw_root, validate=_parses(source)), []
    snaps, fetched = {}, []
    for file in source.data_files:
        snaps[file.key], downloaded = ensure(source, file, raw_root, latest=latest)
        if downloaded:
            fetched.append(file.name)
    return snaps, fetched


def _parses(source: Source):
    """A check that a user-supplied file normalizes (parse, SQL, contract): it runs on
    the copy before it is stored, so a file that cannot be read is never kept."""
    from types import SimpleNamespace

    def check(path) -> None:
        from pipelines.normalize.runner import normalize
        from pipelines.registry import discover

        snap = SimpleNamespace(name=path.name, url=path.as_uri(), sha256="", path=str(path))
        normalize(discover()[source.slug], {source.data_files[0].key: snap})

    return check
