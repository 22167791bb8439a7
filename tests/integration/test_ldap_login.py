"""LDAP login against a real slapd: only members of the required groups get in.

An Airflow (api-server, scheduler, dag-processor) runs the FAB auth manager with the shipped
``webserver_config`` template, pointed by environment variables at a slapd; every test runs
against two directory layouts, one Airflow each:

- ``slapd`` (seed.ldif, memberof overlay): ``data.office`` members are found through
  ``memberOf``; members of the ``groupOfUniqueNames`` group ``data.office.contractors`` only
  through the group entries — so both ways of knowing a user's groups are exercised;
- ``slapd_staff`` (seed-staff.ldif): users one branch deeper (``ou=staff,ou=people``), every
  group a ``groupOfNames`` naming members by full DN, no ``memberOf``; this Airflow reads its
  bind password from a file (``..._BIND_PASSWORD_FILE``).

Mapping: data.office → User, contractors → Viewer; both groups are required. The login page is
used through real headless Chromium.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.integration.airflow_stack import FAB_AUTH_MANAGER, AirflowStack, StackFactory, wait_until
from tests.integration.jobs_stack import API_PATH
from tests.ldap.slapd import SlapdServer, read_ldif
from tests.ldap.test_ldap_check import ldap_environment

pytestmark = pytest.mark.integration

TEMPLATE = str(importlib.util.find_spec("airflow_jobs_provider.auth.webserver_config").origin)  # type: ignore[union-attr]
DATA_OFFICE = SlapdServer.group_dn("data.office")
CONTRACTORS = SlapdServer.group_dn("data.office.contractors")
NOT_A_MEMBER = "is not a member of"
INJECTIONS = ["*", ")(uid=*", "alice)(uid=*", "*)(|(uid=*", "\x00", "alice\x00", r"\00", "al*"]
INVALID_LOGIN = "Invalid login"  # FAB's message for any failed login on its page


def ldap_variables(server: SlapdServer, **overrides: str) -> dict[str, str]:
    """Airflow's FAB config file and the template's variables for ``server`` (both groups
    required, found both ways), as ``ldap_check``'s tests set them."""
    return {"AIRFLOW__FAB__CONFIG_FILE": TEMPLATE, **ldap_environment(server, **overrides)}


def ldap_airflow(factory: StackFactory, server: SlapdServer, name: str, env: dict[str, str]) -> AirflowStack:
    return factory(
        name=name, auth_manager=FAB_AUTH_MANAGER, users={"alice": ("User", server.users["alice"])}, env=env
    )


@pytest.fixture(scope="module", params=["slapd", "slapd_staff"])
def directory(request: pytest.FixtureRequest) -> SlapdServer:
    """Each layout in turn: the tests below run once against each."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def ldap_stack(
    airflow_stack_factory: StackFactory, directory: SlapdServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AirflowStack]:
    env = ldap_variables(directory)
    if directory.seed.name != "seed.ldif":  # the other layout's Airflow reads a mounted Secret
        password_file = tmp_path_factory.mktemp("bind-secret") / "password"
        password_file.write_text(env.pop("JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD"))
        env["JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE"] = str(password_file)
    stack = ldap_airflow(airflow_stack_factory, directory, f"ldap-{directory.workdir.name}", env)
    yield stack
    stack.stop()


def token_response(stack: AirflowStack, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{stack.base_url}/auth/token", json={"username": username, "password": password}, timeout=30
    )


def token(stack: AirflowStack, username: str, password: str) -> str:
    response = token_response(stack, username, password)
    assert response.status_code == 201, response.text
    return str(response.json()["access_token"])


def fab_users(stack: AirflowStack) -> list[dict[str, Any]]:
    """FAB's users (the CLI prints warnings before its JSON line)."""
    output = stack.run_cli("users", "list", "--output", "json").stdout.splitlines()
    return list(json.loads(next(line for line in output if line.startswith("["))))


def roles_of(stack: AirflowStack, username: str) -> list[str]:
    """The roles FAB stored for ``username``."""
    (user,) = [user for user in fab_users(stack) if user["username"] == username]
    return sorted(user["roles"])


