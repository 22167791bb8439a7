"""FAB's LDAP login page, telling a refused user our reason instead of "Invalid login" too.

FAB's view flashes its ``invalid_login_message`` whenever the login returns no user; the
security manager leaves its reason in ``flask.g`` for the page to show in that one message.
"""

from __future__ import annotations

from flask import g
from flask_appbuilder.security.views import AuthLDAPView

_REFUSAL = "job_orchestrator_login_refusal"


def remember_refusal(reason: str) -> None:
    """Make ``reason`` the message of the login page this request answers with."""
    setattr(g, _REFUSAL, reason)


class RefusalAwareLDAPView(AuthLDAPView):
    """FAB's ``AuthLDAPView``, whose failure message is the refusal's reason when there is one."""

    @property
    def invalid_login_message(self) -> str:
        return str(g.get(_REFUSAL) or super().invalid_login_message)
