"""What Airflow's database says about deployments' DAGs, and the changes the API makes there.

Reading is batched: the status of any number of deployments costs four queries (DAGs, latest
runs, their task instances, their XComs), never one per deployment; a list can read the first
two for every deployment and the last two for its page only (see ``plugin.listing``).
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
from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session

from airflow_jobs_provider.operators.artifact_run import XCOM_FAILURE_KEY, XCOM_VERSION_KEY

DagState = Literal["active", "paused", "pending", "invalid"]
# A failed task before these states has not reached the end of its story yet.
_FAILED_TASK_STATES = frozenset({"failed", "upstream_failed"})
# What the operators push that the list shows: why a task failed, which version a run resolved.
_XCOM_KEYS = (XCOM_FAILURE_KEY, XCOM_VERSION_KEY)


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
    artifact_version: str | None = None
    log_url: str | None = None
    logical_date: datetime | None = None
    run_url: str | None = None


@dataclass(frozen=True)
class DagStatus:
    """``pending``: no DAG in Airflow (yet): the dag-processor has not parsed the spec.
    ``invalid``: the spec file cannot be deployed, so whatever Airflow still shows goes away."""

    dag_state: DagState
    next_run_after: datetime | None = None
    latest_run: LatestRun | None = None
    schedule_description: str | None = None  # Airflow's words for the DAG's timetable


PENDING = DagStatus(dag_state="pending")


class DagNotParsedError(LookupError):
    """The deployment's DAG is not in Airflow's database (yet)."""


@dataclass(frozen=True)
class DagRow:
    """What ``DagModel`` says of one DAG: enough to filter and sort a list by state and next run."""

    dag_id: str
    is_paused: bool
    next_run_after: datetime | None
    schedule_description: str | None


@dataclass(frozen=True)
class RunRow:
    """A run of a DAG (the newest, or one of the recent ones), before its task instances are read."""

    id: int
    dag_id: str
    run_id: str
    run_type: Any
    state: Any
    start_date: datetime | None
    end_date: datetime | None
    logical_date: datetime | None = None


_RUN_COLUMNS = (
    DagRun.id,
    DagRun.dag_id,
    DagRun.run_id,
    DagRun.run_type,
    DagRun.state,
    DagRun.start_date,
    DagRun.end_date,
    DagRun.logical_date,
)


def dag_statuses(dag_ids: Collection[str], session: Session, *, ui_url: str) -> dict[str, DagStatus]:
    """The status of each DAG in ``dag_ids`` (``PENDING`` when Airflow has none) in four queries.

    :param ui_url: where Airflow's UI is, for the links to logs.
    """
    ids = sorted(set(dag_ids))
    if not ids:
        return {}
    dags = dag_rows(ids, session)
    runs = latest_run_rows(ids, session)
    return statuses_of(ids, dags, run_details(list(runs.values()), session, ui_url))


def dag_status(dag_id: str, session: Session, *, ui_url: str) -> DagStatus:
    return dag_statuses([dag_id], session, ui_url=ui_url)[dag_id]


def statuses_of(
    dag_ids: Collection[str], dags: dict[str, DagRow], runs: dict[str, LatestRun]
) -> dict[str, DagStatus]:
    """The status of each DAG from its row and its latest run, as read by the functions below."""
    statuses: dict[str, DagStatus] = {}
    for dag_id in dag_ids:
        dag = dags.get(dag_id)
        statuses[dag_id] = (
            PENDING
            if dag is None
            else DagStatus(
                dag_state="paused" if dag.is_paused else "active",
                next_run_after=None if dag.is_paused else dag.next_run_after,
                latest_run=runs.get(dag_id),
                schedule_description=dag.schedule_description,
            )
        )
    return statuses


def dag_rows(dag_ids: Collection[str], session: Session) -> dict[str, DagRow]:
    """The DAGs Airflow lists (not stale), paused or not and when they run next; one query."""
    if not dag_ids:
        return {}
    return {
        row.dag_id: DagRow(
            row.dag_id, bool(row.is_paused), row.next_dagrun_create_after, row.timetable_description
        )
        for row in session.execute(
            select(
                DagModel.dag_id,
                DagModel.is_paused,
                DagModel.next_dagrun_create_after,
                DagModel.timetable_description,
            ).where(DagModel.dag_id.in_(sorted(dag_ids)), ~DagModel.is_stale)
        )
    }


def latest_run_rows(dag_ids: Collection[str], session: Session) -> dict[str, RunRow]:
    """The newest run (``max(id)``) of each DAG that has one; one query."""
    if not dag_ids:
        return {}
    return {
        row.dag_id: RunRow(*row)
        for row in session.execute(select(*_RUN_COLUMNS).where(DagRun.id.in_(_latest_run_ids(dag_ids))))
    }


def recent_runs(dag_id: str, limit: int, session: Session, *, ui_url: str) -> list[LatestRun]:
    """The ``limit`` newest runs of a DAG, newest first, with their telling tasks; three bounded queries."""
    rows = [
        RunRow(*row)
        for row in session.execute(
            select(*_RUN_COLUMNS).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(limit)
        )
    ]
    details = _details_by_run(rows, session, ui_url)
    return [details[row.id] for row in rows]


def change_marker(dag_ids: Collection[str], session: Session) -> tuple[Any, ...]:
    """What changes whenever the latest runs of ``dag_ids``, their tasks or their XComs change; one query.

    A new run raises the sum of the latest run ids (ids only grow; a deleted latest run lowers
    it), and every update of a run or task instance sets its ``updated_at``.
    """
    if not dag_ids:
        return ()
    latest = _latest_run_ids(dag_ids)
    runs = select(func.count(), func.sum(DagRun.id), func.max(DagRun.updated_at)).where(DagRun.id.in_(latest))
    tasks = (
        select(func.count(), func.max(TaskInstance.updated_at), func.sum(TaskInstance.try_number))
        .join(DagRun, and_(TaskInstance.dag_id == DagRun.dag_id, TaskInstance.run_id == DagRun.run_id))
        .where(DagRun.id.in_(latest))
    )
    xcoms = select(func.count(), func.max(XComModel.timestamp)).where(
        XComModel.dag_run_id.in_(latest), XComModel.key.in_(_XCOM_KEYS)
    )
    run_part, task_part, xcom_part = (part.subquery() for part in (runs, tasks, xcoms))
    # Three one-row aggregates side by side.
    joined = run_part.join(task_part, true()).join(xcom_part, true())
    row = session.execute(select(*run_part.c, *task_part.c, *xcom_part.c).select_from(joined)).one()
    return tuple(row)


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


def run_url(ui_url: str, *, dag_id: str, run_id: str) -> str:
    """Airflow 3's page of a DAG run: the grid with that run chosen."""
    return f"{ui_url}/dags/{quote(dag_id)}/runs/{quote(run_id, safe='')}"


