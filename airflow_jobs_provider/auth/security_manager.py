"""FAB's LDAP login, refusing everyone outside the required groups.

FAB alone logs in any directory user and gives an unmapped one an empty role; here a user who
is in none of ``JOB_ORCHESTRATOR_REQUIRED_GROUPS`` is refused, with a message that says so.
Membership comes from the user's ``memberOf`` (AD, OpenLDAP with the memberof overlay) and, when
``JOB_ORCHESTRATOR_GROUP_SEARCH_BASE`` is set, from group entries that list the user in
``member`` or ``uniqueMember`` (plain OpenLDAP). The check runs when roles are computed, which
FAB does only after the password bind succeeded: nothing is told to someone without the password.

When the directory cannot be used — down, TLS failing (an untrusted certificate, StartTLS
refused), Airflow's own bind account refused — the refusal says so instead of FAB's "invalid
credentials".
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from airflow.exceptions import AirflowConfigException
from airflow.providers.fab.auth_manager.security_manager.override import FabAirflowSecurityManagerOverride

from airflow_jobs_provider.auth.ldap3_client import ca_file_problem, tls_failure
from airflow_jobs_provider.auth.login_settings import LdapLoginSettings
from airflow_jobs_provider.auth.login_view import RefusalAwareLDAPView, remember_refusal
from airflow_jobs_provider.auth.membership import group_entries_filter, roles_for_groups

log = logging.getLogger(__name__)


class LoginRefused(Exception):
    """Login cannot succeed, for a reason the user should read."""

    status_code = 401


class NotInRequiredGroup(LoginRefused):
    status_code = 403


class DirectoryUnavailable(LoginRefused):
    status_code = 503


def _ldap_reason(error: Exception) -> str:
    """python-ldap's own words: ``desc`` ("Can't contact LDAP server") and ``info`` (the TLS or
    socket detail an admin needs), never a DN or password."""
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    words = [str(details[key]) for key in ("desc", "info") if details.get(key)]
    return ": ".join(words) or type(error).__name__


# Under this key of the user's LDAP attributes, _search_ldap leaves the required groups whose
# entries list a user who has no group otherwise, for the refusal to explain.
_LISTED_IN = "jobOrchestratorListedIn"


class RequiredGroupSecurityManager(FabAirflowSecurityManagerOverride):
    """Set as ``SECURITY_MANAGER_CLASS`` in ``webserver_config.py`` (see the template there)."""

    authldapview = RefusalAwareLDAPView

    def __init__(self, appbuilder: Any) -> None:
        from flask import current_app

        super().__init__(appbuilder)
        self.login_settings = LdapLoginSettings.from_flask_config(current_app.config)
        problems = self.login_settings.problems()
        if problems:
            raise AirflowConfigException("LDAP login is misconfigured: " + "; ".join(problems))

    def auth_user_ldap(self, username: str, password: str, rotate_session_id: bool = True) -> Any:
        import ldap

        # The directory ignores spaces around a uid (its matching rule), so " alice" binds as
        # alice; FAB would then look for a user " alice", not find alice, and fail to create a
        # second one with her e-mail (a 500). The same person is the same Airflow user.
        username = username.strip() if isinstance(username, str) else username

        # python-ldap waits for the OS's TCP timeout (minutes) on an unreachable server by default.
        ldap.set_option(ldap.OPT_NETWORK_TIMEOUT, self.login_settings.timeout)
        ldap.set_option(ldap.OPT_TIMEOUT, self.login_settings.timeout)
        try:
            problem = ca_file_problem(self.login_settings)
            if problem:  # python-ldap raises ValueError("option error") on it; FAB does not catch that
                raise DirectoryUnavailable(self._cannot_log_in(problem))
            user = super().auth_user_ldap(username, password, rotate_session_id)
            if user is None and username and self.login_settings.use_starttls:
                self._check_starttls(ldap)
            return user
        except LoginRefused as refusal:
            log.warning("LDAP login of %r refused: %s", username, refusal)
            return self._tell(refusal)

    @staticmethod
    def _tell(refusal: LoginRefused) -> None:
        """Show the reason on the login page, or answer the token endpoint with it."""
        from flask import has_request_context

        if has_request_context():  # FAB's login form (a Flask view): its one flashed message
            remember_refusal(str(refusal))
            return
        from fastapi import HTTPException  # POST /auth/token runs in an app context only

        raise HTTPException(status_code=refusal.status_code, detail=str(refusal))

    @staticmethod
    def _cannot_log_in(problem: str) -> str:
        return f"Nobody can log in right now: {problem}. Tell your Airflow administrator."

    def _tls_failed(self, reason: str) -> DirectoryUnavailable:
        return DirectoryUnavailable(
            self._cannot_log_in(f"TLS with the LDAP server {self.login_settings.server} failed: {reason}")
        )

    def _directory_unreachable(self, error: Exception) -> DirectoryUnavailable:
        # python-ldap (GnuTLS) reports an untrusted certificate as "Can't contact LDAP server:
        # (unknown error code)"; Python's ssl tells what went wrong, if it was TLS.
        reason = tls_failure(self.login_settings)
        if reason:
            return self._tls_failed(reason)
        return DirectoryUnavailable(
            f"The LDAP server {self.login_settings.server} did not answer ({_ldap_reason(error)}), "
            "so nobody can log in right now. Try again later, or tell your Airflow administrator."
        )

    def _check_starttls(self, ldap: Any) -> None:
        """FAB logs a failed StartTLS and refuses the login as if the password were wrong: after
        a failed login, try StartTLS once more (same options) to tell the two apart."""
        con = ldap.initialize(self.login_settings.server)
        try:
            con.start_tls_s()
        except (ldap.SERVER_DOWN, ldap.TIMEOUT) as error:
            raise self._directory_unreachable(error) from error
        except ldap.LDAPError as error:
            reason = tls_failure(self.login_settings) or f"StartTLS refused ({_ldap_reason(error)})"
            raise self._tls_failed(reason) from error
        finally:
            with contextlib.suppress(ldap.LDAPError):
                con.unbind_s()

    def _ldap_bind_indirect(self, ldap: Any, con: Any) -> None:
        try:
            super()._ldap_bind_indirect(ldap, con)
        except (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR) as error:
            raise self._directory_unreachable(error) from error
        except ldap.INVALID_CREDENTIALS as error:
            raise DirectoryUnavailable(
                f"Airflow's own LDAP account ({self.login_settings.bind_account_names()}) was "
                "refused by the directory, so nobody can log in right now. Tell your Airflow "
                "administrator."
            ) from error

    def _ldap_bind(self, ldap: Any, con: Any, dn: str, password: str) -> bool:  # type: ignore[override]
        try:
            return bool(super()._ldap_bind(ldap, con, dn, password))
        except (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR) as error:
            raise self._directory_unreachable(error) from error

    def _search_ldap(self, ldap: Any, con: Any, username: str) -> tuple[Any, Any]:
        """FAB's user search, with the user's groups always present under the group field."""
        user_dn, user_info = super()._search_ldap(ldap, con, username)
        if user_dn is None:
            return user_dn, user_info
        groups = self._groups_of(ldap, con, user_dn, user_info)
        user_info[self.auth_ldap_group_field] = [group.encode() for group in groups]
        if not groups and not self.login_settings.group_search_base:
            user_info[_LISTED_IN] = [
                group.encode() for group in self._required_groups_listing(ldap, con, user_dn)
            ]
        return user_dn, user_info

    def _required_groups_listing(self, ldap: Any, con: Any, user_dn: str) -> list[str]:
        """The required groups whose entries name ``user_dn`` as a member (read one by one)."""
        listing = []
        for group in self.login_settings.required_groups.groups:
            try:
                if con.search_s(group, ldap.SCOPE_BASE, group_entries_filter(user_dn), ["1.1"]):
                    listing.append(group)
            except ldap.NO_SUCH_OBJECT:
                continue
        return listing

    def _groups_of(self, ldap: Any, con: Any, user_dn: str, user_info: dict[str, list[bytes]]) -> list[str]:
        field = self.auth_ldap_group_field
        if field not in user_info:  # FAB asks for the group field only when a roles mapping exists
            entries = con.search_s(user_dn, ldap.SCOPE_BASE, "(objectClass=*)", [field])
            user_info = entries[0][1] if entries else {}
        groups = self.ldap_extract_list(user_info, field)
        if self.login_settings.group_search_base:
            entries = con.search_s(
                self.login_settings.group_search_base,
                ldap.SCOPE_SUBTREE,
                group_entries_filter(user_dn),
                ["1.1"],  # no attributes: the DNs are the answer
            )
            groups += [dn for dn, _ in entries if dn is not None]
        return list(dict.fromkeys(groups))

    def _ldap_calculate_user_roles(self, user_attributes: dict[str, list[bytes]]) -> list[Any]:
        groups = self.ldap_extract_list(user_attributes, self.auth_ldap_group_field)
        required = self.login_settings.required_groups
        if not required.admits(groups):
            listed_in = self.ldap_extract_list(user_attributes, _LISTED_IN)
            if listed_in:
                raise NotInRequiredGroup(
                    f"The directory lists your LDAP account in {' and '.join(listed_in)}, but Airflow "
                    f"cannot see it: {self.login_settings.group_search_base_needed()}. Tell your "
                    "Airflow administrator."
                )
            raise NotInRequiredGroup(
                f"Your LDAP account is not a member of {required.describe()}, the group allowed to use "
                "this Airflow. Ask your Airflow administrator to add you to it."
            )
        return list(super()._ldap_calculate_user_roles(user_attributes))

    def get_roles_from_keys(self, role_keys: list[str]) -> set[Any]:
        """Roles of the mapped groups, comparing DNs as directories do (case, spacing)."""
        role_names = roles_for_groups(role_keys, self.auth_roles_mapping)
        return {role for role in map(self.find_role, role_names) if role}
