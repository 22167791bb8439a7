"""The LDAP login settings, read from the FAB auth manager's ``webserver_config.py``.

The security manager and ``ldap_check`` both build them from that one file, so the diagnosis
tells what a login would do, not what some other configuration says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow_jobs_provider.auth.membership import RequiredGroups

# Our own keys in webserver_config.py, beside FAB's AUTH_LDAP_* ones.
REQUIRED_GROUPS_KEY = "JOB_ORCHESTRATOR_REQUIRED_GROUPS"
GROUP_SEARCH_BASE_KEY = "JOB_ORCHESTRATOR_GROUP_SEARCH_BASE"
TIMEOUT_KEY = "JOB_ORCHESTRATOR_LDAP_TIMEOUT"
# Setting key -> the variable it came from, when the shipped template built the config.
SETTING_VARIABLES_KEY = "JOB_ORCHESTRATOR_SETTING_VARIABLES"
DEFAULT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class LdapLoginSettings:
    """What a login needs to know about the directory (defaults as FAB's)."""

    server: str
    bind_dn: str
    bind_password: str = field(repr=False)
    user_search_base: str
    user_search_filter: str
    uid_field: str
    group_field: str
    use_starttls: bool
    allow_self_signed: bool
    tls_demand: bool
    ca_file: str
    roles_mapping: Mapping[str, list[str]]
    roles_sync_at_login: bool
    registration_role: str | None
    required_groups: RequiredGroups
    group_search_base: str
    timeout: float
    setting_variables: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_flask_config(cls, config: Mapping[str, Any]) -> LdapLoginSettings:
        registration = bool(config.get("AUTH_USER_REGISTRATION", False))
        return cls(
            server=config.get("AUTH_LDAP_SERVER", ""),
            bind_dn=config.get("AUTH_LDAP_BIND_USER", ""),
            bind_password=config.get("AUTH_LDAP_BIND_PASSWORD", ""),
            user_search_base=config.get("AUTH_LDAP_SEARCH", ""),
            user_search_filter=config.get("AUTH_LDAP_SEARCH_FILTER", ""),
            uid_field=config.get("AUTH_LDAP_UID_FIELD", "uid"),
            group_field=config.get("AUTH_LDAP_GROUP_FIELD", "memberOf"),
            use_starttls=bool(config.get("AUTH_LDAP_USE_TLS", False)),
            allow_self_signed=bool(config.get("AUTH_LDAP_ALLOW_SELF_SIGNED", False)),
            tls_demand=bool(config.get("AUTH_LDAP_TLS_DEMAND", False)),
            ca_file=config.get("AUTH_LDAP_TLS_CACERTFILE", ""),
            roles_mapping=dict(config.get("AUTH_ROLES_MAPPING", {})),
            roles_sync_at_login=bool(config.get("AUTH_ROLES_SYNC_AT_LOGIN", False)),
            registration_role=config.get("AUTH_USER_REGISTRATION_ROLE", "Public") if registration else None,
            required_groups=RequiredGroups(tuple(config.get(REQUIRED_GROUPS_KEY, ()))),
            group_search_base=config.get(GROUP_SEARCH_BASE_KEY, "") or "",
            timeout=float(config.get(TIMEOUT_KEY, DEFAULT_TIMEOUT_SECONDS)),
            setting_variables=dict(config.get(SETTING_VARIABLES_KEY, {})),
        )

    def name_of(self, key: str) -> str:
        """What the admin set for the setting ``key``: the template's variable, else the key."""
        return self.setting_variables.get(key, key)

    def bind_account_names(self) -> str:
        """The settings holding Airflow's own bind account, as the admin wrote them."""
        return f"{self.name_of('AUTH_LDAP_BIND_USER')} and {self.name_of('AUTH_LDAP_BIND_PASSWORD')}"

    def group_search_base_needed(self) -> str:
        """Why groups that list a user went unseen: with no group search base set, only the
        user's own group field counts, and the directory keeps none (no ``memberOf``)."""
        return (
            f"the user's entry has no {self.group_field}, so {self.name_of(GROUP_SEARCH_BASE_KEY)} "
            "must be set (e.g. to the branch holding the groups) for Airflow to see the groups"
        )

    def problems(self) -> list[str]:
        """Why logins restricted to the required groups cannot work with these settings."""
        found = []
        if not self.server:
            found.append("AUTH_LDAP_SERVER is not set: there is no directory to ask")
        if not self.required_groups.groups:
            found.append(f"{REQUIRED_GROUPS_KEY} is empty: name the LDAP group(s) whose members may log in")
        if not self.user_search_base:
            found.append(
                "AUTH_LDAP_SEARCH is not set: without a user search the groups of a user are unknown"
            )
        if not self.roles_sync_at_login:
            found.append(
                "AUTH_ROLES_SYNC_AT_LOGIN is False: the required groups are checked when roles are "
                "synced, so a user who left the group could still log in"
            )
        if self.timeout <= 0:
            found.append(f"{TIMEOUT_KEY} must be a positive number of seconds")
        return found


def load_webserver_config(path: str | Path) -> dict[str, Any]:
    """Run ``webserver_config.py`` as Airflow does (Flask's ``from_pyfile``) and return its keys."""
    from flask import Config

    config_path = Path(path)
    if not config_path.is_file():
        raise FileNotFoundError(f"{config_path} does not exist: set [fab] config_file to the FAB config")
    config = Config(str(config_path.parent))
    config.from_pyfile(str(config_path))
    return dict(config)
