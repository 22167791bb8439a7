"""Deployments: create, read, redeploy, delete, history, exported code, pod preview, preflight.

A change is written to the spec store first (which checks the spec again and refuses stale
revisions), then Airflow is asked to parse the generator file at once, so the DAG appears,
changes or disappears within seconds; a one-off deployment is then run once by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Annotated

from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.common.db.common import SessionDep
from airflow.models.dag import DagModel
from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.airflow_state import dag_status, dag_statuses, dag_team_names, record_action
from airflow_jobs_provider.plugin.deleted_dags import DeletedDags
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.guarded_route import GuardedRoute
from airflow_jobs_provider.plugin.one_off import OneOffTrigger
from airflow_jobs_provider.plugin.preflight import preflight
from airflow_jobs_provider.plugin.routes.common import UiUrl, valid_deployment
from airflow_jobs_provider.plugin.schemas import (
    CodeOut,
    DeploymentList,
    DeploymentOut,
    HistoryOut,
    PodOut,
    PreflightOut,
    RedeployRequest,
    RevisionOut,
    StatusOut,
    dag_id_of,
)
from airflow_jobs_provider.plugin.security import (
    DagEditor,
    DagReader,
    Deleter,
    Editor,
    Reader,
    UserDep,
    authorize_dag,
    authorize_one_off,
    authorize_webhook,
    authorized_dag_ids,
    may_read_dags,
    may_use_connection,
)

log = logging.getLogger(__name__)

router = APIRouter(route_class=GuardedRoute, tags=["Deployments"])


@router.get("/deployments")
def list_deployments(user: UserDep, session: SessionDep, ui_url: UiUrl) -> DeploymentList:
    """Every deployment the user may read, with its status; invalid spec files with their error."""
    entries = SpecStore().list()
    dag_ids = {dag_id for dag_id in map(dag_id_of, entries) if dag_id is not None}
    readable = authorized_dag_ids(user, "GET", dag_team_names(dag_ids, session), dag_ids)
    statuses = dag_statuses(readable, session, ui_url=ui_url)
    # A file whose name is no deployment name has no DAG: only readers of all DAGs see it.
    sees_unnamed = any(dag_id_of(entry) is None for entry in entries) and may_read_dags(user)
    shown = []
    for entry in entries:
        dag_id = dag_id_of(entry)
        if dag_id in readable:
            shown.append(DeploymentOut.of(entry, statuses[dag_id]))
        elif dag_id is None and sees_unnamed:
            shown.append(DeploymentOut.of(entry, None))
    return DeploymentList(deployments=shown)


@router.post("/deployments", status_code=status.HTTP_201_CREATED)
def create_deployment(
    *,
    spec: DeploymentSpec,
    user: DagEditor,
    session: SessionDep,
    ui_url: UiUrl,
    request: Request,
    response: Response,
) -> DeploymentOut:
    """Deploy a new name: 409 if it exists. A one-off deployment then runs once by itself."""
    team_name = DagModel.get_team_name(spec.dag_id, session=session)
    authorize_dag(user, "PUT", spec.dag_id, team_name=team_name)
    _authorize_spec(user, spec, team_name)
    stored = SpecStore().create(spec, user.get_name())
    _deleted_dags(request).created(spec.dag_id)
    _deployed(request, stored)
    record_action(
        session, event="create", dag_id=spec.dag_id, user_name=user.get_name(), revision=stored.revision
    )
    response.headers["Location"] = str(request.url_for("get_deployment", name=stored.name))
    return _out(stored, session, ui_url)


@router.get("/deployments/{name}")
def get_deployment(caller: Reader, session: SessionDep, ui_url: UiUrl) -> DeploymentOut:
    entry = SpecStore().get(caller.name)
    return DeploymentOut.of(entry, dag_status(caller.dag_id, session, ui_url=ui_url))


@router.put("/deployments/{name}")
def redeploy(
    body: RedeployRequest, caller: Editor, session: SessionDep, ui_url: UiUrl, request: Request
) -> DeploymentOut:
    """Deploy a new revision; 409 unless ``revision`` is still the current one."""
    _authorize_spec(caller.user, body.spec, DagModel.get_team_name(caller.dag_id, session=session))
    stored = SpecStore().update(caller.name, body.spec, caller.user_name, body.revision)
    _deployed(request, stored)
    record_action(
        session, event="update", dag_id=caller.dag_id, user_name=caller.user_name, revision=stored.revision
    )
    return _out(stored, session, ui_url)


@router.delete("/deployments/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_deployment(
    caller: Deleter,
    session: SessionDep,
    request: Request,
    revision: Annotated[int | None, Query(ge=1, description="409 unless still at this revision")] = None,
) -> None:
    """Move the spec into its history; its DAG leaves Airflow's DAG list at once."""
    SpecStore().delete(caller.name, caller.user_name, expected_revision=revision)
    _one_off(request).cancel(caller.dag_id)
    _request_reparse(removed_dag_ids=[caller.dag_id])
    _deleted_dags(request).deleted([caller.dag_id])
    record_action(session, event="delete", dag_id=caller.dag_id, user_name=caller.user_name)


