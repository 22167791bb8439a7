"""LDAP login with no group search base against a directory without ``memberOf``.

Such a directory (``slapd_staff``: groupOfNames listing members by DN, nothing on the users)
tells Airflow nothing about a user's groups unless ``JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE``
is set. Left out, every member is refused: the refusal must say which variable is missing
rather than "not a member" to someone the group lists.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.airflow_stack import AirflowStack, StackFactory
from tests.integration.test_ldap_login import (
    DATA_OFFICE,
    NOT_A_MEMBER,
    ldap_airflow,
    ldap_variables,
    token_response,
)
from tests.ldap.slapd import SlapdServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack_without_base(
    airflow_stack_factory: StackFactory, slapd_staff: SlapdServer
) -> Iterator[AirflowStack]:
    env = ldap_variables(slapd_staff)
    del env["JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE"]
    stack = ldap_airflow(airflow_stack_factory, slapd_staff, "ldap-no-group-base", env)
    yield stack
    stack.stop()


def test_a_listed_member_is_told_the_group_search_base_is_missing(
    stack_without_base: AirflowStack, slapd_staff: SlapdServer
) -> None:
    response = token_response(stack_without_base, "alice", slapd_staff.users["alice"])
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == (
        f"The directory lists your LDAP account in {DATA_OFFICE}, but Airflow cannot see it: the "
        "user's entry has no memberOf, so JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE must be set (e.g. "
        "to the branch holding the groups) for Airflow to see the groups. Tell your Airflow administrator."
    )


def test_someone_no_group_lists_is_refused_as_before(
    stack_without_base: AirflowStack, slapd_staff: SlapdServer
) -> None:
    response = token_response(stack_without_base, "bob", slapd_staff.users["bob"])
    assert response.status_code == 403, response.text
    assert NOT_A_MEMBER in response.json()["detail"]
    assert "GROUP_SEARCH_BASE" not in response.text
