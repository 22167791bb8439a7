"""What a deploy does beyond editing a DAG needs its own right: a one-off runs, a webhook uses a connection.

Users (see conftest): ``editor`` edits and runs DAGs but may not read connections, ``operator``
may read connections, ``deployer`` may edit DAGs but not run them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import SpecStore
from airflow_jobs_provider.plugin.one_off import OneOffTrigger
from tests.integration.airflow_stack import wait_until
from tests.unit.plugin.conftest import Api, local_spec, sync_dags

SECRET_HOST = "https://hooks.example.org/services/T000/SeCrEtToKeN"


def runs_of(dag_id: str) -> dict[str, Any]:
    """Run id -> the user recorded as having triggered it."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return dict(
            session.execute(
                select(DagRun.run_id, DagRun.triggering_user_name).where(DagRun.dag_id == dag_id)
            ).all()
        )


@pytest.fixture
def team_hook(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AIRFLOW_CONN_TEAM_HOOK", json.dumps({"conn_type": "generic", "host": SECRET_HOST}))
    return "team_hook"


# One-off deployments: the run right.


def test_a_one_off_deploy_needs_the_run_right(api: Callable[..., Api]) -> None:
    deployer = api("deployer")
    refused = deployer("POST", "/deployments", json=local_spec("once", schedule="none"))
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == (
        "forbidden: your Airflow user may not do POST on the runs of DAG 'job_once', which a one-off "
        "deployment (schedule: none) needs: it runs as soon as it is deployed"
    )
    assert deployer("GET", "/deployments/once").status_code == 404  # nothing was written

    assert deployer("POST", "/deployments", json=local_spec("daily")).status_code == 201
    to_one_off = {"revision": 1, "spec": local_spec("daily", schedule="none")}
    assert deployer("PUT", "/deployments/daily", json=to_one_off).status_code == 403
    assert deployer("GET", "/deployments/daily").json()["revision"] == 1
    assert api("editor")("PUT", "/deployments/daily", json=to_one_off).status_code == 200


def test_a_one_off_run_is_triggered_by_the_deploying_user(api: Callable[..., Api]) -> None:
    created = api("editor")("POST", "/deployments", json=local_spec("once", schedule="none")).json()
    sync_dags("once")
    runs = wait_until(lambda: runs_of("job_once"), timeout=20, description="the one-off run")
    assert runs == {f"deploy__r1__{created['deployed_at'].replace('Z', '+00:00')}": "editor"}


@pytest.mark.parametrize("change", ["redeploy", "delete"])
def test_a_replaced_revision_is_never_run(api: Callable[..., Api], change: str) -> None:
    """Another API server redeploys or deletes between this one's request and its trigger."""
    store = SpecStore()
    first = store.create(validate_spec(local_spec("once", schedule="none")), "alice")
    trigger = OneOffTrigger(timeout=30, poll=0.05)
    trigger.request(first)
    if change == "redeploy":
        store.update("once", validate_spec(local_spec("once", schedule="none", args=["2"])), "bob", 1)
    else:
        store.delete("once", "bob")
    sync_dags("once")  # a parse that still saw the spec
    trigger.start()
    try:
        wait_until(lambda: not trigger.pending(), timeout=20, description="the trigger to give up on r1")
    finally:
        trigger.stop()
    assert runs_of("job_once") == {}


# Webhook connections: the caller's right to read the connection, and the admin's list.


@pytest.mark.usefixtures("team_hook")
def test_naming_a_webhook_connection_needs_the_right_to_read_it(api: Callable[..., Api]) -> None:
    spec = local_spec("hooked", notify={"webhook_conn_id": "team_hook"})
    refused = api("editor")("POST", "/deployments", json=spec)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == (
        "forbidden: your Airflow user may not do GET on connection 'team_hook', "
        "which notify.webhook_conn_id names"
    )
    assert api("operator")("POST", "/deployments", json=spec).status_code == 201
    redeploy = {"revision": 1, "spec": {**spec, "retries": 2}}
    assert api("editor")("PUT", "/deployments/hooked", json=redeploy).status_code == 403
    assert api("operator")("PUT", "/deployments/hooked", json=redeploy).status_code == 200


@pytest.mark.usefixtures("team_hook")
@pytest.mark.parametrize("user", ["viewer", "editor"])
def test_preflight_tells_nothing_about_a_connection_the_caller_may_not_read(
    api: Callable[..., Api], user: str
) -> None:
    spec = local_spec("hooked", notify={"webhook_conn_id": "team_hook"})
    response = api(user)("POST", "/preflight", json=spec)
    webhook = next(check for check in response.json()["checks"] if check["name"] == "webhook")
    assert webhook == {
        "name": "webhook",
        "verdict": "failed",
        "message": "your Airflow user is not allowed to use connection 'team_hook'",
    }
    assert "hooks.example.org" not in response.text
    missing = {**spec, "notify": {"webhook_conn_id": "no_such_connection"}}
    webhook = next(
        c for c in api(user)("POST", "/preflight", json=missing).json()["checks"] if c["name"] == "webhook"
    )
    assert webhook["message"] == "your Airflow user is not allowed to use connection 'no_such_connection'"
    allowed = next(
        c for c in api("operator")("POST", "/preflight", json=spec).json()["checks"] if c["name"] == "webhook"
    )
    assert allowed["message"] == "connection 'team_hook' posts failures to https://hooks.example.org"


@pytest.mark.usefixtures("team_hook")
def test_the_admin_restricts_webhooks_to_some_connections(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__WEBHOOK_CONNECTIONS", "webhook_*, chat")
    monkeypatch.setenv("AIRFLOW_CONN_WEBHOOK_TEAM", json.dumps({"conn_type": "generic", "host": SECRET_HOST}))
    spec = local_spec("hooked", notify={"webhook_conn_id": "team_hook"})
    refused = api("admin")("POST", "/deployments", json=spec)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        "notify.webhook_conn_id: connection 'team_hook' is not one the admin allows for webhooks "
        "([job_orchestrator] webhook_connections: webhook_*, chat)"
    ]
    # The same rule of the spec's validation answers the preflight, and a user without the
    # connection right learns nothing more than the admin's list.
    for user in ("admin", "viewer"):
        refused = api(user)("POST", "/preflight", json=spec)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"] == [
            "notify.webhook_conn_id: connection 'team_hook' is not one the admin allows for webhooks "
            "([job_orchestrator] webhook_connections: webhook_*, chat)"
        ]
    allowed = local_spec("hooked", notify={"webhook_conn_id": "webhook_team"})
    assert api("admin")("POST", "/deployments", json=allowed).status_code == 201
