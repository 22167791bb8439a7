"""How talking to Nexus failed, each with a message that says what to check.

They are artifact errors too, so callers that serve any source catch one base class.
Messages name the connection and the server, never the password.
"""

from __future__ import annotations

from airflow_jobs_provider.artifacts.errors import ArtifactError, ArtifactNotFoundError


class NexusError(ArtifactError):
    """Base of every Nexus failure."""


class NexusAuthError(NexusError):
    """HTTP 401: no login, or a wrong login, password or user token."""


class NexusForbiddenError(NexusError):
    """HTTP 403: the user is known but may not read this."""


class NexusNotFoundError(NexusError, ArtifactNotFoundError):
    """HTTP 404, or a search that found nothing where something was expected."""


class NexusTimeoutError(NexusError):
    """Nexus accepted the connection but did not answer in time."""


class NexusConnectionError(NexusError):
    """Nexus could not be reached, even after retries."""


class NexusTLSError(NexusError):
    """The TLS handshake failed: an unknown CA, a wrong host name, or plain HTTP behind https://."""


class NexusResponseError(NexusError):
    """An answer we cannot use: malformed JSON, an unexpected shape or status, or 5xx after retries."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NexusPagingError(NexusResponseError):
    """Paging could not end: a continuation token came back again, or the page bound was hit."""
