"""A fake Kubernetes API server + kubelet for driving KubernetesPodOperator end to end over HTTP.

Registered as a pytest plugin (``tests.fakes.kubernetes_api``). Fixtures:

- ``kube_api``: a started :class:`FakeKubernetes`, stopped after the test (which also fails if
  the fake itself hit an internal error).
- ``kube_api_connection``: ``kube_api`` with ``AIRFLOW_CONN_KUBERNETES_DEFAULT`` pointing at it.

Quick tour::

    failing = Scripted(containers={"base": Script(["hello"], exit_code=3)})
    kube_api.add_scenario(failing, selector="task_id=t1")
    kube_api.add_scenario(Process(), selector="task_id=t2")          # run command+args for real
    kube_api.set_scenario(Scripted(image_pull_errors={"nope:1": None}))  # default for all other pods
    kube_api.create_secret("creds", {"password": "s3cret"})
    kube_api.wait_for_pod("my-pod", phase="Succeeded")
    kube_api.pod_logs("my-pod", "base")

See ``README.md`` beside this file for the behaviour and the constraints of process mode.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .kubelet import ContainerContext
from .scenarios import (
    DEADLINE_MESSAGE,
    DEFAULT_UNSCHEDULABLE,
    Process,
    Scenario,
    Script,
    Scripted,
    Sleep,
    eviction_message,
    image_not_found_message,
    image_rate_limited_message,
)
from .server import FakeKubernetes, RecordedRequest, running_fake

__all__ = [
    "DEADLINE_MESSAGE",
    "DEFAULT_UNSCHEDULABLE",
    "ContainerContext",
    "FakeKubernetes",
    "Process",
    "RecordedRequest",
    "Scenario",
    "Script",
    "Scripted",
    "Sleep",
    "eviction_message",
    "image_not_found_message",
    "image_rate_limited_message",
    "kube_api",
    "kube_api_connection",
    "running_fake",
]


@pytest.fixture
def kube_api() -> Iterator[FakeKubernetes]:
    """A started fake API server (namespace ``default``, bearer token auth); always stopped."""
    fake = FakeKubernetes().start()
    try:
        yield fake
    finally:
        fake.stop()
    if fake.errors:
        raise AssertionError(f"FakeKubernetes hit internal errors: {fake.errors!r}")


@pytest.fixture
def kube_api_connection(kube_api: FakeKubernetes, monkeypatch: pytest.MonkeyPatch) -> FakeKubernetes:
    """``kube_api``, with Airflow's ``kubernetes_default`` connection set to it through the environment."""
    for key, value in kube_api.airflow_connection_env().items():
        monkeypatch.setenv(key, value)
    return kube_api
