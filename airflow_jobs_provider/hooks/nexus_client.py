"""A small client of the Nexus Repository 3 REST API: what browsing and running artifacts need.

Only passing trouble is retried, with exponential backoff: 5xx answers and failed
connections. A 4xx will not change by asking again, and a read timeout means Nexus is
already busy with the request, so those fail at once with a typed error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from airflow_jobs_provider.artifacts.catalog import ComponentVersions, Repository, SearchPage
from airflow_jobs_provider.artifacts.checksum import write_verified
from airflow_jobs_provider.artifacts.errors import InvalidContinuationTokenError
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.artifacts.versions import newest_first
from airflow_jobs_provider.hooks.nexus_errors import (
    NexusAuthError,
    NexusConnectionError,
    NexusError,
    NexusForbiddenError,
    NexusNotFoundError,
    NexusResponseError,
    NexusTimeoutError,
    NexusTLSError,
)

log = logging.getLogger(__name__)

API = "/service/rest/v1"
DOWNLOAD_CHUNK_BYTES = 1 << 20


class NexusClient:
    """Talks to one Nexus server as one user; ``what`` names in errors say what was asked for."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: tuple[str, str] | None = None,
        verify: bool | str = True,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_pages: int = 20,
        connection_name: str = "the Nexus connection",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_pages = max_pages
        self._auth = auth
        self._verify = verify
        self._retries = retries
        self._backoff = backoff
        self._connection_name = connection_name
        self._sleep = sleep
        self._session = requests.Session()

    def __repr__(self) -> str:
        user = self._auth[0] if self._auth else "anonymous"
        return f"NexusClient({self.base_url!r}, user={user!r})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> NexusClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- browsing ---------------------------------------------------------------------------

    def list_repositories(self) -> list[Repository]:
        answer = self._json("GET", f"{API}/repositories", what="the list of repositories")
        try:
            repositories = [
                Repository(
                    name=r["name"], format=r.get("format", ""), type=r.get("type", ""), url=r.get("url", "")
                )
                for r in answer
            ]
        except (TypeError, KeyError) as exc:
            raise self._malformed("the list of repositories", exc) from exc
        return sorted(repositories, key=lambda r: r.name.lower())

    def search(self, repository: str, query: str = "", continuation_token: str | None = None) -> SearchPage:
        """One page of components of ``repository`` matching Nexus's keyword search ``query``."""
        params = {
            "repository": repository,
            "q": query.strip() or None,
            "continuationToken": continuation_token,
        }
        what = f"the search of {repository!r}"
        try:
            items, token = self._page(f"{API}/search", params, what)
        except NexusResponseError as exc:
            if continuation_token is not None and exc.status in (400, 406):  # 406: older Nexus
                raise InvalidContinuationTokenError(f"{what}: the continuation token is not valid") from exc
            raise
        grouped: dict[tuple[str, str], list[str]] = {}
        for item in items:
            grouped.setdefault((item.get("group") or "", item["name"]), []).append(item.get("version") or "")
        components = tuple(
            ComponentVersions(group, name, tuple(newest_first(dict.fromkeys(versions))))
            for (group, name), versions in grouped.items()
        )
        return SearchPage(components, token)

    def versions(self, repository: str, group: str, name: str) -> list[str]:
        """Every version of one component, newest first (Maven order)."""
        found = [
            item.get("version") or "" for item in self._component_items(repository, group, name, version=None)
        ]
        return newest_first(dict.fromkeys(found))

    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        """The files of one component version, in the order Nexus lists them."""
        items = self._component_items(repository, group, name, version=version)
        if not items:
            coordinates = f"{group}:{name}:{version}" if group else f"{name}:{version}"
            raise NexusNotFoundError(f"{coordinates} is not in repository {repository!r} of {self.base_url}")
        try:
            return [_asset_info(asset) for item in items for asset in item["assets"]]
        except (TypeError, KeyError) as exc:
            raise self._malformed(f"the assets of {name} {version}", exc) from exc

    def _component_items(
        self, repository: str, group: str, name: str, version: str | None
    ) -> list[dict[str, Any]]:
        """Search items of exactly this component: Nexus matches case-insensitively and with wildcards."""
        params = {"repository": repository, "group": group or None, "name": name, "version": version}
        if version is None:  # newest first, so a page cap drops only old versions
            params |= {"sort": "version", "direction": "desc"}
        what = f"the versions of {name!r} in {repository!r}"
        return [
            item
            for item in self._all_pages(f"{API}/search", params, what)
            if (item.get("group") or "") == group
            and item.get("name") == name
            and (version is None or item.get("version") == version)
        ]

    def _all_pages(self, path: str, params: Mapping[str, str | None], what: str) -> Iterator[dict[str, Any]]:
        token: str | None = None
        for _ in range(self.max_pages):
            items, token = self._page(path, {**params, "continuationToken": token}, what)
            yield from items
            if token is None:
                return
        log.warning("Stopped reading %s after %d pages: Nexus has more", what, self.max_pages)

    def _page(
        self, path: str, params: Mapping[str, str | None], what: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        answer = self._json("GET", path, params=params, what=what)
        try:
            items = answer["items"]
            token = answer.get("continuationToken")
            if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i for i in items):
                raise TypeError("items is not a list of components")
        except (TypeError, KeyError, AttributeError) as exc:
            raise self._malformed(what, exc) from exc
        return items, token

    # -- download ---------------------------------------------------------------------------

    def download(self, asset: AssetInfo, destination: Path) -> None:
        """Stream ``asset`` to ``destination`` in constant memory; it appears only if verified."""
        what = f"the download of {asset.path}"
        with self._request("GET", asset.download_url, what=what, stream=True) as response:
            try:
                write_verified(response.iter_content(DOWNLOAD_CHUNK_BYTES), destination, asset)
            except requests.exceptions.RequestException as exc:
                raise NexusConnectionError(f"{what} broke off: {exc}") from exc

    # -- HTTP -------------------------------------------------------------------------------

    def _json(
        self, method: str, path: str, *, what: str, params: Mapping[str, str | None] | None = None
    ) -> Any:
        response = self._request(method, path, what=what, params=params)
        try:
            return response.json()
        except ValueError as exc:
            raise self._malformed(what, exc) from exc

    def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        what: str,
        params: Mapping[str, str | None] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        auth = self._auth if _origin(url) == _origin(self.base_url) else None  # no password elsewhere
        query = {key: value for key, value in (params or {}).items() if value is not None}
        attempts = self._retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._session.request(
                    method,
                    url,
                    params=query,
                    auth=auth,
                    verify=self._verify,
                    timeout=self.timeout,
                    stream=stream,
                )
            except requests.exceptions.SSLError as exc:
                raise NexusTLSError(
                    f"TLS with {_origin(url)} failed for {what}: {exc}. Set the extra 'ca_bundle' of "
                    f"{self._connection_name} to the CA file that signed Nexus's certificate "
                    "(or 'verify': false, for tests only), and check http:// versus https://"
                ) from exc
            except requests.exceptions.ConnectionError as exc:  # refused, reset, DNS, connect timeout
                cause: Exception | None = exc
                failure: NexusError = NexusConnectionError(
                    f"cannot reach {_origin(url)} for {what} ({attempts} attempts): {exc}"
                )
            except requests.exceptions.Timeout as exc:
                raise NexusTimeoutError(
                    f"Nexus at {_origin(url)} did not answer {what} within {self.timeout:g}s "
                    f"(the extra 'timeout' of {self._connection_name})"
                ) from exc
            else:
                if response.status_code < 500:
                    return self._checked(response, what)
                cause = None
                failure = NexusResponseError(
                    f"Nexus answered HTTP {response.status_code} to {what} ({attempts} attempts): "
                    f"{_snippet(response)}",
                    status=response.status_code,
                )
                response.close()
            if attempt < attempts:
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning("%s; retrying in %.1fs", failure, delay)
                self._sleep(delay)
        raise failure from cause

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        status = response.status_code
        if status < 400:
            return response
        message = _snippet(response)
        response.close()
        if status == 401:
            who = f"user {self._auth[0]!r}" if self._auth else "anonymous access"
            raise NexusAuthError(
                f"Nexus at {self.base_url} refused {who} for {what} (HTTP 401): "
                f"check the login and password or user token of {self._connection_name}"
            )
        if status == 403:
            who = f"user {self._auth[0]!r}" if self._auth else "anonymous access"
            raise NexusForbiddenError(
                f"Nexus at {self.base_url} does not allow {who} to read {what} (HTTP 403): "
                "ask its administrator for browse and read privileges"
            )
        if status == 404:
            raise NexusNotFoundError(f"{what}: not found at {self.base_url} (HTTP 404)")
        raise NexusResponseError(f"Nexus answered HTTP {status} to {what}: {message}", status=status)

    def _malformed(self, what: str, cause: Exception) -> NexusError:
        return NexusResponseError(f"Nexus at {self.base_url} sent a malformed answer to {what}: {cause}")


def _asset_info(asset: Mapping[str, Any]) -> AssetInfo:
    checksum = asset.get("checksum") or {}
    return AssetInfo(
        path=asset["path"],
        download_url=asset["downloadUrl"],
        sha256=checksum.get("sha256"),
        sha1=checksum.get("sha1"),
        size=asset.get("fileSize"),
        content_type=asset.get("contentType"),
        last_modified=asset.get("lastModified"),
    )


def _origin(url: str) -> str:
    """``scheme://host:port`` with the default port spelt out, to compare servers."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname or ''}:{port}"


def _snippet(response: requests.Response) -> str:
    """The start of an error answer's body, on one line."""
    try:
        text = " ".join(response.text.split())
    except requests.exceptions.RequestException:
        text = ""
    return text[:200] or "(no message)"
