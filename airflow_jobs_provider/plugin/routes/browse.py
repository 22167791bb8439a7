"""Browsing what can be deployed: artifact sources, the admin's catalogs, the spec's schema.

Reads only; it needs the right to read DAGs. A search answers one page and a continuation
token, never a whole repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from airflow_jobs_provider.artifacts.registry import SOURCES, get_artifact_source
from airflow_jobs_provider.artifacts.source import ArtifactSource
from airflow_jobs_provider.artifacts.versions import is_release
from airflow_jobs_provider.deployments.catalogs import runner_catalog, smb_catalog
from airflow_jobs_provider.deployments.naming import dag_id_for, suggest_name
from airflow_jobs_provider.deployments.nexus_images import refresh_nexus_images
from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.guarded_route import GuardedRoute
from airflow_jobs_provider.plugin.schemas import (
    AssetOut,
    MountEndpointOut,
    RepositoryOut,
    RunnerImageOut,
    SearchPageOut,
    SuggestedName,
)
from airflow_jobs_provider.plugin.security import DagReader

router = APIRouter(route_class=GuardedRoute, tags=["Browse"])

SourcePath = Annotated[str, Path(description="nexus or local")]
RepositoryPath = Annotated[str, Path(description="A repository of the source")]
Group = Annotated[str, Query(max_length=255, description="Empty for none")]
ComponentName = Annotated[str, Query(min_length=1, max_length=255)]


@contextmanager
def _source(source: str) -> Iterator[ArtifactSource]:
    """The source, and 503 when its connection is missing or unusable (read at first use)."""
    from airflow.exceptions import AirflowNotFoundException

    if source not in SOURCES:
        raise ApiError(
            status.HTTP_404_NOT_FOUND, f"there is no artifact source {source!r}: use {' or '.join(SOURCES)}"
        )
    try:
        yield get_artifact_source(source)
    except (AirflowNotFoundException, ValueError) as exc:
        raise ApiError(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"the {source} source is not usable: {exc}"
        ) from exc


@router.get("/sources")
def list_sources(user: DagReader) -> list[str]:
    """The artifact sources deployments can run from."""
    return list(SOURCES)


@router.get("/sources/{source}/repositories")
def list_repositories(source: SourcePath, user: DagReader) -> list[RepositoryOut]:
    with _source(source) as artifacts:
        return [RepositoryOut.model_validate(repository) for repository in artifacts.list_repositories()]


@router.get("/sources/{source}/repositories/{repository}/search")
def search(
    source: SourcePath,
    repository: RepositoryPath,
    user: DagReader,
    q: Annotated[str, Query(max_length=200, description="Words of the group or name; empty for all")] = "",
    continuation_token: Annotated[str | None, Query(max_length=4096)] = None,
) -> SearchPageOut:
    """One page of components with their versions; pass ``continuation_token`` back for the next."""
    with _source(source) as artifacts:
        return SearchPageOut.model_validate(artifacts.search(repository, q, continuation_token))


@router.get("/sources/{source}/repositories/{repository}/versions")
def list_versions(
    *,
    source: SourcePath,
    repository: RepositoryPath,
    user: DagReader,
    name: ComponentName,
    group: Group = "",
    releases_only: Annotated[
        bool, Query(description="Leave out pre-releases, as the version latest-release does")
    ] = False,
) -> list[str]:
    """Every version of one component, newest first; the first is what ``latest`` (or, with
    ``releases_only``, ``latest-release``) resolves to now."""
    with _source(source) as artifacts:
        versions = artifacts.versions(repository, group, name)
    return [version for version in versions if is_release(version)] if releases_only else versions


@router.get("/sources/{source}/repositories/{repository}/assets")
def list_assets(
    *,
    source: SourcePath,
    repository: RepositoryPath,
    user: DagReader,
    name: ComponentName,
    version: Annotated[str, Query(min_length=1, max_length=128)],
    group: Group = "",
) -> list[AssetOut]:
    """The files of one version, with their checksums."""
    with _source(source) as artifacts:
        return [
            AssetOut.model_validate(asset) for asset in artifacts.assets(repository, group, name, version)
        ]


@router.get("/catalogs/runner-images")
def list_runner_images(user: DagReader) -> list[RunnerImageOut]:
    """The admin's images, then the tags of the Nexus docker repository (listed again when stale)."""
    refresh_nexus_images()
    return [RunnerImageOut.model_validate(image) for image in runner_catalog()]


@router.get("/catalogs/mounts")
def list_mount_endpoints(user: DagReader) -> list[MountEndpointOut]:
    """The SMB endpoints a spec's ``mounts`` may name."""
    return [MountEndpointOut.of(name, endpoint) for name, endpoint in sorted(smb_catalog().items())]


@router.get("/spec-schema")
def spec_schema(user: DagReader) -> dict[str, Any]:
    """The JSON schema of a deployment spec (the body of create and redeploy)."""
    return DeploymentSpec.model_json_schema()


@router.get("/suggest-name")
def suggested_name(
    user: DagReader,
    artifact_name: Annotated[str, Query(min_length=1, max_length=255)],
    version: Annotated[str, Query(max_length=128)] = "",
) -> SuggestedName:
    """A deployment name from the artifact's name and version, as the original tool made them."""
    name = suggest_name(artifact_name, version)
    return SuggestedName(name=name, dag_id=dag_id_for(name))
