"""Raw assets: one per source, each landing its files as verified snapshots."""

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
    )
    def _raw(context: dg.AssetExecutionContext, config: RawConfig) -> dg.MaterializeResult:
        from pipelines.ingest.snapshots import ensure, supply
        from pipelines.normalize.staging import write_snapshots

        paths = project_paths()
        snaps, fetched = {}, []
        if source.user_supplied_env:
            snaps = supply(source, paths.raw)
        else:
            for file in source.data_files:
                snap, downloaded = ensure(source, file, paths.raw, latest=config.latest)
                snaps[file.key] = snap
                if downloaded:
                    fetched.append(file.name)
        write_snapshots(paths, source.slug, snaps)
        context.log.info(
            f"{source.slug}: {len(snaps)} file(s), "
            + (f"downloaded {fetched}" if fetched else "all verified in the local cache")
        )
        return dg.MaterializeResult(
            metadata={
                "files": dg.MetadataValue.json({k: s.manifest() for k, s in snaps.items()}),
                "downloaded": len(fetched),
                "mode": "latest" if config.latest else "pinned",
            },
            data_version=dg.DataVersion("-".join(s.sha256[:12] for s in snaps.values())),
        )

    return _raw


raw_assets = [raw_asset(source) for source in sources().values()]
