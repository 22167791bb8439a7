"""Why can't USER log in? ``python -m airflow_jobs_provider.ldap_check USER [--password]``.

Reads the same ``webserver_config.py`` as the FAB auth manager (``[fab] config_file``, or
``--config``) and walks a login's steps against the directory with ldap3: the server answers,
Airflow's bind works, the user is found, the user's groups, the roles they would get, and
whether the required groups let them in. With ``--password`` it also checks the user's password
(asked at a prompt, never taken from the command line). Last, it compares with the roles
Airflow's database still gives the user from an earlier login: a token issued then keeps them.
"""

from __future__ import annotations

import argparse
import getpass
import math
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from airflow_jobs_provider.auth.ldap3_client import (
    ca_file_problem,
    close_quietly,
    connection_for,
    describe_tls_failure,
    uses_tls,
)
from airflow_jobs_provider.auth.login_settings import LdapLoginSettings, load_webserver_config
from airflow_jobs_provider.auth.membership import group_entries_filter, roles_for_groups, user_filter

EXIT_ADMITTED = 0
EXIT_REFUSED = 1
EXIT_MISCONFIGURED = 2


@dataclass
class Diagnosis:
    """The steps of one login, in order; the first failing step ends it. A warning does not."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    # The roles a login gives (FAB's registration role only, when refused), once it got that far.
    login_roles: list[str] | None = None

    def passed(self, message: str) -> None:
        self.steps.append(("OK", message))

    def failed(self, message: str) -> None:
        self.steps.append(("FAIL", message))

    def warned(self, message: str) -> None:
        self.steps.append(("WARN", message))

    @property
    def admitted(self) -> bool:
        return all(status != "FAIL" for status, _ in self.steps)

    def render(self) -> str:
        return "\n".join(f"{status:<4} {message}" for status, message in self.steps)


def _user_binds(settings: LdapLoginSettings, server: Any, user_dn: str, password: str) -> bool:
    """Whether the directory accepts the user's password, sent over TLS when TLS is configured."""
    import ldap3

    user = ldap3.Connection(
        server, user=user_dn, password=password, receive_timeout=math.ceil(settings.timeout)
    )
    try:
        user.open()
        if settings.use_starttls and not user.start_tls():
            return False
        return bool(user.bind())
    finally:
        close_quietly(user)


def _entries(connection: Any) -> list[dict[str, Any]]:
    return [item for item in connection.response or [] if item.get("type") == "searchResEntry"]


def _values(entry: dict[str, Any], attribute: str) -> list[str]:
    value = entry["attributes"].get(attribute, [])
    return [str(item) for item in (value if isinstance(value, list) else [value]) if item]


def _open(settings: LdapLoginSettings, diagnosis: Diagnosis) -> Any:
    """An open connection (TLS established as configured), or None after a failed step."""
    from ldap3.core.exceptions import LDAPException

    problem = ca_file_problem(settings)
    if problem:
        diagnosis.failed(problem)
        return None
    connection = connection_for(settings)
    try:
        connection.open()
        diagnosis.passed(f"the LDAP server {settings.server} answers")
        if settings.use_starttls and not connection.start_tls():
            diagnosis.failed(
                f"StartTLS failed: {connection.result.get('description')} {connection.last_error}"
            )
    except LDAPException as error:
        failure = describe_tls_failure(settings, error, connection)
        if failure is None:
            diagnosis.failed(f"the LDAP server {settings.server} does not answer: {error}")
        else:
            if not diagnosis.steps:  # ldaps://: the server answered, the handshake failed
                diagnosis.passed(f"the LDAP server {settings.server} answers")
            diagnosis.failed(f"TLS with {settings.server} failed: {failure}")
    if not diagnosis.admitted:
        close_quietly(connection)
        return None
    if uses_tls(settings):
        unchecked = " (the certificate is not checked: AUTH_LDAP_ALLOW_SELF_SIGNED)"
        diagnosis.passed("TLS works" + (unchecked if settings.allow_self_signed else ""))
    return connection


