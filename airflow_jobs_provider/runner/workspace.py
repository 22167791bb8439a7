"""Where things go in the workspace, and paths that must stay inside it.

The workspace is shared by the fetch step (init container) and the exec step (job
container), which may mount it at different places, so what is recorded is relative to it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .errors import NotFetchedError


def is_inside(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it; both must already be real, absolute paths."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class Workspace:
    """``assets/`` holds downloads, ``jobs/`` unpacked zips, ``.job-runner/`` the launch file."""

    def __init__(self, root: str) -> None:
        self.root = Path(os.path.abspath(root))
        self.assets_dir = self.root / "assets"
        self.jobs_dir = self.root / "jobs"
        self.launch_file = self.root / ".job-runner" / "launch.json"

    def relative(self, path: Path) -> str:
        """``path`` (inside the workspace) as a POSIX path relative to the workspace root."""
        return PurePosixPath(*path.relative_to(self.root).parts).as_posix()

    def resolve(self, relative: str) -> Path:
        """A recorded relative path back to an absolute one, refusing anything that leaves."""
        parts = PurePosixPath(relative).parts
        if not relative or relative.startswith("/") or ".." in parts or "\x00" in relative:
            raise NotFetchedError(f"the launch file names a path outside the workspace: {relative!r}")
        return self.root.joinpath(*parts)
