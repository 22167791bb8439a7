"""``ldap_check`` against a real slapd: the verdict a login would reach, step by step."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from airflow_jobs_provider.ldap_check import EXIT_ADMITTED, EXIT_MISCONFIGURED, EXIT_REFUSED, main
from tests.ldap.slapd import GROUPS_DN, PEOPLE_DN, SlapdServer

TEMPLATE = str(importlib.util.find_spec("airflow_jobs_provider.auth.webserver_config").origin)  # type: ignore[union-attr]
DATA_OFFICE = SlapdServer.group_dn("data.office")
CONTRACTORS = SlapdServer.group_dn("data.office.contractors")

Check = Callable[..., tuple[int, str]]


def ldap_environment(server: SlapdServer, **overrides: str) -> dict[str, str]:
    """The template's variables for ``server``: both groups required, found both ways."""
    environment = {
        "JOB_ORCHESTRATOR_LDAP_URI": server.uri,
        "JOB_ORCHESTRATOR_LDAP_BIND_DN": server.bind_dn,
        "JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD": server.bind_password,
        "JOB_ORCHESTRATOR_LDAP_USER_SEARCH_BASE": PEOPLE_DN,
        "JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE": GROUPS_DN,
        "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS": f"{DATA_OFFICE};{CONTRACTORS}",
        "JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING": json.dumps({DATA_OFFICE: ["User"], CONTRACTORS: ["Viewer"]}),
        "JOB_ORCHESTRATOR_LDAP_TIMEOUT": "3",
    }
    environment.update(overrides)
    return environment


