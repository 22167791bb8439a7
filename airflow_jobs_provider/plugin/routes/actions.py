"""Acting on a deployment's DAG: run now, pause, resume.

Each needs the DAG in Airflow's database: right after a deploy the dag-processor may not have
parsed it yet, which is a 409 saying to try again in a few seconds (``Retry-After``).
"""

from __future__ import annotations

from airflow.api_fastapi.common.db.common import SessionDep
from fastapi import APIRouter, status

from airflow_jobs_provider.plugin.airflow_state import (
    DagNotParsedError,
    dag_status,
    record_action,
    set_paused,
    state_name,
    trigger_run,
)
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.guarded_route import GuardedRoute
from airflow_jobs_provider.plugin.routes.common import UiUrl, valid_deployment
from airflow_jobs_provider.plugin.schemas import RunStarted, StatusOut
from airflow_jobs_provider.plugin.security import Caller, Editor, Runner

router = APIRouter(route_class=GuardedRoute, prefix="/deployments/{name}", tags=["Actions"])

RETRY_AFTER_SECONDS = 5


@router.post("/run", status_code=status.HTTP_202_ACCEPTED)
def run_now(caller: Runner, session: SessionDep, ui_url: UiUrl) -> RunStarted:
    """Queue a run now; its progress shows in the deployment's status."""
    valid_deployment(caller.name)
    if dag_status(caller.dag_id, session, ui_url=ui_url).dag_state == "paused":
        raise ApiError(status.HTTP_409_CONFLICT, f"{caller.name!r} is paused: resume it first")
    try:
        run = trigger_run(caller.dag_id, user_name=caller.user_name, session=session)
    except DagNotParsedError:
        raise _not_parsed(caller) from None
    record_action(session, event="run", dag_id=caller.dag_id, user_name=caller.user_name, run_id=run.run_id)
    return RunStarted(dag_id=caller.dag_id, run_id=run.run_id, state=state_name(run.state))


@router.post("/pause")
def pause(caller: Editor, session: SessionDep, ui_url: UiUrl) -> StatusOut:
    """Stop scheduling runs; a running one goes on."""
    return _set_paused(caller, True, session, ui_url)


@router.post("/resume")
def resume(caller: Editor, session: SessionDep, ui_url: UiUrl) -> StatusOut:
    return _set_paused(caller, False, session, ui_url)


def _set_paused(caller: Caller, paused: bool, session: SessionDep, ui_url: str) -> StatusOut:
    valid_deployment(caller.name)
    try:
        set_paused(caller.dag_id, paused, session)
    except DagNotParsedError:
        raise _not_parsed(caller) from None
    record_action(
        session, event="pause" if paused else "resume", dag_id=caller.dag_id, user_name=caller.user_name
    )
    session.flush()
    return StatusOut.model_validate(dag_status(caller.dag_id, session, ui_url=ui_url))


def _not_parsed(caller: Caller) -> ApiError:
    return ApiError(
        status.HTTP_409_CONFLICT,
        f"Airflow has not parsed the DAG of {caller.name!r} yet; try again in a few seconds",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
