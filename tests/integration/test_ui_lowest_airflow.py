"""The pages on the lowest Airflow the package allows: a smoke test in Chromium.

That Airflow lives in a virtualenv of its own (``scripts/test.sh`` installs it with this
package): its API server alone serves the UI, the plugin's app and the pages' bundle.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Callable, Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from examples.seed import seed
from tests.browser.lowest_airflow import LOWEST_VENV, lowest_airflow_version
from tests.browser.pages import VIEWPORT, foreign_requests, log_in, serious_accessibility_findings
from tests.integration.airflow_stack import AirflowClient, ManagedProcess, free_port, wait_until

pytestmark = pytest.mark.integration

PASSWORD = "admin-secret-pw"


@pytest.fixture(scope="module")
def lowest_airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowClient]:
    airflow = LOWEST_VENV / "bin" / "airflow"
    assert airflow.exists(), f"{airflow} is missing: scripts/test.sh installs it"
    home = tmp_path_factory.mktemp("lowest-airflow")
    seed(home / "artifacts")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    (home / "passwords.json").write_text(json.dumps({"admin": PASSWORD}))
    env = {
        "PATH": f"{airflow.parent}{os.pathsep}/usr/bin:/bin",
        "PYTHONUNBUFFERED": "1",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__API__BASE_URL": base_url,
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(home / "specs"),
        "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(home / "artifacts"),
    }
    version = subprocess.run([str(airflow), "version"], env=env, capture_output=True, text=True, check=True)
    assert version.stdout.strip().splitlines()[-1] == lowest_airflow_version()
    subprocess.run([str(airflow), "db", "migrate"], env=env, capture_output=True, check=True, timeout=600)
    server = ManagedProcess(
        name="api-server",
        argv=[str(airflow), "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        log_path=home / "api-server.out",
        env=env,
        cwd=home,
    )
    server.start()

    def check() -> None:
        if not server.running():
            raise RuntimeError(f"the api-server exited:\n{server.tail()}")

    def answers() -> bool:
        try:
            return requests.get(f"{base_url}/api/v2/version", timeout=5).ok
        except requests.RequestException:
            return False

    try:
        wait_until(answers, timeout=240, description="the lowest Airflow's API server", check=check)
        yield AirflowClient(base_url, "admin", PASSWORD, check=check)
    finally:
        assert not server.stop(), "the api-server left processes behind"


def test_the_pages_on_the_lowest_airflow(lowest_airflow: AirflowClient, new_page: Callable[[], Page]) -> None:
    base_url = lowest_airflow.url("").rstrip("/")
    page = new_page()
    page.set_viewport_size(VIEWPORT)
    foreign = foreign_requests(page, base_url)
    log_in(page, base_url, lowest_airflow.login())
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Job Orchestrator").click()
    expect(page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()  # the landing page
    expect(page.get_by_test_id("deployments-empty")).to_be_visible()
    page.get_by_role("link", name="Deploy an artifact").click()
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()
    page.get_by_role("combobox", name="Source").select_option("local")
    hello = page.get_by_role("region", name="hello-python")
    expect(hello).to_be_visible()
    # The pages take the host's Chakra system, which this lowest version shares.
    assert page.evaluate("globalThis.ChakraUISystem !== undefined")
    hello.get_by_role("link", name="Deploy hello-python 1.1.0").click()
    expect(page.get_by_label("Deployment name")).to_have_value("hello-python-1-1-0")
    assert serious_accessibility_findings(page) == []
    assert foreign == []
