"""The one interface over where artifacts come from, and the resolution both sources share.

Resolving lives here, once: ``latest`` becomes the newest version by Maven order,
``latest-release`` the newest that is not a pre-release, and the asset selectors of an
:class:`ArtifactRef` pick files the same way whatever the source. Without selectors the one
runnable file runs; Maven's side files (``-sources.jar``, ``-javadoc.jar``, ``-tests.jar``,
checksums, the pom) never count, and the main artifact ``<name>-<version>.<ext>`` wins a tie.
"""

from __future__ import annotations

import fnmatch
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from airflow_jobs_provider.artifacts.catalog import Repository, SearchPage
from airflow_jobs_provider.artifacts.errors import ArtifactNotFoundError, AssetSelectionError
from airflow_jobs_provider.artifacts.reference import (
    LATEST_RELEASE,
    MOVING_VERSIONS,
    ArtifactRef,
    AssetInfo,
    ResolvedArtifact,
)
from airflow_jobs_provider.artifacts.versions import first_release
from airflow_jobs_provider.runner.detect import SUPPORTED_EXTENSIONS, extension

DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 60.0
# Classifiers of Maven side files, for jars that name them without listing the classifier.
_SIDE_CLASSIFIERS = ("sources", "javadoc", "tests", "test-sources", "test-javadoc")


@dataclass(frozen=True)
class DownloadAccess:
    """How the runner reaches this source's download URLs: TLS checks, timeout and login.

    ``credential_origin`` is the one server (scheme, host and port) the login may be sent to:
    the source's own configured URL, never a download URL, which comes from the server's
    answers (its configured base URL, a proxy's rewrite). None sends the login nowhere.
    """

    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout_seconds: float = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    credential_origin: str | None = None


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
        version = self._pinned_version(ref) if ref.version in MOVING_VERSIONS else ref.version
        assets = self.assets(ref.repository, ref.group, ref.name, version)
        where = f"{ref.coordinates.rsplit(':', 1)[0]}:{version}"
        if ref.assets:
            selected = tuple(select_asset(selector, assets, where) for selector in ref.assets)
        else:
            selected = (single_runnable_asset(assets, where, name=ref.name, version=version),)
        return ResolvedArtifact(ref=ref, version=version, assets=selected)

    def _pinned_version(self, ref: ArtifactRef) -> str:
        versions = self.versions(ref.repository, ref.group, ref.name)
        if not versions:
            raise ArtifactNotFoundError(f"{ref.coordinates}: the component has no version")
        if ref.version != LATEST_RELEASE:
            return versions[0]
        release = first_release(versions)
        if release is None:
            raise ArtifactNotFoundError(
                f"{ref.coordinates}: every version is a pre-release ({', '.join(versions[:10])}); "
                "deploy 'latest' to run the newest of them"
            )
        return release


def is_runnable(asset: AssetInfo) -> bool:
    return extension(asset.file_name) in SUPPORTED_EXTENSIONS


def is_side_file(asset: AssetInfo, name: str, version: str) -> bool:
    """A classified jar of a Maven version (sources, javadoc, tests): published, never the job."""
    if asset.classifier:
        return True
    leaf = name.rstrip("/").rsplit("/", 1)[-1]
    file_name = asset.file_name
    if file_name.startswith(f"{leaf}-{version}-"):
        return True
    stem = file_name.rsplit(".", 1)[0].lower()
    return file_name.lower().endswith(".jar") and stem.endswith(tuple(f"-{c}" for c in _SIDE_CLASSIFIERS))


def is_main_artifact(asset: AssetInfo, name: str, version: str) -> bool:
    """``<name>-<version>.<extension>``: what Maven publishes as the component itself."""
    leaf = name.rstrip("/").rsplit("/", 1)[-1]
    return asset.file_name.rsplit(".", 1)[0] == f"{leaf}-{version}" and not asset.classifier


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


def single_runnable_asset(assets: Sequence[AssetInfo], where: str, *, name: str, version: str) -> AssetInfo:
    """The asset to run when none is named: the one runnable file that is not a side file,
    else the main artifact among several."""
    runnable = [a for a in assets if is_runnable(a) and not is_side_file(a, name, version)]
    if len(runnable) == 1:
        return runnable[0]
    main = [asset for asset in runnable if is_main_artifact(asset, name, version)]
    if len(main) == 1:
        return main[0]
    kinds = ", ".join(SUPPORTED_EXTENSIONS)
    if not runnable:
        side_files = [asset for asset in assets if is_runnable(asset)]
        if side_files:
            raise AssetSelectionError(
                f"{where}: only side files are runnable ({_paths(side_files)}), so none runs by "
                "default; name the asset to run"
            )
        raise AssetSelectionError(
            f"{where}: no asset is runnable ({kinds}); the version has: {_paths(assets)}"
        )
    raise AssetSelectionError(
        f"{where}: {len(runnable)} runnable assets, name the ones to run: {_paths(runnable)}"
    )


def _paths(assets: Sequence[AssetInfo]) -> str:
    return ", ".join(asset.path for asset in assets) or "(nothing)"
