"""The specs folder as the list reads it: each spec file parsed again only when it changed.

Parsing and validating 1,000 specs takes about half a second, while a page refreshing itself
asks every few seconds and the folder rarely changes. Each spec file's state (inode,
modification time and size: the store replaces a file by a rename, so a new revision is a new
inode) says whether its last reading still holds; only new and changed files are read again
(``SpecStore.get``), and everything when the admin's policy changed. A fingerprint of the
states and the policy is also part of the list's ``ETag``. States are taken before reading: a
write in between makes the next request read that file again, never keeps a stale entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from pathlib import Path

from airflow_jobs_provider.deployments.naming import check_name
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.store import SUFFIX, Entries, Entry, NotFoundError, SpecStore

FileState = tuple[int, int, int]  # inode, modification time (ns), size


@dataclasses.dataclass(frozen=True)
class Listing:
    fingerprint: str
    entries: Entries


@dataclasses.dataclass(frozen=True)
class _Read:
    """What the last listing read: the folder, the policy, each file's state and entry."""

    folder: Path
    policy: str
    states: dict[str, FileState]
    entries: dict[str, Entry]  # by deployment name; files that held no deployment are left out
    listing: Listing


class SpecListingCache:
    """The last listing of the configured specs folder, read again file by file as files change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: _Read | None = None

    def listing(self) -> Listing:
        from airflow_jobs_provider import settings

        folder, policy = settings.specs_folder(), DeploymentPolicy.from_config()
        policy_text = _canonical(policy)
        states = _spec_files(folder)
        with self._lock:
            last = self._last
        if last is not None and last.states == states and (last.folder, last.policy) == (folder, policy_text):
            return last.listing
        store = SpecStore(folder, policy=policy)
        if last is None or (last.folder, last.policy) != (folder, policy_text):
            entries = {entry.name: entry for entry in store.list()}
        else:
            entries = _reread(store, last, states)
        listing = Listing(
            fingerprint=_fingerprint(folder, policy_text, states),
            entries=[entries[name] for name in sorted(entries)],
        )
        with self._lock:
            self._last = _Read(folder, policy_text, states, entries, listing)
        return listing


def _reread(store: SpecStore, last: _Read, states: dict[str, FileState]) -> dict[str, Entry]:
    """The last entries, with new and changed files read again and removed ones dropped."""
    entries = {name: entry for name, entry in last.entries.items() if name in states}
    changed = [name for name, state in states.items() if last.states.get(name) != state]
    if any(not _is_name(name) for name in changed):  # listed with a file-name error: as ``list`` says it
        return {entry.name: entry for entry in store.list()}
    for name in changed:
        try:
            entries[name] = store.get(name)
        except NotFoundError:  # deleted meanwhile, or the record of a deletion
            entries.pop(name, None)
    return entries


def _is_name(name: str) -> bool:
    try:
        check_name(name)
    except ValueError:
        return False
    return True


def _fingerprint(folder: Path, policy: str, states: dict[str, FileState]) -> str:
    """Changes whenever the listing may read differently: a spec file or the policy changed."""
    digest = hashlib.sha256(f"{folder}\0{policy}".encode())
    for name in sorted(states):
        digest.update(f"\0{name}\0{states[name]}".encode())
    return digest.hexdigest()


def _canonical(policy: DeploymentPolicy) -> str:
    """The same text for equal policies, in every process (a set's order depends on the hash seed)."""
    return json.dumps(
        dataclasses.asdict(policy),
        sort_keys=True,
        default=lambda value: sorted(value) if isinstance(value, (set, frozenset)) else repr(value),
    )


def _spec_files(folder: Path) -> dict[str, FileState]:
    """Each spec file's state, by the name it gives (the file name without ``.yaml``), as ``list`` finds them."""
    states: dict[str, FileState] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(SUFFIX) or entry.name.startswith("."):
                    continue
                try:
                    if entry.is_file():
                        stat = entry.stat()
                        states[entry.name.removesuffix(SUFFIX)] = (
                            stat.st_ino,
                            stat.st_mtime_ns,
                            stat.st_size,
                        )
                except FileNotFoundError:  # deleted since the folder was read
                    continue
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return states
