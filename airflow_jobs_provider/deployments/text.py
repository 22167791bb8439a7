"""Rules for the strings people type into a spec, before they reach YAML, pods and paths.

Two kinds: a *line* (names, labels, paths) has no control characters and no surrounding
blanks, so it shows and compares as it reads; *text* (descriptions, file contents, arguments)
may span lines but never holds NUL, which no process argument, variable or file name can carry.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

_LINE_BREAKING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_KUBERNETES_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")


def single_line(value: str) -> str:
    """For names and labels: printable, one line, no leading or trailing blanks."""
    if any(unicodedata.category(char) in _LINE_BREAKING for char in value):
        raise ValueError("must be one line without control or invisible characters")
    if value != value.strip():
        raise ValueError("must not start or end with blanks")
    return value


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if _SURROGATE.search(value):
        raise ValueError("must be valid Unicode (it holds a lone surrogate)")
    return value


def absolute_path(value: str) -> str:
    """A canonical absolute POSIX path: no ``..``, ``.``, ``//`` or trailing ``/`` to hide behind."""
    single_line(value)
    if not value.startswith("/") or value.startswith("//") or posixpath.normpath(value) != value:
        raise ValueError(f"{value!r} must be an absolute path without '..', '.', '//' or a trailing '/'")
    return value


def relative_path(value: str) -> str:
    """A canonical path below some root (empty for the root itself): it cannot climb out."""
    if value == "":
        return value
    single_line(value)
    if (
        value.startswith("/")
        or "\\" in value
        or posixpath.normpath(value) != value
        or value == "."
        or value.split("/", 1)[0] == ".."
    ):
        raise ValueError(
            f"{value!r} must be a relative path inside the share or volume, without '..', '.', '//', "
            "'\\' or a leading or trailing '/'"
        )
    return value


def kubernetes_object_name(value: str) -> str:
    """The name of a Secret or a claim (a DNS-1123 subdomain), which the job's pod refers to."""
    if len(value) > 253 or not _KUBERNETES_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a Kubernetes object name: lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit"
        )
    return value
