"""Helpers for driving the plugin's pages in Chromium: log in, watch requests, axe-core, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "plugins" / "ui" / "node_modules" / "axe-core" / "axe.min.js"
IMAGES = REPO / "docs" / "images"
PAGES_ROOT = "[data-job-orchestrator]"
VIEWPORT = {"width": 1280, "height": 800}
PAGES = "/plugin/job-orchestrator"


def log_in(page: Page, base_url: str, token: str) -> None:
    """The session Airflow's UI keeps after a login: its ``_token`` cookie."""
    page.context.add_cookies([{"name": "_token", "value": token, "url": base_url}])


def foreign_requests(page: Page, base_url: str) -> list[str]:
    """Filled as the page runs: every request that leaves Airflow's origin."""
    origin = base_url.rstrip("/")
    seen: list[str] = []

    def check(url: str) -> None:
        local = url.startswith((f"{origin}/", f"blob:{origin}/", "data:")) or url == origin
        if not local:
            seen.append(url)

    page.on("request", lambda request: check(request.url))
    return seen


def serious_accessibility_findings(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the plugin's part of the page (WCAG 2 A/AA)."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run 'npm ci' in plugins/ui"
    page.add_script_tag(path=str(AXE_SCRIPT))
    findings: list[dict[str, Any]] = page.evaluate(
        """async (root) => {
            const result = await axe.run({ include: [root] }, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
            });
            return result.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
        }""",
        PAGES_ROOT,
    )
    return findings


def screenshot(page: Page, name: str) -> None:
    """A picture for the user guide (docs/images/<name>.png), at the size the guide assumes."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"))


def assert_accessible(page: Page) -> None:
    assert serious_accessibility_findings(page) == []


def choose(page: Page, label: str, value: str) -> None:
    page.get_by_role("combobox", name=label).select_option(value)
