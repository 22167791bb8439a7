"""Airflow's user and auth manager decide; cookie-authenticated changes are CSRF-safe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.unit.plugin.conftest import CSRF, Api, local_spec

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