def diagnose(settings: LdapLoginSettings, username: str, password: str | None = None) -> Diagnosis:
    """Do what a login of ``username`` would do, saying at each step what happened."""
    import ldap3

    diagnosis = Diagnosis()
    connection = _open(settings, diagnosis)
    if connection is None:
        return diagnosis
    who = settings.bind_dn or "anonymous"
    if not connection.bind():
        diagnosis.failed(
            f"Airflow's bind as {who} is refused: {connection.result.get('description')} "
            f"(check {settings.bind_account_names()})"
        )
        return diagnosis
    diagnosis.passed(f"Airflow's bind as {who} works")

    query = user_filter(settings.user_search_filter, settings.uid_field, username)
    connection.search(
        settings.user_search_base, query, ldap3.SUBTREE, attributes=[settings.uid_field, settings.group_field]
    )
    users = _entries(connection)
    if len(users) != 1:
        found = "no entry" if not users else f"{len(users)} entries (FAB refuses an ambiguous user)"
        diagnosis.failed(f"searching {query} under {settings.user_search_base} finds {found}")
        return diagnosis
    user_dn = users[0]["dn"]
    diagnosis.passed(f"user {username!r} is {user_dn}")

    if password is not None:
        if _user_binds(settings, connection.server, user_dn, password):
            diagnosis.passed("the password is accepted")
        else:
            diagnosis.failed("the password is refused")
            return diagnosis

    groups = _values(users[0], settings.group_field)
    if settings.group_search_base:
        connection.search(
            settings.group_search_base, group_entries_filter(user_dn), ldap3.SUBTREE, attributes=[]
        )
        groups += [entry["dn"] for entry in _entries(connection)]
    groups = list(dict.fromkeys(groups))
    diagnosis.passed("groups: " + ("; ".join(groups) if groups else "none"))

    roles = roles_for_groups(groups, settings.roles_mapping)
    if settings.registration_role:
        roles = sorted({*roles, settings.registration_role})
    diagnosis.passed("roles at login: " + (", ".join(roles) if roles else "none"))

    required = settings.required_groups
    if required.admits(groups):
        diagnosis.passed(f"member of {required.describe()}: may log in")
        diagnosis.login_roles = roles
    else:
        diagnosis.failed(f"not a member of {required.describe()}: login is refused")
        diagnosis.login_roles = [settings.registration_role] if settings.registration_role else []
        if not groups and not settings.group_search_base:
            listed_in = _required_groups_listing(connection, settings, user_dn)
            if listed_in:
                diagnosis.failed(
                    f"the directory lists {username!r} in {' and '.join(listed_in)}, but "
                    f"{settings.group_search_base_needed()}"
                )
    connection.unbind()
    return diagnosis


def _required_groups_listing(connection: Any, settings: LdapLoginSettings, user_dn: str) -> list[str]:
    """The required groups whose entries name ``user_dn`` as a member (read one by one)."""
    import ldap3

    listing = []
    for group in settings.required_groups.groups:
        connection.search(group, group_entries_filter(user_dn), ldap3.BASE, attributes=[])
        if _entries(connection):
            listing.append(group)
    return listing


def stored_roles(username: str) -> tuple[str, list[str]] | None:
    """FAB's user for ``username`` (matched case-insensitively, as its login does) and the roles
    Airflow's database gives it now, or None when no login created it yet."""
    from airflow.providers.fab.auth_manager.models import User
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        user = session.scalars(
            select(User).where(func.lower(User.username) == username.lower())
        ).one_or_none()
        return None if user is None else (user.username, sorted(role.name for role in user.roles))


def compare_stored_roles(diagnosis: Diagnosis, username: str) -> None:
    """Warn about roles Airflow still gives ``username`` that a login now would not."""
    from airflow.configuration import conf
    from sqlalchemy.exc import SQLAlchemyError

    if diagnosis.login_roles is None:
        return
    try:
        stored = stored_roles(username)
    except SQLAlchemyError as error:
        diagnosis.warned(f"cannot read Airflow's database to compare roles: {type(error).__name__}")
        return
    if stored is None:
        diagnosis.passed(f"Airflow has no user {username!r} yet: their first login creates it")
        return
    name, roles = stored
    stale = sorted(set(roles) - set(diagnosis.login_roles))
    if not stale:
        diagnosis.passed("roles in Airflow's database: " + (", ".join(roles) if roles else "none"))
        return
    removals = "; ".join(
        f"airflow users remove-role -u {shlex.quote(name)} -r {shlex.quote(role)}" for role in stale
    )
    diagnosis.warned(
        f"Airflow's database still gives {name!r} {', '.join(stale)} from an earlier login, which "
        "the directory no longer grants: tokens and UI sessions issued before keep it until they "
        f"expire ([api_auth] jwt_expiration_time: {conf.getint('api_auth', 'jwt_expiration_time')} s) "
        f"or it is removed: {removals}"
    )


def _default_config_path() -> str:
    from airflow.configuration import conf

    return conf.get_mandatory_value("fab", "config_file")


def main(argv: Sequence[str] | None = None, ask_password: Callable[[str], str] = getpass.getpass) -> int:
    parser = argparse.ArgumentParser(prog="python -m airflow_jobs_provider.ldap_check", description=__doc__)
    parser.add_argument("username", help="the login name the user types")
    parser.add_argument("--config", help="webserver_config.py to read (default: Airflow's [fab] config_file)")
    parser.add_argument("--password", action="store_true", help="also check the user's password (prompted)")
    arguments = parser.parse_args(argv)

    config_path = arguments.config or _default_config_path()
    try:
        settings = LdapLoginSettings.from_flask_config(load_webserver_config(config_path))
    except (OSError, ValueError) as error:
        print(f"FAIL cannot read {config_path}: {error}")
        return EXIT_MISCONFIGURED
    print(f"config: {config_path}")
    problems = settings.problems()
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        return EXIT_MISCONFIGURED

    username = arguments.username.strip()  # as the login does: the directory ignores the spaces
    password = ask_password(f"password of {username}: ") if arguments.password else None
    diagnosis = diagnose(settings, username, password)
    compare_stored_roles(diagnosis, username)
    print(diagnosis.render())
    return EXIT_ADMITTED if diagnosis.admitted else EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
