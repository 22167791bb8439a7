"""A deployment's page inside a real Airflow, driven in Chromium: its status and runs with links
into Airflow's grid and log view, its spec in words, its history with rollback, its code and pod,
an update to a newer release from the Nexus simulator, a viewer's read-only view and an unknown name.

Deployments are made through the JSON API (the deploy form has its own tests); what the page
does is checked through the page and the API both. axe-core runs on every tab shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PAGES, PAGES_ROOT, assert_accessible, screenshot
from tests.browser.ui_stack import NEXUS_COMPONENTS, NEXUS_REPOSITORY, RUNNER_IMAGE, UiStack
from tests.integration.jobs_stack import ECHO_MARKER, JobsApi, echo_spec

pytestmark = pytest.mark.integration

# A run's whole story (the DAG parsed, queued, run by the scheduler) can take a while on 2 cores.
RUN_TIMEOUT_MS = 180_000


def deployment_url(ui: UiStack, name: str, tab: str | None = None) -> str:
    return f"{ui.base_url}{PAGES}/deployments/{name}" + (f"?tab={tab}" if tab else "")


def nexus_spec(name: str, version: str) -> dict[str, Any]:
    """A Kubernetes deployment of a Nexus component pinned to ``version`` (the simulator has 1.0.0 and 1.1.0)."""
    return {
        "name": name,
        "artifact": {
            "source": "nexus",
            "repository": NEXUS_REPOSITORY,
            "group": "org.example.jobs",
            "name": NEXUS_COMPONENTS[0],
            "version": version,
        },
        "executor": "kubernetes",
        "runner_image": RUNNER_IMAGE,
        "args": ["--day", "1"],
        "env": {"REGION": "eu", "DB_PASSWORD": "hunter2-not-shown"},
        "schedule": "30 4 * * 1-5",
        "timezone": "Europe/Paris",
        "retries": 2,
    }


def open_tab(page: Page, name: str) -> Any:
    page.get_by_role("tab", name=name).click()
    return page.get_by_role("tabpanel", name=name)


def test_status_and_a_run_with_links_into_airflows_grid_and_log(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=echo_spec("page-echo", args=["from the page"]), expect=[201])
    page = open_page("admin")
    page.goto(deployment_url(ui, "page-echo"))
    expect(page.get_by_role("heading", name="page-echo", level=1)).to_be_visible()
    status = page.get_by_test_id("deployment-status")
    expect(status).to_contain_text("active", timeout=RUN_TIMEOUT_MS)  # once Airflow has parsed it
    expect(status).to_contain_text("no run yet")
    expect(page.get_by_role("tabpanel", name="Runs")).to_contain_text("No run yet.")
    assert_accessible(page)

    page.get_by_role("button", name="Run now").click()
    runs = page.get_by_role("table", name="Latest runs of page-echo")
    first = runs.get_by_role("row").nth(1)
    expect(first.locator("[data-run-state=success]")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(status.locator("[data-run-state=success]")).to_be_visible()
    run = jobs.status("page-echo")["latest_run"]
    expect(first).to_contain_text(run["run_id"])
    expect(page).to_have_url(deployment_url(ui, "page-echo"))  # the default tab needs no ?tab=
    screenshot(page, "ui-deployment")
    assert_accessible(page)

    # The run's link opens Airflow's grid on that run; the log link, its task's log with the job's output.
    grid = first.get_by_role("link", name=f"Run {run['run_id']} in Airflow's grid")
    expect(grid).to_have_attribute("href", run["run_url"])
    grid.click()
    expect(page).to_have_url(
        re.compile(rf"/dags/job_page-echo/runs/{re.escape(quote(run['run_id'], safe=''))}$")
    )
    expect(page.get_by_text(run["run_id"]).first).to_be_visible()
    page.go_back()
    log = page.get_by_role("table", name="Latest runs of page-echo").get_by_role("link", name="Log of try 1")
    expect(log).to_have_attribute("href", run["log_url"])
    log.click()
    expect(page).to_have_url(re.compile(r"/dags/job_page-echo/runs/.+/tasks/run\?try_number=1$"))
    expect(page.get_by_text(ECHO_MARKER.strip()).first).to_be_visible(timeout=60_000)
    echoed = [line for line in jobs.log_lines(run) if ECHO_MARKER in line]
    assert [json.loads(line.split(ECHO_MARKER, 1)[1])["argv"] for line in echoed] == [["from the page"]]


def test_history_shows_who_when_and_what_and_a_rollback_is_a_new_revision(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=echo_spec("page-history", args=["first"]), expect=[201])
    jobs(
        "PUT",
        "/deployments/page-history",
        json={"revision": 1, "spec": echo_spec("page-history", args=["second"], retries=1)},
        expect=[200],
    )
    page = open_page("admin")
    page.goto(deployment_url(ui, "page-history", "history"))
    history = page.get_by_role("tabpanel", name="History")
    second = history.get_by_role("region", name="Revision 2")
    expect(second).to_contain_text(re.compile(r"Redeployed by admin on .+ \(current\)"))
    changes = second.get_by_role("table", name="Changes of revision 2")
    expect(changes.get_by_role("row", name=re.compile("^args"))).to_contain_text('["first"]')
    expect(changes.get_by_role("row", name=re.compile("^args"))).to_contain_text('["second"]')
    expect(changes.get_by_role("row", name=re.compile("^retries"))).to_contain_text("01")
    expect(history.get_by_role("region", name="Revision 1")).to_contain_text("First revision.")
    expect(second.get_by_role("button", name=re.compile("Redeploy"))).to_have_count(0)  # it is current
    expect(page.get_by_test_id("deployment-status")).to_contain_text("active", timeout=RUN_TIMEOUT_MS)
    screenshot(page, "ui-deployment-history")
    assert_accessible(page)

    history.get_by_role("button", name="Redeploy revision 1").click()
    dialog = page.get_by_role("alertdialog", name="Redeploy revision 1 of page-history?")
    expect(dialog).to_contain_text("becomes revision 3")
    assert_accessible(page)
    dialog.get_by_role("button", name="Redeploy", exact=True).click()
    expect(dialog).to_have_count(0)
    third = history.get_by_role("region", name="Revision 3")
    expect(third).to_contain_text(re.compile(r"Redeployed by admin on .+ \(current\)"))
    rows = third.get_by_role("table", name="Changes of revision 3")
    expect(rows.get_by_role("row", name=re.compile("^args"))).to_contain_text('["second"]')
    expect(rows.get_by_role("row", name=re.compile("^args"))).to_contain_text('["first"]')

    current = jobs("GET", "/deployments/page-history", expect=[200])
    assert current["revision"] == 3
    assert current["spec"]["args"] == ["first"] and current["spec"]["retries"] == 0
    revisions = jobs("GET", "/deployments/page-history/history", expect=[200])["revisions"]
    assert [r["revision"] for r in revisions] == [1, 2, 3]
    assert revisions[2]["deployed_by"] == "admin" and revisions[2]["spec"] == revisions[0]["spec"]
    expect(page.get_by_text("Revision 3, deployed by admin")).to_be_visible()


def test_spec_code_and_pod_tabs_and_the_update_to_the_newest_release(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=nexus_spec("page-nexus", "1.0.0"), expect=[201])
    page = open_page("admin")
    page.goto(deployment_url(ui, "page-nexus", "spec"))

    spec = page.get_by_role("tabpanel", name="Spec")
    expect(spec).to_contain_text(f"nexus: {NEXUS_REPOSITORY}/org.example.jobs:{NEXUS_COMPONENTS[0]}")
    expect(spec).to_contain_text("REGION=eu")
    expect(spec).to_contain_text("DB_PASSWORD=***")
    expect(spec).not_to_contain_text("hunter2")
    expect(spec).to_contain_text("2 retries, 5 min apart")
    expect(spec).to_contain_text("At 04:30, Monday through Friday (Europe/Paris)", timeout=RUN_TIMEOUT_MS)
    assert_accessible(page)

    code = open_tab(page, "Code")
    expect(code.get_by_role("region", name="DAG code (job_page-nexus.py)")).to_contain_text(
        "dag_id='job_page-nexus'"
    )
    expect(page).to_have_url(re.compile(r"[?&]tab=code$"))
    assert_accessible(page)
    pod = open_tab(page, "Pod")
    expect(pod.get_by_role("region", name="Pod YAML")).to_contain_text(f"image: {RUNNER_IMAGE}")
    expect(pod).to_contain_text("- --day")
    assert_accessible(page)
    page.reload()  # the tab is in the address
    expect(page.get_by_role("tab", name="Pod", selected=True)).to_be_visible()
    expect(page.get_by_role("region", name="Pod YAML")).to_contain_text(f"image: {RUNNER_IMAGE}")

    # The release watch finds 1.1.0 in the background (2.0.0-SNAPSHOT is no release); the page shows it.
    update = page.get_by_role("button", name="Update to 1.1.0")
    expect(update).to_be_visible(timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text("runs version 1.0.0")
    assert_accessible(page)
    update.click()
    dialog = page.get_by_role("alertdialog", name="Update page-nexus to 1.1.0?")
    dialog.get_by_role("button", name="Update", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("Revision 2, deployed by admin")).to_be_visible()
    expect(update).to_have_count(0)
    current = jobs("GET", "/deployments/page-nexus", expect=[200])
    assert current["revision"] == 2 and current["spec"]["artifact"]["version"] == "1.1.0"
    assert current["changes"] == ["artifact.version"]


def test_a_viewer_sees_everything_read_only(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=echo_spec("page-viewed", args=["a"]), expect=[201])
    jobs(
        "PUT",
        "/deployments/page-viewed",
        json={"revision": 1, "spec": echo_spec("page-viewed", args=["b"])},
        expect=[200],
    )
    page = open_page("viewer")
    page.goto(deployment_url(ui, "page-viewed"))
    expect(page.get_by_role("heading", name="page-viewed", level=1)).to_be_visible()
    expect(page.get_by_text("Read-only: your Airflow role may read")).to_be_visible()
    for action in ("Run now", "Pause", "Resume", "Edit", "Delete"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    assert_accessible(page)
    history = open_tab(page, "History")
    expect(history.get_by_role("region", name="Revision 1")).to_be_visible()
    expect(history.get_by_role("button")).to_have_count(0)
    assert_accessible(page)
    expect(open_tab(page, "Code")).to_contain_text("dag_id='job_page-viewed'")
    expect(open_tab(page, "Pod")).to_contain_text("creates no pod")


def test_an_unknown_name_says_so_and_leads_to_the_list(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = open_page("admin")
    page.goto(deployment_url(ui, "no-such-deployment"))
    expect(page.get_by_role("heading", name="Deployment not found", level=1)).to_be_visible()
    expect(page.get_by_text("There is no deployment named “no-such-deployment”")).to_be_visible()
    expect(page.get_by_role("link", name="All deployments")).to_have_attribute(
        "href", re.compile(rf"{PAGES}/deployments$")
    )
    assert_accessible(page)
    page.goto(deployment_url(ui, "Not_A_Name"))  # refused as a name: no such deployment either
    expect(page.get_by_role("heading", name="Deployment not found", level=1)).to_be_visible()


CATALOGUES = Path(__file__).resolve().parents[2] / "plugins" / "ui" / "src" / "i18n"


def english_only_messages() -> list[re.Pattern[str]]:
    """The pages' English messages that French says otherwise, each as a whole-text pattern."""
    english = json.loads((CATALOGUES / "en.json").read_text())
    french = json.loads((CATALOGUES / "fr.json").read_text())
    return [
        re.compile(
            "".join(".+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{\w+\})", m))
        )
        for key, m in english.items()
        if m != french[key] and m.strip("{}").strip()
    ]


