"""The JSON API end to end on a real Airflow: deploy, run, watch, pause, delete, and what it refuses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.integration.airflow_stack import AirflowStack, wait_until
from tests.integration.jobs_stack import API_PATH, jobs_api

pytestmark = pytest.mark.integration

GROUP = "org.example.jobs"


def hello_spec(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "artifact": {"source": "local", "repository": "examples", "group": GROUP, "name": "hello-python"},
        "executor": "local",
        "schedule": "@daily",  # runs when asked to; the one-off test says "none"
        **changes,
    }


def dag_ids(stack: AirflowStack) -> set[str]:
    return {dag["dag_id"] for dag in stack.client.list_dags()}


def test_deploy_run_watch_pause_and_delete(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    created = api(
        "POST", "/deployments", json=hello_spec("hello-e2e", args=["--greeting", "hi"]), expect=[201]
    )
    deployed = time.monotonic()
    assert created["status"]["dag_state"] == "pending"

    wait_until(lambda: "job_hello-e2e" in dag_ids(jobs_stack), timeout=60, description="the DAG in Airflow")
    listed_after = time.monotonic() - deployed
    print(f"DAG listed by Airflow {listed_after:.1f} s after the deploy")
    assert listed_after < 30  # a priority parse, not the periodic one

    started = api("POST", "/deployments/hello-e2e/run", expect=[202])
    run = api.wait_for_run("hello-e2e")
    assert (run["run_id"], run["state"], run["task_state"]) == (started["run_id"], "success", "success")
    assert run["failure_reason"] is None and run["start_date"] and run["end_date"]
    log = api.log_lines(run)
    assert "Hello from a Job Orchestrator Python job" in log
    assert 'arguments: ["--greeting", "hi"]' in log

    # The list finds it, with the version the run resolved, and a refresh that changed nothing is a 304.
    query = {"q": "hello-e2e", "state": "success"}
    listed = api("GET", "/deployments", params=query)
    (shown,) = listed.json()["deployments"]
    assert shown["status"]["latest_run"]["artifact_version"] == "1.1.0"  # "latest" of the seeded examples
    assert shown["schedule_description"] == "At 00:00 (UTC)"  # @daily, in Airflow's words

    def refreshed_unchanged() -> str | None:
        """The scheduler may still be finishing the run: an answer, then the same one as a 304."""
        etag = api("GET", "/deployments", params=query).headers["ETag"]
        again = api("GET", "/deployments", params=query, headers={"If-None-Match": etag})
        return etag if again.status_code == 304 and again.content == b"" else None

    etag = wait_until(refreshed_unchanged, timeout=60, description="a 304 refresh")

    status = api("POST", "/deployments/hello-e2e/pause", expect=[200])
    assert status["dag_state"] == "paused"
    assert jobs_stack.client.get_dag("job_hello-e2e")["is_paused"] is True  # type: ignore[index]
    assert api.status("hello-e2e")["dag_state"] == "paused"
    # The same list asked with the last ETag: the pause changed it.
    paused = api("GET", "/deployments", params=query, headers={"If-None-Match": etag})
    assert paused.status_code == 200 and paused.json()["deployments"][0]["status"]["dag_state"] == "paused"
    assert paused.headers["ETag"] != etag

    api("DELETE", "/deployments/hello-e2e", expect=[204])
    wait_until(lambda: "job_hello-e2e" not in dag_ids(jobs_stack), timeout=60, description="the DAG gone")
    assert api("GET", "/deployments/hello-e2e").status_code == 404


def test_a_failed_run_says_why(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    spec = hello_spec(
        "failing-e2e",
        artifact={
            "source": "local",
            "repository": "examples",
            "group": GROUP,
            "name": "disk-report",
            "version": "0.3.0",
        },
        args=["/no/such/folder"],
    )
    api("POST", "/deployments", json=spec, expect=[201])
    jobs_stack.client.wait_for_dag("job_failing-e2e", timeout=60)
    api("POST", "/deployments/failing-e2e/run", expect=[202])
    run = api.wait_for_run("failing-e2e")
    assert (run["state"], run["task_state"]) == ("failed", "failed")
    # du's exit code for a missing folder, reported by the runner's termination log.
    assert run["failure_reason"] == "disk-report.sh exited with code 1"
    api("DELETE", "/deployments/failing-e2e", expect=[204])


def test_a_one_off_deployment_runs_once_by_itself(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    created = api("POST", "/deployments", json=hello_spec("once-e2e", schedule="none"), expect=[201])
    assert created["kind"] == "one-off"
    run = api.wait_for_run("once-e2e")
    assert run["state"] == "success" and run["run_id"].startswith("deploy__r1__")
    runs = jobs_stack.client.api("GET", "dags/job_once-e2e/dagRuns")["dag_runs"]
    assert [r["dag_run_id"] for r in runs] == [run["run_id"]]
    api("DELETE", "/deployments/once-e2e", expect=[204])


def test_validation_errors_name_their_fields(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    response = api(
        "POST", "/deployments", json=hello_spec("Bad Name", schedule="sometimes", env={"AIRFLOW_X": "1"})
    )
    assert response.status_code == 422
    assert [line.split(":")[0] for line in response.json()["errors"]] == ["name", "env.AIRFLOW_X", "schedule"]


def test_concurrent_creates_and_redeploys_let_exactly_one_win(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    api.client.login()  # one token for all threads

    def create(number: int) -> int:
        spec = hello_spec("race-e2e", schedule="@daily", args=[str(number)])
        return int(api("POST", "/deployments", json=spec).status_code)

    def redeploy(number: int) -> int:
        body = {"revision": 1, "spec": hello_spec("race-e2e", schedule="@daily", args=[f"r{number}"])}
        return int(api("PUT", "/deployments/race-e2e", json=body).status_code)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(create, range(4))) == [201, 409, 409, 409]
        assert sorted(pool.map(redeploy, range(4))) == [200, 409, 409, 409]
    assert api("GET", "/deployments/race-e2e", expect=[200])["revision"] == 2
    api("DELETE", "/deployments/race-e2e", expect=[204])


def test_who_may_do_what(jobs_stack: AirflowStack) -> None:
    url = f"{jobs_stack.base_url}{API_PATH}/deployments"
    assert requests.get(url, timeout=30).status_code == 401
    assert requests.post(url, json=hello_spec("anon-e2e"), timeout=30).status_code == 401
    broken = requests.post(url, data="{not json", headers={"Content-Type": "application/json"}, timeout=30)
    assert broken.status_code == 401  # who asks, before what is asked

    viewer = jobs_api(jobs_stack, "viewer")
    assert viewer("GET", "/deployments").status_code == 200
    refused = viewer("POST", "/deployments", json=hello_spec("viewer-e2e"))
    assert refused.status_code == 403, refused.text

    # a browser's session cookie: a change needs the CSRF header
    token = jobs_api(jobs_stack).client.login()
    browser = requests.Session()
    browser.cookies.set("_token", token)
    assert browser.get(url, timeout=30).status_code == 200
    forged = browser.post(url, json=hello_spec("csrf-e2e"), timeout=30)
    assert forged.status_code == 403 and "X-Job-Orchestrator: 1" in forged.json()["detail"]
    assert (
        browser.post(
            url,
            json=hello_spec("csrf-e2e", schedule="@daily"),
            headers={"X-Job-Orchestrator": "1"},
            timeout=30,
        ).status_code
        == 201
    )
    jobs_api(jobs_stack)("DELETE", "/deployments/csrf-e2e", expect=[204])


def test_the_openapi_description_is_served(jobs_stack: AirflowStack) -> None:
    spec = requests.get(f"{jobs_stack.base_url}/job-orchestrator/openapi.json", timeout=30).json()
    assert "/api/v1/deployments" in spec["paths"]


def test_a_body_over_the_limit_is_refused_while_it_streams(jobs_stack: AirflowStack) -> None:
    """Through the real API server: a chunked body (no Content-Length) past 4 MiB gets 413.

    (The unit test counts the chunks the app takes; here the client hands the server all of
    them anyway, since the kernel's socket buffers take what the app no longer reads.)
    """
    api = jobs_api(jobs_stack)

    def chunks() -> Iterator[bytes]:
        for _ in range(64):  # 16 MiB
            yield b" " * (256 * 1024)

    response = api("POST", "/preflight", data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["detail"].startswith("the request body is larger than 4194304 bytes")
