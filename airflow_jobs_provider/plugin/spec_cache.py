"""The specs folder as the list reads it: parsed again only when a spec file or the policy changed.

Parsing and validating 1,000 specs takes about half a second, while a page refreshing itself
asks every few seconds and the folder rarely changes. A fingerprint of the folder (each spec
file's name, inode, modification time and size: the store replaces a file by a rename, so a
new version is a new inode) and of the admin's policy says whether the last listing still
holds; it is also part of the list's ``ETag``. The fingerprint is taken before the listing: a
write in between makes the next request list again, never keeps a stale listing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from pathlib import Path

from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.store import SUFFIX, Entries, SpecStore


@dataclasses.dataclass(frozen=True)
class Listing:
    fingerprint: str
    entries: Entries


class SpecListingCache:
    """The last listing of the configured specs folder, kept while its fingerprint holds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: Listing | None = None

    def listing(self) -> Listing:
        from airflow_jobs_provider import settings

        folder, policy = settings.specs_folder(), DeploymentPolicy.from_config()
        fingerprint = folder_fingerprint(folder, policy)
        with self._lock:
            if self._last is not None and self._last.fingerprint == fingerprint:
                return self._last
        listing = Listing(fingerprint, SpecStore(folder, policy=policy).list())
        with self._lock:
            self._last = listing
        return listing


def folder_fingerprint(folder: Path, policy: DeploymentPolicy) -> str:
    """Changes whenever the folder's listing may read differently: a spec file or the policy changed."""
    digest = hashlib.sha256(f"{folder}\0{_canonical(policy)}".encode())
    for name, stat in _spec_files(folder):
        digest.update(f"\0{name}\0{stat.st_ino}\0{stat.st_mtime_ns}\0{stat.st_size}".encode())
    return digest.hexdigest()


def _canonical(policy: DeploymentPolicy) -> str:
    """The same text for equal policies, in every process (a set's order depends on the hash seed)."""
    return json.dumps(
        dataclasses.asdict(policy),
        sort_keys=True,
        default=lambda value: sorted(value) if isinstance(value, (set, frozenset)) else repr(value),
    )


def _spec_files(folder: Path) -> list[tuple[str, os.stat_result]]:
    files = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                    try:
                        files.append((entry.name, entry.stat()))
                    except FileNotFoundError:  # deleted since the folder was read
                        continue
    except FileNotFoundError:
        return []
    return sorted(files)
