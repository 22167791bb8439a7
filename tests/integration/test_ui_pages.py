"""The Job Orchestrator's pages inside a real Airflow, driven in Chromium like a user would.

One Airflow serves them, with the Nexus simulator (two pages of search results) and the local
examples. Each page is checked with axe-core and must load nothing from another host; the
tests write the user guide's screenshots into docs/images.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PAGES, assert_accessible, choose, screenshot
from tests.browser.ui_stack import (
    NEXUS_COMPONENTS,
    NEXUS_PASSWORD,
    NEXUS_REPORT,
    NEXUS_REPOSITORY,
    NEXUS_USER,
    RUNNER_IMAGE,
    UiStack,
)
from tests.integration.jobs_stack import ECHO_MARKER, JobsApi

pytestmark = pytest.mark.integration


def test_the_artifacts_page_of_both_sources(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}/")
    page.get_by_role("link", name="Job Orchestrator").click()
    expect(page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()  # the landing page
    page.get_by_role("link", name="Deploy an artifact").click()
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()

    # The local folder: the seeded examples, a version's files with their checksums.
    choose(page, "Source", "local")
    choose(page, "Repository", "examples")
    hello = page.get_by_role("region", name="hello-python")
    expect(hello).to_be_visible()
    hello.get_by_role("button", name="Files of 1.1.0").click()
    files = hello.get_by_role("table", name=re.compile("Files of hello-python 1.1.0"))
    expect(files).to_contain_text("sha256:")
    expect(page).to_have_url(re.compile(r"source=local&repository=examples"))
    assert_accessible(page)

    # Nexus: 5 versions a page, so its 8 components take five pages; "load more" brings the rest.
    choose(page, "Source", "nexus")
    choose(page, "Repository", NEXUS_REPOSITORY)
    expect(page.get_by_role("button", name="Load more")).to_be_visible()
    shown = page.get_by_role("heading", level=2)
    assert shown.count() < len(NEXUS_COMPONENTS)
    load_more = page.get_by_role("button", name="Load more")
    for _ in range(4):  # 22 versions, 5 a page: 4 more pages
        load_more.click()
    expect(load_more).to_have_count(0)
    expect(shown).to_have_text([*NEXUS_COMPONENTS, NEXUS_REPORT])
    first = page.get_by_role("region", name=NEXUS_COMPONENTS[0])
    expect(first.get_by_role("cell")).to_contain_text(["2.0.0-SNAPSHOT", "1.1.0", "1.0.0"])
    # Not pinned to a version read here: the form opens on latest-release (no RC, no snapshot).
    expect(
        first.get_by_role("link", name=f"Deploy the latest release of {NEXUS_COMPONENTS[0]}")
    ).to_have_attribute("href", re.compile(r"[?&]version=latest-release(&|$)"))
    screenshot(page, "ui-artifacts")

    # A server-side search, kept in the address across a reload.
    page.get_by_label("Search", exact=True).fill("report")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(shown).to_have_text([NEXUS_REPORT])
    page.reload()
    expect(page.get_by_role("heading", level=2)).to_have_text([NEXUS_REPORT])
    expect(page.get_by_label("Search", exact=True)).to_have_value("report")
    page.get_by_label("Search", exact=True).fill("zzz")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text(f"Nothing in {NEXUS_REPOSITORY} matches “zzz”.")).to_be_visible()


def test_nexus_refusing_the_credentials_or_failing_is_said_and_the_rest_works(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    ui.nexus.users[NEXUS_USER] = "another-password"
    try:
        page.goto(f"{ui.base_url}{PAGES}/browse?source=nexus")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Could not list the repositories of Nexus")
        expect(alert).to_contain_text("check the login and password")
        choose(page, "Source", "local")
        expect(page.get_by_role("region", name="hello-python")).to_be_visible()
    finally:
        ui.nexus.users[NEXUS_USER] = NEXUS_PASSWORD

    # Nexus failing (every attempt of one listing answered 503) is said as such.
    ui.nexus.fail_next(count=4, status=503, path_contains="/v1/repositories")
    page.goto(f"{ui.base_url}{PAGES}/browse?source=nexus")
    expect(page.get_by_role("alert")).to_contain_text("Nexus answered HTTP 503")


def test_deploy_a_version_from_the_form_and_its_run_succeeds(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/browse?source=local&repository=tests")
    page.get_by_role("link", name="Deploy echo-job 1.0.0").click()
    expect(page.get_by_role("heading", name="Deploy echo-job", level=1)).to_be_visible()
    name = page.get_by_label("Deployment name")
    expect(name).to_have_value("echo-job-1-0-0")  # suggested from the artifact and version
    name.fill("Echo_UI")
    expect(page.get_by_text("lowercase letters only")).to_be_visible()  # checked as typed
    name.fill("ui-echo")

    # In a pod: the preflight, the exact pod and the DAG code.
    choose(page, "Executor", "kubernetes")
    choose(page, "Runner image", RUNNER_IMAGE)
    arguments = ["--greeting", "hello world; $(rm -rf /)"]
    for index, argument in enumerate(arguments, start=1):
        page.get_by_role("button", name="Add argument").click()
        page.get_by_label(f"Argument {index}", exact=True).fill(argument)
    choose(page, "When", "cron")
    page.get_by_label("Cron expression").fill("30 4 * * 1-5")
    preview = page.get_by_test_id("schedule-preview")
    expect(preview).to_contain_text("At 04:30, Monday through Friday")
    expect(preview.get_by_role("listitem")).to_have_count(5)
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("tab", name="Preflight")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Preflight")).to_contain_text("ok")
    screenshot(page, "ui-deploy")
    page.get_by_role("tab", name="Pod (YAML)").click()
    expect(page.get_by_role("tabpanel", name="Pod (YAML)")).to_contain_text(f"image: {RUNNER_IMAGE}")
    expect(page.get_by_role("button", name="Copy pod YAML")).to_be_visible()
    page.get_by_role("tab", name="DAG code").click()
    expect(page.get_by_role("tabpanel", name="DAG code")).to_contain_text("dag_id='job_ui-echo'")
    page.get_by_role("heading", name="4. Deploy").evaluate("heading => heading.scrollIntoView()")
    screenshot(page, "ui-deploy-preview")
    assert_accessible(page)

    # Deployed as a one-off on the local executor: it starts by itself and runs the arguments as given.
    choose(page, "Executor", "local")
    choose(page, "When", "one-off")
    page.get_by_role("button", name="Deploy", exact=True).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Deployed ui-echo (revision 1)")
    expect(status.get_by_role("link", name="job_ui-echo")).to_be_visible()
    expect(page.get_by_test_id("deployment-status")).to_contain_text("success", timeout=180_000)
    screenshot(page, "ui-deployed")
    assert_accessible(page)

    jobs = JobsApi(ui.airflow.client)
    run = jobs.status("ui-echo")["latest_run"]
    echoed = [line for line in jobs.log_lines(run) if ECHO_MARKER in line]
    assert [json.loads(line.split(ECHO_MARKER, 1)[1])["argv"] for line in echoed] == [arguments]


def test_a_422_puts_each_message_at_its_field_and_keeps_the_input(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deploy?source=local&repository=tests&name=echo-job&version=1.0.0")
    choose(page, "Executor", "local")
    page.get_by_label("Retries", exact=True).fill("eleven")
    page.get_by_role("button", name="Add variable").click()
    page.get_by_label("Variable 1 name").fill("1BAD")
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("the deployment spec is not valid")
    retries = page.get_by_label("Retries", exact=True)
    expect(retries).to_have_attribute("aria-invalid", "true")
    expect(retries).to_have_value("eleven")
    expect(page.get_by_text("Input should be a valid integer")).to_be_visible()
    expect(page.get_by_label("Variable 1 name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot(page, "ui-deploy-errors")


def test_a_viewer_sees_the_pages_read_only(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = open_page("viewer")
    page.goto(f"{ui.base_url}{PAGES}/browse?source=local&repository=examples")
    hello = page.get_by_role("region", name="hello-python")
    deploy = hello.get_by_role("button", name="Deploy hello-python 1.1.0")
    expect(deploy).to_be_disabled()
    expect(page.get_by_text("Read-only: Your Airflow role may read DAGs but not edit them")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{ui.base_url}{PAGES}/deploy?source=local&repository=examples&name=hello-python&version=1.1.0")
    expect(page.get_by_role("button", name="Deploy", exact=True)).to_be_disabled()
    expect(page.get_by_label("Deployment name")).to_be_disabled()
    assert_accessible(page)


def fits_the_width(page: Page) -> bool:
    """No horizontal scrolling inside the pages."""
    return bool(
        page.locator("[data-job-orchestrator]").evaluate("root => root.scrollWidth <= root.clientWidth")
    )


def test_dark_mode_in_a_900_pixel_window(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = open_page("admin")
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(f"{ui.base_url}{PAGES}/browse?source=local&repository=examples")
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))  # Airflow's theme, dark
    expect(page.get_by_role("region", name="hello-python")).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "ui-artifacts-dark")
    page.get_by_role("region", name="hello-python").get_by_role(
        "link", name="Deploy hello-python 1.1.0"
    ).click()
    expect(page.get_by_label("Deployment name")).to_have_value("hello-python-1-1-0")
    assert fits_the_width(page)
    assert_accessible(page)


def test_the_keyboard_alone_reaches_a_version_and_opens_its_form(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/browse?source=local&repository=examples")
    target = page.get_by_role("link", name="Deploy hello-python 1.1.0")
    expect(target).to_be_visible()
    for _ in range(80):  # the host's navigation comes first, then the page's controls in order
        page.keyboard.press("Tab")
        if target.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Deploy link")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Deployment name")).to_have_value("hello-python-1-1-0")
