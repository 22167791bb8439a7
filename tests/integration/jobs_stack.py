"""One real Airflow with the Job Orchestrator deployed, shared by the API and user-guide tests.

Its DAGs folder holds the project's generator file, its specs folder starts empty, and its local
artifact source holds the seeded examples plus ``tests/echo-job``, a job that prints its
arguments and its ``HOSTILE_*`` environment as one JSON line (``ECHO {...}``). Users: ``admin``
and ``viewer`` (the simple auth manager's roles).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from examples.seed import seed
from tests.integration.airflow_stack import AirflowClient, AirflowStack, StackFactory, wait_until

REPO = Path(__file__).resolve().parents[2]
GENERATOR_FILE = REPO / "dags" / "job_orchestrator_dags.py"
API_PATH = "/job-orchestrator/api/v1"
ECHO_MARKER = "ECHO "
ECHO_JOB = f"""\
import json, os, sys
env = {{name: value for name, value in os.environ.items() if name.startswith("HOSTILE_")}}
print({ECHO_MARKER!r} + json.dumps({{"argv": sys.argv[1:], "env": env}}), flush=True)
"""
FINISHED = frozenset({"success", "failed"})
# The Browse menu's links to other tools; a label with markup shows it is text, not HTML.
NAVIGATION_LINKS = {
    "Nexus": "https://nexus.example.org/#browse/browse:talend",
    "Spark UI <prod>": "http://spark.example.org:4040/",
}


def echo_spec(name: str, **changes: Any) -> dict[str, Any]:
    """A deployment of the echo job, scheduled daily (it runs when asked to)."""
    return {
        "name": name,
        "artifact": {"source": "local", "repository": "tests", "name": "echo-job", "version": "1.0.0"},
        "executor": "local",
        "schedule": "@daily",
        **changes,
    }


class JobsApi:
    """The plugin's API as one Airflow user, with a token from ``POST /auth/token``."""

    def __init__(self, client: AirflowClient) -> None:
        self.client = client

    def __call__(self, method: str, path: str, *, expect: Iterable[int] | None = None, **kwargs: Any) -> Any:
        """The response; with ``expect``, its JSON after checking the status."""
        response = self.client.request(method, f"{API_PATH}{path}", **kwargs)
        if expect is None:
            return response
        assert response.status_code in set(expect), f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def status(self, name: str) -> dict[str, Any]:
        return dict(self("GET", f"/deployments/{name}", expect=[200])["status"])

    def wait_for_run(self, name: str, *, after: str | None = None, timeout: float = 180.0) -> dict[str, Any]:
        """The latest run once it has finished (and is not the run ``after``)."""

        def finished() -> dict[str, Any] | None:
            run = self.status(name)["latest_run"]
            done = run is not None and run["state"] in FINISHED and run["run_id"] != after
            return run if done else None

        return wait_until(
            finished, timeout=timeout, description=f"a finished run of {name}", check=self.client.check
        )

    def log_lines(self, run: dict[str, Any]) -> list[str]:
        """The lines of the log the status's ``log_url`` points at, read through Airflow's REST API."""
        link = urlsplit(run["log_url"])
        parts = [unquote(part) for part in link.path.strip("/").split("/")]
        assert parts[0::2] == ["dags", "runs", "tasks"], run["log_url"]
        dag_id, run_id, task_id = parts[1::2]
        (key, _, try_number) = link.query.partition("=")
        assert key == "try_number", run["log_url"]
        return self.client.task_log_lines(dag_id, run_id, task_id, int(try_number))


def lay_out_jobs(root: Path) -> tuple[Path, Path]:
    """``root/dags`` with the generator file and ``root/artifacts`` with the examples and the echo job."""
    dags, artifacts = root / "dags", root / "artifacts"
    dags.mkdir()
    shutil.copy(GENERATOR_FILE, dags / GENERATOR_FILE.name)
    seed(artifacts)
    echo = artifacts / "tests" / "_" / "echo-job" / "1.0.0" / "echo.py"
    echo.parent.mkdir(parents=True)
    echo.write_text(ECHO_JOB)
    return dags, artifacts


@pytest.fixture(scope="session")
def jobs_stack(airflow_stack_factory: StackFactory, tmp_path_factory: pytest.TempPathFactory) -> AirflowStack:
    root = tmp_path_factory.mktemp("jobs")
    dags, artifacts = lay_out_jobs(root)
    return airflow_stack_factory(
        name="jobs",
        dags_folder=dags,
        users={"admin": ("admin", "admin-secret-pw"), "viewer": ("viewer", "viewer-secret-pw")},
        env={
            "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(root / "specs"),
            "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(artifacts),
            "AIRFLOW__JOB_ORCHESTRATOR__NAVIGATION_LINKS": json.dumps(NAVIGATION_LINKS),
        },
    )


def jobs_api(stack: AirflowStack, username: str = "admin") -> JobsApi:
    assert stack.users is not None
    return JobsApi(stack.client_for(username, stack.users[username][1]))
