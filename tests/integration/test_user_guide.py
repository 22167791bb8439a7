"""The user guide's CI example, run as written against a real Airflow, so the guide cannot rot.

Its ``bash`` blocks marked ``<!-- user-guide-test: NAME -->`` are run with ``bash``, the token
part first, in a clean environment that has only the URL and the password a reader would set.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.integration.airflow_stack import AirflowStack, wait_until
from tests.integration.jobs_stack import jobs_api

pytestmark = pytest.mark.integration

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
BLOCK = re.compile(r"<!-- user-guide-test: (\w+) -->\n```bash\n(.*?)```", re.DOTALL)


def guide_scripts() -> dict[str, str]:
    return dict(BLOCK.findall(GUIDE.read_text()))


def run_guide(stack: AirflowStack, *parts: str) -> str:
    """Run the guide's blocks as one script, as a reader would; its output."""
    assert stack.users is not None
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "AIRFLOW_URL": stack.base_url,
        "AIRFLOW_PASSWORD": stack.users["admin"][1],
    }
    result = subprocess.run(
        ["bash", "-c", "\n".join(parts)], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_ci_example_deploys_redeploys_runs_and_deletes(jobs_stack: AirflowStack) -> None:
    scripts = guide_scripts()
    assert set(scripts) == {"token", "deploy", "delete"}
    api = jobs_api(jobs_stack)

    first = run_guide(jobs_stack, scripts["token"], scripts["deploy"])
    assert "deployed hello-ci, revision 1" in first
    assert re.search(r"^run \S+: success$", first, re.MULTILINE), first
    (log_url,) = re.findall(r"^log: (\S+)$", first, re.MULTILINE)
    assert 'arguments: ["--greeting", "Hello from CI"]' in api.log_lines({"log_url": log_url})

    second = run_guide(jobs_stack, scripts["token"], scripts["deploy"])
    assert "deployed hello-ci, revision 2" in second and ": success" in second
    history = api("GET", "/deployments/hello-ci/history", expect=[200])["revisions"]
    assert [(r["action"], r["deployed_by"]) for r in history] == [("create", "admin"), ("update", "admin")]

    assert "deleted hello-ci" in run_guide(jobs_stack, scripts["token"], scripts["delete"])
    assert api("GET", "/deployments/hello-ci").status_code == 404
    wait_until(
        lambda: "job_hello-ci" not in {d["dag_id"] for d in jobs_stack.client.list_dags()},
        timeout=60,
        description="the DAG gone from Airflow",
    )
