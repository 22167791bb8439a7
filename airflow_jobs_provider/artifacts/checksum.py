"""Hash files in constant memory, and write downloads that must match a listed checksum."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from airflow_jobs_provider.artifacts.errors import ArtifactError, ChecksumMismatchError
from airflow_jobs_provider.artifacts.reference import AssetInfo

CHUNK_BYTES = 1 << 20


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expected_checksum(asset: AssetInfo) -> tuple[str, str]:
    """The strongest checksum the source gave: sha256, else sha1 (older Nexus versions)."""
    if asset.sha256:
        return "sha256", asset.sha256.lower()
    if asset.sha1:
        return "sha1", asset.sha1.lower()
    raise ArtifactError(f"{asset.path}: the source lists no sha256 or sha1, so it cannot be verified")


def write_verified(chunks: Iterable[bytes], destination: Path, asset: AssetInfo) -> None:
    """Stream ``chunks`` to ``destination``, which appears only if its checksum is the listed one.

    The bytes go to a hidden part file first: a failed or forged download never leaves a file
    under the final name, and the part file is deleted whatever goes wrong.
    """
    algorithm, expected = expected_checksum(asset)
    digest = hashlib.new(algorithm)
    partial = destination.with_name(f".{destination.name}.part")
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise ChecksumMismatchError(
                f"{asset.path}: {algorithm} of the download is {digest.hexdigest()}, "
                f"the source lists {expected}; the file was deleted"
            )
        os.replace(partial, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
