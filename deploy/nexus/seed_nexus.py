"""Seed the compose stack's Nexus: admin password, EULA, a hosted Maven repository, a read-only
account for Airflow and job pods, and the example jobs of ``examples/`` as components.

docker-compose runs it once Nexus is healthy, in a plain Python image: standard library only.
Every step looks before it writes, so it may run at every ``docker compose up``. The example
jobs are built by ``examples/seed.py``, the same bytes the embedded demo and the tests use.

Environment: NEXUS_URL, NEXUS_ADMIN_PASSWORD, NEXUS_INITIAL_PASSWORD_FILE (Nexus writes the
first admin password there), NEXUS_ACCEPT_EULA (``yes`` accepts the Community Edition EULA),
NEXUS_READER_USER, NEXUS_READER_PASSWORD, NEXUS_WAIT_SECONDS.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from examples.seed import GROUP, REPOSITORY, seed

API = "/service/rest/v1"
READER_ROLE = "job-reader"


class SeedError(Exception):
    """A step that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass(frozen=True)
class Artifact:
    """One example job file as a Maven component: <group>:<name>:<version>, one asset."""

    name: str
    version: str
    path: Path

    @property
    def extension(self) -> str:
        return self.path.name.rpartition(".")[2]


class Nexus:
    """Just enough of Nexus's REST API, over urllib, with basic auth."""

    def __init__(self, base_url: str, user: str, password: str) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SeedError(f"NEXUS_URL must be an http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.login(user, password)

    def login(self, user: str, password: str) -> None:
        self._authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        text: str | None = None,
        form: tuple[bytes, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Answer:
        """One request; any HTTP status comes back as an Answer, only network failures raise."""
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Authorization": self._authorization, "Accept": "application/json"}
        data: bytes | None = None
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif text is not None:
            data, headers["Content-Type"] = text.encode(), "text/plain"
        elif form is not None:
            data, headers["Content-Type"] = form
        # S310: the URL is http(s), checked in __init__.
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read())

    def expect(self, answer: Answer, what: str, *ok: int) -> Answer:
        if answer.status not in ok:
            raise SeedError(f"{what}: Nexus answered HTTP {answer.status}: {answer.body[:500]!r}")
        return answer


def multipart(fields: dict[str, str], file_field: str, file: Path) -> tuple[bytes, str]:
    """A multipart/form-data body (Nexus's upload form) and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + file.read_bytes()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_until_writable(nexus: Nexus, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if nexus.call("GET", f"{API}/status/writable").status == 200:
                return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise SeedError(f"Nexus at {nexus.base_url} was not writable within {seconds:g}s")
        time.sleep(5)


def log_in_as_admin(nexus: Nexus, password: str, initial_password_file: Path) -> None:
    """Use the configured admin password; on a fresh Nexus, set it from the initial one."""
    nexus.login("admin", password)
    if nexus.call("GET", f"{API}/security/users", query={"userId": "admin"}).status != 401:
        return
    if not initial_password_file.is_file():
        raise SeedError(
            "Nexus refused NEXUS_ADMIN_PASSWORD and has no initial password file "
            f"({initial_password_file}): set NEXUS_ADMIN_PASSWORD to Nexus's admin password"
        )
    nexus.login("admin", initial_password_file.read_text().strip())
    nexus.expect(
        nexus.call("PUT", f"{API}/security/users/admin/change-password", text=password),
        "setting the admin password",
        204,
    )
    nexus.login("admin", password)
    print("set the admin password")


def accept_eula(nexus: Nexus, accepted_by_operator: bool) -> None:
    """Community Edition blocks uploads and downloads until its EULA is accepted."""
    answer = nexus.call("GET", f"{API}/system/eula")
    if answer.status == 404:  # an edition or version without the EULA endpoint
        return
    eula = nexus.expect(answer, "reading the EULA", 200).json()
    if eula.get("accepted"):
        return
    if not accepted_by_operator:
        raise SeedError(
            "Nexus Community Edition needs its end-user license agreement accepted before it "
            f"stores or serves components:\n  {eula.get('disclaimer', '')}\n"
            "Read it, then set NEXUS_ACCEPT_EULA=yes in .env and run `docker compose up -d` again."
        )
    nexus.expect(
        nexus.call("POST", f"{API}/system/eula", json_body={**eula, "accepted": True}),
        "accepting the EULA",
        200,
        204,
    )
    print("accepted the Community Edition EULA (NEXUS_ACCEPT_EULA=yes)")


def ensure_repository(nexus: Nexus, name: str) -> None:
    """A hosted Maven repository: group, name and version are what the provider browses by."""
    path = f"{API}/repositories/maven/hosted/{quote(name)}"
    if nexus.call("GET", path).status == 200:
        return
    body = {
        "name": name,
        "online": True,
        # Scripts are neither jars nor poms: no content type check. Releases never change.
        "storage": {
            "blobStoreName": "default",
            "strictContentTypeValidation": False,
            "writePolicy": "ALLOW_ONCE",
        },
        "maven": {"versionPolicy": "RELEASE", "layoutPolicy": "STRICT", "contentDisposition": "ATTACHMENT"},
    }
    nexus.expect(
        nexus.call("POST", f"{API}/repositories/maven/hosted", json_body=body),
        f"creating repository {name}",
        201,
    )
    print(f"created repository {name}")


def ensure_reader(nexus: Nexus, repository: str, user: str, password: str) -> None:
    """A role that may search, browse and read ``repository`` only, and a user holding it."""
    role = {
        "id": READER_ROLE,
        "name": READER_ROLE,
        "description": f"Browse, search and download {repository} (Airflow and job pods)",
        "privileges": [
            f"nx-repository-view-maven2-{repository}-browse",
            f"nx-repository-view-maven2-{repository}-read",
            "nx-search-read",
        ],
        "roles": [],
    }
    role_path = f"{API}/security/roles/{READER_ROLE}"
    if nexus.call("GET", role_path).status == 200:
        nexus.expect(nexus.call("PUT", role_path, json_body=role), "updating the reader role", 204)
    else:
        nexus.expect(
            nexus.call("POST", f"{API}/security/roles", json_body=role), "creating the reader role", 200
        )
    found = nexus.expect(
        nexus.call("GET", f"{API}/security/users", query={"userId": user}), "looking up the reader", 200
    ).json()
    if any(account.get("userId") == user for account in found):
        # .env is the source of the password: keep Nexus in step with it.
        nexus.expect(
            nexus.call("PUT", f"{API}/security/users/{quote(user)}/change-password", text=password),
            "setting the reader's password",
            204,
        )
        return
    account = {
        "userId": user,
        "firstName": "Job",
        "lastName": "Reader",
        "emailAddress": f"{user}@example.org",
        "password": password,
        "status": "active",
        "roles": [READER_ROLE],
    }
    nexus.expect(nexus.call("POST", f"{API}/security/users", json_body=account), "creating the reader", 200)
    print(f"created user {user}")


def example_artifacts(root: Path) -> list[Artifact]:
    """The example jobs, laid out by examples/seed.py as <repository>/<group>/<name>/<version>/<file>."""
    return [
        Artifact(name=path.parent.parent.name, version=path.parent.name, path=path)
        for path in sorted(seed(root))
    ]


def upload_missing(nexus: Nexus, repository: str, artifacts: list[Artifact]) -> None:
    for artifact in artifacts:
        coordinates = {"repository": repository, "group": GROUP, "name": artifact.name}
        found = nexus.expect(
            nexus.call("GET", f"{API}/search", query={**coordinates, "version": artifact.version}),
            f"searching {artifact.name} {artifact.version}",
            200,
        ).json()
        if found.get("items"):
            continue
        form = multipart(
            {
                "maven2.groupId": GROUP,
                "maven2.artifactId": artifact.name,
                "maven2.version": artifact.version,
                "maven2.generate-pom": "false",
                "maven2.asset1.extension": artifact.extension,
            },
            "maven2.asset1",
            artifact.path,
        )
        nexus.expect(
            nexus.call("POST", f"{API}/components", form=form, query={"repository": repository}),
            f"uploading {artifact.path.name}",
            204,
        )
        print(f"uploaded {GROUP}:{artifact.name}:{artifact.version} ({artifact.path.name})")


def main() -> None:
    environment = os.environ
    nexus = Nexus(environment["NEXUS_URL"], "admin", environment["NEXUS_ADMIN_PASSWORD"])
    wait_until_writable(nexus, float(environment.get("NEXUS_WAIT_SECONDS", "600")))
    log_in_as_admin(
        nexus,
        environment["NEXUS_ADMIN_PASSWORD"],
        Path(environment.get("NEXUS_INITIAL_PASSWORD_FILE", "/nexus-data/admin.password")),
    )
    accept_eula(nexus, environment.get("NEXUS_ACCEPT_EULA", "").strip().lower() == "yes")
    ensure_repository(nexus, REPOSITORY)
    ensure_reader(nexus, REPOSITORY, environment["NEXUS_READER_USER"], environment["NEXUS_READER_PASSWORD"])
    with tempfile.TemporaryDirectory() as folder:
        upload_missing(nexus, REPOSITORY, example_artifacts(Path(folder)))
    print(f"Nexus is seeded: repository {REPOSITORY}, user {environment['NEXUS_READER_USER']}")


if __name__ == "__main__":
    try:
        main()
    except SeedError as error:
        sys.exit(f"nexus-seed: {error}")
