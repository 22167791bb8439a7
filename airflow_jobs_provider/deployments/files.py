"""Crash-safe file writes, and a lock that serialises writers of one folder across processes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def write_atomically(path: Path, text: str, *, temp_prefix: str = TEMP_PREFIX) -> None:
    """Readers see the old file or the new one, never a part; a crash before the rename keeps the old.

    Written to a temporary file in the same folder, flushed to disk, renamed over ``path``, and
    the folder flushed too, so the rename itself survives a power loss. A writer outside the
    store's lock passes its own ``temp_prefix``: the store removes stray ``TEMP_PREFIX`` files.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix, suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    sync_folder(path.parent)


def move_durably(source: Path, destination: Path) -> None:
    """One rename, so a crash leaves the file at one place or the other; both folders flushed."""
    os.replace(source, destination)
    sync_folder(destination.parent)
    sync_folder(source.parent)


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each new entry flushed so it survives a crash."""
    missing: list[Path] = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new_folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new_folder.mkdir()
        sync_folder(new_folder.parent)


def sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(lock_file: Path) -> Iterator[None]:
    """An exclusive ``flock``: between processes, and between threads too (each call opens the file)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_temp_files(folder: Path) -> None:
    """Drop what a crashed writer left behind; call it only while holding the folder's lock."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
