"""What Airflow's database says about deployments' DAGs, and the changes the API makes there.

Reading is batched: the status of any number of deployments costs four queries (DAGs, latest
runs, their task instances, their failure reasons), never one per deployment.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from airflow.models.dag import DagModel
from airflow.models.dagrun import DagRun
from airflow.models.log import Log
from airflow.models.taskinstance import TaskInstance
from airflow.models.xcom import XComModel
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from airflow_jobs_provider.operators.artifact_run import XCOM_FAILURE_KEY

DagState = Literal["active", "paused", "pending", "invalid"]
# A failed task before these states has not reached the end of its story yet.
_FAILED_TASK_STATES = frozenset({"failed", "upstream_failed"})


@dataclass(frozen=True)
class LatestRun:
    """The newest run of a DAG and the task that tells its story (the failed one, else the last)."""

    run_id: str
    run_type: str
    state: str | None
    start_date: datetime | None
    end_date: datetime | None
    task_id: str | None = None
    task_state: str | None = None
    try_number: int | None = None
    map_index: int = -1
    failure_reason: str | None = None
    log_url: str | None = None


@dataclass(frozen=True)
class DagStatus:
    """``pending``: no DAG in Airflow (yet): the dag-processor has not parsed the spec.
    ``invalid``: the spec file cannot be deployed, so whatever Airflow still shows goes away."""

    dag_state: DagState
    next_run_after: datetime | None = None
    latest_run: LatestRun | None = None


PENDING = DagStatus(dag_state="pending")


class DagNotParsedError(LookupError):
    """The deployment's DAG is not in Airflow's database (yet)."""


def dag_statuses(dag_ids: Collection[str], session: Session, *, ui_url: str) -> dict[str, DagStatus]:
    """The status of each DAG in ``dag_ids`` (``PENDING`` when Airflow has none) in four queries.

    :param ui_url: where Airflow's UI is, for the links to logs.
    """
    ids = sorted(set(dag_ids))
    if not ids:
        return {}
    dags = {
        row.dag_id: row
        for row in session.execute(
            select(DagModel.dag_id, DagModel.is_paused, DagModel.next_dagrun_create_after).where(
                DagModel.dag_id.in_(ids), ~DagModel.is_stale
            )
        )
    }
    runs = _latest_runs(ids, session, ui_url)
    statuses: dict[str, DagStatus] = {}
    for dag_id in ids:
        dag = dags.get(dag_id)
        if dag is None:
            statuses[dag_id] = PENDING
            continue
        statuses[dag_id] = DagStatus(
            dag_state="paused" if dag.is_paused else "active",
            next_run_after=None if dag.is_paused else dag.next_dagrun_create_after,
            latest_run=runs.get(dag_id),
        )
    return statuses


def dag_status(dag_id: str, session: Session, *, ui_url: str) -> DagStatus:
    return dag_statuses([dag_id], session, ui_url=ui_url)[dag_id]


def dag_team_names(dag_ids: Collection[str], session: Session) -> dict[str, str | None]:
    """The team of each DAG (multi-team Airflow), for authorising a batch; one query."""
    return DagModel.get_dag_id_to_team_name_mapping(list(dag_ids), session=session)


def set_paused(dag_id: str, paused: bool, session: Session) -> None:
    """Pause or resume, as Airflow's own ``PATCH /dags/{dag_id}`` does."""
    dag = session.scalar(select(DagModel).where(DagModel.dag_id == dag_id, ~DagModel.is_stale))
    if dag is None:
        raise DagNotParsedError(dag_id)
    dag.is_paused = paused


def trigger_run(dag_id: str, *, user_name: str, session: Session, run_id: str | None = None) -> DagRun:
    """A manual run now, as Airflow's trigger endpoint makes it; ``run_id`` makes it idempotent."""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.exceptions import DagNotFound
    from airflow.utils.types import DagRunTriggeredByType

    if session.scalar(select(DagModel.dag_id).where(DagModel.dag_id == dag_id, ~DagModel.is_stale)) is None:
        raise DagNotParsedError(dag_id)
    try:
        run = trigger_dag(
            dag_id,
            triggered_by=DagRunTriggeredByType.REST_API,
            triggering_user_name=user_name,
            run_id=run_id,
            session=session,
        )
    except DagNotFound:  # listed, but not serialized yet
        raise DagNotParsedError(dag_id) from None
    if run is None:
        raise DagNotParsedError(dag_id)
    return run


