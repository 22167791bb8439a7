"""The shapes the API answers with (and its OpenAPI description shows).

Most are read straight from the attributes of the store's, the sources' and Airflow's objects
(``Model.model_validate(obj)``), so routes stay short. A spec is always dumped by the spec
model, which leaves secret config-file contents out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from airflow_jobs_provider.deployments.catalogs import SmbEndpoint
from airflow_jobs_provider.deployments.changes import changes_between
from airflow_jobs_provider.deployments.naming import dag_id_for
from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import Entry, InvalidSpec, Revision, StoredDeployment
from airflow_jobs_provider.plugin.airflow_state import PENDING, DagState, DagStatus
from airflow_jobs_provider.plugin.preflight import Check
from airflow_jobs_provider.plugin.schedule_words import Language, describe_cron


class FromAttributes(BaseModel):
    """Read from an object's attributes (a dataclass of the layers below)."""

    model_config = ConfigDict(from_attributes=True)


class RepositoryOut(FromAttributes):
    name: str
    format: str
    type: str
    url: str


class ComponentOut(FromAttributes):
    group: str
    name: str
    versions: list[str] = Field(description="Newest first; the next page may hold more")


class SearchPageOut(FromAttributes):
    components: list[ComponentOut]
    continuation_token: str | None = Field(description="Pass it back for the next page; null on the last")


class AssetOut(FromAttributes):
    path: str
    file_name: str
    sha256: str | None
    sha1: str | None
    sha512: str | None = None
    md5: str | None = None
    classifier: str | None = Field(default=None, description="Maven side file: sources, javadoc, tests")
    size: int | None
    last_modified: str | None


class RunnerImageOut(FromAttributes):
    image: str
    label: str
    origin: str = Field(description="runner_images, default_runner_image, or nexus:<docker repository>")


class MountEndpointOut(BaseModel):
    """An SMB endpoint users may mount below; its credentials Secret stays the admin's business."""

    name: str
    source: str

    @classmethod
    def of(cls, name: str, endpoint: SmbEndpoint) -> MountEndpointOut:
        return cls(name=name, source=endpoint.source)


class SuggestedName(BaseModel):
    name: str
    dag_id: str


class RunOut(FromAttributes):
    """The latest run and its task: ``log_url`` opens the try's log in Airflow's UI."""

    run_id: str
    run_type: str
    state: str | None
    start_date: datetime | None
    end_date: datetime | None
    task_id: str | None
    task_state: str | None
    try_number: int | None
    log_url: str | None
    failure_reason: str | None = Field(description="Why the task failed, in words (from the operator)")
    artifact_version: str | None = Field(
        default=None, description="The version the run resolved (``latest`` pinned), once its task began"
    )


class StatusOut(FromAttributes):
    dag_state: DagState = Field(
        description="pending: Airflow has not parsed the deployment's DAG (yet); "
        "invalid: the spec file cannot be deployed (see error)"
    )
    next_run_after: datetime | None
    latest_run: RunOut | None


class DeploymentOut(BaseModel):
    """A deployment as deployed, or a spec file that cannot be deployed (``valid: false``, ``error``)."""

    name: str
    dag_id: str | None
    valid: bool
    error: str | None = None
    revision: int | None = None
    deployed_by: str | None = None
    deployed_at: datetime | None = None
    changes: list[str] = Field(default_factory=list, description="Fields changed by the latest revision")
    kind: Literal["one-off", "scheduled"] | None = None
    schedule: str | None = None
    schedule_description: str | None = Field(
        default=None,
        description="The schedule in words, with its time zone, in the language asked for: in English as "
        "Airflow describes the DAG's timetable (null until Airflow has parsed it), in French from the same "
        "cron descriptions; null for a one-off deployment",
    )
    executor: str | None = None
    runner_image: str | None = None
    artifact: str | None = Field(default=None, description="repository/group:name:version")
    spec: dict[str, Any] | None = Field(default=None, description="Secret file contents are never shown")
    status: StatusOut
    newer_release: str | None = Field(
        default=None,
        description="A release of the artifact newer than the pinned version, as last looked up in the "
        "background (null: none, not known yet, or the deployment takes the newest anyway)",
    )

    @classmethod
    def of(
        cls,
        entry: Entry,
        status: DagStatus | None,
        newer_release: str | None = None,
        language: Language = "en",
    ) -> DeploymentOut:
        dag_id = dag_id_of(entry)
        shown = StatusOut.model_validate(status or PENDING)
        if isinstance(entry, InvalidSpec):
            # Its DAG may still be listed until the next parse drops it: say what it is now.
            shown = shown.model_copy(update={"dag_state": "invalid", "next_run_after": None})
            return cls(
                name=entry.name,
                dag_id=dag_id,
                valid=False,
                error=entry.error,
                revision=entry.revision,
                status=shown,
            )
        airflow_words = status.schedule_description if status else None
        return cls.of_stored(entry, shown, newer_release, airflow_words, language)

    @classmethod
    def of_stored(
        cls,
        stored: StoredDeployment,
        status: StatusOut,
        newer_release: str | None = None,
        airflow_words: str | None = None,
        language: Language = "en",
    ) -> DeploymentOut:
        """``airflow_words``: Airflow's description of the DAG's timetable, which English shows."""
        spec = stored.spec
        cron = spec.airflow_schedule
        scheduled = cron is not None
        schedule_words = airflow_words if language == "en" or cron is None else describe_cron(cron, language)
        return cls(
            name=stored.name,
            dag_id=spec.dag_id,
            valid=True,
            revision=stored.revision,
            deployed_by=stored.deployed_by,
            deployed_at=stored.deployed_at,
            changes=list(stored.changes),
            kind="scheduled" if scheduled else "one-off",
            schedule=spec.schedule,
            schedule_description=f"{schedule_words} ({spec.timezone})"
            if scheduled and schedule_words
            else None,
            executor=spec.executor,
            runner_image=spec.runner_image,
            artifact=spec.artifact.to_ref().coordinates,
            spec=spec.model_dump(mode="json"),
            status=status,
            newer_release=newer_release,
        )