@router.get("/deployments/{name}/history")
def deployment_history(caller: Reader) -> HistoryOut:
    revisions = SpecStore().history(caller.name)
    return HistoryOut(
        name=caller.name, revisions=[RevisionOut.model_validate(revision) for revision in revisions]
    )


@router.get("/deployments/{name}/code")
def exported_code(caller: Reader) -> CodeOut:
    """The deployment as a standalone Airflow 3 DAG file (the original tool's "Airflow translation")."""
    from airflow_jobs_provider.deployments.code_export import export_dag_code

    stored = valid_deployment(caller.name)
    return CodeOut(dag_id=caller.dag_id, file_name=f"{caller.dag_id}.py", code=export_dag_code(stored))


@router.get("/deployments/{name}/pod")
def pod_preview(caller: Reader) -> PodOut:
    """The pod the operator would build for this deployment (the artifact is resolved at run time)."""
    from airflow_jobs_provider.deployments.dag_builder import preview_pod

    stored = valid_deployment(caller.name)
    if stored.spec.executor != "kubernetes":
        raise ApiError(status.HTTP_409_CONFLICT, f"{caller.name!r} runs on the Airflow worker, in no pod")
    return PodOut(dag_id=caller.dag_id, pod=preview_pod(stored.spec))


@router.get("/deployments/{name}/preflight")
def check_deployment(caller: Reader) -> PreflightOut:
    """The preflight checks of the deployment as it is deployed."""
    return _preflight(valid_deployment(caller.name).spec, caller.user)


@router.post("/preflight", tags=["Browse"])
def check_spec(spec: DeploymentSpec, user: DagReader) -> PreflightOut:
    """Will this spec run? Checks the image, the artifact, the names and the cluster's Secrets and PVCs."""
    return _preflight(spec, user)


def _preflight(spec: DeploymentSpec, user: BaseUser) -> PreflightOut:
    return PreflightOut.of(
        preflight(spec, may_use_connection=lambda conn_id: may_use_connection(user, conn_id))
    )


def _authorize_spec(user: BaseUser, spec: DeploymentSpec, team_name: str | None) -> None:
    """What deploying this spec does beyond editing its DAG: a one-off runs, a webhook uses a connection."""
    if spec.airflow_schedule is None:
        authorize_one_off(user, spec.dag_id, team_name=team_name)
    authorize_webhook(user, spec.notify.webhook_conn_id)


def _out(stored: StoredDeployment, session: Session, ui_url: str) -> DeploymentOut:
    return DeploymentOut.of_stored(
        stored, StatusOut.model_validate(dag_status(stored.spec.dag_id, session, ui_url=ui_url))
    )


def _one_off(request: Request) -> OneOffTrigger:
    trigger: OneOffTrigger = request.app.state.one_off
    return trigger


def _deleted_dags(request: Request) -> DeletedDags:
    keeper: DeletedDags = request.app.state.deleted_dags
    return keeper


def _deployed(request: Request, stored: StoredDeployment) -> None:
    """After a write: parse now, and run a one-off deployment once its DAG is there."""
    _request_reparse()
    if stored.spec.airflow_schedule is None:
        _one_off(request).request(stored)
    else:
        _one_off(request).cancel(stored.spec.dag_id)


def _request_reparse(removed_dag_ids: Collection[str] = ()) -> None:
    """The deployment is written whatever happens here: at worst the DAG follows at the next parse."""
    from airflow_jobs_provider.deployments.reparse import request_reparse

    try:
        request_reparse(removed_dag_ids=removed_dag_ids)
    except Exception:
        log.warning(
            "Could not request a parse of the deployments' DAG file; the next periodic parse applies the change",
            exc_info=True,
        )
