"""Preflight: the artifact resolves with checksums, names fit, the cluster has the pod's Secrets and PVCs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.fakes.kubernetes_api import FakeKubernetes
from tests.unit.plugin.conftest import Api, local_spec

MOUNTS = [
    {"type": "smb", "endpoint": "research", "mount_path": "/data"},
    {"type": "pvc", "claim_name": "scratch", "mount_path": "/scratch"},
]


def verdicts(answer: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {check["name"]: (check["verdict"], check["message"]) for check in answer["checks"]}


@pytest.fixture
def pod_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW__JOB_ORCHESTRATOR__SMB_ENDPOINTS",
        json.dumps(
            {"research": {"source": "//files.example.org/research", "credentials_secret": "smb-research"}}
        ),
    )
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__IMAGE_PULL_SECRETS", "regcred")


def kubernetes_spec(**changes: Any) -> dict[str, Any]:
    return local_spec(
        "pod-job", executor="kubernetes", runner_image="python:3.12-slim", mounts=MOUNTS, **changes
    )


def test_a_local_job_that_will_run(api: Callable[..., Api]) -> None:
    answer = api("viewer")("POST", "/preflight", json=local_spec("hello")).json()
    assert answer["ok"] is True
    checks = verdicts(answer)
    assert checks["name"][0] == "ok" and "hello-<8 characters>" in checks["name"][1]
    assert checks["artifact"] == (
        "ok",
        "examples/org.example.jobs:hello-python:1.1.0 resolves to version "
        "1.1.0: org.example.jobs/hello-python/1.1.0/hello.py",
    )
    assert checks["runner_image"][0] == "skipped" and checks["cluster"][0] == "skipped"


def test_a_missing_version_fails(api: Callable[..., Api]) -> None:
    spec = local_spec("hello")
    spec["artifact"]["version"] = "9.9.9"
    answer = api()("POST", "/preflight", json=spec).json()
    assert answer["ok"] is False
    verdict, message = verdicts(answer)["artifact"]
    assert verdict == "failed" and "9.9.9 does not exist" in message


def test_a_stored_deployment_is_checked_too(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("hello", args=["x"]))
    answer = api("viewer")("GET", "/deployments/hello/preflight").json()
    assert answer["ok"] is True


@pytest.mark.usefixtures("pod_catalogs")
def test_an_unreachable_cluster_is_said_so(api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch) -> None:
    unreachable = {
        "conn_type": "kubernetes",
        "extra": {"kube_config": json.dumps(_kubeconfig("https://127.0.0.1:9"))},
    }
    monkeypatch.setenv("AIRFLOW_CONN_KUBERNETES_DEFAULT", json.dumps(unreachable))
    answer = api()("POST", "/preflight", json=kubernetes_spec()).json()
    verdict, message = verdicts(answer)["cluster"]
    assert verdict == "skipped"
    assert message.startswith("the cluster is not reachable through connection 'kubernetes_default'")
    assert message.endswith("Secrets and PVCs were not checked")
    assert answer["ok"] is True  # nothing failed; the skipped check says what is unknown


@pytest.mark.usefixtures("pod_catalogs")
def test_the_pods_secrets_and_claims_must_exist(
    api: Callable[..., Api], kube_api_connection: FakeKubernetes
) -> None:
    kube_api_connection.create_secret("regcred", {".dockerconfigjson": "{}"})
    kube_api_connection.create_secret("smb-research", {"username": "u", "password": "secret-value-42"})
    answer = api()("POST", "/preflight", json=kubernetes_spec())
    checks = verdicts(answer.json())
    assert checks["cluster"] == ("ok", "reachable; pods run in namespace 'default'")
    assert checks["secret regcred"] == ("ok", "exists")
    assert checks["secret smb-research"] == ("ok", "exists")
    assert checks["pvc scratch"] == ("failed", "does not exist in namespace 'default'")
    assert checks["runner_image"][0] == "ok"
    assert answer.json()["ok"] is False
    assert "secret-value-42" not in answer.text

    kube_api_connection.create_pvc("scratch")
    assert api()("POST", "/preflight", json=kubernetes_spec()).json()["ok"] is True


def _kubeconfig(server: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }


def test_the_webhook_connection_is_checked_and_only_its_origin_shown(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = local_spec("hello", notify={"webhook_conn_id": "team_hook"})
    verdict, message = verdicts(api()("POST", "/preflight", json=spec).json())["webhook"]
    assert verdict == "failed"
    assert message.startswith("connection 'team_hook': AirflowNotFoundException")

    secret_url = "https://hooks.example.org/services/T000/B000/SeCrEtToKeN"
    monkeypatch.setenv("AIRFLOW_CONN_TEAM_HOOK", json.dumps({"conn_type": "generic", "host": secret_url}))
    response = api()("POST", "/preflight", json=spec)
    assert verdicts(response.json())["webhook"] == (
        "ok",
        "connection 'team_hook' posts failures to https://hooks.example.org",
    )
    assert "SeCrEtToKeN" not in response.text

    monkeypatch.setenv(
        "AIRFLOW_CONN_TEAM_HOOK", json.dumps({"conn_type": "generic", "host": "ftp://x/SeCrEt"})
    )
    verdict, message = verdicts(api()("POST", "/preflight", json=spec).json())["webhook"]
    assert (verdict, message) == (
        "failed",
        "connection 'team_hook': its host is not an http(s) URL or host name",
    )


@pytest.mark.usefixtures("pod_catalogs")
def test_the_pod_security_profile_is_reported_with_the_reasons(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert verdicts(api()("POST", "/preflight", json=kubernetes_spec()).json())["pod_security"] == (
        "ok",
        "the pod meets the Pod Security Standards' restricted profile",
    )

    nfs = {"type": "nfs", "server": "nfs.example.org", "path": "/exports/archive", "mount_path": "/archive"}
    spec = kubernetes_spec()
    spec["mounts"] = [*spec["mounts"], nfs]
    answer = api()("POST", "/preflight", json=spec).json()
    assert verdicts(answer)["pod_security"] == (
        "ok",
        "the pod meets only the baseline profile of the Pod Security Standards, so a namespace that "
        'enforces restricted refuses it: restricted volume types (volume "job-mount-3" uses restricted '
        'volume type "nfs")',
    )

    monkeypatch.setenv(
        "AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS", json.dumps({"python:*": ["run_as_root"]})
    )
    verdict, message = verdicts(api()("POST", "/preflight", json=kubernetes_spec()).json())["pod_security"]
    assert verdict == "ok"
    assert message.endswith(
        'runAsNonRoot != true (container "base" must not set securityContext.runAsNonRoot=false), '
        'runAsUser=0 (container "base" must not set runAsUser=0)'
    )

    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS", "{broken")
    verdict, message = verdicts(api()("POST", "/preflight", json=kubernetes_spec()).json())["pod_security"]
    assert verdict == "failed"
    assert message.startswith(
        "the pod cannot be built: [job_orchestrator] pod_security_relaxations is not valid: Invalid JSON"
    )