def task_log_url(
    ui_url: str, *, dag_id: str, run_id: str, task_id: str, try_number: int, map_index: int
) -> str:
    """Airflow 3's UI page of a task try, whose first tab is its log (as ``TaskInstance.log_url``)."""
    mapped = f"/mapped/{map_index}" if map_index >= 0 else ""
    return (
        f"{run_url(ui_url, dag_id=dag_id, run_id=run_id)}/tasks/{quote(task_id)}{mapped}"
        f"?try_number={try_number}"
    )


def _latest_run_ids(dag_ids: Collection[str]) -> Any:
    return (
        select(func.max(DagRun.id))
        .where(DagRun.dag_id.in_(sorted(dag_ids)))
        .group_by(DagRun.dag_id)
        .scalar_subquery()
    )


def run_details(runs: list[RunRow], session: Session, ui_url: str) -> dict[str, LatestRun]:
    """The latest runs' details by DAG id (one run per DAG); two queries, see ``_details_by_run``."""
    details = _details_by_run(runs, session, ui_url)
    return {run.dag_id: details[run.id] for run in runs}


def _details_by_run(runs: list[RunRow], session: Session, ui_url: str) -> dict[int, LatestRun]:
    """Two queries: the task instances of these runs, and their failure reasons and resolved versions."""
    if not runs:
        return {}
    run_ids = [run.id for run in runs]
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
        .where(DagRun.id.in_(run_ids))
    ):
        tasks.setdefault((ti.dag_id, ti.run_id), []).append(ti)
    pushed = {
        (row.dag_run_id, row.task_id, row.key): XComModel.deserialize_value(row)
        for row in session.execute(
            select(XComModel.dag_run_id, XComModel.task_id, XComModel.key, XComModel.value).where(
                XComModel.dag_run_id.in_(run_ids), XComModel.key.in_(_XCOM_KEYS)
            )
        )
    }
    details: dict[int, LatestRun] = {}
    for run in runs:
        task = _telling_task(tasks.get((run.dag_id, run.run_id), []))
        values: dict[str, Any] = {}
        if task is not None:
            reason = pushed.get((run.id, task.task_id, XCOM_FAILURE_KEY))
            version = pushed.get((run.id, task.task_id, XCOM_VERSION_KEY))
            values = {
                "task_id": task.task_id,
                "task_state": state_name(task.state),
                "try_number": task.try_number,
                "map_index": task.map_index,
                "failure_reason": str(reason) if reason is not None else None,
                "artifact_version": str(version) if version is not None else None,
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
        details[run.id] = LatestRun(
            run_id=run.run_id,
            run_type=state_name(run.run_type) or "",
            state=state_name(run.state),
            start_date=run.start_date,
            end_date=run.end_date,
            logical_date=run.logical_date,
            run_url=run_url(ui_url, dag_id=run.dag_id, run_id=run.run_id),
            **values,
        )
    return details


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
