"""Download one file over HTTP(S), or copy it from a file:// URL, hashing it as it streams.

Memory stays constant whatever the file's size. Only passing trouble is retried (5xx
answers, refused or dropped connections, timeouts); an answer such as 401 or 404 will not
change, so it fails at once. Basic auth goes only to the plan's ``credential_origin`` (scheme,
host and port): not to an asset URL naming another server, not to a redirect elsewhere (Nexus
answers downloads with redirects), not over plain http when the origin is https.
"""

from __future__ import annotations

import hashlib
import http.client
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

from .credentials import Credentials
from .errors import DownloadError, UsageError
from .report import say, warn

CHUNK_BYTES = 1 << 16

_HINTS = {
    401: "the username or password is wrong, or none was given",
    403: "the user may not read this repository",
    404: "there is no such file (deleted, or a wrong repository or version)",
}


@dataclass(frozen=True)
class Connection:
    """How to reach the server: TLS checks, timeout, and who to log in as where."""

    credentials: Credentials | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout_seconds: float = 60.0
    credential_origin: str | None = None

    def authorization_for(self, url: str) -> str | None:
        """The ``Authorization`` value for ``url``: only on the credential origin itself."""
        if self.credentials is None or self.credential_origin is None:
            return None
        if _origin(url) != _origin(self.credential_origin):
            return None
        return self.credentials.authorization


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff: tries at 0, first_delay, 3*first_delay..."""

    attempts: int = 3
    first_delay: float = 1.0


DEFAULT_RETRY = RetryPolicy()


def display_url(url: str) -> str:
    """The URL without any user:password part, fit for logs and messages."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def download(
    url: str,
    destination: Path,
    algorithm: str,
    connection: Connection,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> str:
    """Write ``url`` to ``destination``; returns the hex digest of what was written."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return _copy_local(url, destination, algorithm)
    if scheme not in ("http", "https"):
        raise DownloadError(f"cannot download {display_url(url)}: only http, https and file URLs work")
    opener = _opener(connection)
    shown = display_url(url)
    problem = ""
    for attempt in range(1, retry.attempts + 1):
        try:
            with opener.open(url, timeout=connection.timeout_seconds) as response:
                return _save(response, destination, algorithm)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code < 500:
                where = (
                    shown if exc.geturl() == url else f"{shown} (redirected to {display_url(exc.geturl())})"
                )
                hint = _hint(exc.code, exc.geturl(), connection)
                raise DownloadError(
                    f"download of {where} refused: HTTP {exc.code} {exc.reason}: {hint}"
                ) from None
            problem = f"HTTP {exc.code} {exc.reason}"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLCertVerificationError):
                raise DownloadError(
                    f"TLS certificate of {shown} not trusted ({exc.reason.verify_message}); "
                    "give the plan a ca_bundle"
                ) from None
            problem = str(exc.reason)
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if attempt < retry.attempts:
            delay = retry.first_delay * 2 ** (attempt - 1)
            say(f"download of {shown} failed ({problem}); try {attempt + 1} in {delay:g}s")
            time.sleep(delay)
    raise DownloadError(f"download of {shown} failed after {retry.attempts} tries: {problem}")


def _hint(status: int, url: str, connection: Connection) -> str:
    if status == 401 and connection.credentials is None:
        return "no credentials were given (JOB_RUNNER_USERNAME/JOB_RUNNER_PASSWORD or --credentials-dir)"
    if status == 401 and connection.authorization_for(url) is None:
        origin = connection.credential_origin or "no server (the plan names no credential_origin)"
        return f"the credentials are sent only to {origin}, and this URL is elsewhere"
    return _HINTS.get(status, "the server refused the request")


def _save(response: http.client.HTTPResponse, destination: Path, algorithm: str) -> str:
    """Stream the body to disk; a body shorter than announced is a dropped connection."""
    digest, size = _stream(response, destination, algorithm)
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) != size:
        raise ConnectionError(f"connection closed after {size} of {length} bytes")
    return digest


def _stream(source: BinaryIO, destination: Path, algorithm: str) -> tuple[str, int]:
    """Copy in chunks while hashing; failing writes (full disk) are not worth a retry."""
    digest = hashlib.new(algorithm)
    size = 0
    try:
        out = open(destination, "wb")  # noqa: SIM115 - write errors are told apart from read errors
    except OSError as exc:
        raise DownloadError(f"cannot write {destination}: {exc.strerror or exc}") from None
    with out:
        while True:
            chunk = source.read(CHUNK_BYTES)
            if not chunk:
                return digest.hexdigest(), size
            digest.update(chunk)
            size += len(chunk)
            try:
                out.write(chunk)
            except OSError as exc:
                raise DownloadError(f"cannot write {destination}: {exc.strerror or exc}") from None


def _copy_local(url: str, destination: Path, algorithm: str) -> str:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise DownloadError(f"cannot read {url}: file URLs must name a local path")
    path = urllib.request.url2pathname(parts.path)
    try:
        source = open(path, "rb")  # noqa: SIM115 - read errors are told apart from write errors
    except OSError as exc:
        raise DownloadError(f"cannot read {url}: {exc.strerror or exc}") from None
    with source:
        return _stream(source, destination, algorithm)[0]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


class _CredentialOriginAuth(urllib.request.BaseHandler):
    """Adds basic auth to requests for the credential origin only, redirected ones included.

    The header is "unredirected", so urllib does not copy it onto a redirect; this handler
    sees every request, the redirected ones too, and adds it back when the origin matches.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        authorization = self._connection.authorization_for(request.full_url)
        if authorization is not None:
            request.add_unredirected_header("Authorization", authorization)
        return request

    https_request = http_request


def _tls_context(connection: Connection) -> ssl.SSLContext:
    if not connection.verify_tls:
        warn("TLS certificates are not checked (verify_tls is off)")
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=connection.ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"cannot load the CA bundle {connection.ca_bundle!r}: {exc}") from None


class _DeferredTLSHandler(urllib.request.AbstractHTTPHandler):
    """HTTPS with our TLS context, built at the first https request.

    Loading the CA store takes tens of milliseconds that a plain http download, which may
    still be redirected to https, never needs. The context is handed to each connection
    explicitly: from Python 3.12 ``HTTPSHandler`` makes a default context of its own when
    built, so one swapped in later (``ca_bundle``, ``verify_tls``) would never be used.
    """

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self._connection = connection
        self._tls: ssl.SSLContext | None = None

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        if self._tls is None:
            self._tls = _tls_context(self._connection)
        return self.do_open(http.client.HTTPSConnection, req, context=self._tls)

    https_request = urllib.request.AbstractHTTPHandler.do_request_


def _opener(connection: Connection) -> urllib.request.OpenerDirector:
    """HTTP(S) only: no FTP, file or data handler that a redirect could reach."""
    opener = urllib.request.OpenerDirector()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        _DeferredTLSHandler(connection),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        _CredentialOriginAuth(connection),
    ]
    for handler in handlers:
        opener.add_handler(handler)
    return opener
