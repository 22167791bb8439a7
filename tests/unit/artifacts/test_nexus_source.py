"""The Nexus source end to end: connection, resolution, download and what the runner is told."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts.nexus import NexusSource
from airflow_jobs_provider.artifacts.reference import ArtifactRef
from airflow_jobs_provider.hooks.nexus import NexusHook
from airflow_jobs_provider.operators.artifact_run import fetch_plan
from airflow_jobs_provider.runner.plan import AssetToFetch
from tests.fakes.nexus import FakeNexus

PASSWORD = "user-token-pass-code"


@pytest.fixture
def nexus() -> Iterator[FakeNexus]:
    with FakeNexus(users={"ci": PASSWORD}, anonymous=False) as server:
        server.add_repository("talend")
        for version in ("1.9.0", "1.10.0", "2.0.0-SNAPSHOT"):
            server.add_component(
                "talend",
                "org.example.jobs",
                "customer-sync",
                version,
                {
                    f"customer-sync-{version}.zip": version.encode(),
                    f"customer-sync-{version}.pom": b"<project/>",
                },
            )
        yield server


@pytest.fixture
def source(nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch) -> NexusSource:
    connection = {
        "conn_type": "nexus",
        "host": nexus.base_url,
        "login": "ci",
        "password": PASSWORD,
        "extra": {"ca_bundle": "/etc/ssl/corp.pem", "timeout": 7},
    }
    monkeypatch.setenv("AIRFLOW_CONN_NEXUS_TEST", json.dumps(connection))
    return NexusSource(NexusHook("nexus_test"))


def test_browse(source: NexusSource) -> None:
    assert [r.name for r in source.list_repositories()] == ["talend"]
    (component,) = source.search("talend", "customer*").components
    assert component.versions == ("2.0.0-SNAPSHOT", "1.10.0", "1.9.0")
    assert source.versions("talend", "org.example.jobs", "customer-sync")[0] == "2.0.0-SNAPSHOT"


def test_resolve_latest_and_download(source: NexusSource, tmp_path: Path) -> None:
    ref = ArtifactRef(repository="talend", group="org.example.jobs", name="customer-sync")
    resolved = source.resolve(ref)
    assert resolved.version == "2.0.0-SNAPSHOT"
    (asset,) = resolved.assets
    assert asset.path == "org/example/jobs/customer-sync/2.0.0-SNAPSHOT/customer-sync-2.0.0-SNAPSHOT.zip"
    source.download(asset, tmp_path / asset.file_name)
    assert (tmp_path / asset.file_name).read_bytes() == b"2.0.0-SNAPSHOT"


def test_download_access_tells_the_runner_the_connection(source: NexusSource, nexus: FakeNexus) -> None:
    access = source.download_access()
    assert (access.verify_tls, access.ca_bundle, access.timeout_seconds) == (True, "/etc/ssl/corp.pem", 7.0)
    assert (access.username, access.password) == ("ci", PASSWORD)
    assert access.credential_origin == nexus.base_url
    assert PASSWORD not in repr(access)


@pytest.mark.parametrize(("option", "allowed"), [(None, False), ("False", False), ("true", True)])
def test_fetch_plan_tells_the_runner_the_checksum_the_origin_and_the_unverified_option(
    source: NexusSource, nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch, option: str | None, allowed: bool
) -> None:
    if option is None:
        monkeypatch.delenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOW_UNVERIFIED_ASSETS", raising=False)
    else:
        monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOW_UNVERIFIED_ASSETS", option)
    resolved = source.resolve(
        ArtifactRef(repository="talend", group="org.example.jobs", name="customer-sync")
    )

    plan = fetch_plan(resolved, source)

    (asset,) = resolved.assets
    assert plan.assets == [
        AssetToFetch(url=asset.download_url, file_name=asset.file_name, sha256=asset.sha256)
    ]
    assert plan.credential_origin == nexus.base_url
    assert plan.allow_unverified is allowed


def test_the_connection_is_read_only_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NEXUS_TEST", raising=False)
    NexusSource(NexusHook("nexus_test"))  # no lookup yet: building a source never fails
