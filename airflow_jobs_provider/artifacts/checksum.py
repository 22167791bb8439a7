"""Hash files in constant memory, and write downloads that must match a listed checksum.

One policy wherever an artifact is fetched: sha256, else sha512, else sha1, else md5, each
weak one (sha1, md5) said in the log; an asset with no checksum at all is refused unless the admin set
``[job_orchestrator] allow_unverified_assets``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from airflow_jobs_provider.artifacts.errors import ArtifactError, ChecksumMismatchError
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.runner.plan import DIGEST_LENGTHS

CHUNK_BYTES = 1 << 20
# Strongest first: the order checksums are preferred in, and the fields of ``AssetInfo``. The
# runner's plan defines it, so the worker and the runner cannot prefer differently.
CHECKSUM_PREFERENCE = tuple(DIGEST_LENGTHS)
# What a checksum must be to prove the bytes were not forged: sha1 and md5 collide.
STRONG_CHECKSUMS = frozenset({"sha256", "sha512"})

log = logging.getLogger(__name__)


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def strongest_checksum(asset: AssetInfo) -> tuple[str, str] | None:
    """The strongest checksum the source lists, as (hashlib algorithm, lowercase hex), or None."""
    for algorithm in CHECKSUM_PREFERENCE:
        value = getattr(asset, algorithm)
        if value:
            return algorithm, value.lower()
    return None


def expected_checksum(asset: AssetInfo, *, allow_unverified: bool = False) -> tuple[str, str] | None:
    """The checksum a download must match, by the policy above; None only if unverified is allowed."""
    checksum = strongest_checksum(asset)
    if checksum is None:
        if not allow_unverified:
            raise ArtifactError(
                f"{asset.path}: the source lists no checksum (sha256, sha512, sha1 or md5), so it "
                "cannot be verified and is refused; an admin may allow unverified assets with "
                "[job_orchestrator] allow_unverified_assets = true"
            )
        log.warning("%s: the source lists no checksum; it is downloaded UNVERIFIED (allowed)", asset.path)
    elif checksum[0] not in STRONG_CHECKSUMS:
        log.warning(
            "%s: the source lists no sha256 or sha512; verified with %s, a weak checksum",
            asset.path,
            checksum[0],
        )
    return checksum


def write_verified(
    chunks: Iterable[bytes], destination: Path, asset: AssetInfo, *, allow_unverified: bool = False
) -> None:
    """Stream ``chunks`` to ``destination``, which appears only if its checksum is the listed one.

    The bytes go to a hidden part file first: a failed or forged download never leaves a file
    under the final name, and the part file is deleted whatever goes wrong.
    """
    algorithm, expected = expected_checksum(asset, allow_unverified=allow_unverified) or ("sha256", None)
    digest = hashlib.new(algorithm)
    partial = destination.with_name(f".{destination.name}.part")
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        if expected is not None and digest.hexdigest() != expected:
            raise ChecksumMismatchError(
                f"{asset.path}: {algorithm} of the download is {digest.hexdigest()}, "
                f"the source lists {expected}; the file was deleted"
            )
        os.replace(partial, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
