"""Unpack a zip without letting it write outside its folder or fill the disk.

Archives come from a build server, but a broken or hostile one must not be able to write
elsewhere (``..``, absolute paths, drive letters, symlinks pointing out) nor exhaust the
disk (zip bombs). Sizes in zip headers can lie, so bytes are also counted as they are
written. Unix permission bits are kept (Talend scripts need their exec bit), setuid and
setgid never.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import ArchiveError
from .workspace import is_inside

MAX_UNPACKED_BYTES_ENV = "JOB_RUNNER_MAX_UNPACKED_BYTES"
MAX_ENTRIES_ENV = "JOB_RUNNER_MAX_ENTRIES"
MAX_RATIO_ENV = "JOB_RUNNER_MAX_RATIO"

# A small file of one repeated byte compresses far past any sane ratio and harms nobody, so
# the ratio only counts once an entry is this big.
RATIO_FLOOR_BYTES = 1 << 20
_MAX_LINK_TARGET_BYTES = 4096
_CHUNK_BYTES = 1 << 16
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[\\/]")


def _lzma_errors() -> tuple[type[Exception], ...]:
    """A Python built without liblzma has no lzma module; zipfile then raises RuntimeError."""
    try:
        import lzma
    except ImportError:
        return ()
    return (lzma.LZMAError,)


# What reading a damaged or unsupported entry raises: bzip2 raises OSError ("Invalid data
# stream"), LZMA its own error, a name flagged UTF-8 that is not UnicodeDecodeError.
_UNPACK_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    UnicodeDecodeError,
    OSError,
    *_lzma_errors(),
)


@dataclass(frozen=True)
class ArchiveLimits:
    max_unpacked_bytes: int = 4 << 30
    max_entries: int = 100_000
    max_ratio: float = 200.0


def unpack_zip(archive_path: Path, destination: Path, limits: ArchiveLimits) -> None:
    """Unpack into ``destination``, replacing what is there; a refused archive leaves nothing."""
    if destination.is_symlink() or destination.is_file():
        destination.unlink()
    elif destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    try:
        _Extraction(archive_path.name, destination, limits).run(archive_path)
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise


class _Extraction:
    """One pass over an archive: regular entries first, symlinks last.

    Symlinks come last so that no file is ever written through one; each link is checked
    when made and again once all exist, since a later link can change where an earlier one
    leads.
    """

    def __init__(self, archive_name: str, destination: Path, limits: ArchiveLimits) -> None:
        self.archive_name = archive_name
        self.root = os.path.realpath(destination)
        self.limits = limits
        self.written = 0
        self.seen: set[str] = set()
        # Folders already resolved and created, by their parts. Sound only while the tree
        # holds no symlink: the link phase resolves every folder again.
        self.folders: dict[tuple[str, ...], str] | None = {}

    def refuse(self, problem: str) -> ArchiveError:
        return ArchiveError(f"archive {self.archive_name!r} refused: {problem}")

    def run(self, archive_path: Path) -> None:
        try:
            archive = zipfile.ZipFile(archive_path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise self.refuse(f"it is not a readable zip ({exc})") from None
        except UnicodeDecodeError as exc:
            raise self.refuse(f"an entry's name is flagged UTF-8 but is not ({exc.reason})") from None
        with archive:
            entries = archive.infolist()
            self._check_declared(entries)
            links = []
            for info in entries:
                parts = self._parts(info.filename)
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind == stat.S_IFLNK:
                    links.append((info, parts))
                elif kind == stat.S_IFDIR or info.filename.endswith(("/", "\\")):
                    self._directory(info, parts)
                else:
                    self._file(archive, info, parts)
            self.folders = None
            made = [self._link(archive, info, parts) for info, parts in links]
            for name, path, target in made:
                self._check_link(name, path, target)

    def _check_declared(self, entries: list[zipfile.ZipInfo]) -> None:
        """Cheap refusals from the headers, before anything is written."""
        limits = self.limits
        if len(entries) > limits.max_entries:
            raise self.refuse(
                f"it holds {len(entries)} entries, more than the limit of {limits.max_entries} "
                f"({MAX_ENTRIES_ENV})"
            )
        declared = sum(info.file_size for info in entries)
        if declared > limits.max_unpacked_bytes:
            raise self.refuse(self._too_big(f"declares {declared} bytes"))
        for info in entries:
            self._check_ratio(info, info.file_size)

    def _too_big(self, what: str) -> str:
        return (
            f"it {what} unpacked, more than the limit of {self.limits.max_unpacked_bytes} "
            f"({MAX_UNPACKED_BYTES_ENV})"
        )

    def _check_ratio(self, info: zipfile.ZipInfo, produced: int) -> None:
        ratio = produced / max(info.compress_size, 1)
        if produced > RATIO_FLOOR_BYTES and ratio > self.limits.max_ratio:
            raise self.refuse(
                f"entry {info.filename!r} expands {ratio:.0f} times, more than the limit of "
                f"{self.limits.max_ratio:g} ({MAX_RATIO_ENV})"
            )

    def _parts(self, name: str) -> list[str]:
        if name.startswith(("/", "\\")):
            raise self.refuse(f"entry {name!r} is an absolute path")
        if _DRIVE_LETTER.match(name):
            raise self.refuse(f"entry {name!r} starts with a drive letter")
        parts = [part for part in _SEPARATORS.split(name) if part not in ("", ".")]
        if ".." in parts:
            raise self.refuse(f"entry {name!r} has a '..' component")
        if not parts:
            raise self.refuse(f"entry {name!r} has no name")
        return parts

    def _target(self, name: str, parts: list[str], *, unique: bool = True) -> str:
        """Where an entry goes, once its real parent folder is known to be inside the root."""
        key = "/".join(parts)
        if unique and key in self.seen:
            raise self.refuse(f"entry {name!r} appears twice")
        self.seen.add(key)
        folder = tuple(parts[:-1])
        parent = self.folders.get(folder) if self.folders is not None else None
        if parent is None:
            parent = self._folder(name, folder)
            if self.folders is not None:
                self.folders[folder] = parent
        return os.path.join(parent, parts[-1])

    def _folder(self, name: str, folder: tuple[str, ...]) -> str:
        parent = os.path.realpath(os.path.join(self.root, *folder))
        if not is_inside(parent, self.root):
            raise self.refuse(f"entry {name!r} would land outside the extraction folder")
        try:
            os.makedirs(parent, mode=0o755, exist_ok=True)
        except OSError as exc:
            raise self.refuse(f"cannot create the folder of entry {name!r}: {exc.strerror}") from None
        return parent

    def _directory(self, info: zipfile.ZipInfo, parts: list[str]) -> None:
        path = self._target(info.filename, parts, unique=False)
        try:
            os.makedirs(path, exist_ok=True)
            os.chmod(path, _mode(info, 0o755) | stat.S_IRWXU)
        except OSError as exc:
            raise self.refuse(f"cannot create folder entry {info.filename!r}: {exc.strerror}") from None

    def _file(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, parts: list[str]) -> None:
        path = self._target(info.filename, parts)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            out = os.fdopen(os.open(path, flags, 0o600), "wb")
        except OSError as exc:
            raise self.refuse(f"cannot write entry {info.filename!r}: {exc.strerror}") from None
        with out:
            self._copy(archive, info, out)
            os.fchmod(out.fileno(), _mode(info, 0o644) | stat.S_IRUSR | stat.S_IWUSR)

    def _copy(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: BinaryIO) -> None:
        """Copy one entry counting the real bytes, whatever its header claims.

        Reading and writing fail apart: a damaged entry is the archive's fault (bzip2 says so
        with an OSError), a full disk is not.
        """
        produced = 0
        try:
            with archive.open(info) as source:
                while True:
                    chunk = source.read(_CHUNK_BYTES)
                    if not chunk:
                        return
                    produced += len(chunk)
                    self.written += len(chunk)
                    if self.written > self.limits.max_unpacked_bytes:
                        raise self.refuse(self._too_big("holds more than that"))
                    self._check_ratio(info, produced)
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise self.refuse(
                            f"cannot write entry {info.filename!r}: {exc.strerror or exc}"
                        ) from None
        except _UNPACK_ERRORS as exc:
            raise self.refuse(f"entry {info.filename!r} is damaged or unsupported: {_problem(exc)}") from None

    def _link(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, parts: list[str]
    ) -> tuple[str, str, str]:
        name = info.filename
        if info.file_size > _MAX_LINK_TARGET_BYTES:
            raise self.refuse(
                f"symlink entry {name!r} has a target longer than {_MAX_LINK_TARGET_BYTES} bytes"
            )
        try:
            target = archive.read(info).decode("utf-8")
        except UnicodeDecodeError:
            raise self.refuse(f"symlink entry {name!r} has a target that is not UTF-8") from None
        except _UNPACK_ERRORS as exc:
            raise self.refuse(f"entry {name!r} is damaged or unsupported: {_problem(exc)}") from None
        if not target or "\x00" in target or target.startswith(("/", "\\")) or _DRIVE_LETTER.match(target):
            raise self.refuse(f"symlink entry {name!r} points to {target!r}, not a relative path")
        path = self._target(name, parts)
        self._check_link(name, path, target)
        try:
            os.symlink(target, path)
        except OSError as exc:
            raise self.refuse(f"cannot create symlink entry {name!r}: {exc.strerror}") from None
        return name, path, target

    def _check_link(self, name: str, path: str, target: str) -> None:
        resolved = os.path.realpath(os.path.join(os.path.dirname(path), target))
        if not is_inside(resolved, self.root):
            raise self.refuse(f"symlink entry {name!r} points to {target!r}, outside the extraction folder")


def _problem(error: Exception) -> str:
    """What went wrong, in words: some errors (bzip2's OSError) say nothing in ``strerror``."""
    return str(error) or type(error).__name__


def _mode(info: zipfile.ZipInfo, default: int) -> int:
    """The entry's rwx bits; setuid, setgid and sticky bits are dropped."""
    return (info.external_attr >> 16) & 0o777 or default
