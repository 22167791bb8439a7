"""Which source an ArtifactRef names, configured by ``[job_orchestrator]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts.local import LocalFolderSource
from airflow_jobs_provider.artifacts.nexus import NexusSource
from airflow_jobs_provider.artifacts.registry import get_artifact_source


def test_local_uses_the_configured_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT", str(tmp_path))
    source = get_artifact_source("local")
    assert isinstance(source, LocalFolderSource) and source.root == tmp_path


def test_local_defaults_to_airflow_home(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.configuration import AIRFLOW_HOME

    monkeypatch.delenv("AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT", raising=False)
    source = get_artifact_source("local")
    assert isinstance(source, LocalFolderSource) and source.root == Path(AIRFLOW_HOME) / "job-artifacts"


def test_nexus_uses_the_configured_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CONN_ID", "corporate_nexus")
    source = get_artifact_source("nexus")
    assert isinstance(source, NexusSource) and source.hook.nexus_conn_id == "corporate_nexus"


def test_nexus_defaults_to_nexus_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CONN_ID", raising=False)
    source = get_artifact_source("nexus")
    assert isinstance(source, NexusSource) and source.hook.nexus_conn_id == "nexus_default"


def test_an_explicit_connection_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CONN_ID", "corporate_nexus")
    source = get_artifact_source("nexus", nexus_conn_id="team_nexus")
    assert isinstance(source, NexusSource) and source.hook.nexus_conn_id == "team_nexus"


def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown artifact source 's3': use one of nexus, local"):
        get_artifact_source("s3")
