"""A standing guard on a real Airflow: every route of the plugin's API is enumerated from its
OpenAPI description and must refuse the anonymous, the viewer's changes and forged browser
requests; the hostile-input corpus is refused field by field or reaches the job literally.

A route added later is guarded by this module without anyone remembering to add it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration.airflow_stack import AirflowStack
from tests.integration.hostile_corpus import ARRIVING, REFUSED, Refused
from tests.integration.jobs_stack import API_PATH, ECHO_MARKER, echo_spec, jobs_api

pytestmark = pytest.mark.integration

APP_PREFIX = "/job-orchestrator"
TARGET = "guard-target"
# Values for path parameters: an existing deployment and the seeded local source.
PATH_VALUES = {"name": TARGET, "source": "local", "repository": "examples"}
# POST routes that change nothing (they check or compute): a viewer may call them. A new one
# must be named here on purpose, or the guard counts it as a change.
NON_CHANGING_POSTS = frozenset({"/api/v1/preflight", "/api/v1/deploy-form/pod", "/api/v1/deploy-form/code"})
SAFE_METHODS = frozenset({"get", "head", "options"})
FOREIGN_ORIGIN = "https://attacker.example"


def routes(stack: AirflowStack) -> list[tuple[str, str]]:
    """Every (method, path) of the plugin's API, from the OpenAPI description it serves."""
    response = requests.get(f"{stack.base_url}{APP_PREFIX}/openapi.json", timeout=30)
    response.raise_for_status()
    found = [
        (method, path)
        for path, operations in response.json()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    # A description that lost its routes must not make this guard pass vacuously.
    assert len(found) >= 15 and any(method == "delete" for method, _ in found), found
    return found


def concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in PATH_VALUES, f"path parameter {{{name}}} of {path}: give it a value in PATH_VALUES"
        return PATH_VALUES[name]

    return f"{APP_PREFIX}{re.sub(r'{([^}]+)}', value, path)}"


def is_change(method: str, path: str) -> bool:
    return method not in SAFE_METHODS and path not in NON_CHANGING_POSTS


@pytest.fixture(scope="module")
def target(jobs_stack: AirflowStack) -> Iterator[dict[str, Any]]:
    """A deployment the forged and refused requests aim at; it must come out unchanged."""
    api = jobs_api(jobs_stack)
    created = api("POST", "/deployments", json=echo_spec(TARGET), expect=[201])
    yield created
    api("DELETE", f"/deployments/{TARGET}", expect=[204])


def test_every_route_refuses_the_anonymous(jobs_stack: AirflowStack, target: dict[str, Any]) -> None:
    for method, path in routes(jobs_stack):
        url = f"{jobs_stack.base_url}{concrete(path)}"
        plain = requests.request(method, url, timeout=30)
        assert plain.status_code == 401, f"{method.upper()} {path}: {plain.status_code} {plain.text}"
        if method not in SAFE_METHODS:
            # a broken body must not tell the anonymous anything before authentication does
            broken = requests.request(
                method, url, data="{", headers={"Content-Type": "application/json"}, timeout=30
            )
            assert broken.status_code == 401, (
                f"{method.upper()} {path} with a broken body: {broken.status_code}"
            )


def test_a_viewer_reads_but_changes_nothing(jobs_stack: AirflowStack, target: dict[str, Any]) -> None:
    viewer = jobs_api(jobs_stack, "viewer")
    for method, path in routes(jobs_stack):
        route = concrete(path).removeprefix(API_PATH)
        body = echo_spec(TARGET) if method in {"post", "put", "patch"} else None
        if method == "put":
            body = {"revision": target["revision"], "spec": echo_spec(TARGET, args=["by the viewer"])}
        response = viewer(method.upper(), route, json=body)
        if is_change(method, path):
            assert response.status_code == 403, (
                f"{method.upper()} {path}: {response.status_code} {response.text}"
            )
        else:
            assert response.status_code not in {401, 403}, f"{method.upper()} {path}: {response.status_code}"
    assert_target_unchanged(jobs_stack, target)


def test_forged_browser_requests_change_nothing(jobs_stack: AirflowStack, target: dict[str, Any]) -> None:
    token = jobs_api(jobs_stack).client.login()
    browser = requests.Session()
    browser.cookies.set("_token", token)
    changes = [(method, path) for method, path in routes(jobs_stack) if is_change(method, path)]
    assert changes
    for method, path in changes:
        url = f"{jobs_stack.base_url}{concrete(path)}"
        body = (
            {"revision": target["revision"], "spec": echo_spec(TARGET)}
            if method == "put"
            else echo_spec(TARGET)
        )
        without_header = browser.request(method, url, json=body, timeout=30)
        assert without_header.status_code == 403, f"{method.upper()} {path}: {without_header.status_code}"
        assert "X-Job-Orchestrator" in without_header.json()["detail"]
        cross_site = browser.request(
            method, url, json=body, headers={"X-Job-Orchestrator": "1", "Origin": FOREIGN_ORIGIN}, timeout=30
        )
        assert cross_site.status_code == 403, (
            f"{method.upper()} {path} from {FOREIGN_ORIGIN}: {cross_site.status_code}"
        )
    assert_target_unchanged(jobs_stack, target)


def assert_target_unchanged(stack: AirflowStack, target: dict[str, Any]) -> None:
    current = jobs_api(stack)("GET", f"/deployments/{TARGET}", expect=[200])
    assert current["revision"] == target["revision"]
    assert current["status"]["dag_state"] != "paused"


@pytest.mark.parametrize("refused", REFUSED, ids=[refused.case for refused in REFUSED])
def test_hostile_input_is_refused_naming_its_field(jobs_stack: AirflowStack, refused: Refused) -> None:
    api = jobs_api(jobs_stack)
    name = f"guard-refused-{REFUSED.index(refused)}"
    spec = {**echo_spec(name), **refused.change}
    # json.dumps keeps a lone surrogate as the escape "\ud800": the server, not the client, meets it
    response = api(
        "POST", "/deployments", data=json.dumps(spec), headers={"Content-Type": "application/json"}
    )
    if response.status_code == 201:  # a hole: leave nothing behind for the other cases
        api("DELETE", f"/deployments/{response.json()['name']}", expect=[204])
    assert response.status_code == 422, f"{refused.case}: {response.status_code} {response.text[:300]}"
    errors = response.json()["errors"]
    assert errors and errors[0].startswith(refused.field), f"{refused.case}: {errors}"
    assert all(
        deployment["name"] != spec["name"]
        for deployment in api("GET", "/deployments", expect=[200])["deployments"]
    )


def test_hostile_values_arrive_literally(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    env = {f"HOSTILE_{number}": value for number, value in enumerate(ARRIVING)}
    api("POST", "/deployments", json=echo_spec("guard-arriving", args=list(ARRIVING), env=env), expect=[201])
    try:
        stored = api("GET", "/deployments/guard-arriving", expect=[200])["spec"]
        assert (stored["args"], stored["env"]) == (list(ARRIVING), env)
        jobs_stack.client.wait_for_dag("job_guard-arriving", timeout=60)
        api("POST", "/deployments/guard-arriving/run", expect=[202])
        run = api.wait_for_run("guard-arriving")
        assert run["state"] == "success", api.log_lines(run)
        (line,) = [line for line in api.log_lines(run) if line.startswith(ECHO_MARKER)]
        assert json.loads(line.removeprefix(ECHO_MARKER)) == {"argv": list(ARRIVING), "env": env}
    finally:
        api("DELETE", "/deployments/guard-arriving", expect=[204])
