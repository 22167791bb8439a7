"""A webhook's address in an Airflow connection, so that its token stays out of spec files,
generated code, API answers and logs.

Host holds the whole URL (``https://hooks.slack.com/services/T000/B000/XXXX``) or a host name,
with the scheme in *Schema* and the port in *Port*. Login and password, when set, are sent as
basic auth. Extras: ``headers`` (an object of header names to values, e.g. an
``Authorization`` bearer token) and ``timeout`` (seconds, default 10). Any connection type
does: ``http`` when the HTTP provider is installed, ``generic`` otherwise.

Which connections a webhook may name at all is the admin's choice
(``[job_orchestrator] webhook_connections``: ids or fnmatch patterns), a rule of the
``DeploymentPolicy`` that spec validation applies. The hook checks it again before it reads
the connection, so a spec file edited by hand cannot make a worker send another connection's
credentials either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlunsplit

import requests
from airflow.sdk import BaseHook

from airflow_jobs_provider import settings
from airflow_jobs_provider.deployments.policy import check_webhook_connection
from airflow_jobs_provider.hooks.connection_fields import (
    ConnectionFields,
    connection_url,
    fields_of,
    timeout_seconds,
)

DEFAULT_TIMEOUT_SECONDS = 10.0


class WebhookError(Exception):
    """The webhook did not take the message; the text never holds the URL."""


@dataclass(frozen=True)
class WebhookTarget:
    """A webhook connection, checked: where to POST and how to authenticate."""

    url: str = field(repr=False)
    origin: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def secrets(self) -> list[str]:
        """What a log must never show: the URL (it often carries the token) and header values."""
        return [self.url, *self.headers.values(), *(self.auth[1:] if self.auth else ())]


def target_from_connection(conn_id: str, fields: ConnectionFields) -> WebhookTarget:
    """Check a connection's fields; a ``ValueError`` names the connection and the field, not the URL."""
    extra, login = fields["extra"], fields["login"]
    url = connection_url(conn_id, fields, purpose="the webhook's URL", host_is_secret=True)
    headers = extra.get("headers") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(name, str) and isinstance(value, str) for name, value in headers.items()
    ):
        raise ValueError(f"connection {conn_id!r}: extra 'headers' must map header names to text values")
    return WebhookTarget(
        url=urlunsplit(url),
        origin=f"{url.scheme}://{url.netloc}",
        auth=(login, fields["password"] or "") if login else None,
        headers=dict(headers),
        timeout_seconds=timeout_seconds(conn_id, extra.get("timeout"), default=DEFAULT_TIMEOUT_SECONDS),
    )


class WebhookHook(BaseHook):
    """POSTs JSON to the webhook an Airflow connection points to."""

    conn_name_attr = "webhook_conn_id"
    hook_name = "Webhook"

    def __init__(self, webhook_conn_id: str) -> None:
        super().__init__()
        self.webhook_conn_id = webhook_conn_id

    @cached_property
    def target(self) -> WebhookTarget:
        check_webhook_connection(self.webhook_conn_id, settings.webhook_connections())
        return target_from_connection(
            self.webhook_conn_id, fields_of(self.get_connection(self.webhook_conn_id))
        )

    def post_json(self, payload: Any) -> None:
        """Send ``payload``; anything but a 2xx answer is a :class:`WebhookError`."""
        from airflow.sdk.log import mask_secret

        target = self.target
        for secret in target.secrets:
            mask_secret(secret)
        where = f"webhook connection {self.webhook_conn_id!r} ({target.origin})"
        try:
            response = requests.post(
                target.url,
                json=payload,
                auth=target.auth,
                headers=target.headers,
                timeout=target.timeout_seconds,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # requests' own messages quote the URL.
            raise WebhookError(f"{where} could not be reached: {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise WebhookError(f"{where} answered HTTP {response.status_code} {response.reason}")
