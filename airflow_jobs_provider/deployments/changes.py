"""What a redeploy changed, as field paths for the history: ``artifact.version``, ``args``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Paths of the fields that differ, down into sections and mappings, without the values themselves."""
    changed: list[str] = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            changed += [f"{key}.{sub_key}" for sub_key in changed_fields(before, after)]
        else:
            changed.append(str(key))
    return changed
