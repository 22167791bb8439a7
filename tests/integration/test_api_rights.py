"""Rights beyond editing a DAG, decided by the real FAB auth manager on a real Airflow.

A FAB role can allow editing DAGs without running them or reading connections, which the
simple auth manager cannot express. ``deployer`` has such a role (``Deployer``: read and edit
DAGs); ``operator`` has FAB's ``Op`` role (DAGs, their runs, connections).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from examples.seed import seed
from tests.integration.airflow_stack import FAB_AUTH_MANAGER, AirflowStack, StackFactory, wait_until
from tests.integration.jobs_stack import API_PATH, GENERATOR_FILE
from tests.integration.test_jobs_api import hello_spec

pytestmark = pytest.mark.integration

WEBSERVER_CONFIG = """
from flask_appbuilder.const import AUTH_DB
AUTH_TYPE = AUTH_DB
"""
HOOK_HOST = "https://hooks.example.org/services/T000/SeCrEtToKeN"
PASSWORDS = {"operator": secrets.token_urlsafe(12), "deployer": secrets.token_urlsafe(12)}


@pytest.fixture(scope="module")
def fab_stack(
    airflow_stack_factory: StackFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AirflowStack]:
    root = tmp_path_factory.mktemp("rights")
    (root / "dags").mkdir()
    shutil.copy(GENERATOR_FILE, root / "dags" / GENERATOR_FILE.name)
    seed(root / "artifacts")
    stack = airflow_stack_factory(
        name="rights",
        dags_folder=root / "dags",
        auth_manager=FAB_AUTH_MANAGER,
        webserver_config=WEBSERVER_CONFIG,
        users={"operator": ("Op", PASSWORDS["operator"])},
        env={
            "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(root / "specs"),
            "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(root / "artifacts"),
            "AIRFLOW_CONN_TEAM_HOOK": json.dumps({"conn_type": "generic", "host": HOOK_HOST}),
        },
    )
    stack.run_cli("roles", "create", "Deployer")
    stack.run_cli("roles", "add-perms", "Deployer", "-r", "DAGs", "-a", "can_read", "can_edit")
    for user, role in [("operator", "Op"), ("deployer", "Deployer")]:
        stack.run_cli(
            "users", "create", "--username", user, "--password", PASSWORDS[user], "--role", role,
            "--firstname", user, "--lastname", "test", "--email", f"{user}@example.org",
        )  # fmt: skip
    yield stack
    stack.stop()


class Caller:
    """The plugin's API as one FAB user, with a token from ``POST /auth/token``."""

    def __init__(self, stack: AirflowStack, user: str) -> None:
        response = requests.post(
            f"{stack.base_url}/auth/token", json={"username": user, "password": PASSWORDS[user]}, timeout=30
        )
        assert response.status_code == 201, response.text
        self.base = f"{stack.base_url}{API_PATH}"
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.base}{path}", headers=self.headers, timeout=60, **kwargs)


def test_a_one_off_needs_the_run_right_and_runs_as_its_deployer(fab_stack: AirflowStack) -> None:
    deployer, operator = Caller(fab_stack, "deployer"), Caller(fab_stack, "operator")
    refused = deployer("POST", "/deployments", json=hello_spec("once-fab", schedule="none"))
    assert refused.status_code == 403, refused.text
    assert "which a one-off deployment (schedule: none) needs" in refused.json()["detail"]
    assert deployer("POST", "/deployments", json=hello_spec("daily-fab")).status_code == 201

    assert operator("POST", "/deployments", json=hello_spec("once-fab", schedule="none")).status_code == 201
    runs = wait_until(
        lambda: (
            fab_stack.client.api("GET", "dags/job_once-fab/dagRuns")["dag_runs"]
            if fab_stack.client.get_dag("job_once-fab")
            else None
        ),
        timeout=120,
        description="the one-off run",
        check=fab_stack.check_running,
    )
    assert [(run["dag_run_id"].split("__")[1], run["triggering_user_name"]) for run in runs] == [
        ("r1", "operator")
    ]


def test_a_webhook_needs_the_right_to_read_its_connection(fab_stack: AirflowStack) -> None:
    deployer, operator = Caller(fab_stack, "deployer"), Caller(fab_stack, "operator")
    spec = hello_spec("hooked-fab", notify={"webhook_conn_id": "team_hook"})
    refused = deployer("POST", "/deployments", json=spec)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"].endswith(
        "GET on connection 'team_hook', which notify.webhook_conn_id names"
    )

    blind = deployer("POST", "/preflight", json=spec)
    (webhook,) = [check for check in blind.json()["checks"] if check["name"] == "webhook"]
    assert webhook["message"] == "your Airflow user is not allowed to use connection 'team_hook'"
    assert "hooks.example.org" not in blind.text

    seen = operator("POST", "/preflight", json=spec)
    (webhook,) = [check for check in seen.json()["checks"] if check["name"] == "webhook"]
    assert webhook == {
        "name": "webhook",
        "verdict": "ok",
        "message": "connection 'team_hook' posts failures to https://hooks.example.org",
    }
    assert operator("POST", "/deployments", json=spec).status_code == 201
