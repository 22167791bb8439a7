"""Create, read, redeploy, delete and history through the API; errors as JSON with field names."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from airflow_jobs_provider.deployments.secrets import secret_variable_key
from tests.unit.plugin.conftest import Api, local_spec, sync_dags

SECRET = "p@ss-word-that-must-never-show-4711"
RUNNER = "python:3.12-slim"


def kubernetes_spec(name: str, /, **changes: Any) -> dict[str, Any]:
    return local_spec(name, executor="kubernetes", runner_image=RUNNER, **changes)


def test_create_get_list_and_location(api: Callable[..., Api]) -> None:
    editor = api("editor")
    created = editor("POST", "/deployments", json=local_spec("hello", args=["--greeting", "hi"]))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "hello" and body["dag_id"] == "job_hello" and body["revision"] == 1
    assert body["deployed_by"] == "editor" and body["kind"] == "scheduled" and body["valid"] is True
    assert body["artifact"] == "examples/org.example.jobs:hello-python:1.1.0"
    assert body["status"] == {"dag_state": "pending", "next_run_after": None, "latest_run": None}
    assert created.headers["location"].endswith("/job-orchestrator/api/v1/deployments/hello")

    fetched = api("viewer")("GET", "/deployments/hello")
    assert fetched.status_code == 200 and fetched.json() == body
    listed = api("viewer")("GET", "/deployments").json()["deployments"]
    assert [d["name"] for d in listed] == ["hello"]


def test_a_name_that_exists_is_a_conflict(api: Callable[..., Api]) -> None:
    assert api()("POST", "/deployments", json=local_spec("hello")).status_code == 201
    again = api()("POST", "/deployments", json=local_spec("hello", args=["other"]))
    assert again.status_code == 409
    assert again.json() == {"detail": "a deployment named 'hello' exists already"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Hello_World"}, "name: must be a DNS-1123 label"),
        ({"name": "x" * 41}, "name: must be a DNS-1123 label of at most 40 characters"),
        ({"artifact": {"repository": "bad repo", "name": "x"}}, "artifact.repository: 'bad repo' is not"),
        ({"artifact": {"repository": "r", "name": "../up"}}, "artifact.name: '../up' must not contain"),
        ({"executor": "docker"}, "executor: Input should be 'kubernetes' or 'local'"),
        ({"executor": "kubernetes", "runner_image": "evil.example/miner:1"}, "runner_image: 'evil.example"),
        ({"executor": "kubernetes"}, "runner_image: the kubernetes executor needs an image"),
        ({"args": "--one --string"}, "args: Input should be a valid list"),
        ({"env": {"AIRFLOW_HOME": "x"}}, "env.AIRFLOW_HOME: environment variable 'AIRFLOW_HOME' is reserved"),
        ({"env": {"1BAD": "x"}}, "env.1BAD: environment variable name '1BAD' is not valid"),
        ({"schedule": "every day"}, "schedule: 'every day' is not a schedule"),
        ({"schedule": "@once"}, "schedule: @once is not offered"),
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not an IANA time zone"),
        (
            {"mounts": [{"type": "smb", "endpoint": "nowhere", "mount_path": "/data"}]},
            "mounts[0].smb.endpoint",
        ),
        ({"config_files": [{"file_name": "../x", "content": "a"}]}, "config_files[0].plain.file_name"),
        ({"notify": {"emails": ["not-an-address"]}}, "notify.emails[0]: 'not-an-address' is not an email"),
        ({"retries": 11}, "retries: Input should be less than or equal to 10"),
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_each_rule_answers_422_naming_the_field(
    api: Callable[..., Api], changes: dict[str, Any], message: str
) -> None:
    response = api()("POST", "/deployments", json=local_spec("hello", **changes))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == "the deployment spec is not valid"
    assert any(line.startswith(message) for line in body["errors"]), body["errors"]
    assert api()("GET", "/deployments").json()["deployments"] == []  # nothing was written


def test_errors_of_several_fields_are_all_listed(api: Callable[..., Api]) -> None:
    response = api()("POST", "/deployments", json=local_spec("Bad Name", retries=-1, proxy="yes"))
    fields = sorted(line.split(":")[0] for line in response.json()["errors"])
    assert fields == ["name", "proxy", "retries"]


def test_a_body_that_is_not_json_is_a_bad_request(api: Callable[..., Api]) -> None:
    response = api()(
        "POST", "/deployments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "the request body is not valid JSON"}


def test_a_path_that_is_no_deployment_name_is_a_bad_request(api: Callable[..., Api]) -> None:
    response = api()("GET", "/deployments/Not_A_Name")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'Not_A_Name' is not a deployment name")


def test_unknown_deployment_is_404(api: Callable[..., Api]) -> None:
    response = api()("GET", "/deployments/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no deployment named 'nothing-here'"}


def test_redeploy_needs_the_current_revision(api: Callable[..., Api]) -> None:
    editor = api("editor")
    editor("POST", "/deployments", json=local_spec("hello"))
    updated = editor(
        "PUT", "/deployments/hello", json={"revision": 1, "spec": local_spec("hello", args=["x"])}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["revision"] == 2 and updated.json()["changes"] == ["args"]

    stale = editor("PUT", "/deployments/hello", json={"revision": 1, "spec": local_spec("hello", args=["y"])})
    assert stale.status_code == 409
    assert "is at revision 2, not 1" in stale.json()["detail"]
    assert editor("GET", "/deployments/hello").json()["spec"]["args"] == ["x"]


def test_redeploy_cannot_rename(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("hello"))
    response = api()("PUT", "/deployments/hello", json={"revision": 1, "spec": local_spec("other")})
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("name: a deployment cannot be renamed")


def test_redeploy_of_a_missing_deployment_is_404(api: Callable[..., Api]) -> None:
    response = api()("PUT", "/deployments/ghost", json={"revision": 1, "spec": local_spec("ghost")})
    assert response.status_code == 404


def test_delete_keeps_history(api: Callable[..., Api]) -> None:
    editor = api("editor")
    editor("POST", "/deployments", json=local_spec("hello"))
    editor("PUT", "/deployments/hello", json={"revision": 1, "spec": local_spec("hello", retries=2)})
    assert editor("DELETE", "/deployments/hello", params={"revision": 1}).status_code == 409
    deleted = editor("DELETE", "/deployments/hello", params={"revision": 2})
    assert deleted.status_code == 204 and deleted.content == b""
    assert editor("GET", "/deployments/hello").status_code == 404
    history = editor("GET", "/deployments/hello/history").json()
    assert [(r["revision"], r["action"], r["deployed_by"]) for r in history["revisions"]] == [
        (1, "create", "editor"),
        (2, "update", "editor"),
        (3, "delete", "editor"),
    ]
    assert history["revisions"][1]["changes"] == ["retries"]
    assert history["revisions"][2]["spec"] is None


def test_concurrent_creates_of_one_name_let_exactly_one_win(api: Callable[..., Api]) -> None:
    def create(number: int) -> int:
        return api()("POST", "/deployments", json=local_spec("race", args=[str(number)])).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(create, range(6)))
    assert statuses == [201, 409, 409, 409, 409, 409]


def test_concurrent_redeploys_of_one_revision_let_exactly_one_win(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("race"))

    def redeploy(number: int) -> int:
        body = {"revision": 1, "spec": local_spec("race", args=[str(number)])}
        return api()("PUT", "/deployments/race", json=body).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(redeploy, range(6)))
    assert statuses == [200, 409, 409, 409, 409, 409]
    assert api()("GET", "/deployments/race").json()["revision"] == 2


def test_secret_contents_never_show(api: Callable[..., Api], workspace: Path) -> None:
    from airflow.models import Variable

    files = [{"file_name": "db.conf", "secret": True, "content": SECRET}]
    created = api()("POST", "/deployments", json=kubernetes_spec("with-secret", config_files=files))
    assert created.status_code == 201, created.text
    assert Variable.get(secret_variable_key("with-secret", "db.conf")) == SECRET
    answers = [
        created,
        api()("GET", "/deployments/with-secret"),
        api()("GET", "/deployments"),
        api()("GET", "/deployments/with-secret/history"),
        api()(
            "PUT",
            "/deployments/with-secret",
            json={
                "revision": 1,
                "spec": kubernetes_spec(
                    "with-secret", config_files=[{"file_name": "db.conf", "secret": True}], args=["kept"]
                ),
            },
        ),
        # a failing request does not echo what it was sent either
        api()("POST", "/deployments", json=kubernetes_spec("Bad_Name", config_files=files)),
        api()(
            "POST",
            "/deployments",
            json=kubernetes_spec("nul", config_files=[{**files[0], "content": SECRET + "\0"}]),
        ),
    ]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200, 422, 422]
    for answer in answers:
        assert SECRET not in answer.text
    assert created.json()["spec"]["config_files"] == [{"file_name": "db.conf", "secret": True}]
    assert Variable.get(secret_variable_key("with-secret", "db.conf")) == SECRET  # kept on redeploy
    for path in (workspace / "specs").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace")


def test_a_new_secret_file_needs_its_content(api: Callable[..., Api]) -> None:
    files = [{"file_name": "db.conf", "secret": True}]
    response = api()("POST", "/deployments", json=kubernetes_spec("no-content", config_files=files))
    assert response.status_code == 422
    assert response.json()["errors"] == ["config_files: the secret files db.conf need their content"]


def test_a_broken_spec_file_is_listed_with_its_error(api: Callable[..., Api], workspace: Path) -> None:
    api()("POST", "/deployments", json=local_spec("good"))
    (workspace / "specs" / "broken.yaml").write_text("format: 1\nrevision: [\n")
    (workspace / "specs" / "Bad_File.yaml").write_text("{}")
    listed = {d["name"]: d for d in api("admin")("GET", "/deployments").json()["deployments"]}
    assert listed["good"]["valid"] is True
    assert listed["broken"]["valid"] is False and listed["broken"]["error"]
    assert listed["broken"]["dag_id"] == "job_broken"
    assert listed["Bad_File"]["dag_id"] is None and listed["Bad_File"]["error"].startswith("file name:")
    assert api("admin")("GET", "/deployments/broken").json()["valid"] is False
    conflict = api("admin")("POST", "/deployments/broken/run")
    assert conflict.status_code == 409 and "is not valid" in conflict.json()["detail"]


def test_actions_are_audited_in_airflows_log(api: Callable[..., Api]) -> None:
    from airflow.models.log import Log
    from airflow.utils.session import create_session
    from sqlalchemy import select

    api("editor")("POST", "/deployments", json=local_spec("audited"))
    api("editor")("DELETE", "/deployments/audited")
    with create_session() as session:
        rows = session.execute(
            select(Log.event, Log.owner, Log.extra).where(Log.dag_id == "job_audited").order_by(Log.id)
        ).all()
    assert [(r.event, r.owner) for r in rows] == [
        ("job_orchestrator.create", "editor"),
        ("job_orchestrator.delete", "editor"),
    ]
    assert json.loads(rows[0].extra) == {"revision": 1}


def parse_requests() -> list[tuple[str, str]]:
    """The priority parse requests queued for the dag-processor, taken off the queue."""
    from airflow.models.dagbag import DagPriorityParsingRequest
    from airflow.utils.session import create_session
    from sqlalchemy import delete, select

    with create_session() as session:
        found = session.execute(
            select(DagPriorityParsingRequest.bundle_name, DagPriorityParsingRequest.relative_fileloc)
        ).all()
        session.execute(delete(DagPriorityParsingRequest))
    return [tuple(row) for row in found]


def test_every_change_asks_airflow_to_parse_the_generator_file(api: Callable[..., Api]) -> None:
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    generator = ("dags-folder", "job_orchestrator_dags.py")
    parse_requests()
    api()("POST", "/deployments", json=local_spec("parsed"))
    assert parse_requests() == [generator]
    api()("PUT", "/deployments/parsed", json={"revision": 1, "spec": local_spec("parsed", retries=1)})
    assert parse_requests() == [generator]
    sync_dags("parsed")
    assert api()("GET", "/deployments/parsed").json()["status"]["dag_state"] == "active"
    api()("DELETE", "/deployments/parsed")
    assert parse_requests() == [generator]
    with create_session() as session:
        dag = session.get(DagModel, "job_parsed")
        assert dag is not None and dag.is_stale  # gone from Airflow's DAG list at once


def test_exported_code_and_pod_preview(api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = ['it\'s "$(rm -rf /)" `id`', "{{ dag_run.conf }}", "{% raw %}", "line\nbreak"]
    files = [{"file_name": "db.conf", "secret": True, "content": SECRET}]
    spec = kubernetes_spec("exported", args=hostile, config_files=files)
    assert api()("POST", "/deployments", json=spec).status_code == 201

    code = api("viewer")("GET", "/deployments/exported/code").json()
    assert code["dag_id"] == "job_exported" and code["file_name"] == "job_exported.py"
    compile(code["code"], code["file_name"], "exec")
    assert "job_exported" in code["code"] and SECRET not in code["code"]

    pod = api("viewer")("GET", "/deployments/exported/pod")
    assert pod.status_code == 200, pod.text
    (container,) = [c for c in pod.json()["pod"]["spec"]["containers"] if c["name"] == "base"]
    assert container["image"] == RUNNER
    # as Kubernetes wants them: "$$(" stands for a literal "$(" that it must not expand
    assert container["args"][-len(hostile) :] == [arg.replace("$(", "$$(") for arg in hostile]
    assert SECRET not in pod.text
    # the pod tab shows it as YAML, the same pod, metadata first
    assert yaml.safe_load(pod.json()["pod_yaml"]) == pod.json()["pod"]
    assert pod.json()["pod_yaml"].index("metadata:") < pod.json()["pod_yaml"].index("spec:")

    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS", "{not json")
    broken = api("viewer")("GET", "/deployments/exported/pod")
    assert broken.status_code == 503, broken.text
    assert "pod_security_relaxations is not valid: Invalid JSON" in broken.json()["detail"]
    monkeypatch.delenv("AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS")

    api()("POST", "/deployments", json=local_spec("local-one"))
    no_pod = api()("GET", "/deployments/local-one/pod")
    assert no_pod.status_code == 409
    assert no_pod.json() == {"detail": "'local-one' runs on the Airflow worker, in no pod"}
