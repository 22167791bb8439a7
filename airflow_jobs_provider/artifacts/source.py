"""The one interface over where artifacts come from, and the resolution both sources share.

Resolving lives here, once: ``latest`` becomes the newest version by Maven order, and the
asset selectors of an :class:`ArtifactRef` pick files the same way whatever the source.
"""

from __future__ import annotations

import fnmatch
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from airflow_jobs_provider.artifacts.catalog import Repository, SearchPage
from airflow_jobs_provider.artifacts.errors import ArtifactNotFoundError, AssetSelectionError
from airflow_jobs_provider.artifacts.reference import LATEST, ArtifactRef, AssetInfo, ResolvedArtifact
from airflow_jobs_provider.runner.detect import SUPPORTED_EXTENSIONS, extension

DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class DownloadAccess:
    """How the runner reaches this source's download URLs: TLS checks, timeout and login."""

    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout_seconds: float = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS
    username: str | None = None
    password: str | None = field(default=None, repr=False)


class ArtifactSource(ABC):
    """Repositories, paged search, versions newest first, assets and verified downloads."""

    @abstractmethod
    def list_repositories(self) -> list[Repository]: ...

    @abstractmethod
    def search(self, repository: str, query: str = "", continuation_token: str | None = None) -> SearchPage:
        """One page of the components whose group or name match ``query`` (all when empty)."""

    @abstractmethod
    def versions(self, repository: str, group: str, name: str) -> list[str]:
        """Every version of one component, newest first."""

    @abstractmethod
    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        """The files of one version; :class:`ArtifactNotFoundError` if the version does not exist."""

    @abstractmethod
    def download(self, asset: AssetInfo, destination: Path) -> None:
        """Write ``asset`` to ``destination`` only if its checksum is the listed one."""

    def download_access(self) -> DownloadAccess:
        """What the runner needs to fetch the download URLs itself; no login by default."""
        return DownloadAccess()

    def resolve(self, ref: ArtifactRef) -> ResolvedArtifact:
        """Pin ``ref`` to a version and its selected assets, in run order."""
        version = ref.version
        if version == LATEST:
            versions = self.versions(ref.repository, ref.group, ref.name)
            if not versions:
                raise ArtifactNotFoundError(f"{ref.coordinates}: the component has no version")
            version = versions[0]
        assets = self.assets(ref.repository, ref.group, ref.name, version)
        where = f"{ref.coordinates.rsplit(':', 1)[0]}:{version}"
        if ref.assets:
            selected = tuple(select_asset(selector, assets, where) for selector in ref.assets)
        else:
            selected = (single_runnable_asset(assets, where),)
        return ResolvedArtifact(ref=ref, version=version, assets=selected)


def is_runnable(asset: AssetInfo) -> bool:
    return extension(asset.file_name) in SUPPORTED_EXTENSIONS


def select_asset(selector: str, assets: Sequence[AssetInfo], where: str) -> AssetInfo:
    """The one asset ``selector`` names: as an exact path, else a file name, else a file-name glob."""
    path = selector.strip("/")
    for matches in (
        [a for a in assets if a.path.strip("/") == path],
        [a for a in assets if a.file_name == selector],
        [a for a in assets if fnmatch.fnmatchcase(a.file_name, selector)],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AssetSelectionError(
                f"{where}: {selector!r} matches {len(matches)} assets, name one of: {_paths(matches)}"
            )
    raise AssetSelectionError(f"{where}: {selector!r} matches no asset; the version has: {_paths(assets)}")


def single_runnable_asset(assets: Sequence[AssetInfo], where: str) -> AssetInfo:
    """The asset to run when none is named: there must be exactly one runnable file."""
    runnable = [asset for asset in assets if is_runnable(asset)]
    if len(runnable) == 1:
        return runnable[0]
    kinds = ", ".join(SUPPORTED_EXTENSIONS)
    if not runnable:
        raise AssetSelectionError(
            f"{where}: no asset is runnable ({kinds}); the version has: {_paths(assets)}"
        )
    raise AssetSelectionError(
        f"{where}: {len(runnable)} runnable assets, name the ones to run: {_paths(runnable)}"
    )


def _paths(assets: Sequence[AssetInfo]) -> str:
    return ", ".join(asset.path for asset in assets) or "(nothing)"
