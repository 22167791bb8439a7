"""Runner images from a Nexus docker repository join the catalog, are cached, and may be deployed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from airflow_jobs_provider.deployments.catalogs import runner_catalog
from airflow_jobs_provider.deployments.nexus_images import (
    cache_file,
    cached_nexus_images,
    refresh_nexus_images,
)
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from tests.fakes.nexus import FakeNexus
from tests.unit.plugin.conftest import Api, local_spec

SECTION = "AIRFLOW__JOB_ORCHESTRATOR__"
REGISTRY = "nexus.example.org:8443"


@pytest.fixture
def nexus(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNexus]:
    with FakeNexus(users={"ci": "ci-pass"}, anonymous=False) as server:
        server.add_repository("docker-runners", format="docker")
        for image, tag in [
            ("data/python-runner", "3.11"),
            ("data/python-runner", "3.12"),
            ("data/r-runner", "4.4"),
        ]:
            server.add_docker_image("docker-runners", image, tag)
        connection = {"conn_type": "nexus", "host": server.base_url, "login": "ci", "password": "ci-pass"}
        monkeypatch.setenv("AIRFLOW_CONN_NEXUS_DEFAULT", json.dumps(connection))
        monkeypatch.setenv(f"{SECTION}NEXUS_RUNNER_IMAGES_REPOSITORY", "docker-runners")
        monkeypatch.setenv(f"{SECTION}NEXUS_RUNNER_IMAGES_REGISTRY", REGISTRY)
        monkeypatch.setenv(f"{SECTION}DEFAULT_RUNNER_IMAGE", "python:3.12-slim")
        yield server


def test_the_catalog_api_lists_nexus_tags_newest_first_with_their_origin(
    api: Callable[..., Api], nexus: FakeNexus
) -> None:
    images = api("viewer")("GET", "/catalogs/runner-images").json()
    assert images == [
        {"image": "python:3.12-slim", "label": "python:3.12-slim", "origin": "default_runner_image"},
        {
            "image": f"{REGISTRY}/data/python-runner:3.12",
            "label": "data/python-runner:3.12",
            "origin": "nexus:docker-runners",
        },
        {
            "image": f"{REGISTRY}/data/python-runner:3.11",
            "label": "data/python-runner:3.11",
            "origin": "nexus:docker-runners",
        },
        {
            "image": f"{REGISTRY}/data/r-runner:4.4",
            "label": "data/r-runner:4.4",
            "origin": "nexus:docker-runners",
        },
    ]


def test_the_list_is_cached_briefly_and_parsing_never_calls_nexus(
    api: Callable[..., Api], nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = api("viewer")
    viewer("GET", "/catalogs/runner-images")
    nexus.add_docker_image("docker-runners", "data/python-runner", "3.13")
    nexus.clear_requests()
    assert f"{REGISTRY}/data/python-runner:3.13" not in {
        i["image"] for i in viewer("GET", "/catalogs/runner-images").json()
    }
    DeploymentPolicy.from_config()  # what every DAG parse does
    assert nexus.requests == []
    monkeypatch.setenv(f"{SECTION}NEXUS_RUNNER_IMAGES_CACHE_SECONDS", "0")
    assert f"{REGISTRY}/data/python-runner:3.13" in {
        i["image"] for i in viewer("GET", "/catalogs/runner-images").json()
    }


def test_the_deploy_policy_accepts_a_nexus_image(api: Callable[..., Api], nexus: FakeNexus) -> None:
    editor = api()
    image = f"{REGISTRY}/data/r-runner:4.4"
    spec = local_spec("r-job", executor="kubernetes", runner_image=image)
    refused = editor("POST", "/deployments", json=spec)
    assert refused.status_code == 422 and "is not in the runner catalog" in refused.text  # not listed yet
    editor("GET", "/catalogs/runner-images")
    assert image in DeploymentPolicy.from_config().runner_images
    assert editor("POST", "/deployments", json=spec).status_code == 201


def test_a_failing_nexus_keeps_the_last_list(
    api: Callable[..., Api],
    nexus: FakeNexus,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refresh_nexus_images()
    monkeypatch.setenv(f"{SECTION}NEXUS_RUNNER_IMAGES_CACHE_SECONDS", "0")
    nexus.fail_next(10, 500, body="java.lang.IllegalArgumentException: broken index")  # not retried
    images = api("viewer")("GET", "/catalogs/runner-images")
    assert images.status_code == 200
    assert f"{REGISTRY}/data/r-runner:4.4" in {image.image for image in runner_catalog()}
    assert "Could not list the runner images of Nexus repository 'docker-runners'" in caplog.text


@pytest.mark.parametrize(
    "kept", ["{broken", '{"repository": "docker-runners", "read_at": "never", "images": []}', "[]"]
)
def test_a_broken_kept_list_counts_as_none_and_is_listed_again(
    nexus: FakeNexus, workspace: Path, caplog: pytest.LogCaptureFixture, kept: str
) -> None:
    cache_file().parent.mkdir(parents=True, exist_ok=True)
    cache_file().write_text(kept)
    assert cached_nexus_images() == ()
    assert "Ignoring the kept list of Nexus runner images" in caplog.text
    refresh_nexus_images()
    assert f"{REGISTRY}/data/r-runner:4.4" in {image.image for image in cached_nexus_images()}
