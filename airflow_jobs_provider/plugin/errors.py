"""Every error is JSON ``{"detail": "<sentence>"}`` with the status that says whose fault it is.

422 adds ``errors``: one line per problem, led by the field's path (``args[2]: ...``), so a
form or a CI log points at the field. No handler ever echoes the request body: it may hold
secret config-file contents.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from airflow_jobs_provider.artifacts.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    InvalidContinuationTokenError,
)
from airflow_jobs_provider.deployments.catalogs import CatalogError
from airflow_jobs_provider.deployments.messages import detail_messages
from airflow_jobs_provider.deployments.store import ConflictError, NotFoundError, RejectedError
from airflow_jobs_provider.hooks.nexus_errors import NexusError
from airflow_jobs_provider.operators.pod_builder import PodOptionsError

INVALID_SPEC = "the deployment spec is not valid"
# Where FastAPI found a bad value; the field's own path follows.
_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")

# First match wins: a Nexus "not found" is the caller's 404, not a failing Nexus (502).
_STATUS_OF: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (RejectedError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (InvalidContinuationTokenError, status.HTTP_400_BAD_REQUEST),
    (ArtifactNotFoundError, status.HTTP_404_NOT_FOUND),
    (NexusError, status.HTTP_502_BAD_GATEWAY),
    (ArtifactError, status.HTTP_400_BAD_REQUEST),
    (CatalogError, status.HTTP_503_SERVICE_UNAVAILABLE),
    # A spec was validated before it was stored: what fails to become a pod now is the
    # admin's pod settings (a broken relaxations option, a CA bundle without a source).
    (PodOptionsError, status.HTTP_503_SERVICE_UNAVAILABLE),
)


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        errors: Sequence[str] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def error_response(error: ApiError) -> JSONResponse:
    body: dict[str, object] = {"detail": error.detail}
    if error.errors:
        body["errors"] = error.errors
    return JSONResponse(status_code=error.status_code, content=body, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map the errors of the layers below to statuses, once, for every route."""

    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def known_error(request: Request, exc: Exception) -> JSONResponse:
        code = next(code for kind, code in _STATUS_OF if isinstance(exc, kind))
        errors = [str(exc)] if code == status.HTTP_422_UNPROCESSABLE_CONTENT else []
        detail = INVALID_SPEC if errors else str(exc)
        return error_response(ApiError(code, detail, errors=errors))

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = list(exc.errors())
        if any(detail.get("type") == "json_invalid" for detail in details):
            return error_response(ApiError(status.HTTP_400_BAD_REQUEST, "the request body is not valid JSON"))
        messages = detail_messages(
            {**detail, "loc": _without_request_part(tuple(detail.get("loc", ())))} for detail in details
        )
        detail = INVALID_SPEC if _is_spec_error(details) else "the request is not valid"
        return error_response(ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, detail, errors=messages))

    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        return error_response(
            ApiError(status.HTTP_503_SERVICE_UNAVAILABLE, "Airflow's database is unavailable; try again")
        )

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(OperationalError, database_unavailable)
    for kind, _ in _STATUS_OF:
        app.add_exception_handler(kind, known_error)


def _without_request_part(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    return loc[1:] if loc and loc[0] in _REQUEST_PARTS else loc


def _is_spec_error(details: Sequence[object]) -> bool:
    return any(isinstance(d, dict) and tuple(d.get("loc", ()))[:1] == ("body",) for d in details)
