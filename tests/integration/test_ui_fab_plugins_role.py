"""Under FAB with LDAP, the data team sees the pages: the template maps its role that may read Plugins.

Airflow lists plugin pages only for roles with "can read on Plugins" (apache/airflow#51299),
which FAB's built-in User and Viewer roles lack. The admin declares that role as the admin guide
says ([fab] custom_roles) and maps groups to built-in roles only; the template adds the role
(JOB_ORCHESTRATOR_LDAP_PAGES_ROLE, "Job Orchestrator" by default) to every mapped group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.integration.airflow_stack import FAB_AUTH_MANAGER, AirflowStack, StackFactory
from tests.integration.test_ldap_login import CONTRACTORS, DATA_OFFICE, TEMPLATE, browser_login, token
from tests.ldap.slapd import GROUPS_DN, PEOPLE_DN, SlapdServer

pytestmark = pytest.mark.integration

PAGES_ROLE = "Job Orchestrator"


@pytest.fixture(scope="module")
def fab_stack(airflow_stack_factory: StackFactory, slapd: SlapdServer) -> Iterator[AirflowStack]:
    stack = airflow_stack_factory(
        name="fab-pages",
        auth_manager=FAB_AUTH_MANAGER,
        users={"alice": ("User", slapd.users["alice"])},
        env={
            "AIRFLOW__FAB__CONFIG_FILE": TEMPLATE,
            "AIRFLOW__FAB__CUSTOM_ROLES": json.dumps(
                {PAGES_ROLE: [{"action": "can_read", "resource": "Plugins"}]}
            ),
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


def test_the_team_role_sees_the_pages(
    fab_stack: AirflowStack, slapd: SlapdServer, new_page: Callable[[], Page]
) -> None:
    alice = new_page()
    browser_login(alice, fab_stack, "alice", slapd.users["alice"])
    alice.get_by_role("link", name="Job Orchestrator").click()
    expect(alice.get_by_role("heading", name="Deployments", level=1)).to_be_visible()  # the landing page
    alice.get_by_role("link", name="Deploy an artifact").click()
    expect(alice.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()
    alice.get_by_role("combobox", name="Source").select_option("local")
    expect(alice.get_by_role("combobox", name="Repository")).to_be_visible()


def test_every_mapped_group_may_list_the_plugins(fab_stack: AirflowStack, slapd: SlapdServer) -> None:
    """Without the added role neither could (#51299): dave's group maps to Viewer, alice's to User."""
    for user in ("alice", "dave"):
        answer = requests.get(
            f"{fab_stack.base_url}/api/v2/plugins",
            headers={"Authorization": f"Bearer {token(fab_stack, user, slapd.users[user])}"},
            timeout=30,
        )
        assert answer.status_code == 200, (user, answer.status_code, answer.text[:300])
