"""Artifacts from a Nexus Repository 3 server, through the ``nexus`` connection's client."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from airflow_jobs_provider.artifacts.catalog import Repository, SearchPage
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.artifacts.source import ArtifactSource, DownloadAccess
from airflow_jobs_provider.hooks.nexus import NexusHook
from airflow_jobs_provider.hooks.nexus_client import NexusClient


class NexusSource(ArtifactSource):
    """The ``nexus`` source; the connection is read when first needed, not when built."""

    def __init__(self, hook: NexusHook) -> None:
        self.hook = hook

    @cached_property
    def client(self) -> NexusClient:
        return self.hook.get_conn()

    def list_repositories(self) -> list[Repository]:
        return self.client.list_repositories()

    def search(self, repository: str, query: str = "", continuation_token: str | None = None) -> SearchPage:
        return self.client.search(repository, query, continuation_token)

    def versions(self, repository: str, group: str, name: str) -> list[str]:
        return self.client.versions(repository, group, name)

    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        return self.client.assets(repository, group, name, version)

    def download(self, asset: AssetInfo, destination: Path) -> None:
        self.client.download(asset, destination)

    def download_access(self) -> DownloadAccess:
        settings = self.hook.settings
        return DownloadAccess(
            verify_tls=settings.verify_tls,
            ca_bundle=settings.ca_bundle,
            timeout_seconds=settings.timeout_seconds,
            username=settings.login,
            password=settings.password,
            credential_origin=settings.base_url,
        )
