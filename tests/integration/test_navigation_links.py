"""The Browse menu of a real Airflow links to the team's other tools, as the admin configured."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.integration.airflow_stack import AirflowStack
from tests.integration.jobs_stack import NAVIGATION_LINKS

pytestmark = pytest.mark.integration


def test_airflow_lists_the_links_among_the_plugins_views(jobs_stack: AirflowStack) -> None:
    plugins = jobs_stack.client.api("GET", "/plugins", params={"limit": 100})["plugins"]
    (ours,) = [plugin for plugin in plugins if plugin["name"] == "job_orchestrator"]
    assert [(view["name"], view["href"], view["category"]) for view in ours["external_views"]] == [
        (label, url, "browse") for label, url in NAVIGATION_LINKS.items()
    ]


def test_the_browse_menu_shows_them_as_links(jobs_stack: AirflowStack, new_page: Callable[[], Page]) -> None:
    page = new_page()
    token = jobs_stack.client.login()
    page.context.add_cookies([{"name": "_token", "value": token, "url": jobs_stack.base_url}])
    page.goto(f"{jobs_stack.base_url}/")
    page.get_by_role("button", name="Browse").click()
    for label, url in NAVIGATION_LINKS.items():
        expect(page.get_by_role("menuitem", name=label)).to_be_visible()
        expect(page.locator(f'a[href="{url}"]')).to_have_text(label)
