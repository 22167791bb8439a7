"""The Deployments page against Airflow's own DAG list, in a real API server and Chromium.

Both pages run in Airflow's UI, in the same Airflow (``airflow api-server``, one worker, over
a metadata database made by ``bench.deployments_db``: N deployments, a failed run each) and the
same headless Chromium (Debian's, launched as the browser tests launch it), logged in alike
with the simple auth manager's ``_token`` cookie. The time is from the start of the navigation
(the page's ``performance.timeOrigin``) until its list holds a full first page: 50 rows
``tr[data-deployment]`` in the Deployments table, 50 ``[data-testid="dag-card"]`` cards in
Airflow's DAG list (its default view, a page of ``[api] fallback_page_limit`` = 50). A
``MutationObserver`` installed before the page's own scripts notes the moment, so Playwright's
round trips stay out of it.

Cold: a new browser context each time, its cache empty (Airflow's 7 MB UI bundle, the
plugin's bundle, everything fetched and compiled again). Warm: one context that has shown
both pages before, as a user's browser that comes back; each load is a new tab in it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, sync_playwright

from bench.common import REPO, BenchResult, compare, conditions, interleaved, scratch_folder
from bench.deployments_db import ADMIN, ADMIN_PASSWORD, environment
from bench.specs import spec_data
from tests.browser.chromium import launch_chromium
from tests.integration.airflow_stack import AirflowClient, ManagedProcess, airflow_executable, free_port

NAME = "deployments-page"
TITLE = "The Deployments page against Airflow's DAG list, until a page of 50 is rendered"
PAGE = 50
VIEWPORT = {"width": 1280, "height": 800}
LOAD_TIMEOUT_MS = 120_000
PLUGIN = "Deployments page"
AIRFLOW = "Airflow's DAG list (/dags)"


@dataclass(frozen=True)
class Sizes:
    deployments: int
    rounds: int


FULL = Sizes(deployments=500, rounds=9)
SMOKE = Sizes(deployments=3, rounds=1)


@dataclass(frozen=True)
class ListPage:
    """A page of Airflow's UI and how to tell that its list is rendered, and with what."""

    path: str
    item: str  # CSS selector of one shown item
    name_of: str  # JavaScript: the item's name, from ``item`` (an element)


DEPLOYMENTS = ListPage(
    "/plugin/job-orchestrator/deployments",
    'table[data-testid="deployments-table"] tr[data-deployment]',
    "item.dataset.deployment",
)
DAGS = ListPage(
    "/dags", '[data-testid="dag-card"]', "item.querySelector('[data-testid=\"dag-id\"]').textContent"
)

# Runs before the page's own scripts: notes when the list first holds ``count`` items.
_RENDERED_WATCH = """
((selector, count) => {
  const observer = new MutationObserver(() => {
    if (document.querySelectorAll(selector).length >= count) {
      window.__benchRenderedAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})(%s, %d);
"""

# Off the clock: what the document and its resources fetched until the list was rendered
# (``transferSize`` is 0 for what the cache answered, a few hundred bytes for a 304).
_TRANSFERRED = """
[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .filter((entry) => entry.responseEnd <= window.__benchRenderedAt)
  .reduce((total, entry) => total + entry.transferSize, 0)
"""


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    shown = min(PAGE, sizes.deployments)
    with scratch_folder("bench-deployments-page-") as scratch, conditions(result, scratch):
        with _airflow(scratch, sizes.deployments) as (base_url, token), sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                names = {spec_data(number)["name"] for number in range(sizes.deployments)}
                loads = _Loads(browser, base_url, token, shown, names)
                stats = interleaved(
                    sizes.rounds,
                    {
                        f"{PLUGIN}, cold": lambda: loads.cold(DEPLOYMENTS),
                        f"{AIRFLOW}, cold": lambda: loads.cold(DAGS),
                        f"{PLUGIN}, warm": lambda: loads.warm(DEPLOYMENTS),
                        f"{AIRFLOW}, warm": lambda: loads.warm(DAGS),
                    },
                )
                loads.close()
                version = browser.version
                for (path, cold), sizes_seen in loads.transferred.items():
                    cache = "cold" if cold else "warm"
                    median = statistics.median(sizes_seen) / 1024
                    result.measurements.append(
                        (f"transferred until rendered, {path}, {cache}", f"{median:,.0f} KiB")
                    )
            finally:
                browser.close()
        for cache in ("cold", "warm"):
            case = f"{sizes.deployments} deployments, {cache} browser cache"
            result.comparisons.append(compare(case, stats, f"{PLUGIN}, {cache}", f"{AIRFLOW}, {cache}"))
        result.measurements.append(("Chromium", version))
    return result


