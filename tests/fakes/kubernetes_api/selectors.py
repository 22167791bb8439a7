"""Label and field selectors with the API server's syntax and semantics.

Label selectors: ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``,
comma-separated (all must hold). ``!=`` and ``notin`` also match objects without the key.
Field selectors: ``field=value``, ``field==value``, ``field!=value`` over the fields each
resource supports; any other field is a 400 ``field label not supported``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._util import ApiError, JsonDict, bad_request

_SPECIAL = "!=(),"
_LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_NAME_PART_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


def label_value_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _LABEL_VALUE_RE.match(value):
        errors.append(LABEL_VALUE_MSG)
    return errors


def qualified_name_errors(name: str) -> list[str]:
    """``IsQualifiedName``: ``[prefix/]name`` with a DNS subdomain prefix, name part <= 63."""
    errors: list[str] = []
    parts = name.split("/")
    if len(parts) == 1:
        name_part = parts[0]
    elif len(parts) == 2:
        prefix, name_part = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errors.append("prefix part must be no more than 253 characters")
            if not _DNS1123_SUBDOMAIN_RE.match(prefix):
                errors.append("prefix part " + DNS1123_SUBDOMAIN_MSG)
    else:
        return [
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
            "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
            "prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name_part:
        errors.append("name part must be non-empty")
    else:
        if len(name_part) > 63:
            errors.append("name part must be no more than 63 characters")
        if not _NAME_PART_RE.match(name_part):
            errors.append(NAME_PART_MSG)
    return errors


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # exists, !, =, !=, in, notin
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        if self.operator == "=":
            return present and labels[self.key] == self.values[0]
        if self.operator == "!=":
            return not present or labels[self.key] != self.values[0]
        if self.operator == "in":
            return present and labels[self.key] in self.values
        return not present or labels[self.key] not in self.values  # notin


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif text.startswith("!=", i):
            tokens.append(("op", "!="))
            i += 2
        elif text.startswith("==", i):
            tokens.append(("op", "="))
            i += 2
        elif char == "=":
            tokens.append(("op", "="))
            i += 1
        elif char == "!":
            tokens.append(("not", "!"))
            i += 1
        elif char in "(),":
            tokens.append((char, char))
            i += 1
        else:
            start = i
            while i < len(text) and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
            word = text[start:i]
            tokens.append(("setop", word) if word in ("in", "notin") else ("ident", word))
    tokens.append(("end", ""))
    return tokens


def _describe(token: tuple[str, str]) -> str:
    return "end of string" if token[0] == "end" else token[1]


def parse_label_selector(text: str | None) -> list[Requirement]:
    """Parse a label selector; raise a 400 ``ApiError`` the way the server words it."""
    if not text or not text.strip():
        return []
    tokens = _tokenize(text)
    pos = 0
    requirements: list[Requirement] = []

    def fail(detail: str) -> ApiError:
        return bad_request(f"unable to parse requirement: {detail}")

    while True:
        kind, word = tokens[pos]
        if kind == "not":
            pos += 1
            kind, word = tokens[pos]
            if kind != "ident":
                raise fail(f"found '{_describe(tokens[pos])}', expected: identifier after '!'")
            requirement = Requirement(word, "!")
            pos += 1
        elif kind == "ident":
            key = word
            pos += 1
            kind, word = tokens[pos]
            if kind in ("end", ","):
                requirement = Requirement(key, "exists")
            elif kind == "op":
                operator = word
                pos += 1
                kind, value = tokens[pos]
                if kind == "ident":
                    pos += 1
                elif kind in ("end", ","):
                    value = ""
                else:
                    raise fail(f"found '{value}', expected: identifier")
                requirement = Requirement(key, operator, (value,))
            elif kind == "setop":
                operator = word
                pos += 1
                if tokens[pos][0] != "(":
                    raise fail(f"found '{_describe(tokens[pos])}', expected: '('")
                pos += 1
                values: list[str] = []
                while True:
                    kind, value = tokens[pos]
                    if kind == "ident":
                        values.append(value)
                        pos += 1
                        kind = tokens[pos][0]
                    elif kind in (",", ")"):
                        values.append("")
                    else:
                        raise fail(f"found '{_describe(tokens[pos])}', expected: ',', ')' or identifier")
                    if kind == ",":
                        pos += 1
                        continue
                    if kind == ")":
                        pos += 1
                        break
                    raise fail(f"found '{_describe(tokens[pos])}', expected: ',' or ')'")
                if values == [""]:
                    raise fail(f"for '{operator}', 'notin' operators, values set can't be empty")
                requirement = Requirement(key, operator, tuple(values))
            else:
                raise fail(f"found '{_describe(tokens[pos])}', expected: in, notin, =, ==, !=, gt, lt")
        else:
            raise fail(f"found '{_describe(tokens[pos])}', expected: !, identifier, or 'end of string'")
        _validate_requirement(requirement)
        requirements.append(requirement)
        kind = tokens[pos][0]
        if kind == "end":
            return requirements
        if kind != ",":
            raise fail(f"found '{_describe(tokens[pos])}', expected: ',' or 'end of string'")
        pos += 1


def _validate_requirement(requirement: Requirement) -> None:
    key_errors = qualified_name_errors(requirement.key)
    if key_errors:
        raise bad_request(
            f'unable to parse requirement: key: Invalid value: "{requirement.key}": {"; ".join(key_errors)}'
        )
    for index, value in enumerate(requirement.values):
        value_errors = label_value_errors(value)
        if value_errors:
            raise bad_request(
                f'unable to parse requirement: values[{index}][{requirement.key}]: Invalid value: "{value}": '
                + "; ".join(value_errors)
            )


def labels_match(requirements: list[Requirement], obj: JsonDict) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(requirement.matches(labels) for requirement in requirements)


# --- field selectors ------------------------------------------------------------------------


def _path(*keys: str) -> Callable[[JsonDict], str]:
    def get(obj: JsonDict) -> str:
        value: Any = obj
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return get


_META_FIELDS = {
    "metadata.name": _path("metadata", "name"),
    "metadata.namespace": _path("metadata", "namespace"),
}
_EVENT_FIELDS = {
    **_META_FIELDS,
    **{
        f"involvedObject.{field}": _path("involvedObject", field)
        for field in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
    },
    "reason": _path("reason"),
    "reportingComponent": _path("reportingComponent"),
    "source": _path("source", "component"),
    "type": _path("type"),
}
FIELD_GETTERS: dict[str, dict[str, Callable[[JsonDict], str]]] = {
    "pods": {
        **_META_FIELDS,
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": lambda obj: "true" if (obj.get("spec") or {}).get("hostNetwork") else "false",
        "status.phase": _path("status", "phase"),
        "status.podIP": _path("status", "podIP"),
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
    },
    "events": _EVENT_FIELDS,
    "secrets": {**_META_FIELDS, "type": _path("type")},
    "configmaps": _META_FIELDS,
    "persistentvolumeclaims": _META_FIELDS,
    "serviceaccounts": _META_FIELDS,
    "namespaces": {"metadata.name": _path("metadata", "name"), "status.phase": _path("status", "phase")},
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    operator: str  # = or !=
    value: str
    getter: Callable[[JsonDict], str]

    def matches(self, obj: JsonDict) -> bool:
        actual = self.getter(obj)
        return actual == self.value if self.operator == "=" else actual != self.value


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_field_selector(text: str | None, resource: str, aliases: Mapping[str, str] | None = None):
    """Parse a field selector for ``resource``; unknown fields are a 400 like the real server's."""
    if not text or not text.strip():
        return []
    getters = FIELD_GETTERS.get(resource, _META_FIELDS)
    requirements = []
    for term in _split_unescaped(text, ","):
        if not term:
            continue
        for operator, canonical in (("!=", "!="), ("==", "="), ("=", "=")):
            index = _find_unescaped(term, operator)
            if index >= 0:
                field = term[:index].strip()
                value = _unescape(term[index + len(operator) :])
                comparison = canonical
                break
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{term}'")
        field = (aliases or {}).get(field, field)
        getter = getters.get(field)
        if getter is None:
            raise bad_request(f"field label not supported: {field}")
        requirements.append(FieldRequirement(field, comparison, value, getter))
    return requirements


def _find_unescaped(text: str, needle: str) -> int:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1


def fields_match(requirements, obj: JsonDict) -> bool:
    return all(requirement.matches(obj) for requirement in requirements)
