"""What several routers need: the deployment as stored, and where Airflow's UI is."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, status

from airflow_jobs_provider.deployments.store import InvalidSpec, SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.errors import ApiError


def valid_deployment(name: str) -> StoredDeployment:
    """The deployment as deployed: 404 if there is none, 409 if its spec file is not valid (no DAG)."""
    entry = SpecStore().get(name)
    if isinstance(entry, InvalidSpec):
        raise ApiError(status.HTTP_409_CONFLICT, f"the spec of {name!r} is not valid: {entry.error}")
    return entry


def airflow_ui_url(request: Request) -> str:
    """For links into Airflow's UI: ``[api] base_url``, else the address this request came to."""
    from airflow.configuration import conf

    configured = conf.get("api", "base_url", fallback="")
    return (configured or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")


UiUrl = Annotated[str, Depends(airflow_ui_url)]
