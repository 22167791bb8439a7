"""LDAP login against a real slapd: only members of the required groups get in.

One Airflow (api-server, scheduler, dag-processor) runs the FAB auth manager with the shipped
``webserver_config`` template, pointed by environment variables at the session's slapd (with
the memberof overlay). ``data.office`` members are found through ``memberOf``; members of the
``groupOfUniqueNames`` group ``data.office.contractors`` only through the group entries — so
both ways of knowing a user's groups are exercised. Mapping: data.office → User, contractors →
Viewer; both groups are required. The login page is used through real headless Chromium.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.integration.airflow_stack import FAB_AUTH_MANAGER, AirflowStack, StackFactory
from tests.integration.jobs_stack import API_PATH
from tests.ldap.slapd import GROUPS_DN, PEOPLE_DN, SlapdServer

pytestmark = pytest.mark.integration

TEMPLATE = str(importlib.util.find_spec("airflow_jobs_provider.auth.webserver_config").origin)  # type: ignore[union-attr]
DATA_OFFICE = SlapdServer.group_dn("data.office")
CONTRACTORS = SlapdServer.group_dn("data.office.contractors")
NOT_A_MEMBER = "is not a member of"
INJECTIONS = ["*", ")(uid=*", "alice)(uid=*", "*)(|(uid=*", "\x00", "alice\x00", r"\00", "al*"]


@pytest.fixture(scope="module")
def ldap_stack(airflow_stack_factory: StackFactory, slapd: SlapdServer) -> Iterator[AirflowStack]:
    stack = airflow_stack_factory(
        name="ldap",
        auth_manager=FAB_AUTH_MANAGER,
        users={"alice": ("User", slapd.users["alice"])},
        env={
            "AIRFLOW__FAB__CONFIG_FILE": TEMPLATE,
            "JOB_ORCHESTRATOR_LDAP_URI": slapd.uri,
            "JOB_ORCHESTRATOR_LDAP_BIND_DN": slapd.bind_dn,
            "JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD": slapd.bind_password,
            "JOB_ORCHESTRATOR_LDAP_USER_SEARCH_BASE": PEOPLE_DN,
            "JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE": GROUPS_DN,
            "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS": f"{DATA_OFFICE};{CONTRACTORS}",
            "JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING": json.dumps(
                {DATA_OFFICE: ["User"], CONTRACTORS: ["Viewer"]}
            ),
            "JOB_ORCHESTRATOR_LDAP_TIMEOUT": "3",
        },
    )
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


def roles_of(stack: AirflowStack, username: str) -> list[str]:
    """The roles FAB stored for ``username`` (the CLI prints warnings before its JSON line)."""
    output = stack.run_cli("users", "list", "--output", "json").stdout.splitlines()
    users = json.loads(next(line for line in output if line.startswith("[")))
    (user,) = [user for user in users if user["username"] == username]
    return sorted(user["roles"])


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


def test_a_member_gets_a_token_and_the_mapped_role(ldap_stack: AirflowStack, slapd: SlapdServer) -> None:
    alice = token(ldap_stack, "alice", slapd.users["alice"])
    dags = requests.get(f"{ldap_stack.base_url}/api/v2/dags", headers=bearer(alice), timeout=30)
    assert dags.status_code == 200, dags.text
    assert roles_of(ldap_stack, "alice") == ["Public", "User"]


def test_a_member_known_only_by_the_group_entry_gets_in(ldap_stack: AirflowStack, slapd: SlapdServer) -> None:
    token(ldap_stack, "dave", slapd.users["dave"])
    assert roles_of(ldap_stack, "dave") == ["Public", "Viewer"]


@pytest.mark.parametrize("outsider", ["bob", "carol"])
def test_outsiders_are_refused_with_the_reason(
    ldap_stack: AirflowStack, slapd: SlapdServer, outsider: str
) -> None:
    response = token_response(ldap_stack, outsider, slapd.users[outsider])
    assert response.status_code == 403, response.text
    detail = response.json()["detail"]
    assert NOT_A_MEMBER in detail
    assert DATA_OFFICE in detail


def test_a_wrong_password_is_refused(ldap_stack: AirflowStack) -> None:
    response = token_response(ldap_stack, "alice", "not-alice-pass")
    assert response.status_code == 401, response.text
    assert NOT_A_MEMBER not in response.text


@pytest.mark.parametrize("username", INJECTIONS)
def test_filter_injection_finds_nobody(ldap_stack: AirflowStack, slapd: SlapdServer, username: str) -> None:
    for password in (slapd.users["alice"], "anything"):
        response = token_response(ldap_stack, username, password)
        assert response.status_code == 401, f"{username!r}: {response.status_code} {response.text}"


def test_the_login_page_lets_a_member_in_and_tells_an_outsider_why(
    ldap_stack: AirflowStack, slapd: SlapdServer, new_page: Callable[[], Page]
) -> None:
    member = new_page()
    browser_login(member, ldap_stack, "alice", slapd.users["alice"])
    member.wait_for_url(lambda url: "/auth/login" not in url)
    assert token_cookie(member), "the login page set no token cookie"
    # the UI's cookie is all the plugin's API needs
    status = member.evaluate(
        "fetch('/job-orchestrator/api/v1/deployments').then(response => response.status)"
    )
    assert status == 200

    outsider = new_page()
    browser_login(outsider, ldap_stack, "bob", slapd.users["bob"])
    expect(outsider.get_by_text(NOT_A_MEMBER)).to_be_visible()
    expect(outsider.get_by_text(DATA_OFFICE)).to_be_visible()
    assert not token_cookie(outsider)

    mistyped = new_page()
    browser_login(mistyped, ldap_stack, "alice", "not-alice-pass")
    expect(mistyped.get_by_text("Invalid login")).to_be_visible()
    assert not token_cookie(mistyped)
    assert NOT_A_MEMBER not in mistyped.content()


def test_the_plugin_api_follows_the_ldap_roles(ldap_stack: AirflowStack, slapd: SlapdServer) -> None:
    alice = token(ldap_stack, "alice", slapd.users["alice"])
    dave = token(ldap_stack, "dave", slapd.users["dave"])
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


def test_membership_is_checked_at_every_login(ldap_stack: AirflowStack, slapd: SlapdServer) -> None:
    carol, password = slapd.user_dn("carol"), slapd.users["carol"]
    admin = slapd.admin_connection()
    try:
        assert admin.modify(DATA_OFFICE, {"member": [("MODIFY_ADD", [carol])]}), admin.result
        token(ldap_stack, "carol", password)
        assert roles_of(ldap_stack, "carol") == ["Public", "User"]
    finally:
        assert admin.modify(DATA_OFFICE, {"member": [("MODIFY_DELETE", [carol])]}), admin.result
        admin.unbind()
    assert token_response(ldap_stack, "carol", password).status_code == 403


def test_with_the_directory_down_login_fails_clearly_and_airflow_keeps_serving(
    ldap_stack: AirflowStack, slapd: SlapdServer, new_page: Callable[[], Page]
) -> None:
    earlier = token(ldap_stack, "alice", slapd.users["alice"])
    with slapd.stopped():
        response = token_response(ldap_stack, "alice", slapd.users["alice"])
        assert response.status_code == 503, response.text
        assert f"{slapd.uri} did not answer (Can't contact LDAP server" in response.json()["detail"]
        page = new_page()
        browser_login(page, ldap_stack, "alice", slapd.users["alice"])
        expect(page.get_by_text("did not answer")).to_be_visible()
        health = requests.get(f"{ldap_stack.base_url}/api/v2/monitor/health", timeout=30)
        assert health.status_code == 200
        assert requests.get(f"{ldap_stack.base_url}/api/v2/dags", headers=bearer(earlier), timeout=30).ok
    token(ldap_stack, "alice", slapd.users["alice"])
