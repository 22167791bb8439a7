"""Browsing through the API: the local source, a Nexus (simulated) with paged search, the catalogs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from tests.fakes.nexus import FakeNexus
from tests.unit.plugin.conftest import Api

GROUP = "org.example.jobs"


@pytest.fixture
def nexus(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNexus]:
    """A Nexus with five components of two versions, two components a search page."""
    with FakeNexus(search_page_size=2) as server:
        server.add_repository("releases")
        for number in range(5):
            for version in ("1.0.0", "1.10.0"):
                server.add_component(
                    "releases", GROUP, f"job-{number}", version, {f"job-{number}-{version}.jar": b"x"}
                )
        monkeypatch.setenv(
            "AIRFLOW_CONN_NEXUS_DEFAULT", json.dumps({"conn_type": "nexus", "host": server.base_url})
        )
        yield server


def test_local_source(api: Callable[..., Api]) -> None:
    viewer = api("viewer")
    assert viewer("GET", "/sources").json() == ["nexus", "local"]
    assert [r["name"] for r in viewer("GET", "/sources/local/repositories").json()] == ["examples"]
    page = viewer("GET", "/sources/local/repositories/examples/search", params={"q": "hello"}).json()
    assert page == {
        "components": [{"group": GROUP, "name": "hello-python", "versions": ["1.1.0", "1.0.0"]}],
        "continuation_token": None,
    }
    versions = viewer(
        "GET",
        "/sources/local/repositories/examples/versions",
        params={"group": GROUP, "name": "hello-python"},
    )
    assert versions.json() == ["1.1.0", "1.0.0"]
    (asset,) = viewer(
        "GET",
        "/sources/local/repositories/examples/assets",
        params={"group": GROUP, "name": "hello-python", "version": "1.0.0"},
    ).json()
    assert asset["path"] == f"{GROUP}/hello-python/1.0.0/hello.py" and asset["file_name"] == "hello.py"
    assert len(asset["sha256"]) == 64 and asset["size"] > 0
    assert "download_url" not in asset  # where the files live is the server's business


def test_nexus_search_pages_with_a_continuation_token(api: Callable[..., Api], nexus: FakeNexus) -> None:
    viewer = api("viewer")
    assert [r["name"] for r in viewer("GET", "/sources/nexus/repositories").json()] == ["releases"]
    names: list[str] = []
    token = None
    for _ in range(10):
        params = {"q": "job*"} | ({"continuation_token": token} if token else {})
        page = viewer("GET", "/sources/nexus/repositories/releases/search", params=params).json()
        names += [c["name"] for c in page["components"]]
        assert len(page["components"]) <= 2
        token = page["continuation_token"]
        if token is None:
            break
    assert sorted(set(names)) == [f"job-{n}" for n in range(5)]
    versions = viewer(
        "GET", "/sources/nexus/repositories/releases/versions", params={"group": GROUP, "name": "job-1"}
    )
    assert versions.json() == ["1.10.0", "1.0.0"]


def test_a_foreign_continuation_token_is_a_bad_request(api: Callable[..., Api], nexus: FakeNexus) -> None:
    response = api()(
        "GET", "/sources/nexus/repositories/releases/search", params={"continuation_token": "abc"}
    )
    assert response.status_code == 400
    assert "continuation token" in response.json()["detail"]


def test_what_does_not_exist_is_404(api: Callable[..., Api], nexus: FakeNexus) -> None:
    missing = api()(
        "GET",
        "/sources/nexus/repositories/releases/assets",
        params={"group": GROUP, "name": "job-1", "version": "9"},
    )
    assert missing.status_code == 404
    assert "job-1:9 is not in repository 'releases'" in missing.json()["detail"]
    assert api()("GET", "/sources/ftp/repositories").status_code == 404


def test_a_failing_nexus_is_502_with_its_message(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeNexus(anonymous=False) as locked:
        monkeypatch.setenv(
            "AIRFLOW_CONN_NEXUS_DEFAULT", json.dumps({"conn_type": "nexus", "host": locked.base_url})
        )
        response = api()("GET", "/sources/nexus/repositories")
    assert response.status_code == 502
    assert "connection 'nexus_default'" in response.json()["detail"]


def test_catalogs_schema_and_name_suggestion(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "AIRFLOW__JOB_ORCHESTRATOR__RUNNER_IMAGES", "Talend (Java 17)=registry.example.org/talend:17"
    )
    monkeypatch.setenv(
        "AIRFLOW__JOB_ORCHESTRATOR__SMB_ENDPOINTS",
        json.dumps(
            {"research": {"source": "//files.example.org/research", "credentials_secret": "smb-research"}}
        ),
    )
    viewer = api("viewer")
    assert viewer("GET", "/catalogs/runner-images").json() == [
        {"image": "python:3.12-slim", "label": "python:3.12-slim", "origin": "default_runner_image"},
        {"image": "registry.example.org/talend:17", "label": "Talend (Java 17)", "origin": "runner_images"},
    ]
    assert viewer("GET", "/catalogs/mounts").json() == [
        {"name": "research", "source": "//files.example.org/research"}
    ]
    schema = viewer("GET", "/spec-schema").json()
    assert {"name", "artifact", "executor", "schedule"} <= set(schema["properties"])
    suggested = viewer("GET", "/suggest-name", params={"artifact_name": "Customer_Sync", "version": "2.0.1"})
    assert suggested.json() == {"name": "customer-sync-2-0-1", "dag_id": "job_customer-sync-2-0-1"}


def test_a_broken_catalog_is_503(api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__SMB_ENDPOINTS", "{not json")
    response = api()("GET", "/catalogs/mounts")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("[job_orchestrator] smb_endpoints is not valid")


def test_a_missing_nexus_connection_is_503(api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NEXUS_DEFAULT", raising=False)
    response = api()("GET", "/sources/nexus/repositories")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "the nexus source is not usable: The conn_id `nexus_default` isn't defined"
    }
    no_host = json.dumps({"conn_type": "nexus", "login": "someone"})
    monkeypatch.setenv("AIRFLOW_CONN_NEXUS_DEFAULT", no_host)
    response = api()("GET", "/sources/nexus/repositories/releases/search")
    assert response.status_code == 503
    assert "has no host" in response.json()["detail"]


def test_a_raw_repository_browses_like_maven_components(api: Callable[..., Api], nexus: FakeNexus) -> None:
    nexus.add_repository("raw-jobs", format="raw")
    for version in ("1.9.3", "1.10.0", "2.0.0-rc.1"):
        nexus.add_raw_file("raw-jobs", f"etl/patients/{version}/patients_{version}.zip", version.encode())
    viewer = api("viewer")
    page = viewer("GET", "/sources/nexus/repositories/raw-jobs/search").json()
    components = [(c["group"], c["name"], c["versions"]) for c in page["components"]]
    assert components == [("", "etl/patients", ["1.10.0", "1.9.3"])]  # a page holds two files
    versions = viewer("GET", "/sources/nexus/repositories/raw-jobs/versions", params={"name": "etl/patients"})
    assert versions.json() == ["2.0.0-rc.1", "1.10.0", "1.9.3"]
    releases = viewer(
        "GET",
        "/sources/nexus/repositories/raw-jobs/versions",
        params={"name": "etl/patients", "releases_only": "true"},
    )
    assert releases.json() == ["1.10.0", "1.9.3"]
    assets = viewer(
        "GET",
        "/sources/nexus/repositories/raw-jobs/assets",
        params={"name": "etl/patients", "version": "1.10.0"},
    )
    assert assets.status_code == 200, assets.text
    assert [a["path"] for a in assets.json()] == ["etl/patients/1.10.0/patients_1.10.0.zip"]


def test_a_misspelt_repository_is_404_not_an_empty_page(api: Callable[..., Api], nexus: FakeNexus) -> None:
    response = api()("GET", "/sources/nexus/repositories/nope/search")
    assert response.status_code == 404
    assert "repository 'nope' does not exist" in response.json()["detail"]


def test_maven_side_files_show_their_classifier(api: Callable[..., Api], nexus: FakeNexus) -> None:
    nexus.add_maven_version("releases", GROUP, "loader", "1.0", b"PK")
    assets = api()(
        "GET",
        "/sources/nexus/repositories/releases/assets",
        params={"group": GROUP, "name": "loader", "version": "1.0"},
    ).json()
    classifiers = {a["file_name"]: a["classifier"] for a in assets}
    assert classifiers["loader-1.0.jar"] is None and classifiers["loader-1.0-sources.jar"] == "sources"


def test_a_raw_talend_zip_deploys_with_latest_release(api: Callable[..., Api], nexus: FakeNexus) -> None:
    from tests.unit.plugin.conftest import local_spec

    nexus.add_repository("raw-jobs", format="raw")
    for version in ("1.10.0", "2.0.0-RC1"):
        nexus.add_raw_file("raw-jobs", f"etl/patients/{version}/patients_{version}.zip", version.encode())
    artifact = {
        "source": "nexus",
        "repository": "raw-jobs",
        "name": "etl/patients",
        "version": "latest-release",
    }
    spec = local_spec("patients", artifact=artifact)
    checks = {
        c["name"]: (c["verdict"], c["message"])
        for c in api()("POST", "/preflight", json=spec).json()["checks"]
    }
    assert checks["artifact"] == (
        "ok",
        "raw-jobs/etl/patients:latest-release resolves to version 1.10.0: etl/patients/1.10.0/patients_1.10.0.zip",
    )
    created = api()("POST", "/deployments", json=spec)
    assert created.status_code == 201, created.text
    assert created.json()["spec"]["artifact"]["version"] == "latest-release"


@pytest.mark.parametrize(
    ("checksums", "allowed", "verdict", "says"),
    [
        (("sha512",), False, "ok", "job-md5/2.0.0/job-md5-2.0.0.jar"),
        (("md5",), False, "ok", "job-md5-2.0.0.jar (only md5, a weak checksum)"),
        ((), False, "failed", "no checksum for org/example/jobs/job-md5/2.0.0/job-md5-2.0.0.jar"),
        ((), True, "ok", "not verified (allowed): org/example/jobs/job-md5/2.0.0/job-md5-2.0.0.jar"),
    ],
)
def test_preflight_follows_the_checksum_policy(
    api: Callable[..., Api],
    nexus: FakeNexus,
    monkeypatch: pytest.MonkeyPatch,
    checksums: tuple[str, ...],
    allowed: bool,
    verdict: str,
    says: str,
) -> None:
    from tests.unit.plugin.conftest import local_spec

    nexus.add_component(
        "releases", GROUP, "job-md5", "2.0.0", {"job-md5-2.0.0.jar": b"x"}, checksums=checksums
    )
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOW_UNVERIFIED_ASSETS", str(allowed))
    artifact = {
        "source": "nexus",
        "repository": "releases",
        "group": GROUP,
        "name": "job-md5",
        "version": "2.0.0",
    }
    checks = {
        c["name"]: (c["verdict"], c["message"])
        for c in api()("POST", "/preflight", json=local_spec("md5", artifact=artifact)).json()["checks"]
    }
    assert checks["artifact"][0] == verdict and says in checks["artifact"][1], checks["artifact"]
    assert ("weak checksum" in checks["artifact"][1]) == (checksums == ("md5",))
