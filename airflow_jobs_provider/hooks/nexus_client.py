"""A small client of the Nexus Repository 3 REST API: what browsing and running artifacts need.

Only passing trouble is retried, with exponential backoff: 5xx answers and failed
connections. A 4xx will not change by asking again, a 500 whose body is a Java exception
about the request (a number or enum value Nexus cannot parse) will not either, and a read
timeout means Nexus is already busy with the request: those fail at once with a typed error.

Nexus answers some mistakes with silence: a search of a repository that does not exist, or
that the account may not read, is an empty page. Before saying "no version", the client asks
``/v1/components`` (which does answer 404 or 403) whether the repository is there. Raw
repositories are read through :mod:`~airflow_jobs_provider.artifacts.raw_layout`.
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
from airflow_jobs_provider.artifacts.raw_layout import (
    RAW_FORMAT,
    UNVERSIONED,
    RawCoordinates,
    outside_layout_message,
    raw_coordinates,
)
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.artifacts.versions import newest_first
from airflow_jobs_provider.hooks.nexus_errors import (
    NexusAuthError,
    NexusConnectionError,
    NexusError,
    NexusForbiddenError,
    NexusNotFoundError,
    NexusPagingError,
    NexusResponseError,
    NexusTimeoutError,
    NexusTLSError,
)

log = logging.getLogger(__name__)

API = "/service/rest/v1"
DOWNLOAD_CHUNK_BYTES = 1 << 20
DEFAULT_MAX_PAGES = 200
# A 500 whose body names one of these is Nexus failing to parse what it was asked: asking again
# gets the same answer.
_REQUEST_FAULTS = ("NumberFormatException", "IllegalArgumentException", "No enum constant")
PRIVILEGES_HINT = (
    "the account probably lacks read privileges: ask the Nexus administrator for "
    "nx-repository-view-<format>-<repository>-browse and -read"
)


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
        max_pages: int = DEFAULT_MAX_PAGES,
        allow_unverified: bool = False,
        connection_name: str = "the Nexus connection",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_pages = max_pages
        self.allow_unverified = allow_unverified
        self._formats: dict[str, str] | None = None
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
        self._formats = {repository.name: repository.format for repository in repositories}
        return sorted(repositories, key=lambda r: r.name.lower())

    def repository_format(self, repository: str) -> str:
        """The format of a repository this account can read; a clear error if it cannot."""
        if self._formats is None:
            self.list_repositories()
        assert self._formats is not None
        if repository not in self._formats:
            self._formats[repository] = self._probe_repository(repository)
        return self._formats[repository]

    def _probe_repository(self, repository: str) -> str:
        """Ask ``/v1/components``, the one endpoint that tells a missing repository (404) and a
        forbidden one (403) apart from an empty one."""
        what = f"repository {repository!r}"
        try:
            items, _ = self._page(f"{API}/components", {"repository": repository}, what)
        except NexusNotFoundError as exc:
            raise NexusNotFoundError(
                f"repository {repository!r} does not exist at {self.base_url} (or this account cannot see it)"
            ) from exc
        except NexusForbiddenError as exc:
            raise NexusForbiddenError(
                f"{self._who()} may not read repository {repository!r} at {self.base_url}: {PRIVILEGES_HINT}"
            ) from exc
        return str(items[0].get("format") or "") if items else ""

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
        if not items and continuation_token is None:
            self.repository_format(repository)  # an empty answer may mean "no such repository"
        grouped: dict[tuple[str, str], list[str]] = {}
        for item in _unique(items):
            group, name, version = _coordinates(item)
            grouped.setdefault((group, name), []).append(version)
        components = tuple(
            ComponentVersions(group, name, tuple(newest_first(dict.fromkeys(versions))))
            for (group, name), versions in grouped.items()
        )
        return SearchPage(components, token)

    def versions(self, repository: str, group: str, name: str) -> list[str]:
        """Every version of one component, newest first (Maven order)."""
        if self.repository_format(repository) == RAW_FORMAT:
            return self._raw_versions(repository, name)
        found = [
            item.get("version") or "" for item in self._component_items(repository, group, name, version=None)
        ]
        return newest_first(dict.fromkeys(found))

    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        """The files of one component version, in the order Nexus lists them."""
        if self.repository_format(repository) == RAW_FORMAT:
            items = self._raw_items(repository, RawCoordinates(name.strip("/"), version, ""))
        else:
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
        what = f"the versions of {name!r} in {repository!r}"
        return [
            item
            for item in self._all_pages(f"{API}/search", params, what)
            if (item.get("group") or "") == group
            and item.get("name") == name
            and (version is None or item.get("version") == version)
        ]

    def _raw_versions(self, repository: str, name: str) -> list[str]:
        """The version folders below ``<name>/`` (every file is a search item), else the
        ``unversioned`` file whose exact path ``name`` is."""
        name = name.strip("/")
        what = f"the versions of {name!r} in raw repository {repository!r}"
        params = {"repository": repository, "group": f"/{name}/*"}
        found = [
            found.version
            for found in map(_raw_coordinates_of, self._all_pages(f"{API}/search", params, what))
            if found.name == name and found.version != UNVERSIONED
        ]
        if found:
            return newest_first(dict.fromkeys(found))
        if self._raw_items(repository, RawCoordinates(name, UNVERSIONED, "")):
            return [UNVERSIONED]
        raise NexusNotFoundError(outside_layout_message(repository, name))

    def _raw_items(self, repository: str, wanted: RawCoordinates) -> list[dict[str, Any]]:
        """The search items (one per file) of one version of a raw component."""
        what = f"the files of {wanted.name!r} {wanted.version} in raw repository {repository!r}"
        params = {"repository": repository, "group": wanted.folder}
        return [
            item
            for item in self._all_pages(f"{API}/search", params, what)
            if (found := _raw_coordinates_of(item)).name == wanted.name and found.version == wanted.version
        ]

    def _all_pages(self, path: str, params: Mapping[str, str | None], what: str) -> Iterator[dict[str, Any]]:
        """Every item of a paged answer, each once, up to ``max_pages`` pages: never fewer silently."""
        token: str | None = None
        seen_tokens: set[str] = set()
        seen_ids: set[str] = set()
        for _ in range(self.max_pages):
            items, token = self._page(path, {**params, "continuationToken": token}, what)
            yield from _unique(items, seen_ids)
            if token is None:
                return
            if token in seen_tokens:
                raise NexusPagingError(
                    f"Nexus at {self.base_url} handed back continuation token {token[:40]!r} again "
                    f"while listing {what}: stopped, as paging on would repeat the same items"
                )
            seen_tokens.add(token)
        raise NexusPagingError(
            f"{what}: Nexus has more than {self.max_pages} pages; raise [job_orchestrator] "
            "nexus_max_pages to read them all (nothing was read past the bound)"
        )

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
                write_verified(
                    response.iter_content(DOWNLOAD_CHUNK_BYTES),
                    destination,
                    asset,
                    allow_unverified=self.allow_unverified,
                )
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
                    return self._checked(response, url, what, credentials_withheld=auth is None)
                cause = None
                status, message = response.status_code, _snippet(response)
                response.close()
                if status == 500 and any(fault in message for fault in _REQUEST_FAULTS):
                    raise NexusResponseError(
                        f"Nexus answered HTTP {status} to {what} with an error about the request "
                        f"itself, which asking again would repeat (not retried): {message}",
                        status=status,
                    )
                failure = NexusResponseError(
                    f"Nexus answered HTTP {status} to {what} ({attempts} attempts): {message}", status=status
                )
            if attempt < attempts:
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning("%s; attempt %d of %d in %.1fs", failure, attempt + 1, attempts, delay)
                self._sleep(delay)
        raise failure from cause

    def _checked(
        self, response: requests.Response, url: str, what: str, *, credentials_withheld: bool
    ) -> requests.Response:
        status = response.status_code
        if status < 400:
            return response
        message = _snippet(response)
        response.close()
        if status == 401 and credentials_withheld and self._auth:
            raise NexusAuthError(
                f"{_origin(url)} asked for a login for {what} (HTTP 401), but it is not the origin of "
                f"{self._connection_name} ({_origin(self.base_url)}), so its credentials were withheld "
                "there. Nexus lists download URLs on that origin: set Nexus's Base URL (or the proxy "
                "in front of it) to the address of the connection, or point the connection at it"
            )
        if status == 401:
            raise NexusAuthError(
                f"Nexus at {self.base_url} refused {self._who()} for {what} (HTTP 401): "
                f"check the login and password or user token of {self._connection_name}"
            )
        if status == 403:
            raise NexusForbiddenError(
                f"Nexus at {self.base_url} does not allow {self._who()} to read {what} (HTTP 403): "
                "ask its administrator for browse and read privileges"
            )
        if status == 404:
            raise NexusNotFoundError(f"{what}: not found at {self.base_url} (HTTP 404)")
        raise NexusResponseError(f"Nexus answered HTTP {status} to {what}: {message}", status=status)

    def _who(self) -> str:
        return f"user {self._auth[0]!r}" if self._auth else "anonymous access"

    def _malformed(self, what: str, cause: Exception) -> NexusError:
        return NexusResponseError(f"Nexus at {self.base_url} sent a malformed answer to {what}: {cause}")


def _unique(items: list[dict[str, Any]], seen: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """Items not met before (by id): a server can repeat one across pages."""
    seen = set() if seen is None else seen
    for item in items:
        key = item.get("id")
        if key is None or key not in seen:
            if key is not None:
                seen.add(key)
            yield item


def _raw_coordinates_of(item: Mapping[str, Any]) -> RawCoordinates:
    return raw_coordinates(str(item["name"]))


def _coordinates(item: Mapping[str, Any]) -> tuple[str, str, str]:
    """(group, name, version) of a search item; raw files by their layout."""
    if item.get("format") == RAW_FORMAT:
        found = _raw_coordinates_of(item)
        return "", found.name, found.version
    return item.get("group") or "", item["name"], item.get("version") or ""


def _asset_info(asset: Mapping[str, Any]) -> AssetInfo:
    checksum = asset.get("checksum") or {}
    return AssetInfo(
        path=asset["path"],
        download_url=asset["downloadUrl"],
        sha256=checksum.get("sha256"),
        sha1=checksum.get("sha1"),
        sha512=checksum.get("sha512"),
        md5=checksum.get("md5"),
        classifier=(asset.get("maven2") or {}).get("classifier") or None,
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
