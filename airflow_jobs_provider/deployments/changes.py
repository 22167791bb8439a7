"""What a redeploy changed: field paths for the history (``artifact.version``, ``args``), and a diff.

The store records the paths with each revision (``changed_fields``). The API's history and its
409 answer show each change with its old and new value (``field_changes``): config files and
mounts are compared item by item (``config_files[app.ini].content``), and a secret file's
content never appears, only that it changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Lists whose items have a name of their own (the spec checks it is unique): compared item by item.
KEYED_LISTS = {"config_files": "file_name", "mounts": "mount_path"}
_CONTENT_KEY = "content"


@dataclass(frozen=True)
class FieldChange:
    """One changed field; ``secret``: a secret value changed, and neither value is shown."""

    path: str
    old: Any
    new: Any
    secret: bool = False


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Paths of the fields that differ, down into sections and mappings, without the values themselves."""
    return [change.path for change in _walk(old, new, "", {})]


def field_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[FieldChange]:
    """Each field that differs between two specs as stored, with both values (secrets left out)."""
    return list(_walk(old or {}, new or {}, "", KEYED_LISTS))


def changes_between(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, recorded: Sequence[str]
) -> list[FieldChange]:
    """``field_changes``, plus the changes the store recorded that no stored value shows.

    A secret file's content is not in the spec file: a new content is only in ``recorded``.
    """
    changes = field_changes(old, new)
    shown = {change.path for change in changes}
    for path in dict.fromkeys(recorded):
        if path.endswith(f"].{_CONTENT_KEY}") and path not in shown:
            changes.append(FieldChange(path=path, old=None, new=None, secret=True))
    return changes


def _walk(
    old: Mapping[str, Any], new: Mapping[str, Any], prefix: str, keyed: Mapping[str, str]
) -> Iterator[FieldChange]:
    secret_item = old.get("secret") is True or new.get("secret") is True
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        path = f"{prefix}{key}"
        if secret_item and key == _CONTENT_KEY:
            yield FieldChange(path=path, old=None, new=None, secret=True)
        elif isinstance(before, Mapping) and isinstance(after, Mapping):
            yield from _walk(before, after, f"{path}.", {})
        elif (
            key in keyed
            and _by_key(before, keyed[key]) is not None
            and _by_key(after, keyed[key]) is not None
        ):
            yield from _walk_items(_by_key(before, keyed[key]) or {}, _by_key(after, keyed[key]) or {}, path)
        else:
            yield FieldChange(path=path, old=_without_secrets(before), new=_without_secrets(after))


def _walk_items(old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> Iterator[FieldChange]:
    """Items of a keyed list: added, removed, or changed field by field."""
    for item_key in dict.fromkeys([*old, *new]):
        before, after = old.get(item_key), new.get(item_key)
        if before == after:
            continue
        item_path = f"{path}[{item_key}]"
        if before is not None and after is not None:
            yield from _walk(before, after, f"{item_path}.", {})
        else:
            yield FieldChange(path=item_path, old=_without_secrets(before), new=_without_secrets(after))


def _by_key(value: Any, key: str) -> dict[str, Mapping[str, Any]] | None:
    """A list of mappings by their ``key`` field; None when it is not one (as an old file may hold)."""
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(item, Mapping) and key in item for item in value):
        return None
    items = {str(item[key]): item for item in value}
    return items if len(items) == len(value) else None


def _without_secrets(value: Any) -> Any:
    """A value as shown: a secret file's content, should a stored spec hold one, is left out."""
    if isinstance(value, Mapping):
        return {
            key: _without_secrets(item)
            for key, item in value.items()
            if not (key == _CONTENT_KEY and value.get("secret") is True)
        }
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value
