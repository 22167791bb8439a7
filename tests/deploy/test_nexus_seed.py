"""deploy/nexus/seed_nexus.py (the compose stack's nexus-seed job) against a stand-in Nexus.

No Nexus runs here. The stand-in answers the calls the job makes the way Nexus 3 documents
them (status codes, basic auth, the EULA that blocks uploads, the Maven upload form) and
keeps what was written, so the tests read back what a real Nexus would hold.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from examples.seed import GROUP, REPOSITORY, seed
from tests.local_servers import serving

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "nexus" / "seed_nexus.py"
API = "/service/rest/v1"
DISCLAIMER = (
    "Use of Sonatype Nexus Repository - Community Edition is governed by the End User License Agreement."
)


@dataclass
class NexusState:
    passwords: dict[str, str] = field(default_factory=lambda: {"admin": "initial-secret"})
    eula_accepted: bool = False
    repositories: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (group, name, version) -> {file name: bytes}
    components: dict[tuple[str, str, str], dict[str, bytes]] = field(default_factory=dict)
    uploads: int = 0


class StandInNexus(BaseHTTPRequestHandler):
    state: NexusState

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        path, query = url.path, {key: values[0] for key, values in parse_qs(url.query).items()}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == f"{API}/status/writable":
            return self._answer(HTTPStatus.OK)
        user = self._user()
        if user is None:
            return self._answer(HTTPStatus.UNAUTHORIZED)
        if user != "admin" and not path.startswith(f"{API}/search"):
            return self._answer(HTTPStatus.FORBIDDEN)
        state = self.state
        route = (method, path.removeprefix(API))
        if route == ("GET", "/security/users"):
            prefix = query.get("userId", "")
            found = [{"userId": name} for name in state.passwords if name.startswith(prefix)]
            return self._answer(HTTPStatus.OK, found)
        if (
            method == "PUT"
            and path.startswith(f"{API}/security/users/")
            and path.endswith("/change-password")
        ):
            assert self.headers["Content-Type"] == "text/plain"
            state.passwords[path.split("/")[-2]] = body.decode()
            return self._answer(HTTPStatus.NO_CONTENT)
        if route == ("POST", "/security/users"):
            account = json.loads(body)
            state.users[account["userId"]] = account
            state.passwords[account["userId"]] = account["password"]
            return self._answer(HTTPStatus.OK, account)
        if route == ("GET", "/system/eula"):
            return self._answer(HTTPStatus.OK, {"disclaimer": DISCLAIMER, "accepted": state.eula_accepted})
        if route == ("POST", "/system/eula"):
            if json.loads(body) != {"disclaimer": DISCLAIMER, "accepted": True}:
                return self._answer(HTTPStatus.BAD_REQUEST)
            state.eula_accepted = True
            return self._answer(HTTPStatus.NO_CONTENT)
        if method == "GET" and path.startswith(f"{API}/repositories/maven/hosted/"):
            name = path.rsplit("/", 1)[1]
            if name in state.repositories:
                return self._answer(HTTPStatus.OK, state.repositories[name])
            return self._answer(HTTPStatus.NOT_FOUND)
        if route == ("POST", "/repositories/maven/hosted"):
            repository = json.loads(body)
            state.repositories[repository["name"]] = repository
            return self._answer(HTTPStatus.CREATED)
        if method == "GET" and path.startswith(f"{API}/security/roles/"):
            role_id = path.rsplit("/", 1)[1]
            if role_id in state.roles:
                return self._answer(HTTPStatus.OK, state.roles[role_id])
            return self._answer(HTTPStatus.NOT_FOUND)
        if route == ("POST", "/security/roles") or (
            method == "PUT" and path.startswith(f"{API}/security/roles/")
        ):
            role = json.loads(body)
            state.roles[role["id"]] = role
            return self._answer(HTTPStatus.OK if method == "POST" else HTTPStatus.NO_CONTENT, role)
        if route == ("GET", "/search"):
            key = (query.get("group", ""), query.get("name", ""), query.get("version", ""))
            items = (
                [dict(zip(("group", "name", "version"), key, strict=True))] if key in state.components else []
            )
            return self._answer(HTTPStatus.OK, {"items": items, "continuationToken": None})
        if route == ("POST", "/components"):
            if not state.eula_accepted:
                return self._answer(HTTPStatus.FORBIDDEN)
            if query.get("repository") not in state.repositories:
                return self._answer(HTTPStatus.NOT_FOUND)
            return self._upload(body)
        return self._answer(HTTPStatus.NOT_FOUND)

    def _upload(self, body: bytes) -> None:
        """Nexus's maven2 upload form: coordinates, one asset and its extension."""
        header = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        fields = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        text = {name: part.get_content() for name, part in fields.items() if name != "maven2.asset1"}
        assert text["maven2.generate-pom"] == "false"
        group, name, version = text["maven2.groupId"], text["maven2.artifactId"], text["maven2.version"]
        file_name = f"{name}-{version}.{text['maven2.asset1.extension']}"
        self.state.components[(group, name, version)] = {file_name: fields["maven2.asset1"].get_content()}
        self.state.uploads += 1
        self._answer(HTTPStatus.NO_CONTENT)

    def _user(self) -> str | None:
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme != "Basic":
            return None
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user if self.state.passwords.get(user) == password else None

    def _answer(self, status: HTTPStatus, payload: Any = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def nexus() -> Iterator[tuple[str, NexusState]]:
    state = NexusState()
    handler = type("Handler", (StandInNexus,), {"state": state})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}", state


