"""A namespace's ``pod-security.kubernetes.io/enforce`` label refuses pods as the API server does."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.fakes.kubernetes_api import FakeKubernetes

from ._helpers import pod_body, status_of

ENFORCE = "pod-security.kubernetes.io/enforce"
RESTRICTED_CONTAINER = {
    "name": "base",
    "image": "busybox:1.36",
    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
}
RESTRICTED_POD = {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}}


@pytest.fixture
def api(kube_api: FakeKubernetes) -> client.CoreV1Api:
    kube_api.create_namespace("strict", {ENFORCE: "restricted"})
    kube_api.create_namespace("pinned", {ENFORCE: "restricted", f"{ENFORCE}-version": "v1.30"})
    kube_api.create_namespace("base", {ENFORCE: "baseline"})
    kube_api.create_namespace("typo", {ENFORCE: "restricetd"})
    return kube_api.core_v1()


def refusal(api: client.CoreV1Api, namespace: str, body: dict) -> dict:
    with pytest.raises(ApiException) as caught:
        api.create_namespaced_pod(namespace, body)
    assert caught.value.status == 403
    return status_of(caught.value)


def test_a_restricted_namespace_refuses_a_bare_pod_with_the_real_message(api, kube_api):
    status = refusal(api, "strict", pod_body("bare"))
    assert status["reason"] == "Forbidden"
    assert status["details"] == {"name": "bare", "kind": "pods"}
    assert status["message"] == (
        'pods "bare" is forbidden: violates PodSecurity "restricted:latest": '
        'allowPrivilegeEscalation != false (container "base" must set securityContext.allowPrivilegeEscalation=false), '
        'unrestricted capabilities (container "base" must set securityContext.capabilities.drop=["ALL"]), '
        'runAsNonRoot != true (pod or container "base" must set securityContext.runAsNonRoot=true), '
        'seccompProfile (pod or container "base" must set securityContext.seccompProfile.type to "RuntimeDefault" '
        'or "Localhost")'
    )
    assert kube_api.get_pod("bare", "strict") is None


def test_a_restricted_pod_is_admitted_with_its_service_account_volume(api):
    created = api.create_namespaced_pod(
        "strict", pod_body("ok", containers=[RESTRICTED_CONTAINER], securityContext=RESTRICTED_POD)
    )
    assert created.metadata.name == "ok"
    assert any(volume.projected for volume in created.spec.volumes)  # kube-api-access is allowed


def test_the_version_label_is_named_in_the_refusal(api):
    message = refusal(api, "pinned", pod_body("bare"))["message"]
    assert 'violates PodSecurity "restricted:v1.30": ' in message


def test_an_unknown_level_fails_closed_as_restricted(api):
    assert 'violates PodSecurity "restricted:latest"' in refusal(api, "typo", pod_body("bare"))["message"]


def test_a_baseline_namespace_admits_a_bare_pod_but_not_host_access(api):
    api.create_namespaced_pod("base", pod_body("bare"))
    privileged = {**RESTRICTED_CONTAINER, "securityContext": {"privileged": True}}
    status = refusal(api, "base", pod_body("host", containers=[privileged], hostNetwork=True))
    assert status["message"] == (
        'pods "host" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork), '
        'privileged (container "base" must not set securityContext.privileged=true)'
    )


def test_an_unlabelled_namespace_admits_anything(api):
    api.create_namespaced_pod("default", pod_body("host", hostPID=True))
