"""The Debian programs tests run for real (slapd, chromium), found where PATH or the package put them."""

from __future__ import annotations

import shutil


def installed_program(*candidates: str, package: str) -> str:
    """The first candidate (a name on PATH or a path) that exists; a clear error otherwise."""
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError(
        f"{candidates[0]} is not installed: scripts/test.sh installs Debian's {package} package"
    )
