"""Who may do what: Airflow's own user, and Airflow's auth manager deciding on the deployment's DAG.

A deployment is a DAG, so its rights are the DAG's rights, checked with ``is_authorized_dag``
and ``DagDetails(id=<dag_id>)``: reading needs GET; deploying, redeploying, pausing and
resuming need PUT (DAG edit, which every auth manager knows; there is no "create DAG" right);
deleting needs DELETE; running needs POST on the DAG's runs, as Airflow's own trigger does.
Browsing artifacts and catalogs needs DAG read in general. A one-off deployment runs at once,
so deploying one needs the run right too. A failure webhook names an Airflow connection, whose
credentials the worker sends: naming one needs the right to read that connection
(``is_authorized_connection``), and the connection must be one the admin allows.

CSRF: a browser sends the ``_token`` cookie with any request, even one another site made it
send. A state change authenticated by that cookie must therefore carry ``X-Job-Orchestrator: 1``
(a header no other site can add without a CORS preflight) and, when the browser names an
``Origin``, come from Airflow's own. A request with a Bearer token carries its credential
explicitly and needs neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from airflow.api_fastapi.app import get_auth_manager
from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN
from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.auth.managers.models.resource_details import (
    ConnectionDetails,
    DagAccessEntity,
    DagDetails,
)
from airflow.api_fastapi.core_api.security import bearer_scheme, get_user, oauth2_scheme
from airflow.models.dag import DagModel
from fastapi import Depends, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials

from airflow_jobs_provider.deployments.naming import dag_id_for
from airflow_jobs_provider.plugin.errors import ApiError

if TYPE_CHECKING:
    from airflow.api_fastapi.auth.managers.base_auth_manager import ResourceMethod

CSRF_HEADER = "X-Job-Orchestrator"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Where ``GuardedRoute`` keeps the user it authenticated before the body was read.
AUTHENTICATED_USER = "job_orchestrator_user"


async def authenticated_user(
    request: Request,
    # Declared as Airflow's ``get_user`` declares them, so the OpenAPI description shows the login.
    oauth_token: Annotated[str | None, Depends(oauth2_scheme)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> BaseUser:
    """Airflow's user, as ``GuardedRoute`` authenticated it; on another route, authenticated now."""
    user: BaseUser | None = getattr(request.state, AUTHENTICATED_USER, None)
    return user if user is not None else await get_user(request, oauth_token, bearer)


UserDep = Annotated[BaseUser, Depends(authenticated_user)]


def check_csrf(request: Request) -> None:
    """App-wide: refuse a cookie-authenticated state change a foreign page could have sent."""
    if request.method in SAFE_METHODS or _has_bearer(request):
        return
    if COOKIE_NAME_JWT_TOKEN not in request.cookies:
        return  # no ambient credential to abuse: authentication answers 401
    if request.headers.get(CSRF_HEADER) != "1":
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            f"a change authenticated by the session cookie needs the header '{CSRF_HEADER}: 1' "
            "(CSRF protection); scripts should send a Bearer token instead",
        )
    origin = request.headers.get("origin")
    if origin is not None and not _same_origin(origin, request):
        raise ApiError(status.HTTP_403_FORBIDDEN, f"cross-site request from {origin!r} refused")


def may_read_dags(user: BaseUser) -> bool:
    """The right to read DAGs in general, not only some."""
    return get_auth_manager().is_authorized_dag(method="GET", user=user)


def may_edit_dags(user: BaseUser) -> bool:
    """The right to edit DAGs in general: what deploying a new name needs."""
    return get_auth_manager().is_authorized_dag(method="PUT", user=user)


def require_dag_read(user: UserDep) -> BaseUser:
    """Browsing artifacts and catalogs needs the right to read DAGs in general."""
    if not may_read_dags(user):
        raise _forbidden("reading DAGs")
    return user


def require_dag_edit(user: UserDep) -> BaseUser:
    """Deploying a new name needs the right to edit DAGs in general.

    A dependency runs before the body is validated, so a reader hears 403, not what is wrong
    with a spec they could not deploy anyway.
    """
    if not may_edit_dags(user):
        raise _forbidden("editing DAGs")
    return user


def authorize_dag(
    user: BaseUser,
    method: ResourceMethod,
    dag_id: str,
    *,
    team_name: str | None,
    access_entity: DagAccessEntity | None = None,
) -> None:
    allowed = get_auth_manager().is_authorized_dag(
        method=method,
        access_entity=access_entity,
        details=DagDetails(id=dag_id, team_name=team_name),
        user=user,
    )
    if not allowed:
        what = f"{method} on the runs of" if access_entity is DagAccessEntity.RUN else method
        raise _forbidden(f"{what} DAG {dag_id!r}")


