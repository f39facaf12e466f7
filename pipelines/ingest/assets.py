"""Raw assets: one per source, each landing its files as verified snapshots."""

from datetime import timedelta

import dagster as dg

from pipelines.paths import project_paths
from pipelines.registry import Source, sources


class RawConfig(dg.Config):
    latest: bool = False
    """Follow the branch tip instead of the pinned commit (new sha256s are recorded)."""


def raw_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", source.slug],
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
    def _raw(context: dg.AssetExecutionContext, config: RawConfig) -> dg.MaterializeResult:
        from pipelines.ingest.download import DownloadError
        from pipelines.normalize import staging

        paths = project_paths()
        try:
            snaps, fetched = _land(source, paths.raw, latest=config.latest)
            error = None
        except DownloadError as exc:
            # Keep the last good snapshot so the other sources still publish;
            # with nothing to fall back on, the run fails here.
            if not staging.has_snapshots(paths, source.slug):
                raise
            snaps, fetched, error = staging.read_snapshots(paths, source.slug), [], str(exc)
            context.log.error(f"{error} (keeping the last good snapshot)")
        staging.write_snapshots(paths, source.slug, snaps, staging.CANDIDATE_FILE)
        staging.write_status(paths, source.slug, error=error, stage="raw" if error else None)
        return dg.MaterializeResult(
            metadata={
                "files": dg.MetadataValue.json({k: s.manifest() for k, s in snaps.items()}),
                "downloaded": dg.MetadataValue.json(fetched),  # [] = all verified in the cache
                "mode": "latest" if config.latest else "pinned",
                "stale": error is not None,
                "error": error or "",
            },
            data_version=dg.DataVersion("-".join(s.sha256[:12] for s in snaps.values())),
        )

    return _raw


def _land(source: Source, raw_root, *, latest: bool):
    """Make sure every file of ``source`` is stored; return snapshots and what was fetched."""
    from pipelines.ingest.snapshots import ensure, supply

    if source.user_supplied_env:
        return supply(source, raw_root), []
    snaps, fetched = {}, []
    for file in source.data_files:
        snaps[file.key], downloaded = ensure(source, file, raw_root, latest=latest)
        if downloaded:
            fetched.append(file.name)
    return snaps, fetched


raw_assets = [raw_asset(source) for source in sources().values()]