def ldap_check(stack: AirflowStack, username: str) -> str:
    """``python -m airflow_jobs_provider.ldap_check USER`` on this Airflow (its config, its database)."""
    result = subprocess.run(
        [sys.executable, "-m", "airflow_jobs_provider.ldap_check", username],
        env=stack.environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


def browser_login(page: Page, stack: AirflowStack, username: str, password: str) -> None:
    """Open Airflow as a user does: sent to FAB's login page, fill it in, submit."""
    page.goto(f"{stack.base_url}/", wait_until="commit")
    # The UI sends an anonymous visitor there from script, which can abort a navigation and
    # start another (net::ERR_ABORTED): poll the address instead of awaiting one navigation.
    expect(page).to_have_url(re.compile(r"/auth/login/"), timeout=30_000)
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    # Await the page the form's POST leads to: on a busy machine the answer can take seconds,
    # and the page on screen until then is the login form without the message.
    with page.expect_navigation(wait_until="load", timeout=60_000):
        page.click('[type="submit"]')


def token_cookie(page: Page) -> bool:
    return any(cookie["name"] == "_token" for cookie in page.context.cookies())


def plugin_get(stack: AirflowStack, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(f"{stack.base_url}{API_PATH}{path}", timeout=30, **kwargs)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def test_a_member_gets_a_token_and_the_mapped_role(ldap_stack: AirflowStack, directory: SlapdServer) -> None:
    alice = token(ldap_stack, "alice", directory.users["alice"])
    dags = requests.get(f"{ldap_stack.base_url}/api/v2/dags", headers=bearer(alice), timeout=30)
    assert dags.status_code == 200, dags.text
    assert roles_of(ldap_stack, "alice") == ["Public", "User"]


def test_a_member_known_only_by_the_group_entry_gets_in(
    ldap_stack: AirflowStack, directory: SlapdServer
) -> None:
    token(ldap_stack, "dave", directory.users["dave"])
    assert roles_of(ldap_stack, "dave") == ["Public", "Viewer"]


@pytest.mark.parametrize("outsider", ["bob", "carol"])
def test_outsiders_are_refused_with_the_reason(
    ldap_stack: AirflowStack, directory: SlapdServer, outsider: str
) -> None:
    response = token_response(ldap_stack, outsider, directory.users[outsider])
    assert response.status_code == 403, response.text
    detail = response.json()["detail"]
    assert NOT_A_MEMBER in detail
    assert DATA_OFFICE in detail


def test_a_wrong_password_is_refused(ldap_stack: AirflowStack) -> None:
    response = token_response(ldap_stack, "alice", "not-alice-pass")
    assert response.status_code == 401, response.text
    assert NOT_A_MEMBER not in response.text


@pytest.mark.parametrize("username", INJECTIONS)
def test_filter_injection_finds_nobody(
    ldap_stack: AirflowStack, directory: SlapdServer, username: str
) -> None:
    for password in (directory.users["alice"], "anything"):
        response = token_response(ldap_stack, username, password)
        assert response.status_code == 401, f"{username!r}: {response.status_code} {response.text}"


def test_the_login_page_lets_a_member_in_and_tells_an_outsider_why(
    ldap_stack: AirflowStack, directory: SlapdServer, new_page: Callable[[], Page]
) -> None:
    member = new_page()
    browser_login(member, ldap_stack, "alice", directory.users["alice"])
    member.wait_for_url(lambda url: "/auth/login" not in url)
    assert token_cookie(member), "the login page set no token cookie"
    # the UI's cookie is all the plugin's API needs
    status = member.evaluate(
        "fetch('/job-orchestrator/api/v1/deployments').then(response => response.status)"
    )
    assert status == 200

    outsider = new_page()
    browser_login(outsider, ldap_stack, "bob", directory.users["bob"])
    expect(outsider.get_by_text(NOT_A_MEMBER)).to_be_visible()
    expect(outsider.get_by_text(DATA_OFFICE)).to_be_visible()
    # our reason only, not FAB's "Invalid login" beside it (same page, rendered at once)
    assert INVALID_LOGIN not in outsider.content()
    assert not token_cookie(outsider)

    mistyped = new_page()
    browser_login(mistyped, ldap_stack, "alice", "not-alice-pass")
    expect(mistyped.get_by_text("Invalid login")).to_be_visible()
    assert not token_cookie(mistyped)
    assert NOT_A_MEMBER not in mistyped.content()


def test_the_plugin_api_follows_the_ldap_roles(ldap_stack: AirflowStack, directory: SlapdServer) -> None:
    alice = token(ldap_stack, "alice", directory.users["alice"])
    dave = token(ldap_stack, "dave", directory.users["dave"])
    assert plugin_get(ldap_stack, "/deployments", headers=bearer(alice)).status_code == 200
    assert plugin_get(ldap_stack, "/deployments", headers=bearer(dave)).status_code == 200
    assert plugin_get(ldap_stack, "/deployments").status_code == 401
    # a forged token is refused as Airflow's own API refuses it ("Invalid JWT token")
    assert plugin_get(ldap_stack, "/deployments", headers=bearer("not-a-token")).status_code == 403
    # a Viewer may read but not deploy
    deploy = requests.post(
        f"{ldap_stack.base_url}{API_PATH}/deployments",
        headers={**bearer(dave), "X-Job-Orchestrator": "1"},
        json={"name": "viewer-cannot"},
        timeout=30,
    )
    assert deploy.status_code == 403, deploy.text


def test_spaces_around_the_name_log_in_the_same_airflow_user(
    ldap_stack: AirflowStack, directory: SlapdServer
) -> None:
    """The directory ignores them (uid's matching rule): " alice" binds as alice, and must be her."""
    for typed in (" alice", "alice ", "alice", "\talice  "):
        alice = token(ldap_stack, typed, directory.users["alice"])
        dags = requests.get(f"{ldap_stack.base_url}/api/v2/dags", headers=bearer(alice), timeout=30)
        assert dags.status_code == 200, f"{typed!r}: {dags.text}"
    assert [user["username"] for user in fab_users(ldap_stack) if "alice" in user["username"]] == ["alice"]


def test_membership_is_checked_at_every_login_and_ldap_check_names_stale_roles(
    ldap_stack: AirflowStack, directory: SlapdServer
) -> None:
    carol, password = directory.user_dn("carol"), directory.users["carol"]
    admin = directory.admin_connection()
    try:
        assert admin.modify(DATA_OFFICE, {"member": [("MODIFY_ADD", [carol])]}), admin.result
        earlier = token(ldap_stack, "carol", password)
        assert roles_of(ldap_stack, "carol") == ["Public", "User"]
        assert "OK   roles in Airflow's database: Public, User" in ldap_check(ldap_stack, "carol")
    finally:
        assert admin.modify(DATA_OFFICE, {"member": [("MODIFY_DELETE", [carol])]}), admin.result
        admin.unbind()
    assert token_response(ldap_stack, "carol", password).status_code == 403

    # The refusal leaves FAB's stored roles alone, and a token issued before keeps them:
    dags = f"{ldap_stack.base_url}/api/v2/dags"
    assert requests.get(dags, headers=bearer(earlier), timeout=30).status_code == 200
    report = ldap_check(ldap_stack, "carol")
    assert (
        "WARN Airflow's database still gives 'carol' User from an earlier login, which the "
        "directory no longer grants: tokens and UI sessions issued before keep it until they "
        "expire ([api_auth] jwt_expiration_time: 86400 s) or it is removed: "
        "airflow users remove-role -u carol -r User"
    ) in report, report
    # ... and the command it gives takes them away from that token too (FAB reads the user's
    # roles from the database, cached for [fab] cache_ttl = 30 s).
    ldap_stack.run_cli("users", "remove-role", "-u", "carol", "-r", "User")
    wait_until(
        lambda: requests.get(dags, headers=bearer(earlier), timeout=30).status_code == 403,
        timeout=120,
        description="carol's earlier token to lose the User role",
    )
    assert "OK   roles in Airflow's database: Public" in ldap_check(ldap_stack, "carol")


def test_a_refused_bind_account_names_the_variables_that_were_set(
    ldap_stack: AirflowStack, directory: SlapdServer
) -> None:
    """The directory's admin changed Airflow's bind password; Airflow still sends the old one."""
    password_variable = next(
        name for name in ldap_stack.env if name.startswith("JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD")
    )
    (seeded,) = [attrs["userPassword"] for dn, attrs in read_ldif(directory.seed) if dn == directory.bind_dn]
    admin = directory.admin_connection()
    try:
        assert admin.modify(directory.bind_dn, {"userPassword": [("MODIFY_REPLACE", ["rotated"])]}), (
            admin.result
        )
        response = token_response(ldap_stack, "alice", directory.users["alice"])
        assert response.status_code == 503, response.text
        detail = response.json()["detail"]
        assert f"(JOB_ORCHESTRATOR_LDAP_BIND_DN and {password_variable}) was refused" in detail, detail
        assert "AUTH_LDAP_BIND_USER" not in detail
    finally:
        assert admin.modify(directory.bind_dn, {"userPassword": [("MODIFY_REPLACE", seeded)]}), admin.result
        admin.unbind()
    token(ldap_stack, "alice", directory.users["alice"])


def test_with_the_directory_down_login_fails_clearly_and_airflow_keeps_serving(
    ldap_stack: AirflowStack, directory: SlapdServer, new_page: Callable[[], Page]
) -> None:
    earlier = token(ldap_stack, "alice", directory.users["alice"])
    with directory.stopped():
        response = token_response(ldap_stack, "alice", directory.users["alice"])
        assert response.status_code == 503, response.text
        assert f"{directory.uri} did not answer (Can't contact LDAP server" in response.json()["detail"]
        page = new_page()
        browser_login(page, ldap_stack, "alice", directory.users["alice"])
        expect(page.get_by_text("did not answer")).to_be_visible()
        health = requests.get(f"{ldap_stack.base_url}/api/v2/monitor/health", timeout=30)
        assert health.status_code == 200
        assert requests.get(f"{ldap_stack.base_url}/api/v2/dags", headers=bearer(earlier), timeout=30).ok
    token(ldap_stack, "alice", directory.users["alice"])
