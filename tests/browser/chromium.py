"""Real headless Chromium (Debian's package), driven by Playwright: fixture ``browser``.

Playwright's own browser download is never used: the machine's ``chromium`` is launched by path.
Each test gets a fresh context (no cookies shared between tests) through ``new_page``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.system_programs import installed_program

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")
ACTION_TIMEOUT_MS = 30_000


def launch_chromium(playwright: Playwright) -> Browser:
    """The machine's Chromium, headless (the browser tests' and the pages benchmark's)."""
    # Chromium's sandbox refuses to run as root, which CI is.
    arguments = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(
        executable_path=installed_program(*CHROMIUM_CANDIDATES, package="chromium"), args=arguments
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API keeps an asyncio loop running in the main thread while
    it lives, and later tests that call ``asyncio.run`` would fail."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        # Assertions wait as long as actions do (5 s by default): a loaded 2-core machine can
        # take longer than that to answer a login.
        expect.set_options(timeout=ACTION_TIMEOUT_MS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in fresh browser contexts, closed after the test."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context()
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
