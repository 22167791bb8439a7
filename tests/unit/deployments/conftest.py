"""A policy and a valid spec to start each test from; tests change one thing and check the message."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from airflow_jobs_provider.deployments.catalogs import SmbEndpoint
from airflow_jobs_provider.deployments.messages import error_messages
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.spec import DeploymentSpec, validate_spec
from airflow_jobs_provider.deployments.store import SpecStore
from airflow_jobs_provider.operators.pod_options import JobResources

RUNNER_IMAGE = "registry.example.org/talend-runner:17"

POLICY = DeploymentPolicy(
    allowed_executors=frozenset({"kubernetes", "local"}),
    runner_images=frozenset({"python:3.12-slim", RUNNER_IMAGE}),
    smb_endpoints={
        "research": SmbEndpoint(source="//files.example.org/research", credentials_secret="smb-research"),
        "archive": SmbEndpoint(
            source="//files.example.org/archive", credentials_secret="smb-archive", mount_options="vers=3.0"
        ),
    },
    default_resources=JobResources(
        cpu_request="250m", memory_request="256Mi", cpu_limit="2", memory_limit="2Gi"
    ),
    max_cpu_limit="8",
    max_memory_limit="16Gi",
)

VALID_SPEC: dict[str, Any] = {
    "name": "customer-sync-2-0-1",
    "artifact": {
        "repository": "talend",
        "group": "org.example.jobs",
        "name": "customer_sync",
        "version": "2.0.1",
    },
    "executor": "kubernetes",
    "runner_image": RUNNER_IMAGE,
}


@pytest.fixture
def policy() -> DeploymentPolicy:
    return POLICY


@pytest.fixture
def spec_data() -> dict[str, Any]:
    """A fresh, valid, minimal spec as a form would send it."""
    return copy.deepcopy(VALID_SPEC)


@pytest.fixture
def make_spec() -> Callable[..., DeploymentSpec]:
    """A valid spec with the given fields replaced."""

    def make(**changes: Any) -> DeploymentSpec:
        return validate_spec({**copy.deepcopy(VALID_SPEC), **changes}, POLICY)

    return make


@pytest.fixture
def errors_of() -> Callable[[dict[str, Any]], list[str]]:
    """The messages a spec fails with (fails the test if it validates)."""

    def errors(data: dict[str, Any]) -> list[str]:
        with pytest.raises(ValidationError) as caught:
            validate_spec(data, POLICY)
        return error_messages(caught.value)

    return errors


@pytest.fixture
def sink() -> InMemorySecretSink:
    return InMemorySecretSink()


@pytest.fixture
def store(tmp_path: Any, sink: InMemorySecretSink) -> SpecStore:
    return SpecStore(tmp_path / "specs", secrets=sink, policy=POLICY)
