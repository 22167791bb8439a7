"""The ``nexus`` connection type: where a Nexus Repository 3 server is and how to log in to it.

Host may be a whole URL (``https://nexus.example.org/nexus``) or a host name with the scheme
in *Schema* and the port in *Port*. The password may be a Nexus user token's pass code, with
its name code as login. Extras: ``verify`` (check TLS, default true), ``ca_bundle`` (CA file
for a private CA), ``default_repository`` and ``timeout`` (seconds, default 30).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlunsplit

from airflow.sdk import BaseHook

from airflow_jobs_provider.hooks.connection_fields import (
    ConnectionFields,
    connection_url,
    fields_of,
    timeout_seconds,
)
from airflow_jobs_provider.hooks.nexus_client import PRIVILEGES_HINT, NexusClient
from airflow_jobs_provider.hooks.nexus_errors import NexusError

DEFAULT_TIMEOUT_SECONDS = 30.0
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class NexusSettings:
    """A ``nexus`` connection, checked: everything needed to reach the server."""

    base_url: str
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    default_repository: str | None = None

    @property
    def requests_verify(self) -> bool | str:
        """What ``requests`` takes as ``verify``: the CA file when one is set."""
        if not self.verify_tls:
            return False
        return self.ca_bundle or True


class NexusHook(BaseHook):
    """Builds a :class:`NexusClient` from an Airflow connection of type ``nexus``."""

    conn_name_attr = "nexus_conn_id"
    default_conn_name = "nexus_default"
    conn_type = "nexus"
    hook_name = "Sonatype Nexus"

    def __init__(self, nexus_conn_id: str = default_conn_name) -> None:
        super().__init__()
        self.nexus_conn_id = nexus_conn_id

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Extra fields of the connection form (Airflow < 3.2 reads them from here)."""
        from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import BooleanField, StringField

        return {
            "verify": BooleanField(lazy_gettext("Verify TLS certificate"), default=True),
            "ca_bundle": StringField(lazy_gettext("CA bundle file"), widget=BS3TextFieldWidget()),
            "default_repository": StringField(
                lazy_gettext("Default repository"), widget=BS3TextFieldWidget()
            ),
            "timeout": StringField(lazy_gettext("Timeout (seconds)"), widget=BS3TextFieldWidget()),
        }

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Relabel the form for Nexus (Airflow < 3.2; newer ones read the provider info)."""
        from airflow_jobs_provider.get_provider_info import NEXUS_UI_FIELD_BEHAVIOUR

        return {key.replace("-", "_"): value for key, value in NEXUS_UI_FIELD_BEHAVIOUR.items()}

    @cached_property
    def settings(self) -> NexusSettings:
        return settings_from_connection(
            self.nexus_conn_id, fields_of(self.get_connection(self.nexus_conn_id))
        )

    def get_conn(self) -> NexusClient:
        from airflow_jobs_provider import settings as config

        settings = self.settings
        return NexusClient(
            settings.base_url,
            auth=(settings.login, settings.password or "") if settings.login else None,
            verify=settings.requests_verify,
            timeout=settings.timeout_seconds,
            max_pages=config.nexus_max_pages(),
            allow_unverified=config.allow_unverified_assets(),
            connection_name=f"connection {self.nexus_conn_id!r}",
        )

    def test_connection(self) -> tuple[bool, str]:
        """The connection form's *Test* button: list the repositories this login may browse.

        Nexus shows an account without privileges an empty list rather than an error, so an
        empty list fails the test with that likely cause (and the default repository's own
        answer, when one is set).
        """
        try:
            with self.get_conn() as client:
                repositories = client.list_repositories()
                if not repositories and self.settings.default_repository:
                    client.repository_format(self.settings.default_repository)
        except (NexusError, ValueError) as exc:
            return False, str(exc)
        if not repositories:
            who = f"user {self.settings.login!r}" if self.settings.login else "anonymous access"
            return False, (
                f"Connected to {self.settings.base_url}, but {who} sees no repository: {PRIVILEGES_HINT}"
            )
        return True, f"Connected to {self.settings.base_url}: {len(repositories)} repositories visible"


def settings_from_connection(conn_id: str, fields: ConnectionFields) -> NexusSettings:
    """Check a connection's fields; a ``ValueError`` names the connection and the field."""
    extra = fields["extra"]
    url = connection_url(conn_id, fields, purpose="the Nexus URL")
    return NexusSettings(
        base_url=urlunsplit((url.scheme, url.netloc, url.path.rstrip("/"), "", "")),
        login=fields["login"] or None,
        password=fields["password"] or None,
        verify_tls=_boolean(conn_id, "verify", _extra(extra, "verify"), default=True),
        ca_bundle=_extra(extra, "ca_bundle") or None,
        timeout_seconds=timeout_seconds(conn_id, _extra(extra, "timeout"), default=DEFAULT_TIMEOUT_SECONDS),
        default_repository=_extra(extra, "default_repository") or None,
    )


def _extra(extra: dict[str, Any], name: str) -> Any:
    """Extras saved by the connection form may carry the old ``extra__nexus__`` prefix."""
    value = extra.get(name)
    return extra.get(f"extra__nexus__{name}") if value in (None, "") else value


def _boolean(conn_id: str, name: str, value: Any, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(f"connection {conn_id!r}: extra {name!r} must be true or false, not {value!r}")
