"""YAML for spec files: safe types only, and every string read back exactly as it was written.

PyYAML's ``safe_dump`` with ``allow_unicode`` writes NEL, LINE SEPARATOR and PARAGRAPH
SEPARATOR raw, and reads them back as line breaks, so such strings are double-quoted (escaped)
here. Other multi-line strings use the literal block style, so config files read as files.
"""

from __future__ import annotations

from typing import Any

import yaml

_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_STR_TAG = "tag:yaml.org,2002:str"
# Reading specs is on every DAG parse: the C loader when PyYAML has it (same safe rules).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    """The document, or ``ValueError`` for anything that is not YAML (or a date that does not exist)."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader (C or Python)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ValueError(f"not valid YAML: {exc}") from None
