"""Validation errors as lines people read: ``mounts[1].smb.mount_path: must be an absolute path``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")
# Pydantic's marker after a mapping key whose *key* failed: the key itself names the field.
_KEY_MARKER = "[key]"
# A key holding one of these, or anything unprintable (a line break), is shown quoted in brackets.
_PATH_SYNTAX = frozenset(".[]'\"")


def error_messages(error: ValidationError) -> list[str]:
    """One line per problem, led by the field's path so a form can point at the field."""
    return detail_messages(error.errors(include_url=False))


def detail_messages(details: Iterable[Mapping[str, Any]]) -> list[str]:
    """``error_messages`` for error details from elsewhere, e.g. a web framework's request check."""
    lines = []
    for detail in details:
        message = str(detail["msg"])
        for prefix in _PYDANTIC_PREFIXES:
            message = message.removeprefix(prefix)
        path = _field_path(detail["loc"])
        lines.append(f"{path}: {message}" if path else message)
    return lines


def _field_path(loc: tuple[int | str, ...]) -> str:
    """``("mounts", 1, "smb", "mount_path")`` → ``mounts[1].smb.mount_path``.

    A bad key is named by itself (``env.PYTHONPATH``), and one that would not read as a
    name is quoted (``env['FOO\\n']``), so each message stays one line.
    """
    path = ""
    for part in loc:
        if part == _KEY_MARKER:
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.isprintable() or _PATH_SYNTAX.intersection(part) or not part:
            path += f"[{part!r}]"
        else:
            path += f".{part}" if path else part
    return path
