"""The webserver_config template: every setting from the environment, clear errors otherwise."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from airflow_jobs_provider.auth.environment import LdapEnvironment, LdapEnvironmentError
from airflow_jobs_provider.auth.login_settings import LdapLoginSettings, load_webserver_config
from airflow_jobs_provider.auth.security_manager import RequiredGroupSecurityManager

# its path only: importing the template runs it, and it needs the environment below
TEMPLATE = Path(str(importlib.util.find_spec("airflow_jobs_provider.auth.webserver_config").origin))
DATA_OFFICE = "cn=data.office,ou=groups,dc=example,dc=org"
CONTRACTORS = "cn=data.office.contractors,ou=groups,dc=example,dc=org"
MINIMAL = {
    "JOB_ORCHESTRATOR_LDAP_URI": "ldap://ldap.example.org:389",
    "JOB_ORCHESTRATOR_LDAP_BIND_DN": "cn=airflow,ou=services,dc=example,dc=org",
    "JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD": "s3cret",
    "JOB_ORCHESTRATOR_LDAP_USER_SEARCH_BASE": "ou=people,dc=example,dc=org",
    "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS": f"{DATA_OFFICE} ; {CONTRACTORS}",
}


@pytest.fixture
def ldap_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in MINIMAL.items():
        monkeypatch.setenv(name, value)
    return MINIMAL


def test_minimal_environment_gives_a_working_ldap_login(ldap_env: dict[str, str]) -> None:
    config = load_webserver_config(TEMPLATE)
    assert config["SECURITY_MANAGER_CLASS"] is RequiredGroupSecurityManager
    settings = LdapLoginSettings.from_flask_config(config)
    assert settings.problems() == []
    assert settings.server == "ldap://ldap.example.org:389"
    assert settings.bind_password == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.required_groups.groups == (DATA_OFFICE, CONTRACTORS)
    # every group also gets the role that may read Plugins, so it sees the pages (#51299)
    assert settings.roles_mapping == {
        DATA_OFFICE: ["User", "Job Orchestrator"],
        CONTRACTORS: ["User", "Job Orchestrator"],
    }
    assert (settings.user_search_filter, settings.uid_field, settings.group_field) == (
        "(objectClass=inetOrgPerson)",
        "uid",
        "memberOf",
    )
    assert settings.registration_role == "Public"
    assert settings.timeout == 10.0


def test_everything_can_be_set(
    ldap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password_file = tmp_path / "bind-password"
    password_file.write_text("from-a-secret\n")
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE", str(password_file))
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING", f'{{"{DATA_OFFICE}": ["Op", "User"]}}')
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE", "ou=groups,dc=example,dc=org")
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_USE_STARTTLS", "yes")
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_TIMEOUT", "2.5")
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_UID_FIELD", "sAMAccountName")
    settings = LdapLoginSettings.from_flask_config(load_webserver_config(TEMPLATE))
    assert settings.bind_password == "from-a-secret"
    assert settings.roles_mapping == {DATA_OFFICE: ["Op", "User", "Job Orchestrator"]}
    assert settings.group_search_base == "ou=groups,dc=example,dc=org"
    assert (settings.use_starttls, settings.timeout, settings.uid_field) == (True, 2.5, "sAMAccountName")


def test_the_pages_role_is_added_once_to_every_mapped_group(
    ldap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_PAGES_ROLE", "Data Pages")
    monkeypatch.setenv(
        "JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING",
        f'{{"{DATA_OFFICE}": ["User"], "{CONTRACTORS}": ["Data Pages", "Viewer"]}}',
    )
    settings = LdapLoginSettings.from_flask_config(load_webserver_config(TEMPLATE))
    assert settings.roles_mapping == {
        DATA_OFFICE: ["User", "Data Pages"],
        CONTRACTORS: ["Data Pages", "Viewer"],
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("URI", None, "JOB_ORCHESTRATOR_LDAP_URI is not set"),
        ("REQUIRED_GROUPS", None, "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS is not set"),
        ("REQUIRED_GROUPS", " ; ", "JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS names no group"),
        ("USE_STARTTLS", "maybe", "JOB_ORCHESTRATOR_LDAP_USE_STARTTLS must be true or false, not 'maybe'"),
        ("TIMEOUT", "0", "JOB_ORCHESTRATOR_LDAP_TIMEOUT must be a positive number"),
        ("TIMEOUT", "soon", "JOB_ORCHESTRATOR_LDAP_TIMEOUT must be a positive number"),
        ("ROLES_MAPPING", "{not json", "JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING is not valid JSON"),
        ("ROLES_MAPPING", '{"cn=x": "User"}', "must map group DNs to lists of role names"),
        (
            "BIND_PASSWORD_FILE",
            "/no/such/file",
            "JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE: cannot read /no/such/file",
        ),
    ],
)
def test_bad_environment_names_the_variable(
    ldap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str, value: str | None, message: str
) -> None:
    variable = f"JOB_ORCHESTRATOR_LDAP_{name}"
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(LdapEnvironmentError, match=re.escape(message)):
        load_webserver_config(TEMPLATE)


def test_settings_that_would_let_outsiders_in_are_problems() -> None:
    settings = LdapLoginSettings.from_flask_config({"AUTH_LDAP_SERVER": "ldap://x"})
    problems = " | ".join(settings.problems())
    assert "JOB_ORCHESTRATOR_REQUIRED_GROUPS is empty" in problems
    assert "AUTH_LDAP_SEARCH is not set" in problems
    assert "AUTH_ROLES_SYNC_AT_LOGIN is False" in problems


def test_flags_read_like_airflow_booleans() -> None:
    environment = LdapEnvironment({"JOB_ORCHESTRATOR_LDAP_A": "On", "JOB_ORCHESTRATOR_LDAP_B": "0"})
    assert (environment.flag("A"), environment.flag("B"), environment.flag("C", default=True)) == (
        True,
        False,
        True,
    )


def test_a_missing_config_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"webserver_config\.py does not exist"):
        load_webserver_config(tmp_path / "webserver_config.py")


def test_messages_name_the_variables_the_admin_set(
    ldap_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = LdapLoginSettings.from_flask_config(load_webserver_config(TEMPLATE))
    assert settings.bind_account_names() == (
        "JOB_ORCHESTRATOR_LDAP_BIND_DN and JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD"
    )
    assert "JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE must be set" in settings.group_search_base_needed()
    password_file = tmp_path / "bind-password"
    password_file.write_text("from-a-secret\n")
    monkeypatch.setenv("JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE", str(password_file))
    settings = LdapLoginSettings.from_flask_config(load_webserver_config(TEMPLATE))
    assert settings.bind_account_names().endswith("JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE")


def test_without_the_template_messages_name_fabs_keys() -> None:
    settings = LdapLoginSettings.from_flask_config({"AUTH_LDAP_SERVER": "ldap://ldap.example.org"})
    assert settings.bind_account_names() == "AUTH_LDAP_BIND_USER and AUTH_LDAP_BIND_PASSWORD"
    assert "JOB_ORCHESTRATOR_GROUP_SEARCH_BASE must be set" in settings.group_search_base_needed()
