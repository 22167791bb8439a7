from __future__ import annotations

import pytest

from airflow_jobs_provider.deployments.catalogs import (
    CatalogError,
    RunnerImage,
    SmbEndpoint,
    parse_runner_images,
    parse_smb_endpoints,
    runner_catalog,
    smb_catalog,
)
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.operators.pod_options import JobResources


def test_runner_images_with_labels_commas_and_lines() -> None:
    text = (
        "Python 3.12=python:3.12-slim, Talend (Java 17)=registry.example.org/talend-runner:17\nr-base:4.4\n"
    )
    assert parse_runner_images(text, default_image="python:3.12-slim") == (
        RunnerImage(image="python:3.12-slim", label="Python 3.12", origin="runner_images"),
        RunnerImage(image="registry.example.org/talend-runner:17", label="Talend (Java 17)"),
        RunnerImage(image="r-base:4.4", label="r-base:4.4"),
    )


def test_the_default_runner_image_is_always_offered() -> None:
    assert parse_runner_images("", default_image="python:3.12-slim") == (
        RunnerImage(image="python:3.12-slim", label="python:3.12-slim", origin="default_runner_image"),
    )


@pytest.mark.parametrize(
    ("text", "default", "message"),
    [
        ("Python=Python:3", "python:3", r"runner_images: 'Python:3' is not an image reference"),
        ("Label only=", "python:3", r"runner_images: '' is not an image reference"),
        ("", "not an image!", r"default_runner_image: 'not an image!' is not an image reference"),
    ],
)
def test_bad_runner_catalog_names_the_option(text: str, default: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_runner_images(text, default_image=default)


def test_smb_endpoints() -> None:
    text = (
        '{"research": {"source": "//files/research", "credentials_secret": "smb-research"},'
        ' "archive": {"source": "//files/archive/2024", "credentials_secret": "smb.archive",'
        ' "mount_options": "vers=3.0"}}'
    )
    assert parse_smb_endpoints(text) == {
        "research": SmbEndpoint(source="//files/research", credentials_secret="smb-research"),
        "archive": SmbEndpoint(
            source="//files/archive/2024", credentials_secret="smb.archive", mount_options="vers=3.0"
        ),
    }
    assert parse_smb_endpoints("  ") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "smb_endpoints is not valid"),
        ('["research"]', "smb_endpoints is not valid: Input should be an object"),
        ('{"r": {"source": "/files/share", "credentials_secret": "s"}}', r"r\.source"),
        ('{"r": {"source": "//files", "credentials_secret": "s"}}', r"r\.source"),
        ('{"r": {"source": "//files/share", "credentials_secret": "Bad_Secret"}}', r"r\.credentials_secret"),
        ('{"r": {"source": "//files/share"}}', r"r\.credentials_secret: Field required"),
        ('{"r": {"source": "//files/share", "credentials_secret": "s", "password": "x"}}', r"r\.password"),
        ('{"../x": {"source": "//files/share", "credentials_secret": "s"}}', r"\.\./x"),
    ],
)
def test_bad_smb_endpoints_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_smb_endpoints(text)


def test_catalogs_and_policy_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    section = "AIRFLOW__JOB_ORCHESTRATOR__"
    monkeypatch.setenv(f"{section}DEFAULT_RUNNER_IMAGE", "python:3.12-slim")
    monkeypatch.setenv(f"{section}RUNNER_IMAGES", "Talend=registry.example.org/talend-runner:17")
    monkeypatch.setenv(
        f"{section}SMB_ENDPOINTS", '{"research": {"source": "//files/research", "credentials_secret": "smb"}}'
    )
    monkeypatch.setenv(f"{section}ALLOWED_EXECUTORS", "kubernetes")
    monkeypatch.setenv(f"{section}MAX_CPU_LIMIT", "4")
    monkeypatch.setenv(f"{section}MAX_MEMORY_LIMIT", "")
    monkeypatch.setenv(f"{section}DEFAULT_CPU_LIMIT", "1")

    assert [image.label for image in runner_catalog()] == ["python:3.12-slim", "Talend"]
    assert smb_catalog() == {"research": SmbEndpoint(source="//files/research", credentials_secret="smb")}
    assert DeploymentPolicy.from_config() == DeploymentPolicy(
        allowed_executors=frozenset({"kubernetes"}),
        runner_images=frozenset({"python:3.12-slim", "registry.example.org/talend-runner:17"}),
        smb_endpoints={"research": SmbEndpoint(source="//files/research", credentials_secret="smb")},
        default_resources=JobResources(
            cpu_request="250m", memory_request="256Mi", cpu_limit="1", memory_limit="2Gi"
        ),
        max_cpu_limit="4",
        max_memory_limit="",
    )
