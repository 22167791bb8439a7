"""Why finding or fetching an artifact failed, whatever the source: callers catch these."""

from __future__ import annotations


class ArtifactError(Exception):
    """Base of every error of an artifact source; the message is meant for the user."""


class ArtifactNotFoundError(ArtifactError):
    """The repository, component, version or asset does not exist (or is hidden from the user)."""


class AssetSelectionError(ArtifactError):
    """The asset selectors do not pick exactly one asset each."""


class ChecksumMismatchError(ArtifactError):
    """A downloaded file is not the one the source listed; it has been deleted."""


class InvalidContinuationTokenError(ArtifactError):
    """A continuation token that this source did not give for this search."""
