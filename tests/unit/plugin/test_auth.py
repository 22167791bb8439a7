"""Airflow's user and auth manager decide; cookie-authenticated changes are CSRF-safe."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from airflow_jobs_provider.plugin.airflow_plugin import URL_PREFIX
from airflow_jobs_provider.plugin.app import API_PREFIX
from tests.unit.plugin.conftest import CSRF, Api, local_spec, token_for

CHANGES = [
    ("POST", "/deployments", local_spec("new-one")),
    ("POST", "/deployments", {"name": "not-a-valid-spec"}),  # 403 before the body's 422
    ("PUT", "/deployments/existing", {"revision": 1, "spec": local_spec("existing", retries=1)}),
    ("DELETE", "/deployments/existing", None),
    ("POST", "/deployments/existing/run", None),
    ("POST", "/deployments/existing/pause", None),
    ("POST", "/deployments/existing/resume", None),
]
READS = [
    "/deployments",
    "/deployments/existing",
    "/deployments/existing/history",
    "/sources",
    "/sources/local/repositories",
    "/catalogs/runner-images",
    "/spec-schema",
]


@pytest.fixture
def existing(api: Callable[..., Api]) -> None:
    assert api("admin")("POST", "/deployments", json=local_spec("existing")).status_code == 201


@pytest.mark.parametrize("path", [*READS, "/deployments/ghost"])
def test_no_credential_is_401(api: Callable[..., Api], path: str) -> None:
    response = api(None)("GET", path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_changes_without_credential_are_401(
    api: Callable[..., Api], method: str, path: str, body: object
) -> None:
    assert api(None)(method, path, json=body).status_code == 401


def test_a_forged_token_is_refused(api: Callable[..., Api]) -> None:
    response = api(None)("GET", "/deployments", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid JWT token"}


@pytest.mark.usefixtures("existing")
@pytest.mark.parametrize("path", READS)
def test_a_viewer_reads(api: Callable[..., Api], path: str) -> None:
    assert api("viewer")("GET", path).status_code == 200


@pytest.mark.usefixtures("existing")
@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_a_viewer_changes_nothing(api: Callable[..., Api], method: str, path: str, body: object) -> None:
    response = api("viewer")(method, path, json=body)
    assert response.status_code == 403, response.text
    assert response.json()["detail"].startswith("forbidden: your Airflow user may not do ")
    assert api("viewer")("GET", "/deployments/existing").json()["revision"] == 1


@pytest.mark.usefixtures("existing")
def test_a_user_with_edit_rights_changes(api: Callable[..., Api]) -> None:
    editor = api("editor")
    assert editor("POST", "/deployments", json=local_spec("new-one")).status_code == 201
    body = {"revision": 1, "spec": local_spec("existing", retries=1)}
    assert editor("PUT", "/deployments/existing", json=body).status_code == 200
    assert editor("DELETE", "/deployments/existing").status_code == 204


def test_cookie_authenticated_change_needs_the_header(api: Callable[..., Api]) -> None:
    browser = api("editor", cookie=True)
    assert browser("GET", "/deployments").status_code == 200  # reading needs no header
    refused = browser("POST", "/deployments", json=local_spec("from-browser"))
    assert refused.status_code == 403
    assert "X-Job-Orchestrator: 1" in refused.json()["detail"]
    assert browser("GET", "/deployments").json()["deployments"] == []

    accepted = browser("POST", "/deployments", json=local_spec("from-browser"), headers=CSRF)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["deployed_by"] == "editor"


def test_cookie_authenticated_change_from_another_origin_is_refused(api: Callable[..., Api]) -> None:
    browser = api("editor", cookie=True)
    foreign = browser(
        "POST", "/deployments", json=local_spec("x"), headers={**CSRF, "Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert foreign.json() == {"detail": "cross-site request from 'https://evil.example' refused"}
    own = browser(
        "POST", "/deployments", json=local_spec("x"), headers={**CSRF, "Origin": "http://airflow.test"}
    )
    assert own.status_code == 201


def test_a_bearer_token_needs_no_header(api: Callable[..., Api]) -> None:
    assert api("editor")("POST", "/deployments", json=local_spec("from-ci")).status_code == 201


def test_openapi_description_is_served(client: TestClient) -> None:
    spec = client.get("/job-orchestrator/openapi.json").json()
    assert spec["info"]["title"] == "Job Orchestrator"
    assert "/api/v1/deployments/{name}/run" in spec["paths"]
    create = spec["paths"]["/api/v1/deployments"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/DeploymentSpec")


BODY_ROUTES = [
    ("POST", "/deployments"),
    ("PUT", "/deployments/existing"),
    ("POST", "/preflight"),
]
NOT_JSON = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_an_unauthenticated_broken_body_is_401_not_400(
    api: Callable[..., Api], method: str, path: str
) -> None:
    response = api(None)(method, path, **NOT_JSON)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Not authenticated"}
    forged = api(None)(
        method,
        path,
        content=NOT_JSON["content"],
        headers={**NOT_JSON["headers"], "Authorization": "Bearer not.a.jwt"},
    )
    assert forged.status_code == 403 and forged.json() == {"detail": "Invalid JWT token"}
    assert api("admin")(method, path, **NOT_JSON).status_code == 400  # authenticated: the body's fault


@pytest.fixture
def small_body_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__MAX_REQUEST_BYTES", "2000")
    return 2000


TOO_LARGE = {"detail": "the request body is larger than 2000 bytes ([job_orchestrator] max_request_bytes)"}


@pytest.mark.usefixtures("small_body_limit")
def test_a_body_over_the_limit_is_413_by_its_declared_length(api: Callable[..., Api]) -> None:
    big = local_spec("big", args=["x" * 3000])
    response = api("admin")("POST", "/deployments", json=big)
    assert response.status_code == 413, response.text
    assert response.json() == TOO_LARGE
    assert api("admin")("GET", "/deployments").json()["deployments"] == []
    assert api("admin")("POST", "/deployments", json=local_spec("small")).status_code == 201
    assert api(None)("POST", "/deployments", json=big).status_code == 401  # who asks comes first


@pytest.mark.usefixtures("small_body_limit")
def test_a_chunked_body_over_the_limit_is_413_before_it_is_read_whole(
    host_app: FastAPI, workspace: Path
) -> None:
    """Straight through ASGI, as a server hands the body over: chunk by chunk, no Content-Length."""
    received: list[int] = []
    answer: list[Message] = []

    async def receive() -> Message:
        received.append(1)
        return {"type": "http.request", "body": b" " * 1000, "more_body": len(received) < 1000}

    async def send(message: Message) -> None:
        answer.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "server": ("airflow.test", 80),
        "path": f"{URL_PREFIX}{API_PREFIX}/preflight",
        "raw_path": f"{URL_PREFIX}{API_PREFIX}/preflight".encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"airflow.test"),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
            (b"authorization", f"Bearer {token_for('admin')}".encode()),
        ],
    }
    asyncio.run(host_app(scope, receive, send))
    assert answer[0]["status"] == 413
    assert json.loads(b"".join(m.get("body", b"") for m in answer[1:])) == TOO_LARGE
    assert len(received) == 3  # 3000 bytes: past the limit, and not one chunk more
