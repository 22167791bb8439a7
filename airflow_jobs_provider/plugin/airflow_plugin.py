"""The Airflow plugin: Airflow's API server mounts the Job Orchestrator app under one prefix.

Every Airflow process loads plugins, each task process too (for macros and listeners), but only
the API server reads ``fastapi_apps``, ``external_views`` and ``react_apps``: the app, the API
modules it imports (a second and more), the menu links and the pages' entry (configuration
reads) are made when first read, not when the plugin is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/job-orchestrator"


@cache
def fastapi_apps() -> list[dict[str, Any]]:
    """The app, built once per process."""
    from airflow_jobs_provider.plugin.app import create_app

    return [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Job Orchestrator"}]


class _BuiltWhenRead:
    """A class attribute made by ``build`` (a cached function) when someone first reads it."""

    def __init__(self, build: Callable[[], list[dict[str, Any]]]) -> None:
        self.build = build

    def __get__(self, instance: object, owner: type | None = None) -> list[dict[str, Any]]:
        return self.build()


def _navigation_links() -> list[dict[str, Any]]:
    from airflow_jobs_provider.plugin.navigation_links import navigation_links

    return navigation_links()


@cache
def _react_apps() -> list[dict[str, Any]]:
    from airflow_jobs_provider.plugin.ui_assets import react_app

    return [react_app(URL_PREFIX)]


class JobOrchestratorPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point and the provider's ``plugins``."""

    name = "job_orchestrator"
    fastapi_apps = _BuiltWhenRead(fastapi_apps)
    external_views = _BuiltWhenRead(_navigation_links)
    react_apps = _BuiltWhenRead(_react_apps)
