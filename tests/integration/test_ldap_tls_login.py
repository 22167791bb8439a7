"""LDAP login over TLS against the TLS slapd: what works, and what a user reads when TLS fails.

Two Airflows run the shipped template against ``slapd_tls``, which takes no password without
TLS, so a login that succeeds went over TLS:

- over StartTLS, trusting the CA through ``JOB_ORCHESTRATOR_LDAP_TLS_CA_FILE``. FAB reads that
  file again at every login, so the tests also swap in a CA that did not sign the server's
  certificate, and remove the file, to show those failures without a third Airflow;
- over ldaps:// without a CA file: the system's CAs do not know the throwaway CA.

FAB refuses a failed StartTLS as if the password were wrong, and python-ldap (GnuTLS) calls an
untrusted certificate "Can't contact LDAP server: (unknown error code)"; the security manager
turns both into a refusal that names TLS and the certificate.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.certificates import CertificateAuthority
from tests.integration.airflow_stack import FAB_AUTH_MANAGER, AirflowStack, StackFactory
from tests.integration.test_ldap_login import (
    TEMPLATE,
    bearer,
    browser_login,
    token,
    token_cookie,
    token_response,
)
from tests.ldap.slapd import SlapdServer
from tests.ldap.test_ldap_check_tls import NO_CA_FILE, NOT_TRUSTED, tls_environment

pytestmark = pytest.mark.integration

NOBODY = "Nobody can log in right now: TLS with the LDAP server "


def tls_stack(
    factory: StackFactory, server: SlapdServer, name: str, environment: dict[str, str]
) -> AirflowStack:
    return factory(
        name=name,
        auth_manager=FAB_AUTH_MANAGER,
        users={"alice": ("User", server.users["alice"])},
        env={"AIRFLOW__FAB__CONFIG_FILE": TEMPLATE, **environment},
    )


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory, slapd_tls: SlapdServer) -> Path:
    """A copy of the slapd's CA that tests may swap or remove (and must put back)."""
    return Path(shutil.copy(slapd_tls.ca_file, tmp_path_factory.mktemp("ldap-ca") / "ca.pem"))


@pytest.fixture(scope="module")
def starttls_stack(
    airflow_stack_factory: StackFactory, slapd_tls: SlapdServer, ca_file: Path
) -> Iterator[AirflowStack]:
    stack = tls_stack(
        airflow_stack_factory, slapd_tls, "ldap-starttls", tls_environment(slapd_tls, "starttls", ca_file)
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def untrusting_stack(airflow_stack_factory: StackFactory, slapd_tls: SlapdServer) -> Iterator[AirflowStack]:
    stack = tls_stack(
        airflow_stack_factory, slapd_tls, "ldaps-no-ca", tls_environment(slapd_tls, "ldaps", None)
    )
    yield stack
    stack.stop()


def refusal(stack: AirflowStack, server: SlapdServer) -> str:
    """The token endpoint's answer to alice's right password, which must be a 503."""
    response = token_response(stack, "alice", server.users["alice"])
    assert response.status_code == 503, response.text
    return str(response.json()["detail"])


def test_over_starttls_trusting_the_ca_a_member_gets_a_token(
    starttls_stack: AirflowStack, slapd_tls: SlapdServer
) -> None:
    alice = token(starttls_stack, "alice", slapd_tls.users["alice"])
    assert requests.get(f"{starttls_stack.base_url}/api/v2/dags", headers=bearer(alice), timeout=30).ok
    # the outsider and the wrong password get their usual answers: TLS is not blamed
    bob = token_response(starttls_stack, "bob", slapd_tls.users["bob"])
    assert bob.status_code == 403, bob.text
    mistyped = token_response(starttls_stack, "alice", "not-alice-pass")
    assert mistyped.status_code == 401, mistyped.text
    assert "TLS" not in mistyped.text


def test_when_the_ca_file_does_not_vouch_for_the_server_login_names_the_certificate(
    starttls_stack: AirflowStack, slapd_tls: SlapdServer, ca_file: Path
) -> None:
    trusted = ca_file.read_bytes()
    try:
        CertificateAuthority.create("some other CA").write_cert(ca_file)
        detail = refusal(starttls_stack, slapd_tls)
        assert detail.startswith(f"{NOBODY}{slapd_tls.uri} failed: {NOT_TRUSTED}"), detail
        assert f"the CA file {ca_file} (AUTH_LDAP_TLS_CACERTFILE) does not vouch for it" in detail

        ca_file.unlink()
        detail = refusal(starttls_stack, slapd_tls)
        assert f"the CA file {ca_file} (AUTH_LDAP_TLS_CACERTFILE) does not exist or cannot be read" in detail
    finally:
        ca_file.write_bytes(trusted)
    token(starttls_stack, "alice", slapd_tls.users["alice"])


def test_over_starttls_a_directory_that_is_down_is_named(
    starttls_stack: AirflowStack, slapd_tls: SlapdServer
) -> None:
    with slapd_tls.stopped():
        detail = refusal(starttls_stack, slapd_tls)
    assert detail.startswith(f"The LDAP server {slapd_tls.uri} did not answer (Can't contact LDAP server"), (
        detail
    )


def test_over_ldaps_without_the_ca_login_fails_naming_the_certificate(
    untrusting_stack: AirflowStack, slapd_tls: SlapdServer, new_page: Callable[[], Page]
) -> None:
    detail = refusal(untrusting_stack, slapd_tls)
    assert detail.startswith(f"{NOBODY}{slapd_tls.ldaps_uri} failed: {NOT_TRUSTED}"), detail
    assert "self-signed certificate in certificate chain" in detail
    assert NO_CA_FILE in detail

    page = new_page()
    browser_login(page, untrusting_stack, "alice", slapd_tls.users["alice"])
    expect(page.get_by_text("the server's certificate is not trusted")).to_be_visible()
    assert not token_cookie(page)
    health = requests.get(f"{untrusting_stack.base_url}/api/v2/monitor/health", timeout=30)
    assert health.status_code == 200
