"""What a source lists: repositories and pages of components with their versions.

Shared by the Nexus client and every source, so it imports nothing of either.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Repository:
    """A repository a user may pick; ``format`` and ``type`` as Nexus names them."""

    name: str
    format: str = ""
    type: str = ""
    url: str = ""


@dataclass(frozen=True)
class ComponentVersions:
    """One component (group + name) with the versions a page holds, newest first."""

    group: str
    name: str
    versions: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: never the whole repository, which can hold many thousands.

    A component can appear again on the next page with more versions: pages split where the
    server does. ``continuation_token`` asks for the next page; ``None`` on the last one.
    """

    components: tuple[ComponentVersions, ...]
    continuation_token: str | None = None
