"""Artifacts from a folder: ``<root>/<repository>/<group>/<name>/<version>/<file>``.

For machines without Nexus (the embedded demo, tests). Group ``_`` means "no group". Search
pages like Nexus's, with an opaque continuation token. Checksums are computed here, once per
file version: listings are cached by path, modification time and size.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import shutil
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from airflow_jobs_provider.artifacts.catalog import ComponentVersions, Repository, SearchPage
from airflow_jobs_provider.artifacts.checksum import file_digest, write_verified
from airflow_jobs_provider.artifacts.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    InvalidContinuationTokenError,
)
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.artifacts.source import ArtifactSource
from airflow_jobs_provider.artifacts.versions import newest_first

NO_GROUP = "_"
PAGE_SIZE = 50
COPY_CHUNK_BYTES = 1 << 20


class LocalFolderSource(ArtifactSource):
    """The ``local`` source: a folder laid out like a repository manager."""

    def __init__(self, root: Path, *, page_size: int = PAGE_SIZE) -> None:
        self.root = Path(root)
        self.page_size = page_size

    def list_repositories(self) -> list[Repository]:
        return [
            Repository(name=path.name, format="local", type="hosted", url=path.resolve().as_uri())
            for path in _subfolders(self.root)
        ]

    def search(self, repository: str, query: str = "", continuation_token: str | None = None) -> SearchPage:
        """Components whose group or name contain ``query`` (any case), ``page_size`` versions a page."""
        needle = query.strip().lower()
        fingerprint = hashlib.sha256(f"{repository}\0{needle}".encode()).hexdigest()[:16]
        offset = _decode_token(continuation_token, fingerprint)
        hits = [
            (group, name, version)
            for group, name in self._components(repository)
            if needle in group.lower() or needle in name.lower()
            for version in self.versions(repository, group, name)
        ]
        page = hits[offset : offset + self.page_size]
        grouped: dict[tuple[str, str], list[str]] = {}
        for group, name, version in page:
            grouped.setdefault((group, name), []).append(version)
        components = tuple(ComponentVersions(g, n, tuple(v)) for (g, n), v in grouped.items())
        more = offset + self.page_size < len(hits)
        return SearchPage(components, _encode_token(offset + self.page_size, fingerprint) if more else None)

    def versions(self, repository: str, group: str, name: str) -> list[str]:
        folder = self._folder(repository, group, name)
        return newest_first(path.name for path in _subfolders(folder))

    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        folder = self._folder(repository, group, name, version)
        if not folder.is_dir():
            raise ArtifactNotFoundError(f"{repository}/{group or NO_GROUP}/{name}/{version} does not exist")
        repository_folder = self._folder(repository)
        return [
            _asset_info(path, path.relative_to(repository_folder).as_posix())
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        ]

    def download(self, asset: AssetInfo, destination: Path) -> None:
        """Copy the asset, verifying its sha256 against the listing."""
        url = urlsplit(asset.download_url)
        source = self._inside_root(Path(unquote(url.path)))
        if url.scheme != "file" or not source.is_file():
            raise ArtifactNotFoundError(f"{asset.path}: {asset.download_url} is not a file of this source")
        with source.open("rb") as stream:
            write_verified(iter(lambda: stream.read(COPY_CHUNK_BYTES), b""), destination, asset)
        shutil.copymode(source, destination)

    def _components(self, repository: str) -> list[tuple[str, str]]:
        return [
            ("" if group.name == NO_GROUP else group.name, name.name)
            for group in _subfolders(self._folder(repository))
            for name in _subfolders(group)
        ]

    def _folder(self, repository: str, group: str | None = None, *parts: str) -> Path:
        """The folder of these coordinates; names that could leave the root are refused."""
        names = [repository] + ([group or NO_GROUP] if group is not None else []) + list(parts)
        for value in names:
            if not value or value in (".", "..") or any(c in value for c in "/\\\0"):
                raise ArtifactError(f"{value!r} is not a valid repository, group, name or version")
        return self._inside_root(self.root.joinpath(*names))

    def _inside_root(self, path: Path) -> Path:
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise ArtifactError(f"{path} is outside the artifacts folder {self.root}")
        return resolved


def _subfolders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name
    )


def _asset_info(path: Path, relative: str) -> AssetInfo:
    stat = path.stat()
    return AssetInfo(
        path=relative,
        download_url=path.as_uri(),
        sha256=_sha256(str(path), stat.st_mtime_ns, stat.st_size),
        size=stat.st_size,
        last_modified=datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc).isoformat(timespec="seconds"),
    )


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    """Cached by modification time and size too, so a changed file is hashed again."""
    return file_digest(Path(path), "sha256")


def _encode_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode()


def _decode_token(token: str | None, fingerprint: str) -> int:
    if token is None:
        return 0
    try:
        offset, _, tag = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if tag == fingerprint and offset.isdigit():
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidContinuationTokenError(f"continuation token {token!r} was not given for this search")