def texts_shown(page: Page) -> list[str]:
    """Each text of the plugin's part of the page, generated code and YAML left out."""
    texts: list[str] = page.locator(PAGES_ROOT).evaluate(
        """root => {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const found = [];
            while (walker.nextNode()) {
                const text = walker.currentNode.textContent.trim();
                if (text && !walker.currentNode.parentElement.closest('pre')) found.push(text);
            }
            return found;
        }"""
    )
    return texts


def test_the_page_in_french_has_no_english_left(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=nexus_spec("page-fr", "1.0.0"), expect=[201])
    jobs(
        "PUT",
        "/deployments/page-fr",
        json={"revision": 1, "spec": nexus_spec("page-fr", "1.0.0") | {"args": ["--day", "2"]}},
        expect=[200],
    )
    page = open_page("admin")
    page.goto(deployment_url(ui, "page-fr"))
    page.evaluate("() => { localStorage.setItem('i18nextLng', 'fr'); }")
    page.reload()
    expect(page.get_by_role("tab", name="Exécutions")).to_be_visible()
    english = english_only_messages()
    for tab, shown in (
        ("Exécutions", "Aucune exécution"),
        ("Spécification", "À 04:30, de lundi à vendredi (Europe/Paris)"),
        ("Historique", "Redéployé par admin"),
        ("Code", "dag_id='job_page-fr'"),
        ("Pod", "image:"),
    ):
        expect(open_tab(page, tab)).to_contain_text(shown, timeout=RUN_TIMEOUT_MS)
        left = [text for text in texts_shown(page) if any(p.fullmatch(text) for p in english)]
        assert left == [], f"{tab}: {left}"
        assert_accessible(page)
