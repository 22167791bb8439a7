"""The Nexus connection's ``ca_bundle`` is a worker file: pods get it from a ConfigMap or Secret."""

from __future__ import annotations

import kubernetes_validate
import pytest

from airflow_jobs_provider.operators.pod_builder import PodOptionsError
from airflow_jobs_provider.operators.pod_security import profile_met
from airflow_jobs_provider.runner.plan import FetchPlan
from tests.unit.operators.test_pod_schema import (  # noqa: F401 - pod_config is an autouse fixture
    CASES,
    KUBERNETES_VERSIONS,
    build_pod,
    pod_config,
)

WORKER_CA = "/etc/ssl/corp-ca.pem"
MOUNTED_CA = "/etc/job-runner/ca/ca.crt"


def _plan(init: dict) -> FetchPlan:
    return FetchPlan.from_json(init["command"][init["command"].index("--plan") + 1])


def test_a_worker_ca_bundle_without_a_pod_source_fails_before_any_pod() -> None:
    with pytest.raises(PodOptionsError) as caught:
        build_pod(CASES["minimal"], ca_bundle=WORKER_CA)
    message = str(caught.value)
    assert f"CA bundle {WORKER_CA!r}" in message
    for option in ("pod_ca_bundle_configmap", "pod_ca_bundle_secret", "pod_ca_bundle_key"):
        assert option in message


def test_the_configmap_is_mounted_read_only_in_the_init_container_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_CONFIGMAP", "corporate-ca")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_KEY", "bundle.pem")
    pod = build_pod(CASES["minimal"], ca_bundle=WORKER_CA)
    (init,) = pod["spec"]["initContainers"]
    (main,) = pod["spec"]["containers"]
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert volumes["job-ca-bundle"] == {
        "name": "job-ca-bundle",
        "configMap": {"name": "corporate-ca", "items": [{"key": "bundle.pem", "path": "ca.crt"}]},
    }
    assert {"name": "job-ca-bundle", "mountPath": "/etc/job-runner/ca", "readOnly": True} in init[
        "volumeMounts"
    ]
    assert all(mount["name"] != "job-ca-bundle" for mount in main["volumeMounts"])
    assert _plan(init).ca_bundle == MOUNTED_CA
    assert WORKER_CA not in str(pod)
    assert profile_met(pod).profile == "restricted"
    for version in KUBERNETES_VERSIONS:
        kubernetes_validate.validate(pod, version, strict=True)


def test_a_secret_can_hold_the_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_SECRET", "corporate-ca")
    pod = build_pod(CASES["minimal"], ca_bundle=WORKER_CA)
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert volumes["job-ca-bundle"]["secret"] == {
        "secretName": "corporate-ca",
        "items": [{"key": "ca.crt", "path": "ca.crt"}],
    }


@pytest.mark.parametrize("plan_options", [{}, {"ca_bundle": WORKER_CA, "verify_tls": False}])
def test_no_bundle_is_mounted_when_the_download_needs_none(
    monkeypatch: pytest.MonkeyPatch, plan_options: dict
) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_CONFIGMAP", "corporate-ca")
    pod = build_pod(CASES["minimal"], **plan_options)
    assert "job-ca-bundle" not in {volume["name"] for volume in pod["spec"]["volumes"]}
    assert _plan(pod["spec"]["initContainers"][0]).ca_bundle is None


def test_both_sources_at_once_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_CONFIGMAP", "corporate-ca")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_SECRET", "corporate-ca")
    with pytest.raises(
        PodOptionsError, match="pod_ca_bundle_configmap and pod_ca_bundle_secret are both set"
    ):
        build_pod(CASES["minimal"])
