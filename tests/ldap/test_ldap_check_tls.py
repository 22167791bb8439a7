"""``ldap_check`` over TLS against the TLS slapd: StartTLS and ldaps://, trusted or not.

The directory refuses passwords without TLS, so every admitted verdict here was reached over
TLS. The environment and the ``check`` fixture are test_ldap_check's: the same template, the
same variables, only the URI and the TLS ones differ.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_jobs_provider.auth.ldap3_client import tls_failure
from airflow_jobs_provider.auth.login_settings import LdapLoginSettings, load_webserver_config
from airflow_jobs_provider.ldap_check import EXIT_ADMITTED, EXIT_REFUSED
from tests.certificates import CertificateAuthority
from tests.ldap import test_ldap_check
from tests.ldap.slapd import SlapdServer
from tests.ldap.test_ldap_check import TEMPLATE, Check, ldap_environment

check = test_ldap_check.check  # the fixture: run ldap_check in-process with an environment

NOT_TRUSTED = "the server's certificate is not trusted (certificate verify failed: "
NO_CA_FILE = (
    "no CA file is set, so only the system's CAs are trusted: set AUTH_LDAP_TLS_CACERTFILE "
    "(JOB_ORCHESTRATOR_LDAP_TLS_CA_FILE in the shipped template) to the CA certificate that "
    "signed the directory's"
)


def tls_environment(
    server: SlapdServer, transport: str, ca_file: Path | None, **overrides: str
) -> dict[str, str]:
    """The template's variables for ``server`` over ``starttls`` or ``ldaps``."""
    tls = {
        "JOB_ORCHESTRATOR_LDAP_URI": server.ldaps_uri if transport == "ldaps" else server.uri,
        "JOB_ORCHESTRATOR_LDAP_USE_STARTTLS": str(transport == "starttls").lower(),
        "JOB_ORCHESTRATOR_LDAP_TLS_CA_FILE": str(ca_file or ""),
    }
    return ldap_environment(server, **{**tls, **overrides})


def failure_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("FAIL"))


@pytest.fixture(params=["starttls", "ldaps"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_trusting_the_ca_a_member_is_admitted(check: Check, slapd_tls: SlapdServer, transport: str) -> None:
    environment = tls_environment(slapd_tls, transport, slapd_tls.ca_file)
    code, output = check(environment, "alice", "--password", password=slapd_tls.users["alice"])
    assert code == EXIT_ADMITTED, output
    assert "OK   TLS works\n" in output
    assert "OK   the password is accepted" in output  # sent over TLS: slapd takes no other
    assert "may log in" in output


def test_without_the_ca_the_certificate_is_named_as_the_problem(
    check: Check, slapd_tls: SlapdServer, transport: str
) -> None:
    server = slapd_tls.ldaps_uri if transport == "ldaps" else slapd_tls.uri
    code, output = check(tls_environment(slapd_tls, transport, None), "alice")
    assert code == EXIT_REFUSED, output
    assert f"OK   the LDAP server {server} answers" in output
    line = failure_line(output)
    assert line.startswith(f"FAIL TLS with {server} failed: {NOT_TRUSTED}"), line
    assert "self-signed certificate in certificate chain" in line
    assert line.endswith(NO_CA_FILE)
    assert output.rstrip().endswith(line)  # nothing after it: no bind was tried


def test_another_ca_does_not_vouch_for_the_server(
    check: Check, slapd_tls: SlapdServer, tmp_path: Path
) -> None:
    other = CertificateAuthority.create("some other CA").write_cert(tmp_path / "other-ca.pem")
    code, output = check(tls_environment(slapd_tls, "ldaps", other), "alice")
    assert code == EXIT_REFUSED, output
    line = failure_line(output)
    assert NOT_TRUSTED in line
    assert line.endswith(f"the CA file {other} (AUTH_LDAP_TLS_CACERTFILE) does not vouch for it")


def test_allowing_self_signed_certificates_skips_the_check(
    check: Check, slapd_tls: SlapdServer, transport: str
) -> None:
    environment = tls_environment(slapd_tls, transport, None, JOB_ORCHESTRATOR_LDAP_ALLOW_SELF_SIGNED="true")
    code, output = check(environment, "alice")
    assert code == EXIT_ADMITTED, output
    assert "OK   TLS works (the certificate is not checked: AUTH_LDAP_ALLOW_SELF_SIGNED)" in output


def test_a_missing_ca_file_is_named(check: Check, slapd_tls: SlapdServer, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-ca.pem"
    code, output = check(tls_environment(slapd_tls, "ldaps", missing), "alice")
    assert code == EXIT_REFUSED, output
    assert failure_line(output) == (
        f"FAIL the CA file {missing} (AUTH_LDAP_TLS_CACERTFILE) does not exist or cannot be read"
    )


def test_without_tls_a_directory_that_requires_it_refuses_the_bind(
    check: Check, slapd_tls: SlapdServer
) -> None:
    code, output = check(tls_environment(slapd_tls, "plain", None), "alice")
    assert code == EXIT_REFUSED, output
    assert "TLS works" not in output
    assert (
        failure_line(output)
        == f"FAIL Airflow's bind as {slapd_tls.bind_dn} is refused: confidentialityRequired"
        " (check JOB_ORCHESTRATOR_LDAP_BIND_DN and JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD)"
    )


def test_tls_failure_is_what_the_login_asks_when_the_directory_fails(
    monkeypatch: pytest.MonkeyPatch, slapd_tls: SlapdServer, slapd: SlapdServer
) -> None:
    """The security manager's question after python-ldap failed: was it TLS, and what?"""

    def settings(environment: dict[str, str]) -> LdapLoginSettings:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return LdapLoginSettings.from_flask_config(load_webserver_config(TEMPLATE))

    untrusted = tls_failure(settings(tls_environment(slapd_tls, "ldaps", None)))
    assert untrusted is not None
    assert untrusted.startswith(NOT_TRUSTED)
    assert tls_failure(settings(tls_environment(slapd_tls, "starttls", None))) == untrusted
    assert tls_failure(settings(tls_environment(slapd_tls, "ldaps", slapd_tls.ca_file))) is None
    assert tls_failure(settings(tls_environment(slapd_tls, "starttls", slapd_tls.ca_file))) is None
    assert tls_failure(settings(ldap_environment(slapd))) is None  # no TLS configured: nothing to say
    with slapd_tls.stopped():  # not answering at all is not a TLS failure
        assert tls_failure(settings(tls_environment(slapd_tls, "ldaps", None))) is None