@pytest.fixture(params=["slapd", "slapd_without_memberof", "slapd_staff"])
def directory(request: pytest.FixtureRequest) -> SlapdServer:
    """Each test runs against a directory with the memberof overlay, one without, and the other
    layout (users one branch deeper, groupOfNames only, no memberOf)."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def check(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Check:
    """Run ``ldap_check`` in-process with the template and ``environment``: (exit code, output)."""

    def run(environment: dict[str, str], *argv: str, password: str | None = None) -> tuple[int, str]:
        for name in [name for name in os.environ if name.startswith("JOB_ORCHESTRATOR_LDAP_")]:
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        code = main(["--config", TEMPLATE, *argv], ask_password=lambda prompt: password or "")
        return code, capsys.readouterr().out

    return run


def test_a_member_is_admitted_with_roles(check: Check, directory: SlapdServer) -> None:
    code, output = check(ldap_environment(directory), "alice")
    assert code == EXIT_ADMITTED, output
    assert "OK   the LDAP server" in output
    assert f"OK   Airflow's bind as {directory.bind_dn} works" in output
    assert f"OK   user 'alice' is {directory.user_dn('alice')}" in output
    assert f"OK   groups: {DATA_OFFICE}" in output
    assert "OK   roles at login: Job Orchestrator, Public, User" in output
    assert "may log in" in output


def test_a_member_through_a_group_entry_is_admitted(check: Check, directory: SlapdServer) -> None:
    code, output = check(ldap_environment(directory), "dave")
    assert code == EXIT_ADMITTED, output
    assert f"groups: {CONTRACTORS}" in output
    assert "roles at login: Job Orchestrator, Public, Viewer" in output


@pytest.mark.parametrize("outsider", ["bob", "carol"])
def test_outsiders_are_refused(check: Check, directory: SlapdServer, outsider: str) -> None:
    code, output = check(ldap_environment(directory), outsider)
    assert code == EXIT_REFUSED, output
    assert f"FAIL not a member of {DATA_OFFICE} or {CONTRACTORS}: login is refused" in output
    assert "GROUP_SEARCH_BASE" not in output


def test_without_a_group_search_base_only_member_of_counts(check: Check, slapd: SlapdServer) -> None:
    code, output = check(ldap_environment(slapd, JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE=""), "dave")
    assert code == EXIT_REFUSED, output
    assert "groups: none" in output
    code, output = check(ldap_environment(slapd, JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE=""), "alice")
    assert code == EXIT_ADMITTED, output


@pytest.mark.parametrize("layout", ["slapd_without_memberof", "slapd_staff"])
def test_without_memberof_a_missing_group_search_base_is_named(
    check: Check, request: pytest.FixtureRequest, layout: str
) -> None:
    server: SlapdServer = request.getfixturevalue(layout)
    environment = ldap_environment(server, JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE="")
    code, output = check(environment, "alice")
    assert code == EXIT_REFUSED, output
    assert (
        f"FAIL the directory lists 'alice' in {DATA_OFFICE}, but the user's entry has no memberOf, "
        "so JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE must be set"
    ) in output
    code, output = check(environment, "bob")  # listed nowhere: refused, nothing to hint at
    assert code == EXIT_REFUSED, output
    assert "GROUP_SEARCH_BASE" not in output


@pytest.mark.parametrize("typed", [" alice", "alice ", "\talice  "])
def test_spaces_around_the_name_are_the_directorys_user(
    check: Check, directory: SlapdServer, typed: str
) -> None:
    code, output = check(ldap_environment(directory), typed, "--password", password=directory.users["alice"])
    assert code == EXIT_ADMITTED, output
    assert f"OK   user 'alice' is {directory.user_dn('alice')}" in output


def test_the_password_is_checked_when_asked(check: Check, slapd: SlapdServer) -> None:
    code, output = check(ldap_environment(slapd), "alice", "--password", password=slapd.users["alice"])
    assert code == EXIT_ADMITTED, output
    assert "OK   the password is accepted" in output
    code, output = check(ldap_environment(slapd), "alice", "--password", password="wrong")
    assert code == EXIT_REFUSED
    assert output.rstrip().endswith("FAIL the password is refused")


@pytest.mark.parametrize("username", ["nobody", "*", ")(uid=*", "alice\x00"])
def test_unknown_and_hostile_names_find_nobody(check: Check, slapd: SlapdServer, username: str) -> None:
    code, output = check(ldap_environment(slapd), username)
    assert code == EXIT_REFUSED, output
    assert "finds no entry" in output


def test_a_wrong_bind_password_is_named(check: Check, slapd: SlapdServer, tmp_path: Path) -> None:
    environment = ldap_environment(slapd, JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD="wrong")
    code, output = check(environment, "alice")
    assert code == EXIT_REFUSED
    assert (
        f"FAIL Airflow's bind as {slapd.bind_dn} is refused: invalidCredentials "
        "(check JOB_ORCHESTRATOR_LDAP_BIND_DN and JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD)"
    ) in output
    password_file = tmp_path / "bind-password"
    password_file.write_text("also-wrong\n")
    environment["JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE"] = str(password_file)
    code, output = check(environment, "alice")
    assert code == EXIT_REFUSED
    assert "(check JOB_ORCHESTRATOR_LDAP_BIND_DN and JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE)" in output


def test_a_server_that_does_not_answer_is_named(check: Check, slapd: SlapdServer) -> None:
    with slapd.stopped():
        code, output = check(ldap_environment(slapd), "alice")
    assert code == EXIT_REFUSED
    assert f"FAIL the LDAP server {slapd.uri} does not answer" in output


def test_a_broken_config_says_which_variable(check: Check, slapd: SlapdServer) -> None:
    environment = ldap_environment(slapd)
    del environment["JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS"]
    code, output = check(environment, "alice")
    assert code == EXIT_MISCONFIGURED
    assert "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS is not set" in output


def test_it_runs_as_a_module_with_airflows_config_file(slapd: SlapdServer) -> None:
    """``python -m``, with the config found through ``[fab] config_file`` as Airflow finds it."""
    environment = {
        **{
            name: value for name, value in os.environ.items() if not name.startswith("JOB_ORCHESTRATOR_LDAP_")
        },
        **ldap_environment(slapd),
        "AIRFLOW__FAB__CONFIG_FILE": TEMPLATE,
    }
    result = subprocess.run(
        [sys.executable, "-m", "airflow_jobs_provider.ldap_check", "carol"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_REFUSED, result.stdout + result.stderr
    assert f"config: {TEMPLATE}" in result.stdout
    assert "login is refused" in result.stdout
