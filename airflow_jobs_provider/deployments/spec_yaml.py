"""YAML for spec files: core types only, no aliases, and every string read back exactly as written.

PyYAML's ``safe_dump`` with ``allow_unicode`` writes NEL, LINE SEPARATOR and PARAGRAPH
SEPARATOR raw, and reads them back as line breaks, so such strings are double-quoted (escaped)
here. Other multi-line strings use the literal block style, so config files read as files.

Reading is stricter than ``safe_load``. An alias (``*name``) makes one node count many times,
so a few hundred bytes can expand to megabytes of JSON in ``GET /history`` (a "billion laughs"):
aliases are refused. Only the core schema's types are read (mapping, sequence, string,
integer, float, boolean, null): ``!!binary``, ``!!set``, ``!!omap``, ``!!timestamp``, ``<<``
merges and local tags mean nothing in a spec, and an unquoted date stays a string, as in JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from re import Pattern
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node

_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = f"{_TAG_PREFIX}str"
_CORE_TAGS = frozenset(
    f"{_TAG_PREFIX}{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null")
)
# Reading specs is on every DAG parse: the C parser when PyYAML has it (same safe rules).
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecYamlError(ValueError):
    """A spec or history file that is not YAML of the core schema without aliases."""


class _CoreLoader(_BASE_LOADER):  # type: ignore[valid-type, misc]
    """The C (or Python) safe loader with the core schema's resolvers and constructors only.

    Any other tag finds no constructor and meets ``_refuse_tag``, so no node pays for the check.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Pattern[str]]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in _CORE_TAGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    yaml_constructors: ClassVar[dict[Any, Callable[..., Any]]] = {
        tag: constructor
        for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
        if tag in _CORE_TAGS
    }

    def flatten_mapping(self, node: MappingNode) -> None:
        """No ``<<`` merges: an explicit ``!!merge`` key then finds no constructor either."""

    def _refuse_tag(self, node: Node) -> Any:
        raise SpecYamlError(
            f"{_where(node)}: the tag {_short(node.tag)} is not allowed; only mappings, lists, "
            "strings, numbers, booleans and null"
        )


_CoreLoader.add_constructor(None, _CoreLoader._refuse_tag)


class _AliasRefusingLoader(_CoreLoader):
    """Each node is constructed once, so a second visit came through an alias.

    Used only for text holding ``&``: without an anchor there can be no alias (the parser
    refuses an undefined one), so most spec files skip this per-node check.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise SpecYamlError(
                f"{_where(node)}: this value is used again through an alias (*name); aliases are not "
                "allowed, write each value out"
            )
        return super().construct_object(node, deep)


class _SpecDumper(yaml.SafeDumper):
    """``SafeDumper`` with the string styles above and no anchors: each value written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if any(char in value for char in _YAML_ONLY_BREAKS):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar(_STR_TAG, value, style=style)


_SpecDumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    """Keys in the order given, one line per value however long (no folding to re-join)."""
    return yaml.dump(
        document,
        Dumper=_SpecDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,
    )


def load_yaml(text: str) -> Any:
    """The document, or ``ValueError`` (a ``SpecYamlError``) for anything else; every read goes here."""
    try:
        loader = _AliasRefusingLoader if "&" in text else _CoreLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader (C or Python)
    except SpecYamlError as exc:
        raise SpecYamlError(f"not valid in a spec file: {exc}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise SpecYamlError(f"not valid YAML: {exc}") from None


def _where(node: Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _short(tag: str) -> str:
    """``tag:yaml.org,2002:binary`` → ``!!binary``, as it is written."""
    return tag.replace(_TAG_PREFIX, "!!", 1) if tag.startswith(_TAG_PREFIX) else tag
