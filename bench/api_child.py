"""The list API benchmark's Airflow process: ``python -m bench.api_child SETTINGS.json``.

It makes what an API server with N deployments has (``bench.deployments_db``), and one app
with Airflow's public API (``/api/v2``) and the plugin's API mounted as Airflow's API server
mounts it, authenticated by the simple auth manager's real JWTs. It then
times the requests, interleaved, through an in-process HTTP client, and writes the samples
as JSON. It runs in its own process because Airflow's configuration and ORM are global: the
measuring process (or the test running the smoke benchmark) keeps its own.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.deployments_db import RESOLVED_VERSION, prepare

PAGE = 50
NEWEST_RELEASE = "9.0.0"
FULL_PAGE = 500


def main(settings_file: str) -> None:
    settings = json.loads(Path(settings_file).read_text(encoding="utf-8"))
    count: int = settings["deployments"]
    prepare(Path(settings["work"]), count)
    samples = _measure(count, settings["rounds"])
    Path(settings["output"]).write_text(json.dumps(samples), encoding="utf-8")


def _measure(count: int, rounds: int) -> dict[str, Any]:
    from airflow.api_fastapi.app import get_auth_manager, init_auth_manager, lifespan
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.api_fastapi.core_api.routes.public import public_router
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from airflow_jobs_provider.plugin.airflow_plugin import URL_PREFIX
    from airflow_jobs_provider.plugin.app import API_PREFIX, create_app
    from airflow_jobs_provider.plugin.releases import ReleaseWatch
    from bench.common import interleaved, timed

    host = FastAPI(lifespan=lifespan)
    init_auth_manager(host)
    host.include_router(public_router)
    # Nexus answers the background release lookups at once: their cost is not the list's.
    plugin = create_app(releases=ReleaseWatch(lookup=lambda component: NEWEST_RELEASE))
    host.mount(URL_PREFIX, plugin)
    token = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="admin", role="admin"))
    auth = {"Authorization": f"Bearer {token}"}
    specs = Path(os.environ["AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"])
    sizes: dict[str, int] = {}

    with TestClient(host, base_url="http://airflow.bench") as client:
        # The start-up sweep runs the one-off deployments once (one in four): let it finish, so
        # the runs it makes do not change the list while it is timed.
        deadline = time.monotonic() + 600
        while plugin.state.one_off.pending():
            if time.monotonic() > deadline:
                raise RuntimeError("the one-off sweep did not finish")
            time.sleep(0.1)

        def get(path: str, params: dict[str, Any], expect: int = 200, **headers: str) -> Any:
            answer = client.get(path, params=params, headers={**auth, **headers})
            if answer.status_code != expect:
                raise RuntimeError(f"GET {path} {params}: {answer.status_code} {answer.text[:300]}")
            return answer

        def deployments(expect: int = 200, **params: Any) -> Callable[[], Any]:
            return lambda: get(f"{URL_PREFIX}{API_PREFIX}/deployments", params, expect)

        while (
            get(f"{URL_PREFIX}{API_PREFIX}/deployments", {"sort": "-name", "limit": 1}).json()["deployments"][
                0
            ]["newer_release"]
            != NEWEST_RELEASE
        ):  # the watch looks components up in list order: the last one is looked up last
            if time.monotonic() > deadline:
                raise RuntimeError("the release watch did not finish")
            time.sleep(0.1)
        page = get(f"{URL_PREFIX}{API_PREFIX}/deployments", {"limit": PAGE})
        body = page.json()
        if body["total"] != count or len(body["deployments"]) != min(PAGE, count):
            raise RuntimeError(f"the list answered {body['total']} deployments, not {count}")
        if body["deployments"][0]["status"]["latest_run"]["artifact_version"] != RESOLVED_VERSION:
            raise RuntimeError("the list does not show the runs")
        airflow_page = get("/api/v2/dags", {"limit": PAGE})
        if airflow_page.json()["total_entries"] != count:
            raise RuntimeError(f"Airflow lists {airflow_page.json()['total_entries']} DAGs, not {count}")

        def full_list() -> None:
            for offset in range(0, count, FULL_PAGE):
                answer = get(f"{URL_PREFIX}{API_PREFIX}/deployments", {"limit": FULL_PAGE, "offset": offset})
                sizes["every deployment"] = sizes.get("every deployment", 0) + len(answer.content)

        def after_a_spec_change() -> float:
            path = next(specs.glob("*.yaml"))
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
            return timed(deployments(limit=PAGE))

        def refresh() -> float:
            """What a page that refreshes itself sends: the ETag of what it shows (taken off the clock)."""
            etag = get(f"{URL_PREFIX}{API_PREFIX}/deployments", {"limit": PAGE}).headers["etag"]
            return timed(
                lambda: get(
                    f"{URL_PREFIX}{API_PREFIX}/deployments", {"limit": PAGE}, 304, **{"If-None-Match": etag}
                )
            )

        contenders = {
            "page of 50": lambda: timed(deployments(limit=PAGE)),
            "page of 50 sorted by state": lambda: timed(deployments(limit=PAGE, sort="state")),
            "304 refresh": refresh,
            "page of 50 after a spec change": after_a_spec_change,
            "every deployment": lambda: timed(full_list),
            "Airflow GET /api/v2/dags?limit=50": lambda: timed(lambda: get("/api/v2/dags", {"limit": PAGE})),
        }
        stats = interleaved(rounds, contenders)
        sizes = {
            "page of 50": len(page.content),
            "every deployment": sizes["every deployment"] // rounds,
            "Airflow GET /api/v2/dags?limit=50": len(airflow_page.content),
        }
    return {"seconds": {name: list(value.values) for name, value in stats.items()}, "bytes": sizes}


if __name__ == "__main__":
    main(sys.argv[1])
