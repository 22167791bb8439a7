"""Raw repositories read as components with versions: ``<folders>/<name>/<version>/<file>``.

Nexus's raw format knows no versions: every file is its own component, with the file's full
path as name, its folder as group and an empty version. Teams still publish Talend zips and
scripts in version folders (``etl/patients/1.10.0/patients_1.10.0.zip``), so a file whose
folder looks like a version (it starts with a digit, or ``v`` and a digit) belongs to the
component named by the folders above (``etl/patients``) at that version. Any other file is
its own component named by its exact path, with the one version ``unversioned``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RAW_FORMAT = "raw"
UNVERSIONED = "unversioned"
LAYOUT = "<folders>/<name>/<version>/<file>"
_VERSION_FOLDER = re.compile(r"[vV]?[0-9][^/]*")


@dataclass(frozen=True)
class RawCoordinates:
    """Where a raw file sits in the layout: the component, its version and the file's name."""

    name: str
    version: str
    file_name: str

    @property
    def folder(self) -> str:
        """The folder Nexus gives as the files' group: with a leading ``/``, no trailing one."""
        if self.version == UNVERSIONED:
            parent = self.name.rpartition("/")[0]
            return f"/{parent}"
        return f"/{self.name}/{self.version}"


def raw_coordinates(path: str) -> RawCoordinates:
    """The coordinates of a raw file's path (leading and trailing ``/`` do not count)."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and _VERSION_FOLDER.fullmatch(parts[-2]):
        return RawCoordinates("/".join(parts[:-2]), parts[-2], parts[-1])
    return RawCoordinates("/".join(parts), UNVERSIONED, parts[-1])


def outside_layout_message(repository: str, name: str) -> str:
    """Why a name has no versions in a raw repository, and how its files can still be reached."""
    return (
        f"raw repository {repository!r} has no files laid out {LAYOUT} under {name!r}: a version "
        "folder must start with a digit (or v and a digit). A file outside that layout is its own "
        f"component, named by its exact path, with the single version {UNVERSIONED!r}"
    )
