"""Which program runs an asset, and which script inside a zip is the job's entrypoint.

A Talend export is a zip with ``<Job>/<Job>_run.sh`` beside ``.bat`` files and ``lib/``;
other zips must hold exactly one shell script. Guessing between several candidates would
run the wrong thing, so that is an error that lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import EntrypointError

# The interpreter running the runner itself: resolved when the job starts, in its container.
CURRENT_PYTHON = "python"


@dataclass(frozen=True)
class Launcher:
    """The interpreter (a name looked up on PATH) and its options before the file to run."""

    interpreter: str
    options: tuple[str, ...] = ()


_LAUNCHERS = {
    ".jar": Launcher("java", ("-jar",)),
    ".py": Launcher(CURRENT_PYTHON, ("-u",)),
    ".r": Launcher("Rscript"),
    ".sh": Launcher("bash"),
}
ZIP_EXTENSION = ".zip"
# What an asset's name may end with, compared in lower case: the runnable kinds of asset.
SUPPORTED_EXTENSIONS = (ZIP_EXTENSION, *sorted(_LAUNCHERS))
INTERPRETERS = frozenset(launcher.interpreter for launcher in _LAUNCHERS.values())
_TALEND_SUFFIX = "_run.sh"
_LISTED_AT_MOST = 20


def extension(file_name: str) -> str:
    return os.path.splitext(file_name)[1].lower()


def check_supported(file_name: str) -> None:
    """Refuse an asset the runner cannot run, before anything is downloaded."""
    if extension(file_name) not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise EntrypointError(f"cannot run {file_name!r}: supported kinds are {supported}")


def launcher_for(file_name: str) -> Launcher:
    check_supported(file_name)
    return _LAUNCHERS[extension(file_name)]


def zip_entrypoint(folder: Path, archive_name: str) -> Path:
    """The Talend ``*_run.sh`` in an unpacked zip, else its single ``.sh``."""
    files = sorted(_files(folder))
    for candidates in (
        [path for path in files if path.lower().endswith(_TALEND_SUFFIX)],
        [path for path in files if path.lower().endswith(".sh")],
    ):
        if len(candidates) == 1:
            return folder / candidates[0]
        if candidates:
            raise EntrypointError(
                f"{archive_name!r} holds several entrypoints, cannot choose: {_listing(candidates)}"
            )
    raise EntrypointError(
        f"{archive_name!r} holds no *{_TALEND_SUFFIX} nor single .sh to run; it holds: {_listing(files)}"
    )


def _files(folder: Path) -> list[str]:
    """Files below ``folder`` as POSIX relative paths, without following symlinked folders."""
    found: list[str] = []
    for directory, _, names in os.walk(folder):
        relative = Path(directory).relative_to(folder)
        found.extend((relative / name).as_posix() for name in names)
    return found


def _listing(paths: list[str]) -> str:
    if not paths:
        return "nothing"
    shown = ", ".join(repr(path) for path in paths[:_LISTED_AT_MOST])
    more = len(paths) - _LISTED_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown
