"""Content-addressed raw snapshots under ``data/raw/<source>/<sha256[:16]>/``.

A snapshot directory holds the file byte-for-byte as published plus a
``manifest.json`` saying where and when it came from. Directories are named by
content, so a new upstream version lands beside the old one and nothing is ever
overwritten; the pinned run finds its file by hash and needs no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

from pipelines.registry import Source, SourceFile

if TYPE_CHECKING:
    import requests

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Snapshot:
    """One stored file and its provenance (the manifest, plus where it lies)."""

    source: str
    key: str
    name: str
    url: str
    sha256: str
    bytes: int
    fetched_at: str
    http_status: int | None
    etag: str | None
    last_modified: str | None
    mode: str
    """``pinned``, ``latest`` or ``seed`` (copied from a local mirror of the pinned files)."""
    member: str | None = None
    origin: str | None = None
    path: str = ""
    """Absolute path of the file (not stored in the manifest)."""

    def manifest(self) -> dict[str, object]:
        record = asdict(self)
        record.pop("path")
        return record


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot_dir(raw_root: Path, slug: str, sha256: str) -> Path:
    return raw_root / slug / sha256[:16]


def _load(directory: Path) -> Snapshot | None:
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return None
    record = json.loads(manifest.read_text(encoding="utf-8"))
    return Snapshot(**record, path=str(directory / record["name"]))


def find(raw_root: Path, slug: str, sha256: str, *, verify: bool = True) -> Snapshot | None:
    """The stored snapshot with this content, or None. ``verify`` re-hashes the file."""
    snap = _load(snapshot_dir(raw_root, slug, sha256))
    if snap is None or snap.sha256 != sha256 or not Path(snap.path).is_file():
        return None
    if verify and sha256_file(Path(snap.path)) != sha256:
        from pipelines.ingest.download import DownloadError

        where = Path(snap.path)
        shown = where.relative_to(raw_root.parent.parent) if where.is_relative_to(
            raw_root.parent.parent) else where
        raise DownloadError(
            f"{slug}: {shown}: stored snapshot no longer matches its sha256 (changed on "
            f"disk, e.g. by Git's line-ending conversion): restore it with `git checkout -- "
            f"{shown}`, or delete {shown.parent}/ to download it again")
    return snap


def history(raw_root: Path, slug: str, key: str) -> list[Snapshot]:
    """Every stored snapshot of one file of a source, oldest first."""
    found = [_load(d) for d in sorted((raw_root / slug).glob("*/")) if d.is_dir()]
    return sorted((s for s in found if s and s.key == key), key=lambda s: s.fetched_at)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store(raw_root: Path, snap: Snapshot, file_path: Path) -> Snapshot:
    """Move ``file_path`` into its content-addressed place; keep an existing copy as is."""
    directory = snapshot_dir(raw_root, snap.source, snap.sha256)
    existing = find(raw_root, snap.source, snap.sha256, verify=False)
    if existing is not None:
        file_path.unlink(missing_ok=True)
        return existing
    # Build the directory under a temporary name, then rename it into place:
    # a crash leaves either nothing or a complete snapshot.
    staging = Path(tempfile.mkdtemp(prefix=".part-", dir=raw_root / snap.source))
    os.replace(file_path, staging / snap.name)
    (staging / MANIFEST).write_text(json.dumps(snap.manifest(), indent=2) + "\n", "utf-8")
    try:
        os.rename(staging, directory)
    except OSError:  # another process stored the same content first
        shutil.rmtree(staging, ignore_errors=True)
    found = find(raw_root, snap.source, snap.sha256, verify=False)
    assert found is not None
    return found


def _extract_member(zip_path: Path, member: str, slug: str, url: str) -> Path:
    """Pull one file out of a downloaded zip into a temporary file beside it."""
    from pipelines.ingest.download import DownloadError

    try:
        with zipfile.ZipFile(zip_path) as archive, archive.open(member) as entry:
            fd, name = tempfile.mkstemp(prefix=".part-", dir=zip_path.parent)
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(entry, out)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DownloadError(f"{slug}: {url}: cannot read {member} from the zip: {exc}") from exc
    finally:
        zip_path.unlink(missing_ok=True)
    return Path(name)


def ensure(
    source: Source,
    file: SourceFile,
    raw_root: Path,
    *,
    latest: bool = False,
    session: requests.Session | None = None,
    **fetch_options: Any,
) -> tuple[Snapshot, bool]:
    """Make sure a snapshot of ``file`` is stored; return it and whether it was downloaded.

    Pinned mode is a verified cache hit when the pinned sha256 is already stored.
    Latest mode asks the branch tip with a conditional GET and stores whatever
    comes back as a new snapshot (the sha256 is recorded, not checked).
    ``fetch_options`` go to ``fetch`` (timeouts, retries).
    """
    if not latest:
        cached = find(raw_root, source.slug, file.sha256)
        if cached is not None:
            return cached, False
    from pipelines.ingest.download import DownloadError, fetch

    previous = history(raw_root, source.slug, file.key)[-1:] if latest else []
    url = source.url(file, latest=latest)
    tmp_dir = raw_root / source.slug
    tmp_dir.mkdir(parents=True, exist_ok=True)
    result = fetch(
        url,
        tmp_dir,
        source=source.slug,
        expected_sha256=None if (latest or file.member) else file.sha256,
        expected_format=file.format,
        etag=previous[0].etag if previous else None,
        last_modified=previous[0].last_modified if previous else None,
        session=session,
        **fetch_options,
    )
    if result.status == 304 and previous:
        return previous[0], False
    assert result.path is not None
    path = result.path
    if file.member:
        path = _extract_member(path, file.member, source.slug, url)
    sha = sha256_file(path)
    if not latest and sha != file.sha256:
        path.unlink(missing_ok=True)
        raise DownloadError(
            f"{source.slug}: {url}: sha256 mismatch for {file.name}: "
            f"expected {file.sha256}, got {sha}"
        )
    snap = Snapshot(
        source=source.slug,
        key=file.key,
        name=file.name,
        url=url,
        sha256=sha,
        bytes=path.stat().st_size,
        fetched_at=_now(),
        http_status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        mode="latest" if latest else "pinned",
        member=file.member,
    )
    return store(raw_root, snap, path), True


def _store_copy(source: Source, file: SourceFile, raw_root: Path, local_copy: Path, *,
                mode: str, origin: str, url: str,
                validate: Callable[[Path], object] | None = None) -> Snapshot:
    """Copy a local file into the store (the original is only read); with ``validate``,
    only once it has read the copy (what it raises is raised, and nothing is kept)."""
    (raw_root / source.slug).mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=raw_root / source.slug)
    os.close(fd)
    try:
        shutil.copyfile(local_copy, tmp)
        if validate is not None:
            validate(Path(tmp))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    snap = Snapshot(
        source=source.slug,
        key=file.key,
        name=file.name,
        url=url,
        sha256=sha256_file(Path(tmp)),
        bytes=Path(tmp).stat().st_size,
        fetched_at=_now(),
        http_status=None,
        etag=None,
        last_modified=None,
        mode=mode,
        member=file.member,
        origin=origin,
    )
    return store(raw_root, snap, Path(tmp))


def seed(source: Source, file: SourceFile, raw_root: Path, local_copy: Path) -> Snapshot:
    """Store a byte-exact local copy of a pinned file (used to ship the pinned data)."""
    sha = sha256_file(local_copy)
    if sha != file.sha256:
        raise ValueError(
            f"{source.slug}: {local_copy}: sha256 {sha} is not the pinned {file.sha256}"
        )
    return _store_copy(
        source, file, raw_root, local_copy, mode="seed", url=source.url(file),
        origin="copied byte-for-byte from a local copy of the pinned file (no network), "
        "verified against the pinned sha256",
    )


def user_file(source: Source) -> Path | None:
    """The user's own copy of a user-supplied source (None when its variable is unset);
    only looked at, never stored (see ``supply``)."""
    from pipelines.ingest.download import DownloadError

    assert source.user_supplied_env
    value = os.environ.get(source.user_supplied_env, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise DownloadError(
            f"{source.slug}: {path}: no such file (set by ${source.user_supplied_env})"
        )
    return path


def supply(source: Source, raw_root: Path,
           validate: Callable[[Path], object] | None = None) -> dict[str, Snapshot]:
    """Snapshot the user's own copy of a source that may not be redistributed.

    The path comes from ``source.user_supplied_env``; when it is unset the source
    is simply absent ({}). The copy stays under data/raw/<slug>/, which git ignores.
    ``validate`` (the source's parser) reads the copy before it is stored: a file it
    cannot read (empty, binary, other columns) is deleted, not kept as a snapshot,
    and the DownloadError names the user's own path, not the snapshot's file name.
    """
    path = user_file(source)
    if path is None:
        return {}
    file = source.data_files[0]
    snap = _store_copy(source, file, raw_root, path, mode="user", url=path.resolve().as_uri(),
                       origin=f"supplied by the user via ${source.user_supplied_env}",
                       validate=_naming(validate, source.slug, path) if validate else None)
    return {file.key: snap}


def _naming(validate: Callable[[Path], object], slug: str,
            user_path: Path) -> Callable[[Path], object]:
    """``validate`` whose errors name the user's file instead of the temporary copy."""
    from pipelines.ingest.download import DownloadError

    def check(copy: Path) -> object:
        try:
            return validate(copy)
        except Exception as exc:  # whatever a malformed file provokes, as one clear line
            text = " ".join(str(exc).split())
            text = text.removeprefix(f"{slug}: {copy.name}: ").replace(copy.name, str(user_path))
            raise DownloadError(f"{slug}: {user_path}: cannot be read, so it was not "
                                f"stored: {text}") from exc

    return check
