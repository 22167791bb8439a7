"""The deployments list pages, searches, filters and sorts on the server, and answers 304 when unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.unit.plugin.conftest import Api, local_spec, sync_dags
from tests.unit.plugin.test_status import REASON, counted_queries, finish_run


def names(answer: Any) -> list[str]:
    return [d["name"] for d in answer.json()["deployments"]]


def set_next_run(name: str, when: datetime | None) -> None:
    """As the scheduler leaves it after planning the DAG's next run."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(
            update(DagModel).where(DagModel.dag_id == f"job_{name}").values(next_dagrun_create_after=when)
        )


def push_version(name: str, run_id: str, version: str) -> None:
    """What the operator pushes once it has resolved the artifact."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        XComModel.set(
            "artifact_version", version, dag_id=f"job_{name}", task_id="run", run_id=run_id, session=session
        )


def deploy(api: Callable[..., Api], *specs: dict[str, Any]) -> None:
    for spec in specs:
        assert api()("POST", "/deployments", json=spec).status_code == 201


def test_pages_in_name_order_with_the_total(api: Callable[..., Api]) -> None:
    deploy(api, *(local_spec(f"job-{i}") for i in (3, 0, 6, 1, 5, 2, 4)))
    first = api()("GET", "/deployments", params={"limit": 3})
    assert names(first) == ["job-0", "job-1", "job-2"]
    assert (first.json()["total"], first.json()["limit"], first.json()["offset"]) == (7, 3, 0)
    assert names(api()("GET", "/deployments", params={"limit": 3, "offset": 3})) == [
        "job-3",
        "job-4",
        "job-5",
    ]
    assert names(api()("GET", "/deployments", params={"limit": 3, "offset": 6})) == ["job-6"]
    assert names(api()("GET", "/deployments", params={"offset": 7})) == []
    everything = api()("GET", "/deployments").json()  # no parameters: the first page of 50
    assert (len(everything["deployments"]), everything["total"], everything["limit"]) == (7, 7, 50)
    assert names(api()("GET", "/deployments", params={"sort": "-name", "limit": 2})) == ["job-6", "job-5"]


def test_search_and_spec_filters(api: Callable[..., Api], workspace: Path) -> None:
    deploy(
        api,
        local_spec("nightly-export", description="Exports the ledger", owner="ana", tags=["finance", "etl"]),
        local_spec("weekly-report", owner="ben", tags=["finance"], schedule="0 3 * * 1"),
        local_spec("adhoc-cleanup", owner="ana", schedule="none"),
    )
    (workspace / "specs" / "broken.yaml").write_text("format: 1\nrevision: [", encoding="utf-8")

    def listed(**params: Any) -> list[str]:
        return names(api()("GET", "/deployments", params=params))

    assert listed(q="LEDGER") == ["nightly-export"]  # description, any case
    assert listed(q="hello-python") == ["adhoc-cleanup", "nightly-export", "weekly-report"]  # the artifact
    assert listed(q="ben") == ["weekly-report"]  # the owner
    assert listed(q="etl") == ["nightly-export"]  # a tag
    assert listed(q="broken") == ["broken"]  # an unreadable file is found by its name
    assert listed(kind="one-off") == ["adhoc-cleanup"]
    assert listed(kind="scheduled") == ["nightly-export", "weekly-report"]
    assert listed(tag="finance") == ["nightly-export", "weekly-report"]
    assert listed(tag=["etl", "missing"]) == ["nightly-export"]  # any of the tags
    assert listed(owner="ana") == ["adhoc-cleanup", "nightly-export"]
    assert listed(owner="ana", tag="finance") == ["nightly-export"]  # all filters
    (broken,) = api()("GET", "/deployments", params={"state": "invalid"}).json()["deployments"]
    assert broken["valid"] is False and broken["error"]


def test_state_filters_and_sorts_over_every_deployment(api: Callable[..., Api]) -> None:
    deploy(api, *(local_spec(name) for name in ("a-failed", "b-ok", "c-resting", "d-new", "e-unparsed")))
    sync_dags("a-failed", "b-ok", "d-new")
    sync_dags("c-resting", paused=True)
    finish_run("a-failed", "failed", "failed", REASON)
    finish_run("b-ok", "success", "success")
    finish_run("c-resting", "success", "success")
    set_next_run("b-ok", datetime(2030, 1, 1, tzinfo=timezone.utc))
    set_next_run("d-new", datetime(2029, 1, 1, tzinfo=timezone.utc))

    def listed(**params: Any) -> list[str]:
        return names(api()("GET", "/deployments", params=params))

    assert listed(state="failed") == ["a-failed"]
    assert listed(state="paused") == ["c-resting"]
    assert listed(state="pending") == ["e-unparsed"]
    assert listed(state="none") == ["d-new", "e-unparsed"]  # no run yet
    assert listed(state=["active", "success"]) == ["b-ok"]  # active and its last run succeeded
    assert listed(state=["failed", "success"]) == ["a-failed", "b-ok", "c-resting"]
    # trouble first; the rest by name
    assert listed(sort="state") == ["a-failed", "b-ok", "c-resting", "d-new", "e-unparsed"]
    assert listed(sort="state", limit=1, offset=4) == ["e-unparsed"]
    # missing values last in both directions
    assert listed(sort="next_run") == ["d-new", "b-ok", "a-failed", "c-resting", "e-unparsed"]
    assert listed(sort="-next_run") == ["b-ok", "d-new", "a-failed", "c-resting", "e-unparsed"]
    assert listed(sort="-last_run")[3:] == ["d-new", "e-unparsed"]
    assert listed(sort="-deployed_at", state="failed") == ["a-failed"]
    page = api()("GET", "/deployments", params={"sort": "state", "limit": 1}).json()
    assert page["total"] == 5
    assert page["deployments"][0]["status"]["latest_run"]["failure_reason"] == REASON


def test_a_sorted_and_filtered_page_costs_the_same_queries_for_3_or_12(api: Callable[..., Api]) -> None:
    def deploy_runs(names: list[str]) -> None:
        deploy(api, *(local_spec(name) for name in names))
        sync_dags(*names)
        for name in names:
            finish_run(name, "failed", "failed", REASON)

    params = {"sort": "-state", "state": "failed", "limit": 2}
    deploy_runs([f"few-{i}" for i in range(3)])
    with counted_queries() as few:
        assert api()("GET", "/deployments", params=params).json()["total"] == 3
    deploy_runs([f"many-{i}" for i in range(9)])
    with counted_queries() as many:
        page = api()("GET", "/deployments", params=params).json()
    assert page["total"] == 12 and len(page["deployments"]) == 2
    # the token, the teams, the DAGs, the change marker, latest runs, the page's tasks and XComs
    assert len(many) == len(few) == 7, many
    # the page's runs only: the two task-instance and XCom queries name two runs, not twelve
    assert all(statement.count("?") <= 4 for statement in many[-2:]), many[-2:]


def test_the_version_the_last_run_resolved(api: Callable[..., Api]) -> None:
    deploy(api, local_spec("moving", artifact={**local_spec("x")["artifact"], "version": "latest"}))
    sync_dags("moving")
    run_id = finish_run("moving", "success", "success")
    push_version("moving", run_id, "1.1.0")
    (listed,) = api()("GET", "/deployments").json()["deployments"]
    assert listed["status"]["latest_run"]["artifact_version"] == "1.1.0"
    shown = api()("GET", "/deployments/moving").json()
    assert shown["status"]["latest_run"]["artifact_version"] == "1.1.0"


def test_an_unchanged_list_is_a_bodiless_304(api: Callable[..., Api], workspace: Path) -> None:
    deploy(api, local_spec("watched"), local_spec("other"))
    sync_dags("watched", "other")
    first = api()("GET", "/deployments")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "private, no-cache"

    def refreshed(username: str = "admin", **params: Any) -> Any:
        return api(username)("GET", "/deployments", params=params, headers={"If-None-Match": etag})

    with counted_queries() as statements:
        unchanged = refreshed()
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
    assert len(statements) == 4, statements  # the token, the teams, the DAGs, the change marker
    assert refreshed(limit=1).status_code == 200  # another page
    assert refreshed("viewer").status_code == 200  # another user may see other things

    def changes_the_etag(change: Callable[[], object]) -> None:
        nonlocal etag
        change()
        answer = refreshed()
        assert answer.status_code == 200 and answer.headers["etag"] != etag
        etag = answer.headers["etag"]
        assert refreshed().status_code == 304

    run_id = ""

    def run() -> None:
        nonlocal run_id
        run_id = finish_run("watched", "running", "running")

    changes_the_etag(run)
    changes_the_etag(lambda: set_task_state(run_id, "up_for_retry"))  # the run goes on
    changes_the_etag(lambda: finish_run_state(run_id, "failed"))
    changes_the_etag(lambda: push_version("watched", run_id, "1.1.0"))
    changes_the_etag(lambda: push_version("watched", run_id, "1.0.0"))  # a value replaced
    changes_the_etag(lambda: api("editor")("POST", "/deployments/other/pause"))
    changes_the_etag(lambda: set_next_run("watched", datetime(2031, 1, 1, tzinfo=timezone.utc)))
    changes_the_etag(
        lambda: api()(
            "PUT", "/deployments/other", json={"revision": 1, "spec": local_spec("other", retries=1)}
        )
    )
    changes_the_etag(lambda: (workspace / "specs" / "other.yaml").write_text("not: [valid", encoding="utf-8"))


def set_task_state(run_id: str, state: str) -> None:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(update(TaskInstance).where(TaskInstance.run_id == run_id).values(state=state))


def finish_run_state(run_id: str, state: str) -> None:
    """The scheduler ends a run and its task."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import update

    set_task_state(run_id, state)
    with create_session() as session:
        session.execute(update(DagRun).where(DagRun.run_id == run_id).values(state=state))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 501}, "limit: "),
        ({"limit": 0}, "limit: "),
        ({"offset": -1}, "offset: "),
        ({"sort": "size"}, "sort: "),
        ({"state": "sleeping"}, "state[0]: "),
        ({"kind": "cron"}, "kind[0]: "),
    ],
)
def test_bad_list_parameters_are_422_naming_them(
    api: Callable[..., Api], params: dict[str, Any], message: str
) -> None:
    answer = api()("GET", "/deployments", params=params)
    assert answer.status_code == 422
    assert answer.json()["errors"][0].startswith(message), answer.json()


