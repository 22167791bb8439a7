"""Every API route checks who is asking before it reads the request body, and reads a bounded body.

FastAPI reads and decodes a route's JSON body before it runs any dependency, so an
unauthenticated caller would hear 400 for a broken body instead of 401, and any caller could
make the API server hold a body of any size. ``GuardedRoute`` therefore runs, before
FastAPI's own handler: the CSRF check, Airflow's authentication (the user is kept for the
route's ``UserDep``, so the token is checked once), and the size limit
(``[job_orchestrator] max_request_bytes``), enforced on ``Content-Length`` and again while a
body (chunked or not) streams in, so 413 comes before the body is held whole.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from airflow.api_fastapi.core_api.security import bearer_scheme, get_user
from fastapi import Request, Response, status
from fastapi.routing import APIRoute
from starlette.types import Message

from airflow_jobs_provider import settings
from airflow_jobs_provider.plugin.errors import ApiError
from airflow_jobs_provider.plugin.security import AUTHENTICATED_USER, check_csrf

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class GuardedRoute(APIRoute):
    """An ``APIRoute`` that authenticates and limits the body before FastAPI reads it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            check_csrf(request)
            user = await get_user(request, None, await bearer_scheme(request))
            setattr(request.state, AUTHENTICATED_USER, user)
            if request.method in BODY_METHODS:
                request = await _with_bounded_body(request, settings.max_request_bytes())
            return await handler(request)

        return guarded


async def _with_bounded_body(request: Request, limit: int) -> Request:
    """The request with its body read up to ``limit`` bytes, or 413."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, replay)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"the request body is larger than {limit} bytes ([job_orchestrator] max_request_bytes)",
    )
