"""What several routers need of the spec store."""

from __future__ import annotations

from fastapi import status

from airflow_jobs_provider.deployments.store import InvalidSpec, SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.errors import ApiError


def valid_deployment(name: str) -> StoredDeployment:
    """The deployment as deployed: 404 if there is none, 409 if its spec file is not valid (no DAG)."""
    entry = SpecStore().get(name)
    if isinstance(entry, InvalidSpec):
        raise ApiError(status.HTTP_409_CONFLICT, f"the spec of {name!r} is not valid: {entry.error}")
    return entry
