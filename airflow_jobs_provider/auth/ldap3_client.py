"""ldap3 connections made from the login settings, and what went wrong with TLS in words.

ldap_check talks to the directory with ldap3; the security manager uses ``tls_failure`` to name
a TLS problem that python-ldap (GnuTLS here) reports only as "Can't contact LDAP server".
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import ssl
from typing import Any

from airflow_jobs_provider.auth.login_settings import LdapLoginSettings


def uses_tls(settings: LdapLoginSettings) -> bool:
    return settings.server.lower().startswith("ldaps://") or settings.use_starttls


def ca_file_problem(settings: LdapLoginSettings) -> str | None:
    """Why the configured CA file cannot serve (python-ldap and ldap3 both fail on it), or None."""
    if settings.ca_file and not os.access(settings.ca_file, os.R_OK):
        return f"the CA file {settings.ca_file} (AUTH_LDAP_TLS_CACERTFILE) does not exist or cannot be read"
    return None


def describe_tls_failure(settings: LdapLoginSettings, error: Exception, connection: Any) -> str | None:
    """What went wrong in TLS, when ``error`` (from ldap3's open or start_tls) is a TLS failure.

    ldap3 keeps ssl's own words in ``last_error``, e.g. "certificate verify failed: self-signed
    certificate in certificate chain"; a certificate that does not name the host is ldap3's own
    ``LDAPCertificateError``.
    """
    from ldap3.core.exceptions import LDAPCertificateError

    if not isinstance(error, ssl.SSLError | LDAPCertificateError):
        return None
    detail = str(connection.last_error or error)
    for prefix in ("socket ssl wrapping error: ", "wrap socket error: "):
        detail = detail.removeprefix(prefix)
    detail = re.sub(r"^\[SSL: \w+\] |\s*\(_ssl\.c:\d+\)$", "", detail.strip()).strip()
    if not isinstance(error, ssl.SSLCertVerificationError | LDAPCertificateError):
        return f"the TLS handshake failed ({detail})"
    if settings.ca_file:
        trust = f"the CA file {settings.ca_file} (AUTH_LDAP_TLS_CACERTFILE) does not vouch for it"
    else:
        trust = (
            "no CA file is set, so only the system's CAs are trusted: set AUTH_LDAP_TLS_CACERTFILE "
            "(JOB_ORCHESTRATOR_LDAP_TLS_CA_FILE in the shipped template) to the CA certificate "
            "that signed the directory's"
        )
    return f"the server's certificate is not trusted ({detail}); {trust}"


def tls_failure(settings: LdapLoginSettings) -> str | None:
    """Why TLS with the directory fails (ldaps:// or StartTLS, as configured), checked with
    ldap3 and Python's ssl; None when TLS is not used, works, or the server cannot be reached."""
    from ldap3.core.exceptions import LDAPException

    if not uses_tls(settings) or ca_file_problem(settings):
        return None
    connection = connection_for(settings)
    try:
        connection.open()
        if settings.use_starttls:
            connection.start_tls()
    except LDAPException as error:
        return describe_tls_failure(settings, error, connection)
    finally:
        close_quietly(connection)
    return None


def close_quietly(connection: Any) -> None:
    """Unbind, if the connection still can (after a failed handshake its socket is gone)."""
    from ldap3.core.exceptions import LDAPException

    with contextlib.suppress(LDAPException):
        connection.unbind()


def connection_for(settings: LdapLoginSettings) -> Any:
    import ldap3

    tls = ldap3.Tls(
        validate=ssl.CERT_NONE if settings.allow_self_signed else ssl.CERT_REQUIRED,
        ca_certs_file=settings.ca_file or None,
    )
    server = ldap3.Server(settings.server, tls=tls, connect_timeout=settings.timeout, get_info=ldap3.NONE)
    return ldap3.Connection(
        server,
        user=settings.bind_dn or None,
        password=settings.bind_password or None,
        receive_timeout=math.ceil(settings.timeout),  # ldap3 wants whole seconds here
        raise_exceptions=False,
    )
