"""What the deploy form shows before anything is deployed: the user's rights and the admin's
rules, the schedule in words with its next run times, and the pod and DAG code of a draft spec.

Reads only: nothing here writes a spec or changes Airflow. A draft is checked exactly as a
deployment would be (422 names the field); secret config-file contents never come back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.schedule import (
    ONE_OFF,
    airflow_schedule,
    check_schedule,
    check_timezone,
)
from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import StoredDeployment
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.guarded_route import GuardedRoute
from airflow_jobs_provider.plugin.schemas import CodeOut, PodYaml
from airflow_jobs_provider.plugin.security import DagReader, may_edit_dags

router = APIRouter(route_class=GuardedRoute, prefix="/deploy-form", tags=["Deploy form"])

NEXT_RUNS = 5


class ResourcesOut(BaseModel):
    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str


class FormOptions(BaseModel):
    """Who is filling the form and what the admin lets them choose."""

    user_name: str
    may_deploy: bool = Field(description="The user may edit DAGs, which deploying needs")
    allowed_executors: list[str]
    default_resources: ResourcesOut = Field(description="Used when a field is left empty")
    max_cpu_limit: str = Field(description="Empty: no ceiling")
    max_memory_limit: str = Field(description="Empty: no ceiling")


class SchedulePreview(BaseModel):
    schedule: str
    timezone: str
    one_off: bool
    description: str = Field(description="The schedule in words, as Airflow's timetable describes it")
    next_runs: list[datetime] = Field(description=f"The next {NEXT_RUNS} run times; none for a one-off")


@router.get("/options")
def form_options(user: DagReader) -> FormOptions:
    policy = DeploymentPolicy.from_config()
    resources = policy.default_resources
    return FormOptions(
        user_name=user.get_name(),
        may_deploy=may_edit_dags(user),
        allowed_executors=sorted(policy.allowed_executors),
        default_resources=ResourcesOut(
            cpu_request=resources.cpu_request,
            memory_request=resources.memory_request,
            cpu_limit=resources.cpu_limit,
            memory_limit=resources.memory_limit,
        ),
        max_cpu_limit=policy.max_cpu_limit,
        max_memory_limit=policy.max_memory_limit,
    )


@router.get("/schedule")
def schedule_preview(
    user: DagReader,
    schedule: Annotated[str, Query(max_length=200)] = ONE_OFF,
    tz: Annotated[str, Query(alias="timezone", max_length=64)] = "UTC",
) -> SchedulePreview:
    """The schedule in words and its next run times, from Airflow's own cron timetable."""
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    problems = [
        f"{field}: {exc}"
        for field, check, value in (("schedule", check_schedule, schedule), ("timezone", check_timezone, tz))
        if (exc := _problem(check, value))
    ]
    if problems:
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, "the schedule is not valid", errors=problems)
    cron = airflow_schedule(schedule)
    if cron is None:
        return SchedulePreview(
            schedule=schedule,
            timezone=tz,
            one_off=True,
            description="Once, as soon as it is deployed",
            next_runs=[],
        )
    timetable = CronTriggerTimetable(cron, timezone=tz)
    restriction = TimeRestriction(earliest=None, latest=None, catchup=False)
    runs: list[datetime] = []
    interval = None
    while len(runs) < NEXT_RUNS:
        info = timetable.next_dagrun_info(last_automated_data_interval=interval, restriction=restriction)
        if info is None:
            break
        runs.append(info.run_after)
        interval = info.data_interval
    return SchedulePreview(
        schedule=schedule, timezone=tz, one_off=False, description=timetable.description, next_runs=runs
    )


def _problem(check: Callable[[str], str], value: str) -> str:
    try:
        check(value)
    except ValueError as exc:
        return str(exc)
    return ""


@router.post("/pod")
def draft_pod(spec: DeploymentSpec, user: DagReader) -> PodYaml:
    """The pod a run of this draft would create (409 for the local executor: it makes no pod)."""
    from airflow_jobs_provider.deployments.dag_builder import preview_pod

    if spec.executor != "kubernetes":
        raise ApiError(
            status.HTTP_409_CONFLICT, "the local executor runs the job on the Airflow worker, in no pod"
        )
    return PodYaml.of(spec.dag_id, preview_pod(spec))


@router.post("/code")
def draft_code(spec: DeploymentSpec, user: DagReader) -> CodeOut:
    """The draft as a standalone Airflow DAG file, as if deployed now by this user."""
    from airflow_jobs_provider.deployments.code_export import export_dag_code

    draft = StoredDeployment(
        spec=spec,
        revision=1,
        deployed_by=user.get_name(),
        deployed_at=datetime.now(timezone.utc),
        changes=(),
        path=Path(f"{spec.name}.yaml"),
    )
    return CodeOut(dag_id=spec.dag_id, file_name=f"{spec.dag_id}.py", code=export_dag_code(draft))
