"""Validation errors as lines people read: ``mounts[1].smb.mount_path: must be an absolute path``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


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
    """``("mounts", 1, "smb", "mount_path")`` → ``mounts[1].smb.mount_path``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
