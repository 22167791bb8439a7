"""A Sonatype Nexus Repository 3 REST simulator for tests, faithful to the real server's answers.

No Nexus can run on the test machines, so this serves the parts of the API the provider uses,
the way Nexus 3 answers them (checked against Sonatype's documentation and the sources of
``sonatype/nexus-public``):

- ``GET /service/rest/v1/repositories``: the repositories the user may browse, as a JSON list.
- ``GET /service/rest/v1/search`` and ``/search/assets``: pages of ``search_page_size`` (50)
  components (of any repository name: one that does not exist, or that the user may not
  browse, is an empty page, never a 404 or 403; ``prerelease`` is ignored for Maven, so
  ``3.0.0-RC1`` is found with ``prerelease=false``); the asset search flattens the assets of each page of components, as Nexus does.
  ``continuationToken`` is set whenever a page is full, so a result that fills its last page
  exactly ends with an extra empty page. The token is hex of ``<offset>:<md5 of the query>``;
  a token that is not hex, or belongs to another query, is a 400 with Nexus's validation
  errors body. ``q`` is a keyword search: case-insensitive whole tokens (names split on
  ``.-_/:`` and spaces), a trailing ``*`` for prefixes, ``"quoted"`` for a whole field; any
  matching term is enough.
- ``GET /service/rest/v1/search/assets/download``: 302 to the asset's ``downloadUrl`` when
  exactly one asset matches or ``sort`` is given (then the first), else 404 "Asset search
  returned no results" or 400 "Search returned multiple assets, …" (text/plain).
- ``GET /service/rest/v1/components?repository=``: pages of ``components_page_size`` (100),
  token = id of the last component of a full page; no repository is 422, an unknown one 404,
  one the user may not browse 403 (empty body, an ``X-Siesta-FaultId`` header), an unusable
  token 400 "Invalid continuation token".
- ``GET /service/rest/v1/components/{id}``: one component; ids are url-safe base64 without
  padding of ``<repository>:<internal id>``.
- ``GET /repository/<repository>/<path>``: the asset's bytes, 404 when missing.

Formats as Nexus models them: ``maven2`` components hold the main artifact and side files
(classified jars carry ``maven2.classifier``; ``.pom`` and ``.sha1``/``.md5``/``.sha256``
sidecars are assets too), while ``maven-metadata.xml`` belongs to no component (served, never
searched). In ``raw`` repositories every file is its own component: ``version`` "", ``name``
its full path with a leading ``/``, ``group`` its folder (``/etl/patients/1.10.0``). ``docker``
components are images: name = image, version = tag, one manifest asset.

Authentication is HTTP basic: a missing (with anonymous access off) or wrong login is a 401
with Nexus's ``WWW-Authenticate`` realm. A user denied a repository (or everything) gets an
empty list and empty search pages, and a 403 only from ``/v1/components`` and the content.
Faults for tests: 5xx answers (optionally with a body, e.g. a Java exception about the
request), hangs, cut JSON, and continuation tokens handed back unchanged.
Pass an ``ssl_context`` to serve HTTPS.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fnmatch
import hashlib
import json
import mimetypes
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

REALM = 'BASIC realm="Sonatype Nexus Repository Manager"'
NO_SEARCH_RESULTS = "Asset search returned no results"
MULTIPLE_ASSETS = (
    "Search returned multiple assets, please refine search criteria to find a single asset "
    "or use the sort query parameter to retrieve the first result."
)
CHECKSUMS = ("sha1", "sha256", "md5", "sha512")
_COMPONENT_PARAMS = {
    "repository": "repository",
    "format": "format",
    "group": "group",
    "name": "name",
    "version": "version",
    "maven.groupId": "group",
    "maven.artifactId": "name",
    "maven.baseVersion": "version",
}
_ASSET_PARAMS = ("sha1", "sha256", "md5", "sha512", "maven.extension", "maven.classifier")
_TOKEN_SPLIT = re.compile(r"[\s.\-_/:]+")


@dataclass
class LoggedRequest:
    """One request as the simulator saw it, for tests to inspect."""

    method: str
    path: str
    query: dict[str, list[str]]
    user: str | None
    authorization: bool
    status: int = 0


@dataclass
class _Fault:
    kind: str  # "status", "hang" or "malformed"
    remaining: int
    status: int = 503
    body: str | None = None
    seconds: float = 0.0
    path_contains: str | None = None


@dataclass
class _Component:
    internal_id: str
    repository: str
    format: str
    group: str | None
    name: str
    version: str
    assets: list[dict[str, Any]] = field(default_factory=list)


def _external_id(repository: str, internal_id: str) -> str:
    raw = f"{repository}:{internal_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _nexus_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _tokens(value: str | None) -> set[str]:
    return {token for token in _TOKEN_SPLIT.split((value or "").lower()) if token}


def _keyword_matches(query: str, component: _Component) -> bool:
    fields = [component.group or "", component.name, component.version]
    terms = re.findall(r'"([^"]*)"|(\S+)', query)
    if not terms:
        return True
    tokens = set().union(*(_tokens(value) for value in fields))
    for phrase, word in terms:
        if phrase and phrase.lower() in (value.lower() for value in fields):
            return True
        for term in _tokens(word):
            if term.endswith("*") and len(term) > 3:
                if any(token.startswith(term[:-1]) for token in tokens):
                    return True
            elif term in tokens:
                return True
    return False


def _field_matches(expected: str, actual: str | None) -> bool:
    if expected == "":
        return not actual  # since Nexus 3.57 an empty value means "specifically empty"
    return fnmatch.fnmatchcase((actual or "").lower(), expected.lower())


def _natural_key(version: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[^\d]+", version)]


class FakeNexus:
    """A Nexus 3 REST API on ``127.0.0.1``, served from a background thread."""

    def __init__(
        self,
        *,
        users: Mapping[str, str] | None = None,
        anonymous: bool = True,
        search_page_size: int = 50,
        components_page_size: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.users = dict(users or {})
        self.ssl_context = ssl_context
        self.anonymous = anonymous
        self.search_page_size = search_page_size
        self.components_page_size = components_page_size
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._repositories: dict[str, dict[str, str]] = {}
        self._components: list[_Component] = []
        self._content: dict[tuple[str, str], bytes] = {}
        self._denied: dict[str, set[str] | None] = {}
        self._faults: list[_Fault] = []
        self._orphans: dict[tuple[str, str], dict[str, Any]] = {}
        self.repeat_tokens = False  # hand every continuation token back unchanged (a broken proxy)
        # called after each answer: lets a test publish between two pages of a listing
        self.after_request: Callable[[LoggedRequest], None] | None = None
        self._log: list[LoggedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeNexus:
        handler = type("_BoundHandler", (_Handler,), {"nexus": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if self.ssl_context is not None:
            self._server.socket = self.ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-nexus", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers told to hang
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeNexus:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeNexus is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    # -- content ---------------------------------------------------------------------------

    def add_repository(self, name: str, format: str = "maven2", type: str = "hosted") -> None:
        with self._lock:
            self._repositories[name] = {"format": format, "type": type}

    def add_component(
        self,
        repository: str,
        group: str | None,
        name: str,
        version: str,
        assets: Mapping[str, bytes],
        *,
        checksums: Iterable[str] = CHECKSUMS,
    ) -> list[dict[str, Any]]:
        """Store a component; ``assets`` maps file names (maven2 layout) or full paths to bytes.

        ``checksums`` limits the algorithms listed, like old Nexus versions that give no sha256.
        Returns the asset dicts as the API returns them.
        """
        with self._lock:
            repo = self._repositories[repository]
            internal_id = hashlib.md5(f"{repository}:{group}:{name}:{version}".encode()).hexdigest()
            component = _Component(internal_id, repository, repo["format"], group or None, name, version)
            now = datetime.now(timezone.utc)
            for file_name, data in assets.items():
                path = self._asset_path(repo["format"], group, name, version, file_name)
                component.assets.append(self._asset(component, path, data, tuple(checksums), now))
                self._content[(repository, path)] = data
            self._components = [c for c in self._components if c.internal_id != internal_id]
            self._components.append(component)
            return [self._render(asset) for asset in component.assets]

    def add_raw_file(
        self, repository: str, path: str, data: bytes, *, checksums: Iterable[str] = CHECKSUMS
    ) -> dict[str, Any]:
        """A file of a raw repository: its own component, named by its path, grouped by its folder."""
        path = path.strip("/")
        folder = path.rpartition("/")[0]
        (asset,) = self.add_component(
            repository, f"/{folder}", f"/{path}", "", {path: data}, checksums=checksums
        )
        return asset

    def add_maven_version(
        self, repository: str, group: str, name: str, version: str, main: bytes, extension: str = "jar"
    ) -> list[dict[str, Any]]:
        """A Maven version as a build publishes it: the main artifact, classified jars, the pom,
        and checksum sidecars of the main artifact and the pom."""
        stem = f"{name}-{version}"
        pom = f"<project><artifactId>{name}</artifactId><version>{version}</version></project>".encode()
        files: dict[str, bytes] = {
            f"{stem}.{extension}": main,
            f"{stem}-sources.jar": b"PK sources of " + stem.encode(),
            f"{stem}-javadoc.jar": b"PK javadoc of " + stem.encode(),
            f"{stem}-tests.jar": b"PK tests of " + stem.encode(),
            f"{stem}.pom": pom,
        }
        for file_name in (f"{stem}.{extension}", f"{stem}.pom"):
            for algorithm in ("sha1", "md5", "sha256"):
                files[f"{file_name}.{algorithm}"] = (
                    hashlib.new(algorithm, files[file_name]).hexdigest().encode()
                )
        return self.add_component(repository, group, name, version, files)

    def add_maven_metadata(self, repository: str, group: str, name: str, versions: Iterable[str]) -> str:
        """``maven-metadata.xml`` of an artifact: an asset of no component, as in Nexus. Its path."""
        listed = "".join(f"<version>{v}</version>" for v in versions)
        data = f"<metadata><versioning><versions>{listed}</versions></versioning></metadata>".encode()
        path = "/".join([*group.split("."), name, "maven-metadata.xml"])
        with self._lock:
            component = _Component("", repository, self._repositories[repository]["format"], None, "", "")
            self._orphans[(repository, path)] = self._asset(
                component, path, data, CHECKSUMS, datetime.now(timezone.utc)
            )
            self._content[(repository, path)] = data
        return path

    def add_docker_image(self, repository: str, image: str, tag: str) -> None:
        """An image tag of a docker repository: component name = image, version = tag."""
        manifest = json.dumps({"schemaVersion": 2, "tag": tag}).encode()
        self.add_component(repository, None, image, tag, {f"v2/{image}/manifests/{tag}": manifest})

    def replace_content(self, repository: str, path: str, data: bytes) -> None:
        """Serve other bytes for an asset while its listed checksums stay: a corrupt blob."""
        with self._lock:
            self._content[(repository, path)] = data

    def deny(self, user: str, repository: str | None = None) -> None:
        """Take from ``user`` the right to browse and read ``repository``, or every right."""
        with self._lock:
            if repository is None:
                self._denied[user] = None
            else:
                denied = self._denied.setdefault(user, set())
                if denied is not None:
                    denied.add(repository)

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self, count: int = 1, status: int = 503, *, path_contains: str | None = None, body: str | None = None
    ) -> None:
        """Answer the next ``count`` requests (whose path contains ``path_contains``) with ``status``
        and ``body`` (default: the status's phrase)."""
        self._add_fault(_Fault("status", count, status=status, path_contains=path_contains, body=body))

    def hang_next(self, count: int = 1, seconds: float = 30.0, *, path_contains: str | None = None) -> None:
        """Let the next ``count`` requests wait ``seconds`` (or until stop) before any answer."""
        self._add_fault(_Fault("hang", count, seconds=seconds, path_contains=path_contains))

    def malformed_next(self, count: int = 1, *, path_contains: str | None = None) -> None:
        """Answer the next ``count`` requests with a 200 whose JSON body is cut short."""
        self._add_fault(_Fault("malformed", count, path_contains=path_contains))

    def _add_fault(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path_contains is None or fault.path_contains in path:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- request log -----------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    # -- model helpers ---------------------------------------------------------------------

    @staticmethod
    def _asset_path(repo_format: str, group: str | None, name: str, version: str, file_name: str) -> str:
        if "/" in file_name:
            return file_name.lstrip("/")
        if repo_format == "maven2":
            group_path = (group or "").replace(".", "/")
            return "/".join(part for part in (group_path, name, version, file_name) if part)
        return "/".join(part for part in ((group or "").strip("/"), file_name) if part)

    def _asset(
        self,
        component: _Component,
        path: str,
        data: bytes,
        checksums: tuple[str, ...],
        now: datetime,
    ) -> dict[str, Any]:
        internal_id = hashlib.md5(f"{component.repository}:{path}".encode()).hexdigest()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if path.endswith(".jar"):
            content_type = "application/java-archive"
        asset: dict[str, Any] = {
            "downloadUrl": f"{{base_url}}/repository/{component.repository}/{path}",
            "path": path,
            "id": _external_id(component.repository, internal_id),
            "repository": component.repository,
            "format": component.format,
            "checksum": {name: hashlib.new(name, data).hexdigest() for name in checksums},
            "contentType": content_type,
            "lastModified": _nexus_time(now),
            "lastDownloaded": None,
            "uploader": "ci-publisher",
            "uploaderIp": "127.0.0.1",
            "fileSize": len(data),
            "blobCreated": _nexus_time(now),
        }
        if component.format == "maven2" and component.name:
            file_name = path.rsplit("/", 1)[-1]
            stem = f"{component.name}-{component.version}"
            extension = file_name[len(stem) + 1 :] if file_name.startswith(stem + ".") else ""
            maven2 = {
                "extension": extension or file_name.rsplit(".", 1)[-1],
                "groupId": component.group,
                "artifactId": component.name,
                "version": component.version,
            }
            if file_name.startswith(stem + "-"):  # <name>-<version>-<classifier>.<extension>
                classifier, _, maven2["extension"] = file_name[len(stem) + 1 :].partition(".")
                maven2["classifier"] = classifier
            asset["maven2"] = maven2
        return asset

    def _render(self, asset: dict[str, Any]) -> dict[str, Any]:
        rendered = dict(asset)
        rendered["downloadUrl"] = asset["downloadUrl"].replace("{base_url}", self.base_url)
        rendered["checksum"] = dict(asset["checksum"])
        return rendered

    def _component_json(self, component: _Component) -> dict[str, Any]:
        return {
            "id": _external_id(component.repository, component.internal_id),
            "repository": component.repository,
            "format": component.format,
            "group": component.group,
            "name": component.name,
            "version": component.version,
            "assets": [self._render(asset) for asset in component.assets],
        }

    def _may_browse(self, user: str | None, repository: str) -> bool:
        denied = self._denied.get(user or "anonymous", set())
        return denied is not None and repository not in denied


class _Reply(Exception):
    """Ends a request with this answer; raised from anywhere in the handler."""

    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/plain",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})


def _json_reply(payload: Any, status: int = 200) -> _Reply:
    return _Reply(status, json.dumps(payload, indent=2).encode(), "application/json")


def _text_reply(status: int, message: str) -> _Reply:
    return _Reply(status, message.encode(), "text/plain")


class _Handler(BaseHTTPRequestHandler):
    nexus: FakeNexus
    protocol_version = "HTTP/1.1"
    server_version = "Nexus/3.70.1-02 (OSS)"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeNexus.requests`` instead."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query, keep_blank_values=True)
        entry = LoggedRequest(self.command, path, query, None, "Authorization" in self.headers)
        try:
            self._apply_fault(path)
            entry.user = self._authenticate()
            self._route(path, query, entry.user)
            raise _text_reply(404, "Not Found")
        except _Reply as reply:
            entry.status = reply.status
            self.nexus._record(entry)
            if self.nexus.after_request is not None:
                self.nexus.after_request(entry)
            self._send(reply, head=head)

    def _send(self, reply: _Reply, *, head: bool) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            # a client that gave up (a timeout test) wants no answer
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply.body)

    def _apply_fault(self, path: str) -> None:
        fault = self.nexus._take_fault(path)
        if fault is None:
            return
        if fault.kind == "hang":
            self.nexus._stopping.wait(fault.seconds)
        elif fault.kind == "malformed":
            raise _Reply(200, b'{"items" : [ {"id" : "bWF2ZW4', "application/json")
        else:
            raise _text_reply(fault.status, fault.body or HTTPStatus(fault.status).phrase)

    def _authenticate(self) -> str | None:
        header = self.headers.get("Authorization")
        if header is None:
            if self.nexus.anonymous:
                return None
            raise _Reply(401, headers={"WWW-Authenticate": REALM})
        scheme, _, encoded = header.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", None
        if scheme.lower() != "basic" or self.nexus.users.get(user) != password:
            raise _Reply(401, headers={"WWW-Authenticate": REALM})
        return user

    def _route(self, path: str, query: dict[str, list[str]], user: str | None) -> None:
        if path.startswith("/repository/"):
            self._content(path.removeprefix("/repository/"), user)
        rest = "/service/rest/v1"
        if path == f"{rest}/repositories":
            self._repositories(user)
        if path in (f"{rest}/search", f"{rest}/search/assets", f"{rest}/search/assets/download"):
            self._search(path.removeprefix(f"{rest}/search"), query, user)
        if path == f"{rest}/components":
            self._components(query, user)
        if path.startswith(f"{rest}/components/"):
            self._component(path.removeprefix(f"{rest}/components/"), user)

    # -- endpoints -------------------------------------------------------------------------

    def _repositories(self, user: str | None) -> None:
        nexus = self.nexus
        with nexus._lock:
            listed = [
                {
                    "name": name,
                    "format": repo["format"],
                    "type": repo["type"],
                    "url": f"{nexus.base_url}/repository/{name}",
                    "attributes": {},
                }
                for name, repo in nexus._repositories.items()
                if nexus._may_browse(user, name)
            ]
        raise _json_reply(listed)

    def _search(self, kind: str, query: dict[str, list[str]], user: str | None) -> None:
        nexus = self.nexus
        params = {key: values[-1] for key, values in query.items()}
        fingerprint = hashlib.md5(
            json.dumps(
                sorted(
                    (k, v) for k, v in params.items() if k not in ("continuationToken", "sort", "direction")
                )
            ).encode()
        ).hexdigest()
        with nexus._lock:
            hits = [c for c in nexus._components if self._component_matches(c, params, user)]
            hits = self._sorted(hits, params.get("sort"), params.get("direction"))
            size = nexus.search_page_size
            offset = 0 if kind == "/assets/download" else self._decode_search_token(params, fingerprint)
            page = hits[offset : offset + size]
            token = (
                binascii.hexlify(f"{offset + size}:{fingerprint}".encode()).decode()
                if len(page) == size
                else None
            )
            if nexus.repeat_tokens and token is not None and "continuationToken" in params:
                token = params["continuationToken"]
            if kind == "":
                raise _json_reply(
                    {"items": [nexus._component_json(c) for c in page], "continuationToken": token}
                )
            assets = [
                nexus._render(asset)
                for component in page
                for asset in component.assets
                if self._asset_matches(asset, params)
            ]
        if kind == "/assets":
            raise _json_reply({"items": assets, "continuationToken": token})
        if not assets:
            raise _text_reply(404, NO_SEARCH_RESULTS)
        if len(assets) > 1 and not params.get("sort"):
            raise _text_reply(400, MULTIPLE_ASSETS)
        raise _Reply(302, headers={"Location": assets[0]["downloadUrl"]})

    @staticmethod
    def _decode_search_token(params: dict[str, str], fingerprint: str) -> int:
        token = params.get("continuationToken")
        if token is None:
            return 0
        try:
            offset, _, digest = binascii.unhexlify(token).decode().partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            message = f"Continuation token {token} is not valid."
        else:
            if digest == fingerprint and offset.isdigit():
                return int(offset)
            message = f"Continuation token {token} does not match this query"
        raise _json_reply([{"id": "*", "message": message}], status=400)

    def _component_matches(self, component: _Component, params: dict[str, str], user: str | None) -> bool:
        if not self.nexus._may_browse(user, component.repository):
            return False
        for param, attribute in _COMPONENT_PARAMS.items():
            if param in params and not _field_matches(params[param], getattr(component, attribute)):
                return False
        return _keyword_matches(params.get("q", ""), component)

    @staticmethod
    def _asset_matches(asset: dict[str, Any], params: dict[str, str]) -> bool:
        for param in _ASSET_PARAMS:
            if param not in params:
                continue
            if param.startswith("maven."):
                actual = (asset.get("maven2") or {}).get(param.removeprefix("maven."))
            else:
                actual = asset["checksum"].get(param)
            if not _field_matches(params[param], actual):
                return False
        return True

    @staticmethod
    def _sorted(hits: list[_Component], sort: str | None, direction: str | None) -> list[_Component]:
        if sort not in ("group", "name", "version", "repository"):
            return hits
        descending = (direction or ("desc" if sort == "version" else "asc")).lower() == "desc"
        if sort == "version":
            return sorted(hits, key=lambda c: _natural_key(c.version), reverse=descending)
        return sorted(hits, key=lambda c: (getattr(c, sort) or "").lower(), reverse=descending)

    def _components(self, query: dict[str, list[str]], user: str | None) -> None:
        nexus = self.nexus
        repository = query.get("repository", [None])[-1]
        if repository is None:
            raise _text_reply(422, "repositoryId is required.")
        with nexus._lock:
            self._check_repository(repository, user)
            in_repo = [c for c in nexus._components if c.repository == repository]
            start = 0
            token = query.get("continuationToken", [None])[-1]
            if token is not None:
                ids = [_external_id(repository, c.internal_id) for c in in_repo]
                if token not in ids:
                    raise _text_reply(400, "Invalid continuation token")
                start = ids.index(token) + 1
            page = in_repo[start : start + nexus.components_page_size]
            next_token = (
                _external_id(repository, page[-1].internal_id)
                if len(page) == nexus.components_page_size
                else None
            )
            raise _json_reply(
                {"items": [nexus._component_json(c) for c in page], "continuationToken": next_token}
            )

    def _component(self, encoded_id: str, user: str | None) -> None:
        nexus = self.nexus
        try:
            padded = encoded_id + "=" * (-len(encoded_id) % 4)
            decoded = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _text_reply(404, f"Unable to locate asset with id {encoded_id}") from None
        parts = decoded.split(":")
        if len(parts) != 2:
            raise _text_reply(422, f"Unable to parse RepositoryItemIDXO {encoded_id}")
        repository, internal_id = parts
        with nexus._lock:
            self._check_repository(repository, user)
            for component in nexus._components:
                if component.repository == repository and component.internal_id == internal_id:
                    raise _json_reply(nexus._component_json(component))
        raise _text_reply(404, f"Unable to locate component with id {encoded_id}")

    def _check_repository(self, repository: str, user: str | None) -> None:
        if repository not in self.nexus._repositories:
            raise _text_reply(404, f"Unable to locate repository with id {repository}")
        if not self.nexus._may_browse(user, repository):
            raise _Reply(403, headers={"X-Siesta-FaultId": str(uuid.uuid4())})

    def _content(self, location: str, user: str | None) -> None:
        nexus = self.nexus
        repository, _, path = location.partition("/")
        with nexus._lock:
            if repository in nexus._repositories and not nexus._may_browse(user, repository):
                # Nexus challenges anonymous readers (so Maven clients send credentials)
                raise _Reply(403) if user else _Reply(401, headers={"WWW-Authenticate": REALM})
            data = nexus._content.get((repository, path))
            asset = next(
                (
                    a
                    for c in nexus._components
                    if c.repository == repository
                    for a in c.assets
                    if a["path"] == path
                ),
                nexus._orphans.get((repository, path)),
            )
        if data is None or asset is None:
            raise _Reply(404, b"<html><body><h1>404 - Not Found</h1></body></html>", "text/html")
        headers = {
            "Last-Modified": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
            "ETag": f'"{asset["checksum"].get("sha1", "")}"',
        }
        raise _Reply(200, data, asset["contentType"], headers)


@pytest.fixture
def nexus_server() -> Iterator[FakeNexus]:
    """A started, empty ``FakeNexus`` (anonymous access on), stopped after the test."""
    nexus = FakeNexus().start()
    try:
        yield nexus
    finally:
        nexus.stop()
