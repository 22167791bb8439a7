"""Deployments: create, read, redeploy, delete, history, exported code, pod preview, preflight.

A change is written to the spec store first (which checks the spec again and refuses stale
revisions), then Airflow is asked to parse the generator file at once, so the DAG appears,
changes or disappears within seconds; a one-off deployment is then run once by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection
from typing import Annotated, TypeVar

from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.common.db.common import SessionDep
from airflow.models.dag import DagModel
from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import ConflictError, Entry, SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.airflow_state import (
    change_marker,
    dag_rows,
    dag_status,
    dag_team_names,
    record_action,
)
from airflow_jobs_provider.plugin.deleted_dags import DeletedDags
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.guarded_route import GuardedRoute
from airflow_jobs_provider.plugin.listing import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Kind,
    ListQuery,
    Sort,
    StateFilter,
    matches_spec,
    page_of,
)
from airflow_jobs_provider.plugin.one_off import OneOffTrigger
from airflow_jobs_provider.plugin.preflight import preflight
from airflow_jobs_provider.plugin.releases import ReleaseWatch
from airflow_jobs_provider.plugin.routes.common import UiUrl, valid_deployment
from airflow_jobs_provider.plugin.schedule_words import Language
from airflow_jobs_provider.plugin.schemas import (
    CodeOut,
    ConflictOut,
    DeploymentList,
    DeploymentOut,
    HistoryOut,
    PodOut,
    PreflightOut,
    RedeployRequest,
    RevisionOut,
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
from airflow_jobs_provider.plugin.spec_cache import SpecListingCache

log = logging.getLogger(__name__)
_Part = TypeVar("_Part")

router = APIRouter(route_class=GuardedRoute, tags=["Deployments"])

# The pages' language, chosen in Airflow's user menu, which Accept-Language (the browser's
# languages) does not know; a query parameter also keys the list's ETag without a Vary.
LanguageQuery = Annotated[
    Language, Query(description="The language of the words in the answer (the schedule): en or fr")
]


def list_query(
    *,
    q: Annotated[
        str, Query(max_length=200, description="Search name, artifact, description, owner and tags")
    ] = "",
    state: Annotated[
        list[StateFilter],
        Query(description="DAG state (active, paused, pending, invalid) or latest run's state (or none)"),
    ] = [],  # noqa: B006 - FastAPI copies defaults
    kind: Annotated[list[Kind], Query()] = [],  # noqa: B006
    tag: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    owner: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
    sort: Annotated[Sort, Query(description="A field, '-' first for descending; ties by name")] = "name",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ListQuery:
    """Several values of one filter: any of them; different filters: all of them."""
    return ListQuery(
        q=q.strip(),
        states=frozenset(state),
        kinds=frozenset(kind),
        tags=frozenset(tag),
        owners=frozenset(owner),
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/deployments",
    response_model=DeploymentList,
    responses={status.HTTP_304_NOT_MODIFIED: {"description": "Unchanged since the ETag in If-None-Match"}},
)
def list_deployments(
    *,
    user: UserDep,
    session: SessionDep,
    ui_url: UiUrl,
    request: Request,
    response: Response,
    query: Annotated[ListQuery, Depends(list_query)],
    lang: LanguageQuery = "en",
) -> DeploymentList | Response:
    """A page of the deployments the user may read, with their status; invalid spec files with their error.

    The answer's ``ETag`` changes whenever the page may: send it back in ``If-None-Match`` and an
    unchanged page is a bodiless 304, which costs four small queries and no spec parsing.
    """
    listing = _spec_listing(request).listing()
    chosen = [entry for entry in listing.entries if matches_spec(entry, query)]
    dag_ids = {dag_id for dag_id in map(dag_id_of, chosen) if dag_id is not None}
    readable = authorized_dag_ids(user, "GET", dag_team_names(dag_ids, session), dag_ids)
    # A file whose name is no deployment name has no DAG: only readers of all DAGs see it.
    sees_unnamed = any(dag_id_of(entry) is None for entry in chosen) and may_read_dags(user)
    shown = [
        entry
        for entry in chosen
        if (dag_id_of(entry) in readable) or (dag_id_of(entry) is None and sees_unnamed)
    ]
    dags = dag_rows(readable, session)
    releases = _release_watch(request)
    newer = {entry.name: _newer(releases, entry) for entry in shown}
    etag = _etag(
        user.get_name(),
        str(request.url.query),
        ui_url,
        listing.fingerprint,
        sorted(dags.values(), key=lambda dag: dag.dag_id),
        change_marker(readable, session),
        newer,
    )
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if _etags(request.headers.get("if-none-match", "")) & {etag, "*"}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
    page = page_of(shown, dags, query, session, ui_url=ui_url)
    return DeploymentList(
        deployments=[
            DeploymentOut.of(entry, page.statuses.get(dag_id_of(entry) or ""), newer[entry.name], lang)
            for entry in page.entries
        ],
        total=page.total,
        limit=query.limit,
        offset=query.offset,
    )


def _etag(*parts: object) -> str:
    """A weak validator: the same page, not the same bytes (JSON key order may differ)."""
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def _etags(header: str) -> set[str]:
    """The validators of ``If-None-Match``, compared weakly as RFC 9110 says for it."""
    tags = {tag.strip() for tag in header.split(",") if tag.strip()}
    return tags | {f"W/{tag}" for tag in tags if not tag.startswith("W/")}


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
def get_deployment(
    caller: Reader, session: SessionDep, ui_url: UiUrl, request: Request, lang: LanguageQuery = "en"
) -> DeploymentOut:
    entry = SpecStore().get(caller.name)
    return DeploymentOut.of(
        entry, dag_status(caller.dag_id, session, ui_url=ui_url), _newer(_release_watch(request), entry), lang
    )


@router.put(
    "/deployments/{name}",
    response_model=DeploymentOut,
    responses={
        status.HTTP_409_CONFLICT: {"model": ConflictOut, "description": "Someone redeployed meanwhile"}
    },
)
def redeploy(
    body: RedeployRequest, caller: Editor, session: SessionDep, ui_url: UiUrl, request: Request
) -> DeploymentOut | JSONResponse:
    """Deploy a new revision; 409 unless ``revision`` is still the current one, saying who changed what."""
    _authorize_spec(caller.user, body.spec, DagModel.get_team_name(caller.dag_id, session=session))
    store = SpecStore()
    try:
        stored = store.update(caller.name, body.spec, caller.user_name, body.revision)
    except ConflictError as exc:
        conflict = ConflictOut.of(str(exc), store.history(caller.name), body.revision)
        if conflict is None:
            raise
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content=conflict.model_dump(mode="json"))
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
        name=caller.name,
        revisions=[
            RevisionOut.of(revision, revisions[index - 1] if index else None)
            for index, revision in enumerate(revisions)
        ],
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
    return DeploymentOut.of(stored, dag_status(stored.spec.dag_id, session, ui_url=ui_url))


def _newer(releases: ReleaseWatch, entry: Entry) -> str | None:
    return releases.newer_release(entry.spec.artifact) if isinstance(entry, StoredDeployment) else None


def _app_part(request: Request, name: str, kind: type[_Part]) -> _Part:
    """What ``create_app`` keeps in the app's state for the routes (its threads and caches)."""
    part = getattr(request.app.state, name)
    if not isinstance(part, kind):
        raise TypeError(f"app.state.{name} is {type(part).__name__}, not {kind.__name__}")
    return part


def _release_watch(request: Request) -> ReleaseWatch:
    return _app_part(request, "releases", ReleaseWatch)


def _spec_listing(request: Request) -> SpecListingCache:
    return _app_part(request, "spec_listing", SpecListingCache)


def _one_off(request: Request) -> OneOffTrigger:
    return _app_part(request, "one_off", OneOffTrigger)


def _deleted_dags(request: Request) -> DeletedDags:
    return _app_part(request, "deleted_dags", DeletedDags)


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
