"""The Airflow plugin: Airflow's API server mounts the Job Orchestrator app under one prefix.

Every Airflow process loads plugins, each task process too (for macros and listeners), but only
the API server reads ``fastapi_apps``: the app, and the API modules it imports (a second and
more), are built when it is first read, not when the plugin is loaded.
"""

from __future__ import annotations

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
    """A class attribute whose value is made the first time someone reads it."""

    def __get__(self, instance: object, owner: type | None = None) -> list[dict[str, Any]]:
        return fastapi_apps()


class JobOrchestratorPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point and the provider's ``plugins``."""

    name = "job_orchestrator"
    fastapi_apps = _BuiltWhenRead()
