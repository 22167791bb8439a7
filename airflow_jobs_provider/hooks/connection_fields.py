"""Fields that the provider's http(s) connections read alike, checked with errors that name
the connection and the field."""

from __future__ import annotations

from typing import Any, TypedDict
from urllib.parse import SplitResult, urlsplit


class ConnectionFields(TypedDict):
    """The fields of an Airflow connection that the provider's hooks read."""

    host: str | None
    schema: str | None
    port: int | None
    login: str | None
    password: str | None
    extra: dict[str, Any]


def fields_of(connection: Any) -> ConnectionFields:
    """An Airflow ``Connection``'s fields, for checks that are tested without one."""
    return ConnectionFields(
        host=connection.host,
        schema=connection.schema,
        port=connection.port,
        login=connection.login,
        password=connection.password,
        extra=connection.extra_dejson,
    )


def connection_url(
    conn_id: str,
    fields: ConnectionFields,
    *,
    purpose: str,
    host_is_secret: bool = False,
) -> SplitResult:
    """Where the connection points: a whole URL in *Host*, or a host name with the scheme in
    *Schema* and the port in *Port*, the two ways admins fill in Airflow's HTTP connections.

    The URL comes without credentials (they belong in login and password) or fragment.

    A ``ValueError`` names the connection and ``purpose`` (what the host should be set to);
    it quotes the host unless ``host_is_secret``, as a webhook URL with its token is.
    """
    host, schema, port = (fields["host"] or "").strip(), fields["schema"], fields["port"]
    if not host:
        raise ValueError(f"connection {conn_id!r} has no host: set it to {purpose}")
    parts = urlsplit(host if "://" in host else f"{(schema or 'https').strip().lower()}://{host}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = "its host" if host_is_secret else repr(host)
        raise ValueError(f"connection {conn_id!r}: {shown} is not an http(s) URL or host name")
    netloc = parts.netloc.rpartition("@")[2]
    if port and parts.port is None:
        netloc = f"{netloc}:{port}"
    return parts._replace(netloc=netloc, fragment="")


def timeout_seconds(conn_id: str, value: Any, *, default: float) -> float:
    """The extra ``timeout``: a positive number of seconds, ``default`` when unset."""
    if value is None or value == "":
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"connection {conn_id!r}: extra 'timeout' must be a positive number of seconds")
    return seconds
