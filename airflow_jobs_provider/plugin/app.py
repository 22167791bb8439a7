"""The plugin's FastAPI app, mounted by Airflow's API server under ``airflow_plugin.URL_PREFIX``.

Its JSON API lives under ``API_PREFIX`` and describes itself at ``<URL_PREFIX>/openapi.json``
(browsable at ``<URL_PREFIX>/docs``). Authentication is Airflow's own (see ``security``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from airflow_jobs_provider import __version__
from airflow_jobs_provider.deployments.store import SpecStore, StoredDeployment
from airflow_jobs_provider.plugin import ui_assets
from airflow_jobs_provider.plugin.deleted_dags import DeletedDags
from airflow_jobs_provider.plugin.errors import install_error_handlers
from airflow_jobs_provider.plugin.one_off import OneOffTrigger
from airflow_jobs_provider.plugin.releases import ReleaseWatch
from airflow_jobs_provider.plugin.routes import actions, browse, deploy_form, deployments
from airflow_jobs_provider.plugin.spec_cache import SpecListingCache

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def create_app(
    one_off: OneOffTrigger | None = None,
    deleted_dags: DeletedDags | None = None,
    releases: ReleaseWatch | None = None,
) -> FastAPI:
    """The app; ``one_off``, ``deleted_dags`` and ``releases`` replace its background threads (tests shorten them)."""
    trigger = one_off or OneOffTrigger()
    keeper = deleted_dags or DeletedDags()
    watch = releases or ReleaseWatch()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        trigger.start(_recent_deployments())
        keeper.start()
        watch.start()
        try:
            yield
        finally:
            watch.stop()
            keeper.stop()
            trigger.stop()

    app = FastAPI(
        title="Job Orchestrator",
        version=__version__,
        description=(
            "Browse artifacts, deploy them as Airflow DAGs and watch their runs. Authenticate with an "
            "Airflow token (`Authorization: Bearer <token>` from `POST /auth/token`) or the UI's session; "
            "a change authenticated by the session cookie must send `X-Job-Orchestrator: 1`."
        ),
        lifespan=lifespan,
        docs_url=None,  # ui_assets serves the docs page, with Swagger UI from this package
    )
    app.state.one_off = trigger
    app.state.deleted_dags = keeper
    app.state.releases = watch
    app.state.spec_listing = SpecListingCache()
    install_error_handlers(app)
    for module in (browse, deployments, actions, deploy_form):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(ui_assets.router)
    return app


def _recent_deployments() -> list[StoredDeployment]:
    """The valid deployments, for the one-off sweep at start-up; never stops the API server."""
    try:
        return [entry for entry in SpecStore().list() if isinstance(entry, StoredDeployment)]
    except Exception:
        log.warning("Could not read the specs folder at start-up", exc_info=True)
        return []
