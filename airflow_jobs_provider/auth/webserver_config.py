"""``webserver_config.py`` for the FAB auth manager: LDAP login for members of required groups.

Switch an install to it (docs/admin-guide.md has the details):

    AIRFLOW__CORE__AUTH_MANAGER=airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager
    AIRFLOW__FAB__CONFIG_FILE=<the path of this file>   (or copy it to $AIRFLOW_HOME/webserver_config.py)

and set the ``JOB_ORCHESTRATOR_LDAP_*`` variables below. Every value comes from the environment,
so the bind password stays in a Secret (``..._BIND_PASSWORD_FILE`` reads it from a mounted file).
Check the result for one user with ``python -m airflow_jobs_provider.ldap_check USER``.
"""

from __future__ import annotations

from flask_appbuilder.const import AUTH_LDAP

from airflow_jobs_provider.auth.environment import LdapEnvironment
from airflow_jobs_provider.auth.security_manager import RequiredGroupSecurityManager

_ldap = LdapEnvironment()

AUTH_TYPE = AUTH_LDAP
SECURITY_MANAGER_CLASS = RequiredGroupSecurityManager
WTF_CSRF_ENABLED = True

# The directory, e.g. ldap://ldap.example.org:389 or ldaps://ldap.example.org:636
AUTH_LDAP_SERVER = _ldap.text("URI")
AUTH_LDAP_USE_TLS = _ldap.flag("USE_STARTTLS")
AUTH_LDAP_TLS_CACERTFILE = _ldap.text("TLS_CA_FILE", default="")
AUTH_LDAP_ALLOW_SELF_SIGNED = _ldap.flag("ALLOW_SELF_SIGNED")
AUTH_LDAP_TLS_DEMAND = not AUTH_LDAP_ALLOW_SELF_SIGNED

# Airflow binds with its own account to find the user, then binds as the user to check the password.
AUTH_LDAP_BIND_USER = _ldap.text("BIND_DN")
AUTH_LDAP_BIND_PASSWORD = _ldap.secret("BIND_PASSWORD")
AUTH_LDAP_SEARCH = _ldap.text("USER_SEARCH_BASE")
AUTH_LDAP_SEARCH_FILTER = _ldap.text("USER_FILTER", default="(objectClass=inetOrgPerson)")
AUTH_LDAP_UID_FIELD = _ldap.text("UID_FIELD", default="uid")
AUTH_LDAP_FIRSTNAME_FIELD = "givenName"
AUTH_LDAP_LASTNAME_FIELD = "sn"
AUTH_LDAP_EMAIL_FIELD = "mail"

# Groups: the user's memberOf values, plus (when a base is given) group entries listing the user.
AUTH_LDAP_GROUP_FIELD = _ldap.text("GROUP_FIELD", default="memberOf")
JOB_ORCHESTRATOR_GROUP_SEARCH_BASE = _ldap.text("GROUP_SEARCH_BASE", default="")

# Only members of one of these groups may log in (e.g. cn=data.office,ou=groups,dc=example,dc=org).
JOB_ORCHESTRATOR_REQUIRED_GROUPS = _ldap.dn_list("REQUIRED_GROUPS")
JOB_ORCHESTRATOR_LDAP_TIMEOUT = _ldap.seconds("TIMEOUT", default=10.0)

# Airflow roles per LDAP group, synced at every login; members of a required group are Users
# unless the mapping says otherwise. Everyone else gets the registration role, which has no rights.
# Every mapped group also gets the pages role: under FAB only roles that may read Plugins see the
# Job Orchestrator pages (apache/airflow#51299). FAB_ROLES cannot grant that (it creates the role
# without permissions), so [fab] custom_roles declares it (docs/admin-guide.md).
JOB_ORCHESTRATOR_PAGES_ROLE = _ldap.text("PAGES_ROLE", default="Job Orchestrator")
AUTH_ROLES_MAPPING = {
    group: roles if JOB_ORCHESTRATOR_PAGES_ROLE in roles else [*roles, JOB_ORCHESTRATOR_PAGES_ROLE]
    for group, roles in _ldap.roles_mapping(
        "ROLES_MAPPING", default={group: ["User"] for group in JOB_ORCHESTRATOR_REQUIRED_GROUPS}
    ).items()
}
AUTH_ROLES_SYNC_AT_LOGIN = True
AUTH_USER_REGISTRATION = True
AUTH_USER_REGISTRATION_ROLE = "Public"

# The variable behind each setting that messages name, so a refusal or ldap_check points the
# admin at what they set (JOB_ORCHESTRATOR_LDAP_BIND_DN), not at FAB's key (AUTH_LDAP_BIND_USER).
JOB_ORCHESTRATOR_SETTING_VARIABLES = _ldap.variables(
    {
        "AUTH_LDAP_BIND_USER": "BIND_DN",
        "AUTH_LDAP_BIND_PASSWORD": "BIND_PASSWORD",
        "JOB_ORCHESTRATOR_GROUP_SEARCH_BASE": "GROUP_SEARCH_BASE",
    }
)
