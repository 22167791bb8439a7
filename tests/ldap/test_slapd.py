"""The slapd fixtures are a real directory that behaves as the LDAP login tests assume."""

from __future__ import annotations

from typing import Any

import ldap3
import pytest
from ldap3.core.exceptions import LDAPSocketOpenError

from tests.ldap.slapd import GROUPS_DN, PEOPLE_DN, SlapdServer

pytestmark = pytest.mark.integration


@pytest.fixture(params=["slapd", "slapd_without_memberof"])
def any_slapd(request: pytest.FixtureRequest) -> SlapdServer:
    """Each of the two directories of seed.ldif in turn: what holds for both."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture(params=["slapd", "slapd_staff"])
def any_layout(request: pytest.FixtureRequest) -> SlapdServer:
    """Each directory layout (seed.ldif, seed-staff.ldif) in turn."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def bound(server: SlapdServer, user: str | None = None, password: str | None = None) -> ldap3.Connection:
    connection = server.connection(user, password)
    assert connection.bind(), connection.result
    return connection


def search(
    connection: ldap3.Connection, base: str, query: str, attributes: list[str]
) -> dict[str, dict[str, Any]]:
    """DN -> attributes of the entries found (none when the ACLs hide them)."""
    connection.search(base, query, attributes=attributes)
    return {
        entry["dn"]: entry["attributes"] for entry in connection.response if entry["type"] == "searchResEntry"
    }


def member_of(server: SlapdServer, name: str) -> list[str]:
    service = bound(server, server.bind_dn, server.bind_password)
    found = search(service, server.user_dn(name), "(objectClass=*)", ["memberOf"])
    return list(found[server.user_dn(name)].get("memberOf", []))


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave"])
def test_every_user_binds_with_the_password_the_seed_documents(any_layout: SlapdServer, name: str) -> None:
    password = any_layout.users[name]
    assert bound(any_layout, any_layout.user_dn(name), password).extend.standard.who_am_i() == (
        f"dn:{any_layout.user_dn(name)}"
    )
    header = [line.split() for line in any_layout.seed.read_text().splitlines() if line.startswith("#")]
    assert ["#", f"uid={name}", password] in [words[:3] for words in header]


def test_the_service_account_binds(slapd: SlapdServer) -> None:
    assert (
        bound(slapd, slapd.bind_dn, slapd.bind_password).extend.standard.who_am_i() == f"dn:{slapd.bind_dn}"
    )


def test_a_wrong_password_is_refused(slapd: SlapdServer) -> None:
    connection = slapd.connection(slapd.user_dn("alice"), "bob-pass")
    assert not connection.bind()
    assert connection.result["description"] == "invalidCredentials"


def test_anonymous_reads_nothing_and_never_a_password(slapd: SlapdServer) -> None:
    anonymous = bound(slapd)
    assert search(anonymous, slapd.base_dn, "(uid=alice)", ["*"]) == {}
    assert search(anonymous, slapd.user_dn("alice"), "(objectClass=*)", ["userPassword"]) == {}


def test_the_service_account_finds_users_by_uid_but_not_their_passwords(any_layout: SlapdServer) -> None:
    service = bound(any_layout, any_layout.bind_dn, any_layout.bind_password)
    found = search(service, PEOPLE_DN, "(uid=alice)", ["uid", "mail", "userPassword"])
    alice = any_layout.user_dn("alice")
    assert list(found) == [alice]
    assert found[alice]["mail"] == ["alice@example.org"]
    assert not found[alice]["userPassword"]  # ldap3 lists what it asked for


def test_users_find_their_own_entry_and_no_one_elses(slapd: SlapdServer) -> None:
    alice = bound(slapd, slapd.user_dn("alice"), slapd.users["alice"])
    assert list(search(alice, PEOPLE_DN, "(uid=alice)", ["uid"])) == [slapd.user_dn("alice")]
    assert search(alice, PEOPLE_DN, "(uid=bob)", ["uid"]) == {}
    assert search(alice, GROUPS_DN, "(objectClass=*)", ["cn"]) == {}


def test_with_the_overlay_users_have_memberof_for_groupofnames(slapd: SlapdServer) -> None:
    assert member_of(slapd, "alice") == [slapd.group_dn("data.office")]
    assert member_of(slapd, "carol") == [slapd.group_dn("ops")]
    assert member_of(slapd, "bob") == []
    assert member_of(slapd, "dave") == []  # groupOfUniqueNames is not tracked


def test_without_the_overlay_no_user_has_memberof(slapd_without_memberof: SlapdServer) -> None:
    for name in slapd_without_memberof.users:
        assert member_of(slapd_without_memberof, name) == []


def test_group_entries_list_their_members(any_slapd: SlapdServer) -> None:
    service = bound(any_slapd, any_slapd.bind_dn, any_slapd.bind_password)
    alice, dave = any_slapd.user_dn("alice"), any_slapd.user_dn("dave")
    assert list(search(service, GROUPS_DN, f"(member={alice})", ["cn"])) == [
        any_slapd.group_dn("data.office")
    ]
    assert list(search(service, GROUPS_DN, f"(uniqueMember={dave})", ["cn"])) == [
        any_slapd.group_dn("data.office.contractors")
    ]
    assert (
        search(service, GROUPS_DN, f"(|(member={any_slapd.user_dn('bob')})(uniqueMember={alice}))", ["cn"])
        == {}
    )


def test_a_stopped_server_refuses_connections_and_comes_back_on_the_same_uri(slapd: SlapdServer) -> None:
    uri = slapd.uri
    with slapd.stopped(), pytest.raises(LDAPSocketOpenError):
        slapd.connection(slapd.user_dn("alice"), slapd.users["alice"]).bind()
    assert slapd.uri == uri
    assert bound(slapd, slapd.user_dn("alice"), slapd.users["alice"])
    assert member_of(slapd, "alice") == [slapd.group_dn("data.office")]  # the data survived


def test_the_staff_layout_nests_users_and_names_members_only_in_groupofnames(
    slapd_staff: SlapdServer,
) -> None:
    assert slapd_staff.user_dn("alice") == f"uid=alice,ou=staff,{PEOPLE_DN}"
    assert slapd_staff.user_dn("dave") == f"uid=dave,ou=contractors,{PEOPLE_DN}"
    for name in slapd_staff.users:
        assert member_of(slapd_staff, name) == []
    service = bound(slapd_staff, slapd_staff.bind_dn, slapd_staff.bind_password)
    groups = search(service, GROUPS_DN, "(objectClass=groupOfNames)", ["member"])
    assert groups == {
        slapd_staff.group_dn("data.office"): {"member": [slapd_staff.user_dn("alice")]},
        slapd_staff.group_dn("ops"): {"member": [slapd_staff.user_dn("carol")]},
        slapd_staff.group_dn("data.office.contractors"): {"member": [slapd_staff.user_dn("dave")]},
    }
    assert search(service, GROUPS_DN, "(objectClass=groupOfUniqueNames)", ["cn"]) == {}