def test_the_schedule_in_words_with_its_time_zone(api: Callable[..., Api]) -> None:
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    deploy(
        api,
        local_spec("nightly", schedule="0 3 * * *", timezone="Europe/Berlin"),
        local_spec("once", schedule="none"),
    )
    assert api()("GET", "/deployments/nightly").json()["schedule_description"] is None  # not parsed yet
    sync_dags("nightly", "once")
    with create_session() as session:  # as the dag-processor describes the DAG's cron timetable
        session.execute(
            update(DagModel).where(DagModel.dag_id == "job_nightly").values(timetable_description="At 03:00")
        )
    listed = {
        d["name"]: d["schedule_description"] for d in api()("GET", "/deployments").json()["deployments"]
    }
    assert listed == {"nightly": "At 03:00 (Europe/Berlin)", "once": None}


def test_the_schedule_in_french_words_when_asked(api: Callable[..., Api]) -> None:
    deploy(
        api,
        local_spec("weekdays", schedule="30 6 * * 1-5", timezone="Europe/Paris"),
        local_spec("once", schedule="none"),
    )
    listed = api()("GET", "/deployments", params={"lang": "fr"}).json()["deployments"]
    assert {d["name"]: d["schedule_description"] for d in listed} == {
        "weekdays": "À 06:30, de lundi à vendredi (Europe/Paris)",
        "once": None,
    }
    shown = api()("GET", "/deployments/weekdays", params={"lang": "fr"}).json()
    assert shown["schedule_description"] == "À 06:30, de lundi à vendredi (Europe/Paris)"
    assert api()("GET", "/deployments", params={"lang": "de"}).status_code == 422


def test_a_language_has_a_page_of_its_own(api: Callable[..., Api]) -> None:
    """The ETag of the English page does not stand for the French one."""
    deploy(api, local_spec("weekdays", schedule="30 6 * * 1-5"))
    english = api()("GET", "/deployments")
    french = api()(
        "GET", "/deployments", params={"lang": "fr"}, headers={"If-None-Match": english.headers["ETag"]}
    )
    assert french.status_code == 200
