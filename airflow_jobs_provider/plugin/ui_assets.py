"""The pages' bundle, their icons and Swagger UI's assets, served from the package itself.

Airflow's UI imports the bundle named by the plugin's ``react_apps`` entry; nothing is loaded
from another host, the API docs page included. URLs carry the assets' version (the package's
and a digest of the bundle), so a browser may keep a file as long as its URL stays the same;
they start with the path of ``[api] base_url``, so the pages work when Airflow is served below
a sub-path.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, status
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from airflow_jobs_provider import __version__
from airflow_jobs_provider.plugin.errors import ApiError

STATIC_DIR = Path(__file__).parent / "static"
BUNDLE = "job-orchestrator.js"
ICON = "icon.svg"
ICON_DARK = "icon-dark.svg"
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
UI_ROUTE = "job-orchestrator"  # the pages' address in Airflow's UI: <base>/plugin/job-orchestrator
_MEDIA_TYPES = {".js": "application/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
_FOREVER = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


@cache
def asset_version() -> str:
    """Changes with every build of the bundle, even one under the same package version."""
    digest = hashlib.sha256((STATIC_DIR / BUNDLE).read_bytes()).hexdigest()[:12]
    return f"{__version__}-{digest}"


def static_url(file_name: str, url_prefix: str) -> str:
    """The absolute path of a static file, below ``[api] base_url``'s path."""
    return f"{_base_path()}{url_prefix}/static/{file_name}?v={asset_version()}"


def react_app(url_prefix: str) -> dict[str, Any]:
    """The plugin's ``react_apps`` entry: one item in Airflow's navigation, the pages below it."""
    return {
        "name": "Job Orchestrator",
        "bundle_url": static_url(BUNDLE, url_prefix),
        "destination": "nav",
        "url_route": UI_ROUTE,
        "icon": static_url(ICON, url_prefix),
        "icon_dark_mode": static_url(ICON_DARK, url_prefix),
        "nav_top_level": True,
    }


@router.get("/static/{file_name}")
def static_file(
    file_name: Annotated[str, PathParam(max_length=100)],
    v: Annotated[str | None, Query(max_length=100)] = None,
) -> FileResponse:
    """A file of the build; cached for good when asked for under its current version."""
    path = _static_files().get(file_name)
    if path is None:
        raise ApiError(status.HTTP_404_NOT_FOUND, f"there is no static file {file_name!r}")
    caching = _FOREVER if v == asset_version() else "no-cache"
    return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix], headers={"Cache-Control": caching})


@router.get("/docs")
def api_docs() -> HTMLResponse:
    """Swagger UI over the app's OpenAPI description, with its assets from this package.

    Every URL is relative to this page, so it works below any prefix.
    """
    version = asset_version()
    return get_swagger_ui_html(
        openapi_url="openapi.json",
        title="Job Orchestrator API",
        swagger_js_url=f"static/{SWAGGER_JS}?v={version}",
        swagger_css_url=f"static/{SWAGGER_CSS}?v={version}",
        swagger_favicon_url=f"static/{ICON}?v={version}",
    )


@cache
def _static_files() -> dict[str, Path]:
    """The files the build wrote, by name: a request can name nothing else."""
    return {path.name: path for path in STATIC_DIR.iterdir() if path.suffix in _MEDIA_TYPES}


def _base_path() -> str:
    from airflow.configuration import conf

    return urlsplit(conf.get("api", "base_url", fallback="")).path.rstrip("/")
