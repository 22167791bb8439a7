"""Who belongs to which group: LDAP filters, DN comparison, roles and the required groups.

Pure functions, so the security manager (python-ldap, at login) and ``ldap_check`` (ldap3, at an
admin's prompt) reach the same verdict for the same directory answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# RFC 4515 section 3: these characters must be written as \XX inside a filter value.
_FILTER_ESCAPES = {"\\": r"\5c", "*": r"\2a", "(": r"\28", ")": r"\29", "\x00": r"\00"}

# Group entries name their members in one of these attributes (groupOfNames, groupOfUniqueNames).
MEMBER_ATTRIBUTES = ("member", "uniqueMember")


def escape_filter_value(value: str) -> str:
    """Make ``value`` match itself literally inside an LDAP filter: no injection through it."""
    return "".join(_FILTER_ESCAPES.get(char, char) for char in value)


def user_filter(search_filter: str, uid_field: str, username: str) -> str:
    """The filter FAB's login uses to find a user, built the same way for ``ldap_check``."""
    match_user = f"({uid_field}={escape_filter_value(username)})"
    return f"(&{search_filter}{match_user})" if search_filter else match_user


def group_entries_filter(user_dn: str) -> str:
    """Group entries that list ``user_dn`` as a member, for directories without ``memberOf``."""
    value = escape_filter_value(user_dn)
    return "(|" + "".join(f"({attribute}={value})" for attribute in MEMBER_ATTRIBUTES) + ")"


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def normalize_dn(dn: str) -> str:
    """A DN in one spelling: ``CN=Data.Office, ou=Groups`` and ``cn=data.office,ou=groups`` agree.

    Attribute types and the values of the naming attributes directories use for groups (cn, ou,
    dc, o, uid) compare case-insensitively, and spaces around separators do not count.
    """
    rdns = []
    for rdn in _split_unescaped(dn.strip(), ","):
        pairs = []
        for pair in _split_unescaped(rdn, "+"):
            attribute, _, value = pair.partition("=")
            pairs.append(f"{attribute.strip().lower()}={value.strip().lower()}")
        rdns.append("+".join(sorted(pairs)))
    return ",".join(rdns)


def roles_for_groups(groups: Iterable[str], roles_mapping: Mapping[str, Iterable[str]]) -> list[str]:
    """The Airflow roles ``AUTH_ROLES_MAPPING`` gives to members of ``groups``, sorted."""
    member_of = {normalize_dn(group) for group in groups}
    return sorted(
        {role for group, roles in roles_mapping.items() if normalize_dn(group) in member_of for role in roles}
    )


@dataclass(frozen=True)
class RequiredGroups:
    """The groups whose members may log in; a user needs to be in one of them."""

    groups: tuple[str, ...]

    def admits(self, user_groups: Iterable[str]) -> bool:
        required = {normalize_dn(group) for group in self.groups}
        return any(normalize_dn(group) in required for group in user_groups)

    def describe(self) -> str:
        return " or ".join(self.groups)