class DeploymentList(BaseModel):
    """One page of the list, in the order asked for."""

    deployments: list[DeploymentOut]
    total: int = Field(description="How many deployments match the filters, on every page together")
    limit: int
    offset: int


class FieldChangeOut(FromAttributes):
    """One changed field of a spec: ``secret``, a secret file's content changed (never shown)."""

    path: str = Field(description="Like artifact.version, env.REGION or config_files[app.ini].content")
    old: Any = Field(description="null when the field was not set")
    new: Any = Field(description="null when the field was removed")
    secret: bool = False


class RevisionOut(FromAttributes):
    revision: int
    action: Literal["create", "update", "delete"]
    deployed_by: str
    deployed_at: datetime
    changes: list[str]
    diff: list[FieldChangeOut] = Field(
        default_factory=list, description="What this revision changed, with the old and new values"
    )
    spec: dict[str, Any] | None = Field(description="As written then; null for a deletion")

    @classmethod
    def of(cls, revision: Revision, previous: Revision | None) -> RevisionOut:
        """An update's diff is against the revision before it; a creation or deletion has none."""
        diff = (
            changes_between(previous.spec if previous else None, revision.spec, revision.changes)
            if revision.action == "update"
            else []
        )
        shown = cls.model_validate(revision)
        return shown.model_copy(update={"diff": [FieldChangeOut.model_validate(change) for change in diff]})


class ConflictOut(BaseModel):
    """The 409 of a redeploy from a stale revision: who deployed the current one, when, and what changed."""

    detail: str
    revision: int = Field(description="The current revision")
    deployed_by: str
    deployed_at: datetime
    since: int = Field(description="The revision the caller edited")
    changes: list[FieldChangeOut] = Field(
        description="What changed from the caller's revision to the current one"
    )

    @classmethod
    def of(cls, detail: str, history: Sequence[Revision], since: int) -> ConflictOut | None:
        """None when the history does not hold the current revision (it was deleted meanwhile)."""
        if not history or history[-1].action == "delete":
            return None
        current = history[-1]
        base = next((revision for revision in history if revision.revision == since), None)
        later = [revision for revision in history if revision.revision > since]
        changes = (
            changes_between(base.spec, current.spec, [path for r in later for path in r.changes])
            if base is not None and base.spec is not None
            else []
        )
        return cls(
            detail=detail,
            revision=current.revision,
            deployed_by=current.deployed_by,
            deployed_at=current.deployed_at,
            since=since,
            changes=[FieldChangeOut.model_validate(change) for change in changes],
        )


class HistoryOut(BaseModel):
    name: str
    revisions: list[RevisionOut] = Field(description="Oldest first")


class RedeployRequest(BaseModel):
    """A new spec for an existing deployment, and the revision it was edited from.

    Strict like the spec: ``"1"`` or ``true`` is no revision, and an unknown key is an error.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    revision: int = Field(ge=1, description="The revision you edited: 409 if it is no longer the current one")
    spec: DeploymentSpec


class CodeOut(BaseModel):
    dag_id: str
    file_name: str
    code: str = Field(description="A standalone Airflow 3 DAG file; for reading and copying")


class PodOut(BaseModel):
    dag_id: str
    pod: dict[str, Any] = Field(description="The pod the operator would build, before run-time values")


class CheckOut(FromAttributes):
    name: str
    verdict: Literal["ok", "failed", "skipped"]
    message: str


class PreflightOut(BaseModel):
    ok: bool = Field(description="No check failed (skipped ones say what could not be checked)")
    checks: list[CheckOut]

    @classmethod
    def of(cls, checks: list[Check]) -> PreflightOut:
        return cls(
            ok=all(c.verdict != "failed" for c in checks), checks=[CheckOut.model_validate(c) for c in checks]
        )


class RunStarted(BaseModel):
    dag_id: str
    run_id: str
    state: str | None


def dag_id_of(entry: Entry) -> str | None:
    """The DAG of a spec file; None when its file name is no deployment name."""
    try:
        return dag_id_for(entry.name)
    except ValueError:
        return None
