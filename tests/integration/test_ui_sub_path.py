"""The pages work when Airflow is served below a sub-path (``[api] base_url`` with a path).

Every request the pages make must go below that path: the bundle, its icon and the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import VIEWPORT, foreign_requests, log_in, serious_accessibility_findings
from tests.browser.ui_stack import USERS, UiStack, start_nexus, start_ui_stack
from tests.integration.airflow_stack import AirflowClient, AirflowStack

pytestmark = pytest.mark.integration

SUB_PATH = "/tools/airflow"


@pytest.fixture(scope="module")
def ui_below_sub_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiStack]:
    root = tmp_path_factory.mktemp("ui-sub-path")
    started: list[AirflowStack] = []

    def factory(dags_folder: Path, **options: Any) -> AirflowStack:
        stack = AirflowStack(home=root / "home", dags_folder=dags_folder, name="ui-sub-path", **options)
        stack.prepare()  # picks the port, which the base URL holds
        stack.env = {**stack.env, "AIRFLOW__API__BASE_URL": f"{stack.base_url}{SUB_PATH}/"}
        started.append(stack)
        return stack.start()

    nexus = start_nexus()
    try:
        yield start_ui_stack(factory, root, nexus)
    finally:
        for stack in started:
            assert not stack.stop(), "Airflow left processes behind"
        nexus.stop()


def test_the_pages_below_a_sub_path(ui_below_sub_path: UiStack, new_page: Callable[[], Page]) -> None:
    ui = ui_below_sub_path
    page = new_page()
    page.set_viewport_size(VIEWPORT)
    foreign = foreign_requests(page, ui.base_url)
    ours: list[str] = []
    page.on(
        "request", lambda request: ours.append(request.url) if "job-orchestrator" in request.url else None
    )
    client = AirflowClient(f"{ui.base_url}{SUB_PATH}", "admin", USERS["admin"][1])
    log_in(page, ui.base_url, client.login())

    page.goto(f"{ui.base_url}{SUB_PATH}/")
    page.get_by_role("link", name="Job Orchestrator").click()
    expect(page).to_have_url(f"{ui.base_url}{SUB_PATH}/plugin/job-orchestrator/deployments")
    page.get_by_role("link", name="Deploy an artifact").click()
    expect(page).to_have_url(f"{ui.base_url}{SUB_PATH}/plugin/job-orchestrator/browse")
    page.get_by_role("combobox", name="Source").select_option("local")
    page.get_by_role("combobox", name="Repository").select_option("examples")
    hello = page.get_by_role("region", name="hello-python")
    hello.get_by_role("link", name="Deploy hello-python 1.1.0").click()
    expect(page.get_by_label("Deployment name")).to_have_value("hello-python-1-1-0")
    expect(page.get_by_test_id("schedule-preview")).to_contain_text("Once, as soon as it is deployed")
    assert serious_accessibility_findings(page) == []

    # An unknown address lands on the deployments below the sub-path (not the host's root, no loop).
    page.goto(f"{ui.base_url}{SUB_PATH}/plugin/job-orchestrator/nope/deeper")
    expect(page).to_have_url(f"{ui.base_url}{SUB_PATH}/plugin/job-orchestrator/deployments")
    expect(page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()

    assert foreign == []
    assert ours, "the pages made no request"
    assert [url for url in ours if not url.startswith(f"{ui.base_url}{SUB_PATH}/")] == []
