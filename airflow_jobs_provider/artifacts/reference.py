"""What a deployment points at, and what that resolves to at run time."""

from __future__ import annotations

from dataclasses import dataclass, field

LATEST = "latest"
# The newest version that is not a pre-release (alpha, beta, milestone, rc/cr, snapshot).
LATEST_RELEASE = "latest-release"
MOVING_VERSIONS = (LATEST, LATEST_RELEASE)


@dataclass(frozen=True)
class ArtifactRef:
    """A build artifact as a user picks it: repository, component, version and asset selectors.

    ``assets`` selects files of the version, run in order. Each selector is matched against
    the version's assets as an exact path, else as an exact file name, else as a glob on the
    file name, and must match exactly one asset. Empty means "the single runnable asset".
    ``version`` may be ``latest`` or ``latest-release``: it is resolved when the task runs,
    never when it is parsed.
    """

    repository: str
    name: str
    group: str = ""
    version: str = LATEST
    assets: tuple[str, ...] = ()
    source: str = "nexus"

    @property
    def coordinates(self) -> str:
        group = f"{self.group}:" if self.group else ""
        return f"{self.repository}/{group}{self.name}:{self.version}"


@dataclass(frozen=True)
class AssetInfo:
    """One file of a component version, as a source lists it."""

    path: str
    download_url: str
    sha256: str | None = None
    sha1: str | None = None
    sha512: str | None = None
    md5: str | None = None
    size: int | None = None
    content_type: str | None = None
    last_modified: str | None = None
    # Maven's classifier (``sources``, ``javadoc``, ``tests``): a side file of the version
    classifier: str | None = None

    @property
    def file_name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ResolvedArtifact:
    """An ``ArtifactRef`` pinned to one version and its selected assets, in run order."""

    ref: ArtifactRef
    version: str
    assets: tuple[AssetInfo, ...] = field(default_factory=tuple)
