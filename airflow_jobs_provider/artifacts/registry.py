"""Which :class:`ArtifactSource` an :class:`ArtifactRef`'s ``source`` names, configured from Airflow."""

from __future__ import annotations

from airflow_jobs_provider import settings
from airflow_jobs_provider.artifacts.source import ArtifactSource

SOURCES = ("nexus", "local")


def get_artifact_source(source: str, *, nexus_conn_id: str | None = None) -> ArtifactSource:
    """``nexus``: the Nexus connection (``[job_orchestrator] nexus_conn_id`` unless given).

    ``local``: the folder ``[job_orchestrator] local_artifacts_root`` ($AIRFLOW_HOME/job-artifacts).
    """
    if source == "nexus":
        from airflow_jobs_provider.artifacts.nexus import NexusSource
        from airflow_jobs_provider.hooks.nexus import NexusHook

        return NexusSource(NexusHook(nexus_conn_id or settings.nexus_conn_id()))
    if source == "local":
        from airflow_jobs_provider.artifacts.local import LocalFolderSource

        return LocalFolderSource(settings.local_artifacts_root())
    raise ValueError(f"unknown artifact source {source!r}: use one of {', '.join(SOURCES)}")