def record_action(session: Session, *, event: str, dag_id: str, user_name: str, **extra: Any) -> None:
    """An entry in Airflow's audit log: who did what to which deployment (never the spec itself)."""
    session.add(
        Log(
            event=f"job_orchestrator.{event}",
            owner=user_name,
            owner_display_name=user_name,
            dag_id=dag_id,
            extra=json.dumps(extra) if extra else None,
        )
    )


def task_log_url(
    ui_url: str, *, dag_id: str, run_id: str, task_id: str, try_number: int, map_index: int
) -> str:
    """Airflow 3's UI page of a task try, whose first tab is its log (as ``TaskInstance.log_url``)."""
    mapped = f"/mapped/{map_index}" if map_index >= 0 else ""
    return (
        f"{ui_url}/dags/{quote(dag_id)}/runs/{quote(run_id, safe='')}/tasks/{quote(task_id)}{mapped}"
        f"?try_number={try_number}"
    )


def _latest_runs(dag_ids: list[str], session: Session, ui_url: str) -> dict[str, LatestRun]:
    """Three queries: the newest run of each DAG, its task instances, their failure reasons."""
    latest_ids = (
        select(func.max(DagRun.id))
        .where(DagRun.dag_id.in_(dag_ids))
        .group_by(DagRun.dag_id)
        .scalar_subquery()
    )
    runs = session.execute(
        select(
            DagRun.id,
            DagRun.dag_id,
            DagRun.run_id,
            DagRun.run_type,
            DagRun.state,
            DagRun.start_date,
            DagRun.end_date,
        ).where(DagRun.id.in_(latest_ids))
    ).all()
    if not runs:
        return {}
    tasks: dict[tuple[str, str], list[Any]] = {}
    for ti in session.execute(
        select(
            TaskInstance.dag_id,
            TaskInstance.run_id,
            TaskInstance.task_id,
            TaskInstance.state,
            TaskInstance.try_number,
            TaskInstance.map_index,
            TaskInstance.start_date,
        )
        .join(DagRun, and_(TaskInstance.dag_id == DagRun.dag_id, TaskInstance.run_id == DagRun.run_id))
        .where(DagRun.id.in_(latest_ids))
    ):
        tasks.setdefault((ti.dag_id, ti.run_id), []).append(ti)
    reasons = {
        (row.dag_run_id, row.task_id): XComModel.deserialize_value(row)
        for row in session.execute(
            select(XComModel.dag_run_id, XComModel.task_id, XComModel.value).where(
                XComModel.dag_run_id.in_(latest_ids), XComModel.key == XCOM_FAILURE_KEY
            )
        )
    }
    latest: dict[str, LatestRun] = {}
    for run in runs:
        task = _telling_task(tasks.get((run.dag_id, run.run_id), []))
        values: dict[str, Any] = {}
        if task is not None:
            reason = reasons.get((run.id, task.task_id))
            values = {
                "task_id": task.task_id,
                "task_state": state_name(task.state),
                "try_number": task.try_number,
                "map_index": task.map_index,
                "failure_reason": str(reason) if reason is not None else None,
                "log_url": task_log_url(
                    ui_url,
                    dag_id=run.dag_id,
                    run_id=run.run_id,
                    task_id=task.task_id,
                    try_number=task.try_number,
                    map_index=task.map_index,
                )
                if task.try_number
                else None,
            }
        latest[run.dag_id] = LatestRun(
            run_id=run.run_id,
            run_type=state_name(run.run_type) or "",
            state=state_name(run.state),
            start_date=run.start_date,
            end_date=run.end_date,
            **values,
        )
    return latest


def _telling_task(task_instances: list[Any]) -> Any | None:
    failed = [ti for ti in task_instances if state_name(ti.state) in _FAILED_TASK_STATES]
    candidates = failed or task_instances
    if not candidates:
        return None
    return max(
        candidates, key=lambda ti: (ti.start_date is not None, ti.start_date or datetime.min, ti.task_id)
    )


def state_name(value: Any) -> str | None:
    """Airflow's state enums as their plain string values."""
    if value is None:
        return None
    return str(getattr(value, "value", value))
