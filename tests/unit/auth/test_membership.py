"""Filters, DN comparison, roles and the required-group verdict shared by login and ldap_check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_jobs_provider.auth.membership import (
    RequiredGroups,
    escape_filter_value,
    group_entries_filter,
    normalize_dn,
    roles_for_groups,
    user_filter,
)

DATA_OFFICE = "cn=data.office,ou=groups,dc=example,dc=org"


@pytest.mark.parametrize(
    ("username", "escaped"),
    [
        ("alice", "alice"),
        ("*", r"\2a"),
        (")(uid=*", r"\29\28uid=\2a"),
        ("\x00", r"\00"),
        (r"\00", r"\5c00"),
        ("a*)(|(objectClass=*)", r"a\2a\29\28|\28objectClass=\2a\29"),
    ],
)
def test_filter_values_are_escaped(username: str, escaped: str) -> None:
    assert escape_filter_value(username) == escaped


@given(st.text())
def test_an_escaped_value_has_no_filter_syntax_left(value: str) -> None:
    escaped = escape_filter_value(value)
    assert not set(escaped) & {"*", "(", ")", "\x00"}
    # every backslash starts an escape of two hex digits
    assert all(escaped[index + 1 : index + 3].isalnum() for index, char in enumerate(escaped) if char == "\\")


def test_user_filter_matches_fabs_shape() -> None:
    assert (
        user_filter("(objectClass=inetOrgPerson)", "uid", "al*")
        == r"(&(objectClass=inetOrgPerson)(uid=al\2a))"
    )
    assert user_filter("", "sAMAccountName", "bob") == "(sAMAccountName=bob)"


def test_group_entries_filter_escapes_the_dn() -> None:
    assert (
        group_entries_filter("uid=a(b),ou=people")
        == r"(|(member=uid=a\28b\29,ou=people)(uniqueMember=uid=a\28b\29,ou=people))"
    )


def test_dns_compare_as_directories_do() -> None:
    assert normalize_dn("CN=Data.Office, OU=Groups,dc=Example,DC=org") == normalize_dn(DATA_OFFICE)
    assert normalize_dn(r"cn=a\,b,dc=org") != normalize_dn("cn=a,b=,dc=org")
    assert normalize_dn("cn=x+uid=y,dc=org") == normalize_dn("uid=y+cn=x,dc=org")
    assert normalize_dn("cn=ops,ou=groups,dc=example,dc=org") != normalize_dn(DATA_OFFICE)


def test_roles_come_from_every_mapped_group() -> None:
    mapping = {DATA_OFFICE: ["User"], "cn=admins,dc=example,dc=org": ["Admin", "User"], "cn=x": ["Op"]}
    assert roles_for_groups(["CN=Admins,DC=example,DC=org", DATA_OFFICE], mapping) == ["Admin", "User"]
    assert roles_for_groups([], mapping) == []


def test_required_groups_admit_members_only() -> None:
    required = RequiredGroups((DATA_OFFICE, "cn=data.office.contractors,ou=groups,dc=example,dc=org"))
    assert required.admits(
        ["cn=ops,ou=groups,dc=example,dc=org", "CN=data.office,ou=groups,dc=example,dc=org"]
    )
    assert required.admits(["cn=data.office.contractors,ou=groups,dc=example,dc=org"])
    assert not required.admits(["cn=ops,ou=groups,dc=example,dc=org"])
    assert not required.admits([])
    # a group whose name merely starts like the required one is another group
    assert not required.admits(["cn=data.office.alumni,ou=groups,dc=example,dc=org"])
    assert not RequiredGroups(()).admits([DATA_OFFICE])