def run_seed(url: str, tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    initial = tmp_path / "admin.password"
    initial.write_text("initial-secret\n")
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "NEXUS_URL": url,
        "NEXUS_ADMIN_PASSWORD": "admin-from-env",
        "NEXUS_INITIAL_PASSWORD_FILE": str(initial),
        "NEXUS_ACCEPT_EULA": "yes",
        "NEXUS_READER_USER": "job-reader",
        "NEXUS_READER_PASSWORD": "reader-from-env",
        "NEXUS_WAIT_SECONDS": "5",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def expected_components(tmp_path: Path) -> dict[tuple[str, str, str], dict[str, bytes]]:
    """What examples/seed.py lays out, as Maven components named <name>-<version>.<extension>."""
    expected = {}
    for path in seed(tmp_path / "expected"):
        name, version = path.parent.parent.name, path.parent.name
        extension = path.name.rpartition(".")[2]
        expected[(GROUP, name, version)] = {f"{name}-{version}.{extension}": path.read_bytes()}
    return expected


def test_fresh_nexus_is_seeded(nexus: tuple[str, NexusState], tmp_path: Path) -> None:
    url, state = nexus
    result = run_seed(url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert state.passwords["admin"] == "admin-from-env"
    assert state.eula_accepted
    repository = state.repositories[REPOSITORY]
    assert repository["maven"]["versionPolicy"] == "RELEASE"
    assert repository["storage"]["writePolicy"] == "ALLOW_ONCE"
    assert state.roles["job-reader"]["privileges"] == [
        f"nx-repository-view-maven2-{REPOSITORY}-browse",
        f"nx-repository-view-maven2-{REPOSITORY}-read",
        "nx-search-read",
    ]
    assert state.users["job-reader"]["roles"] == ["job-reader"]
    assert state.passwords["job-reader"] == "reader-from-env"
    assert state.components == expected_components(tmp_path)
    assert f"repository {REPOSITORY}" in result.stdout


def test_second_run_changes_nothing_but_follows_the_env(
    nexus: tuple[str, NexusState], tmp_path: Path
) -> None:
    url, state = nexus
    assert run_seed(url, tmp_path).returncode == 0
    uploads = state.uploads
    result = run_seed(url, tmp_path, NEXUS_READER_PASSWORD="rotated")
    assert result.returncode == 0, result.stderr
    assert state.uploads == uploads
    assert state.passwords["job-reader"] == "rotated"
    assert "uploaded" not in result.stdout


def test_eula_is_accepted_only_by_the_operator(nexus: tuple[str, NexusState], tmp_path: Path) -> None:
    url, state = nexus
    result = run_seed(url, tmp_path, NEXUS_ACCEPT_EULA="no")
    assert result.returncode != 0
    assert DISCLAIMER in result.stderr and "NEXUS_ACCEPT_EULA=yes" in result.stderr
    assert not state.eula_accepted
    assert state.components == {}


def test_unknown_admin_password_is_explained(nexus: tuple[str, NexusState], tmp_path: Path) -> None:
    url, state = nexus
    state.passwords["admin"] = "someone-elses"
    result = run_seed(url, tmp_path, NEXUS_INITIAL_PASSWORD_FILE=str(tmp_path / "gone"))
    assert result.returncode != 0
    assert "set NEXUS_ADMIN_PASSWORD to Nexus's admin password" in result.stderr
