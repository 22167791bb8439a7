"""Fixtures for the pages' browser tests: one Airflow with the plugin per test module, and
logged-in pages that may load nothing from another host."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.pages import VIEWPORT, foreign_requests, log_in
from tests.browser.ui_stack import USERS, UiStack, start_nexus, start_ui_stack
from tests.integration.airflow_stack import StackFactory


@pytest.fixture(scope="module")
def ui(airflow_stack_factory: StackFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiStack]:
    nexus = start_nexus()
    try:
        stack = start_ui_stack(airflow_stack_factory, tmp_path_factory.mktemp("ui"), nexus, name="ui")
        yield stack
        stack.airflow.stop()
    finally:
        nexus.stop()


@pytest.fixture
def open_page(ui: UiStack, new_page: Callable[[], Page]) -> Iterator[Callable[[str], Page]]:
    """A logged-in page at 1280x800; after the test, no request may have left Airflow's origin."""
    watched: list[list[str]] = []

    def open_as(user: str) -> Page:
        page = new_page()
        page.set_viewport_size(VIEWPORT)
        watched.append(foreign_requests(page, ui.base_url))
        log_in(page, ui.base_url, ui.airflow.client_for(user, USERS[user][1]).login())
        return page

    yield open_as
    assert [url for urls in watched for url in urls] == []
