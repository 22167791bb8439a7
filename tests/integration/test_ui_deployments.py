"""The Deployments page inside a real Airflow: the list a team lives in after deploying.

Deployments are made through the JSON API; the page must follow what Airflow does by itself
(no reload), and its actions must change what Airflow's own REST API says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import PAGES, assert_accessible, choose, screenshot
from tests.browser.ui_stack import UiStack
from tests.integration.airflow_stack import wait_until
from tests.integration.jobs_stack import ECHO_MARKER, JobsApi, echo_spec

pytestmark = pytest.mark.integration

RUN_TIMEOUT_MS = 180_000
LIST_PATH = "/job-orchestrator/api/v1/deployments?"


def jobs(ui: UiStack) -> JobsApi:
    return JobsApi(ui.airflow.client)


def row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("deployments-table").locator(f'tr[data-deployment="{name}"]')


def run_state(page: Page, name: str) -> Locator:
    return row(page, name).get_by_test_id("latest-run").locator("[data-run-state]")


def is_paused(ui: UiStack, dag_id: str) -> bool | None:
    dag = ui.airflow.client.get_dag(dag_id)
    return None if dag is None else bool(dag["is_paused"])


def wait_paused(ui: UiStack, dag_id: str, paused: bool) -> None:
    wait_until(
        lambda: is_paused(ui, dag_id) is paused,
        timeout=30,
        description=f"{dag_id} paused={paused} in Airflow",
    )


def test_an_empty_list_tells_a_newcomer_what_to_do_first(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}/")
    page.get_by_role("link", name="Job Orchestrator").click()
    expect(page).to_have_url(f"{ui.base_url}{PAGES}/deployments")
    expect(page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()
    empty = page.get_by_test_id("deployments-empty")
    expect(empty).to_contain_text("Nothing is deployed yet.")
    assert_accessible(page)
    empty.get_by_role("link", name="Open the Artifacts page").click()
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()

    # An unknown address (at any depth) lands on the deployments, once: no redirect loop.
    for unknown in ("nope", "nope/deeper/still"):
        page.goto(f"{ui.base_url}{PAGES}/{unknown}")
        expect(page).to_have_url(f"{ui.base_url}{PAGES}/deployments")
        expect(page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()


def test_a_run_goes_from_queued_to_success_by_itself_and_the_actions_reach_airflow(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    name, dag_id = "nightly-echo", "job_nightly-echo"
    jobs(ui)("POST", "/deployments", json=echo_spec(name, args=["from-the-list"]), expect=[201])
    ui.airflow.client.wait_for_dag(dag_id)
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deployments")
    listed = row(page, name)
    expect(listed).to_contain_text("tests/echo-job")
    expect(listed).to_contain_text("At 00:00 (UTC)")  # the schedule in words, with its time zone
    expect(run_state(page, name)).to_have_attribute("data-run-state", "none")

    # Pause from the list: Airflow's DAG is paused, and a run triggered meanwhile stays queued.
    switch = listed.get_by_label(f"Active: {name}")
    expect(switch).to_be_checked()
    switch.press("Space")  # as a keyboard user (its drawn control covers the input from the mouse)
    wait_paused(ui, dag_id, True)
    expect(switch).not_to_be_checked()
    expect(listed.locator("[data-dag-state]")).to_have_attribute("data-dag-state", "paused")
    expect(listed.get_by_role("button", name=f"Run now: {name}")).to_be_disabled()
    ui.airflow.client.trigger(dag_id)
    expect(run_state(page, name)).to_have_attribute("data-run-state", "queued")  # no reload
    assert_accessible(page)

    # Resume: Airflow runs the queued run, and the list shows it succeed by itself.
    switch.press("Space")
    wait_paused(ui, dag_id, False)
    expect(run_state(page, name)).to_have_attribute("data-run-state", "success", timeout=RUN_TIMEOUT_MS)
    expect(listed).to_contain_text("took")
    first_run = jobs(ui).status(name)["latest_run"]

    # Run now starts another run.
    listed.get_by_role("button", name=f"Run now: {name}").click()
    second_run = jobs(ui).wait_for_run(name, after=first_run["run_id"])
    assert second_run["run_type"] == "manual"
    expect(run_state(page, name)).to_have_attribute("data-run-state", "success", timeout=RUN_TIMEOUT_MS)
    expect(listed.get_by_role("link", name=re.compile("^Log"))).to_have_attribute(
        "href", second_run["log_url"]
    )

    # The log link opens Airflow's own log view, holding the job's output.
    listed.get_by_role("link", name=re.compile("^Log")).click()
    expect(page).to_have_url(re.compile(rf"/dags/{dag_id}/runs/.+/tasks/run"))
    expect(page.get_by_text(re.compile(f"{ECHO_MARKER}.*from-the-list")).first).to_be_visible(timeout=30_000)


def test_delete_asks_by_name_and_removes_the_dag(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    name, dag_id = "short-lived", "job_short-lived"
    jobs(ui)("POST", "/deployments", json=echo_spec(name), expect=[201])
    ui.airflow.client.wait_for_dag(dag_id)
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deployments?q={name}")
    listed = row(page, name)
    listed.get_by_role("button", name=f"Delete {name}").click()
    dialog = page.get_by_role("alertdialog", name=f"Delete {name}?")
    expect(dialog).to_contain_text(f"Airflow stops running {name}")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert ui.airflow.client.get_dag(dag_id) is not None  # cancelled: nothing happened

    listed.get_by_role("button", name=f"Delete {name}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete the deployment").click()
    expect(listed).to_have_count(0)
    expect(page.get_by_test_id("deployments-no-match")).to_be_visible()
    wait_until(
        lambda: (dag := ui.airflow.client.get_dag(dag_id)) is None or dag["is_stale"],
        timeout=60,
        description=f"{dag_id} gone from Airflow's active DAGs",
    )
    assert dag_id not in {dag["dag_id"] for dag in ui.airflow.client.list_dags()}


def test_search_filters_and_sort_live_in_the_address(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    api = jobs(ui)
    api("POST", "/deployments", json=echo_spec("filter-alpha", tags=["finance"], owner="ana"), expect=[201])
    api("POST", "/deployments", json=echo_spec("filter-beta", tags=["hr"], owner="bob"), expect=[201])
    ui.airflow.client.wait_for_dag("job_filter-beta")
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deployments")
    table = page.get_by_test_id("deployments-table")

    page.get_by_label("Search", exact=True).fill("filter-")
    expect(page).to_have_url(re.compile(r"[?&]q=filter-(&|$)"))
    expect(table.locator("tbody tr")).to_have_count(2)
    page.get_by_role("columnheader", name="Name").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-name(&|$)"))
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr td:first-child")).to_have_text(["filter-beta", "filter-alpha"])
    page.get_by_label("Tag", exact=True).fill("finance")
    expect(page).to_have_url(re.compile(r"[?&]tag=finance(&|$)"))
    expect(table.locator("tbody tr")).to_have_count(1)
    choose(page, "Type", "one-off")
    expect(page).to_have_url(re.compile(r"[?&]kind=one-off(&|$)"))
    expect(page.get_by_test_id("deployments-no-match")).to_be_visible()
    assert_accessible(page)

    # The address alone gives the same view.
    page.goto(f"{ui.base_url}{PAGES}/deployments?owner=bob&state=active&sort=-name")
    expect(page.get_by_label("Owner", exact=True)).to_have_value("bob")
    expect(page.get_by_role("combobox", name="State")).to_have_value("active")
    expect(table.locator("tbody tr td:first-child")).to_have_text(["filter-beta"])


def test_unreadable_spec_files_are_listed_with_their_error_50_a_page(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    specs = Path(ui.airflow.env["AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"])
    broken = [specs / f"broken-{number:02d}.yaml" for number in range(51)]
    for path in broken:
        path.write_text("name: broken\nschedule: [not closed\n", encoding="utf-8")
    try:
        page = open_page("admin")
        page.goto(f"{ui.base_url}{PAGES}/deployments?state=invalid")
        rows = page.get_by_test_id("deployments-table").locator("tbody tr")
        expect(rows).to_have_count(50)
        first = row(page, "broken-00")
        expect(first).to_contain_text("unreadable spec")
        expect(first.get_by_test_id("spec-error")).not_to_be_empty()
        pages = page.get_by_role("navigation", name="Pages of the list")
        expect(pages).to_contain_text("1\u201350 of 51")  # an en dash
        assert_accessible(page)
        pages.get_by_role("button", name="Next").click()
        expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
        expect(rows).to_have_count(1)
        expect(row(page, "broken-50")).to_be_visible()
    finally:
        for path in broken:
            path.unlink()


def test_the_list_refreshes_cheaply_and_a_viewer_only_reads(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    jobs(ui)("POST", "/deployments", json=echo_spec("read-only-echo", schedule="30 6 * * 1-5"), expect=[201])
    ui.airflow.client.wait_for_dag("job_read-only-echo")
    page = open_page("viewer")
    page.goto(f"{ui.base_url}{PAGES}/deployments")
    listed = row(page, "read-only-echo")
    expect(listed).to_be_visible()
    expect(page.get_by_text("Read-only: your Airflow role may read DAGs")).to_be_visible()
    expect(
        page.get_by_test_id("deployments-table").get_by_role("button", name=re.compile("Run now|Delete"))
    ).to_have_count(0)
    expect(page.get_by_test_id("deployments-table").get_by_role("checkbox")).to_have_count(0)
    expect(
        page.get_by_test_id("deployments-table").get_by_role("link", name=re.compile("^Edit"))
    ).to_have_count(0)
    assert_accessible(page)
    # Unchanged, the page's refresh is answered 304 and the rows stay.
    with page.expect_response(lambda response: LIST_PATH in response.url and response.status == 304):
        pass
    expect(listed).to_be_visible()

    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deployments")
    expect(row(page, "read-only-echo")).to_be_visible()
    screenshot(page, "ui-deployments")
    page.evaluate("() => { localStorage.setItem('i18nextLng', 'fr'); }")
    page.reload()
    expect(page.get_by_role("heading", name="Déploiements", level=1)).to_be_visible()
    expect(row(page, "read-only-echo")).to_contain_text("À 06:30, de lundi à vendredi (UTC)")
    assert_accessible(page)
    screenshot(page, "ui-deployments-fr")
