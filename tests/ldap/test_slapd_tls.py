"""The TLS slapd fixture: StartTLS and ldaps:// with a throwaway CA, and no password in clear."""

from __future__ import annotations

import ssl

import ldap3
import pytest
from ldap3.core.exceptions import LDAPSocketOpenError, LDAPStartTLSError

from tests.ldap.slapd import SlapdServer

pytestmark = pytest.mark.integration


def who_am_i(connection: ldap3.Connection) -> str:
    assert connection.bind(), connection.result
    return str(connection.extend.standard.who_am_i())


def test_starttls_and_ldaps_work_for_a_client_trusting_the_ca(slapd_tls: SlapdServer) -> None:
    alice, password = slapd_tls.user_dn("alice"), slapd_tls.users["alice"]
    over_ldaps = slapd_tls.connection(alice, password, uri=slapd_tls.ldaps_uri)
    assert who_am_i(over_ldaps) == f"dn:{alice}"
    assert over_ldaps.server.ssl
    upgraded = slapd_tls.connection(alice, password)
    upgraded.open()
    assert upgraded.start_tls()
    assert who_am_i(upgraded) == f"dn:{alice}"
    assert upgraded.tls_started


def test_the_certificate_names_localhost_too(slapd_tls: SlapdServer) -> None:
    uri = slapd_tls.ldaps_uri.replace("127.0.0.1", "localhost")
    connection = slapd_tls.connection(slapd_tls.bind_dn, slapd_tls.bind_password, uri=uri)
    assert who_am_i(connection) == f"dn:{slapd_tls.bind_dn}"


def test_a_password_without_tls_is_refused(slapd_tls: SlapdServer) -> None:
    connection = slapd_tls.connection(slapd_tls.user_dn("alice"), slapd_tls.users["alice"])
    assert not connection.bind()
    assert connection.result["description"] == "confidentialityRequired"


def untrusting(uri: str) -> ldap3.Connection:
    """A client that verifies certificates against the system's CAs only."""
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED)
    return ldap3.Connection(ldap3.Server(uri, tls=tls, connect_timeout=5, get_info=ldap3.NONE))


def test_a_client_that_does_not_trust_the_ca_fails_the_handshake(slapd_tls: SlapdServer) -> None:
    with pytest.raises(LDAPSocketOpenError, match="certificate verify failed"):
        untrusting(slapd_tls.ldaps_uri).open()
    connection = untrusting(slapd_tls.uri)
    connection.open()
    with pytest.raises(LDAPStartTLSError, match="certificate verify failed"):
        connection.start_tls()


def test_a_restart_keeps_both_listeners_and_the_certificate(slapd_tls: SlapdServer) -> None:
    uris, ca = (slapd_tls.uri, slapd_tls.ldaps_uri), slapd_tls.ca_file.read_bytes()
    with slapd_tls.stopped(), pytest.raises(LDAPSocketOpenError):
        slapd_tls.connection(uri=slapd_tls.ldaps_uri).open()
    assert (slapd_tls.uri, slapd_tls.ldaps_uri) == uris
    assert slapd_tls.ca_file.read_bytes() == ca
    ldaps = slapd_tls.connection(slapd_tls.bind_dn, slapd_tls.bind_password, uri=slapd_tls.ldaps_uri)
    assert who_am_i(ldaps) == f"dn:{slapd_tls.bind_dn}"