def authorize_one_off(user: BaseUser, dag_id: str, *, team_name: str | None) -> None:
    """A one-off deployment runs as soon as it is deployed: that is a run, and needs the run right."""
    if not get_auth_manager().is_authorized_dag(
        method="POST",
        access_entity=DagAccessEntity.RUN,
        details=DagDetails(id=dag_id, team_name=team_name),
        user=user,
    ):
        raise _forbidden(
            f"POST on the runs of DAG {dag_id!r}, which a one-off deployment (schedule: none) needs: "
            "it runs as soon as it is deployed"
        )


def may_use_connection(user: BaseUser, conn_id: str) -> bool:
    """The right to read connection ``conn_id``: a webhook naming it sends its credentials."""
    from airflow.models.connection import Connection

    return get_auth_manager().is_authorized_connection(
        method="GET",
        details=ConnectionDetails(conn_id=conn_id, team_name=Connection.get_team_name(conn_id)),
        user=user,
    )


def authorize_webhook(user: BaseUser, conn_id: str | None) -> None:
    """A spec's webhook connection must be readable by the user (403); which connections the
    admin allows at all is a rule of the spec's validation (``DeploymentPolicy``)."""
    if conn_id and not may_use_connection(user, conn_id):
        raise _forbidden(f"GET on connection {conn_id!r}, which notify.webhook_conn_id names")


def authorized_dag_ids(
    user: BaseUser, method: ResourceMethod, teams: dict[str, str | None], dag_ids: set[str]
) -> set[str]:
    """The subset of ``dag_ids`` the user may act on, asked in one batch per team."""
    by_team: dict[str | None, set[str]] = {}
    for dag_id in dag_ids:
        by_team.setdefault(teams.get(dag_id), set()).add(dag_id)
    allowed: set[str] = set()
    for team_name, ids in by_team.items():
        allowed |= get_auth_manager().filter_authorized_dag_ids(
            dag_ids=ids, user=user, method=method, team_name=team_name
        )
    return allowed


@dataclass(frozen=True)
class Caller:
    """An authenticated user with the right to act on one deployment's DAG."""

    user: BaseUser
    name: str
    dag_id: str

    @property
    def user_name(self) -> str:
        return self.user.get_name()


def deployment_caller(
    method: ResourceMethod, access_entity: DagAccessEntity | None = None
) -> Callable[[str, BaseUser], Caller]:
    """A dependency: the user, authorised for ``method`` on the DAG of the path's deployment."""

    def dependency(name: Annotated[str, Path(description="The deployment's name")], user: UserDep) -> Caller:
        dag_id = dag_id_for(deployment_name(name))
        team_name = DagModel.get_team_name(dag_id)
        authorize_dag(user, method, dag_id, team_name=team_name, access_entity=access_entity)
        return Caller(user=user, name=name, dag_id=dag_id)

    return dependency


Reader = Annotated[Caller, Depends(deployment_caller("GET"))]
Editor = Annotated[Caller, Depends(deployment_caller("PUT"))]
Deleter = Annotated[Caller, Depends(deployment_caller("DELETE"))]
Runner = Annotated[Caller, Depends(deployment_caller("POST", DagAccessEntity.RUN))]
DagReader = Annotated[BaseUser, Depends(require_dag_read)]
DagEditor = Annotated[BaseUser, Depends(require_dag_edit)]


def deployment_name(name: str) -> str:
    """A path's deployment name, checked before it reaches the store, a DAG id or a URL."""
    try:
        dag_id_for(name)
    except ValueError as exc:
        raise ApiError(status.HTTP_400_BAD_REQUEST, f"{name!r} is not a deployment name: {exc}") from None
    return name


def _has_bearer(request: Request) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(credentials.strip())


def _same_origin(origin: str, request: Request) -> bool:
    from airflow.configuration import conf

    allowed = {_origin_of(str(request.base_url))}
    if base_url := conf.get("api", "base_url", fallback=""):
        allowed.add(_origin_of(base_url))
    return _origin_of(origin) in allowed


def _origin_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _forbidden(what: str) -> ApiError:
    return ApiError(status.HTTP_403_FORBIDDEN, f"forbidden: your Airflow user may not do {what}")
