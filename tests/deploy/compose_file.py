"""docker-compose.yaml read the way Docker Compose reads it, for tests on a machine without Docker.

Interpolation follows the Compose specification: ``$$`` is a literal ``$``; ``$VAR`` and
``${VAR}`` take the variable; ``${VAR:-default}`` / ``${VAR-default}`` fall back to a default;
``${VAR:?message}`` / ``${VAR?message}`` require it; ``${VAR:+other}`` / ``${VAR+other}``
substitute ``other`` when it is set. Variables come from ``.env`` (here: ``.env.example``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPOSITORY / "docker-compose.yaml"
ENV_EXAMPLE = REPOSITORY / ".env.example"

_TEMPLATE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|(?P<named>[_a-zA-Z][_a-zA-Z0-9]*)"
    r"|\{(?P<braced>[_a-zA-Z][_a-zA-Z0-9]*)(?P<modifier>:?[-?+])?(?P<argument>[^}]*)\}"
    r"|(?P<invalid>))"
)


@dataclass(frozen=True)
class Reference:
    """One ``$`` template in a value: the variable, its modifier (``:-``, ``?``…) and where it is."""

    variable: str
    modifier: str
    argument: str
    where: str

    @property
    def has_default(self) -> bool:
        return self.modifier in (":-", "-", ":+", "+")


class TemplateError(ValueError):
    pass


def load(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The compose file as YAML, anchors and ``<<`` merges resolved, not interpolated."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """``NAME=value`` lines of a Compose env file; comments and blank lines skipped."""
    variables = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, separator, value = stripped.partition("=")
        if not separator or not re.fullmatch(r"[_a-zA-Z][_a-zA-Z0-9]*", name):
            raise ValueError(f"{path.name}:{number}: not a NAME=value line: {line!r}")
        variables[name] = value
    return variables


def strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string of the document (mapping keys included) with its path, e.g. services.x.image."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            yield from strings(str(key), f"{path} (key)")
            yield from strings(value, path)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{where}[{index}]")


def references(document: Any) -> list[Reference]:
    """Every variable the document interpolates; a ``$`` that starts no template is an error."""
    found = []
    for where, text in strings(document):
        for match in _TEMPLATE.finditer(text):
            if match.group("invalid") is not None:
                raise TemplateError(f"{where}: invalid interpolation at {text[match.start() :]!r}")
            if match.group("escaped"):
                continue
            variable = match.group("named") or match.group("braced")
            found.append(
                Reference(variable, match.group("modifier") or "", match.group("argument") or "", where)
            )
    return found


def _substitute(text: str, where: str, variables: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("invalid") is not None:
            raise TemplateError(f"{where}: invalid interpolation at {text[match.start() :]!r}")
        if match.group("escaped"):
            return "$"
        name = match.group("named") or match.group("braced")
        modifier, argument = match.group("modifier") or "", match.group("argument") or ""
        value = variables.get(name)
        is_set = value is not None and (value != "" or not modifier.startswith(":"))
        if modifier in (":-", "-"):
            return value if is_set and value is not None else argument
        if modifier in (":+", "+"):
            return argument if is_set else ""
        if modifier in (":?", "?") and not is_set:
            raise TemplateError(f"{where}: required variable {name} is missing a value: {argument}")
        if value is None:
            raise TemplateError(f"{where}: variable {name} is not set")
        return value

    return _TEMPLATE.sub(replace, text)


def interpolate(node: Any, variables: Mapping[str, str], where: str = "") -> Any:
    """The document as Compose sees it after interpolation with ``variables``."""
    if isinstance(node, str):
        return _substitute(node, where, variables)
    if isinstance(node, Mapping):
        return {
            _substitute(str(key), where, variables): interpolate(value, variables, f"{where}.{key}")
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [interpolate(value, variables, f"{where}[{index}]") for index, value in enumerate(node)]
    return node
