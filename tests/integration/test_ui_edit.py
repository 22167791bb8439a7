"""Editing a deployment in the browser: the deploy form filled from its spec, saved as a new revision.

A real Airflow with the plugin; deployments are created through the JSON API, edited in
Chromium, and every outcome is read back through the API. Two pages editing the same revision
take the 409 path: the second is told who changed what, and chooses — never a silent overwrite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PAGES, assert_accessible, screenshot
from tests.browser.ui_stack import RUNNER_IMAGE, UiStack
from tests.integration.jobs_stack import JobsApi, echo_spec

pytestmark = pytest.mark.integration

SECRET_FILE = "token.txt"


def every_field(name: str) -> dict[str, Any]:
    """A spec using every field the form edits, in a pod (mounts, resources and proxy need one)."""
    return {
        "name": name,
        "description": "Nightly sync\nof customers",
        "owner": "data.office",
        "tags": ["crm", "nightly"],
        "artifact": {
            "source": "local",
            "repository": "tests",
            "group": "",
            "name": "echo-job",
            "version": "1.0.0",
            "assets": ["echo.py"],
        },
        "executor": "kubernetes",
        "runner_image": RUNNER_IMAGE,
        "args": ["--region", "north; $(rm -rf /)", ""],
        "env": {"REGION": "north", "QUOTED": 'it\'s "quoted"'},
        "config_files": [
            {"file_name": "app.ini", "secret": False, "content": "[db]\nhost=db.example.org\n"},
            {"file_name": SECRET_FILE, "secret": True, "content": "the-stored-secret"},
        ],
        "mounts": [
            {
                "type": "pvc",
                "claim_name": "scratch",
                "sub_path": "in",
                "mount_path": "/mnt/scratch",
                "read_only": False,
            },
            {
                "type": "nfs",
                "server": "nfs.example.org",
                "path": "/exports/data",
                "mount_path": "/mnt/nfs",
                "read_only": True,
            },
        ],
        "proxy": True,
        "resources": {"cpu_request": "250m", "memory_request": "256Mi", "cpu_limit": "1", "memory_limit": ""},
        "schedule": "30 4 * * 1-5",
        "timezone": "Europe/Paris",
        "max_active_runs": 2,
        "retries": 3,
        "retry_delay_seconds": 60,
        "execution_timeout_minutes": 90,
        "notify": {"emails": ["ops@example.org"], "webhook_conn_id": "teams_webhook"},
    }


def deployment(jobs: JobsApi, name: str) -> dict[str, Any]:
    return dict(jobs("GET", f"/deployments/{name}", expect=[200]))


def open_edit(page: Page, ui: UiStack, name: str) -> None:
    page.goto(f"{ui.base_url}{PAGES}/deploy?edit={name}")
    expect(page.get_by_role("heading", name=f"Edit {name}", level=1)).to_be_visible()


def test_edit_opens_filled_and_saves_only_the_change(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=every_field("ui-edit-all"), expect=[201])
    before = deployment(jobs, "ui-edit-all")
    assert {"file_name": SECRET_FILE, "secret": True} in before["spec"]["config_files"]  # no content

    page = open_page("admin")
    open_edit(page, ui, "ui-edit-all")
    expect(page.get_by_text("Based on revision 1")).to_be_visible()
    name = page.get_by_label("Deployment name")
    expect(name).to_have_value("ui-edit-all")
    expect(name).to_have_attribute("readonly", "")
    expect(page.get_by_label("Executor")).to_have_value("kubernetes")
    expect(page.get_by_label("Runner image")).to_have_value(RUNNER_IMAGE)
    expect(page.get_by_label("Cron expression")).to_have_value("30 4 * * 1-5")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    for index, argument in enumerate(before["spec"]["args"], start=1):
        expect(page.get_by_label(f"Argument {index}", exact=True)).to_have_value(argument)
    expect(page.get_by_label("Variable 2 value")).to_have_value('it\'s "quoted"')
    expect(page.get_by_label("File 1 content")).to_have_value("[db]\nhost=db.example.org\n")
    expect(page.get_by_label("File 2 content")).to_have_value("")  # never sent to the browser
    expect(page.get_by_text("Secret: its stored content is kept.")).to_be_visible()
    expect(page.get_by_label("Mount 2 path in the job")).to_have_value("/mnt/nfs")
    expect(page.get_by_label("Cpu request")).to_have_value("250m")
    expect(page.get_by_label("Timeout (minutes)")).to_have_value("90")
    expect(page.get_by_label("Webhook connection id")).to_have_value("teams_webhook")
    expect(page.get_by_role("textbox", name="Description")).to_have_value("Nightly sync\nof customers")
    expect(page.get_by_label("Tag 2", exact=True)).to_have_value("nightly")
    assert_accessible(page)

    # The whole form, as the previews receive it, is the deployed spec: every field filled.
    with page.expect_request(lambda request: request.url.endswith("/deploy-form/code")) as previewed:
        page.get_by_role("button", name="Check and preview").click()
    assert previewed.value.post_data_json == before["spec"]
    expect(page.get_by_role("tabpanel", name="Preflight")).to_be_visible()
    page.get_by_role("tab", name="Pod (YAML)").click()
    expect(page.get_by_role("tabpanel", name="Pod (YAML)")).to_contain_text("/mnt/nfs")
    page.get_by_role("tab", name="DAG code").click()
    expect(page.get_by_role("tabpanel", name="DAG code")).to_contain_text("dag_id='job_ui-edit-all'")

    page.get_by_label("Argument 2", exact=True).fill("south")
    page.get_by_role("button", name="Update deployment").click()
    expect(page.get_by_role("status").first).to_contain_text("Deployed ui-edit-all (revision 2)")

    after = deployment(jobs, "ui-edit-all")
    assert after["revision"] == 2
    assert after["changes"] == ["args"]  # a secret content sent again would be listed here
    assert after["spec"] == {**before["spec"], "args": ["--region", "south", ""]}
    secret_key = f"job_orchestrator.secret.ui-edit-all_{SECRET_FILE}"
    assert ui.airflow.client.request("GET", f"/api/v2/variables/{secret_key}").status_code == 200


def test_two_pages_editing_one_revision_take_the_409_path(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=echo_spec("ui-edit-race", args=["first"]), expect=[201])
    first, second = open_page("admin"), open_page("admin")
    open_edit(first, ui, "ui-edit-race")
    open_edit(second, ui, "ui-edit-race")

    first.get_by_label("Argument 1", exact=True).fill("from-page-1")
    first.get_by_role("button", name="Update deployment").click()
    expect(first.get_by_role("status").first).to_contain_text("(revision 2)")

    second.get_by_label("Retries", exact=True).fill("2")
    second.get_by_role("button", name="Update deployment").click()
    panel = second.get_by_test_id("edit-conflict")
    expect(panel).to_be_focused()
    expect(panel.get_by_role("heading")).to_have_text(re.compile(r"^admin changed this deployment at .*\d"))
    row = panel.get_by_role("row").filter(has_text="args")
    expect(row.get_by_role("cell")).to_have_text(["args", '["first"]', '["from-page-1"]', '["first"]'])
    expect(panel.get_by_role("row")).to_have_count(2)  # the header and args: retries is only mine
    assert deployment(jobs, "ui-edit-race")["spec"]["retries"] == 0  # nothing overwritten
    assert_accessible(second)
    screenshot(second, "ui-edit-conflict")

    # Reload theirs, after a confirmation: page 1's values fill the form.
    panel.get_by_role("button", name="Reload their version").click()
    confirm = panel.get_by_role("button", name="Reload, losing my edits")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(second.get_by_test_id("edit-outcome")).to_contain_text(
        "The form now holds revision 2, saved by admin"
    )
    expect(second.get_by_label("Argument 1", exact=True)).to_have_value("from-page-1")
    expect(second.get_by_label("Retries", exact=True)).to_have_value("0")

    # Page 1 saves again; page 2 keeps its own values over it, knowingly, and saves after it.
    first.get_by_role("button", name="Edit and deploy again").click()
    first.get_by_label("Argument 1", exact=True).fill("third")
    first.get_by_role("button", name="Update deployment").click()
    expect(first.get_by_role("status").first).to_contain_text("(revision 3)")
    second.get_by_label("Retries", exact=True).fill("2")
    second.get_by_role("button", name="Update deployment").click()
    expect(panel.get_by_role("row").filter(has_text="args").get_by_role("cell")).to_have_text(
        ["args", '["from-page-1"]', '["third"]', '["from-page-1"]']
    )
    panel.get_by_role("button", name="Keep my changes").click()
    outcome = second.get_by_test_id("edit-outcome")
    expect(outcome).to_contain_text("now based on revision 3 by admin")
    expect(outcome).to_be_focused()
    assert deployment(jobs, "ui-edit-race")["revision"] == 3  # keeping saves nothing by itself
    assert_accessible(second)
    second.get_by_role("button", name="Update deployment").click()
    expect(second.get_by_role("status").first).to_contain_text("Deployed ui-edit-race (revision 4)")

    saved = deployment(jobs, "ui-edit-race")
    assert (saved["revision"], saved["spec"]["retries"], saved["spec"]["args"]) == (4, 2, ["from-page-1"])
    assert sorted(saved["changes"]) == ["args", "retries"]


def test_a_viewer_sees_the_edit_form_read_only(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    jobs = JobsApi(ui.airflow.client)
    jobs("POST", "/deployments", json=echo_spec("ui-edit-viewer", args=["kept"]), expect=[201])
    page = open_page("viewer")
    open_edit(page, ui, "ui-edit-viewer")
    expect(page.get_by_label("Argument 1", exact=True)).to_have_value("kept")
    expect(page.get_by_label("Argument 1", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Update deployment")).to_be_disabled()
    expect(page.get_by_text("Read-only:")).to_be_visible()
    assert_accessible(page)
    assert deployment(jobs, "ui-edit-viewer")["revision"] == 1


def test_an_unknown_name_is_said(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/deploy?edit=no-such-job")
    expect(page.get_by_role("heading", name="No deployment named no-such-job", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Go to the artifacts")).to_be_visible()
    assert_accessible(page)
