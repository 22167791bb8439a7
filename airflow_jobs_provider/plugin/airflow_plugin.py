"""The Airflow plugin: Airflow's API server mounts the Job Orchestrator app under one prefix."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from airflow_jobs_provider.plugin.app import URL_PREFIX, create_app


class JobOrchestratorPlugin(AirflowPlugin):
    """Registered through the ``airflow.plugins`` entry point and the provider's ``plugins``."""

    name = "job_orchestrator"
    # AirflowPlugin declares its extension points as plain class-level lists.
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Job Orchestrator"}]  # noqa: RUF012