@contextmanager
def _airflow(work: Path, count: int) -> Iterator[tuple[str, str]]:
    """Airflow's API server over ``count`` deployments: its address and an admin's token."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **environment(work),
        "AIRFLOW__API__BASE_URL": base_url,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
    }
    prepared = subprocess.run(
        [sys.executable, "-m", "bench.deployments_db", str(work), str(count)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if prepared.returncode != 0:
        raise RuntimeError(f"making {count} deployments failed:\n{prepared.stderr[-3000:]}")
    server = ManagedProcess(
        "api-server",
        [airflow_executable(), "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        work / "api-server.log",
        env,
        work,
    )
    server.start()
    try:
        client = AirflowClient(base_url, ADMIN, ADMIN_PASSWORD, check=_alive(server))
        client.wait_healthy(["metadatabase"], timeout=180)
        yield base_url, client.login()
    finally:
        server.stop()


def _alive(server: ManagedProcess) -> Callable[[], None]:
    def check() -> None:
        if not server.running():
            raise RuntimeError(f"Airflow's API server exited:\n{server.tail()}")

    return check


class _Loads:
    """Timed loads of a page, in a new context (cold) or a tab of the warm one."""

    def __init__(self, browser: Browser, base_url: str, token: str, shown: int, names: set[str]) -> None:
        self.browser = browser
        self.base_url = base_url
        self.token = token
        self.shown = shown
        self.names = names
        # Bytes that came over the network until the list was rendered, by (path, cold).
        self.transferred: dict[tuple[str, bool], list[int]] = {}
        self.warm_context = self._context()
        for page in (DEPLOYMENTS, DAGS):  # what a returning user's browser has kept
            self._load(self.warm_context, page, cold=False)
        self.transferred.clear()

    def _context(self) -> BrowserContext:
        context = self.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        context.add_cookies([{"name": "_token", "value": self.token, "url": self.base_url}])
        return context

    def cold(self, page: ListPage) -> float:
        context = self._context()
        try:
            return self._load(context, page, cold=True)
        finally:
            context.close()

    def warm(self, page: ListPage) -> float:
        return self._load(self.warm_context, page, cold=False)

    def close(self) -> None:
        self.warm_context.close()

    def _load(self, context: BrowserContext, list_page: ListPage, *, cold: bool) -> float:
        """Seconds from navigation start until the list shows its first page; then checks what it shows."""
        tab = context.new_page()
        try:
            tab.add_init_script(_RENDERED_WATCH % (json.dumps(list_page.item), self.shown))
            tab.goto(f"{self.base_url}{list_page.path}", wait_until="commit")
            tab.wait_for_function("window.__benchRenderedAt !== undefined")
            milliseconds: float = tab.evaluate("window.__benchRenderedAt")
            transferred: int = tab.evaluate(_TRANSFERRED)
            shown: list[str] = tab.eval_on_selector_all(
                list_page.item, f"(items) => items.map((item) => {list_page.name_of})"
            )
        finally:
            tab.close()
        expected = {_dag_id(name) for name in self.names} if list_page is DAGS else self.names
        if len(shown) != self.shown or len(set(shown)) != self.shown or not set(shown) <= expected:
            raise RuntimeError(f"{list_page.path} showed {shown}, not {self.shown} of the deployments")
        self.transferred.setdefault((list_page.path, cold), []).append(transferred)
        return milliseconds / 1000


def _dag_id(name: str) -> str:
    from airflow_jobs_provider.deployments.naming import dag_id_for

    return dag_id_for(name)
