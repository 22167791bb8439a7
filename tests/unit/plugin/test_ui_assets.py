"""The pages' bundle and the API docs page are served from the package, from nowhere else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from airflow_jobs_provider.plugin.airflow_plugin import URL_PREFIX, JobOrchestratorPlugin
from airflow_jobs_provider.plugin.ui_assets import BUNDLE, STATIC_DIR, asset_version, react_app

REPO = Path(__file__).resolve().parents[3]


def test_the_plugin_registers_its_pages_in_airflows_navigation() -> None:
    (entry,) = JobOrchestratorPlugin.react_apps
    assert entry["destination"] == "nav"
    assert entry["url_route"] == "job-orchestrator"
    assert entry["bundle_url"] == f"/job-orchestrator/static/{BUNDLE}?v={asset_version()}"
    assert entry["icon"].startswith("/job-orchestrator/static/icon.svg?v=")


def test_urls_start_with_the_path_of_airflows_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://example.org/tools/airflow/")
    entry = react_app(URL_PREFIX)
    assert entry["bundle_url"].startswith(f"/tools/airflow/job-orchestrator/static/{BUNDLE}?v=")
    assert entry["icon_dark_mode"].startswith("/tools/airflow/job-orchestrator/static/icon-dark.svg?v=")


def test_the_version_changes_with_the_bundle() -> None:
    from airflow_jobs_provider import __version__

    version = asset_version()
    assert version.startswith(f"{__version__}-")
    assert re.fullmatch(r"[0-9a-f]{12}", version.rpartition("-")[2])


def test_the_bundle_is_served_as_javascript_and_cached_under_its_version(client: TestClient) -> None:
    answer = client.get(f"/job-orchestrator/static/{BUNDLE}", params={"v": asset_version()})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/javascript")
    assert "immutable" in answer.headers["cache-control"]
    assert answer.content == (STATIC_DIR / BUNDLE).read_bytes()
    # The UMD bundle hands the page component to Airflow's UI as globalThis.AirflowPlugin.
    assert b".AirflowPlugin=" in answer.content[:2000]
    stale = client.get(f"/job-orchestrator/static/{BUNDLE}", params={"v": "0.0.0-old"})
    assert stale.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("name", ["nothing.js", "..%2Fapp.py", "__init__.py", "%2Fetc%2Fpasswd"])
def test_only_the_builds_files_are_served(client: TestClient, name: str) -> None:
    answer = client.get(f"/job-orchestrator/static/{name}")
    assert answer.status_code == 404
    assert "detail" in answer.json()


def test_the_docs_page_loads_swagger_ui_from_the_package(client: TestClient) -> None:
    page = client.get("/job-orchestrator/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert sources, page.text
    assert not [source for source in sources if "//" in source], sources  # no other host
    for source in sources:
        answer = client.get(f"/job-orchestrator/{source}")
        assert answer.status_code == 200, source


def test_the_typed_clients_openapi_description_is_current() -> None:
    """The front end's client is generated from plugins/ui/openapi.json: it must match the API."""
    result = subprocess.run(
        [sys.executable, str(REPO / "plugins" / "ui" / "export_openapi.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
