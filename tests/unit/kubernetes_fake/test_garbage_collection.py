"""Owner references and the garbage collector, as the real API server and controller manager do them.

A dependent goes once all its owners (matched by uid) are gone; one that keeps an owner loses the
references to the gone ones; owners of kinds the fake does not serve are never taken for gone.
A real cluster collects a moment later, so the tests wait instead of looking at once.
"""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.fakes.kubernetes_api import DEFAULT_UNSCHEDULABLE, FakeKubernetes, Scripted

from ._helpers import pod_body, status_of


@pytest.fixture
def api(kube_api: FakeKubernetes) -> client.CoreV1Api:
    kube_api.set_scenario(Scripted(unschedulable=DEFAULT_UNSCHEDULABLE))  # pods stay Pending
    return kube_api.core_v1()


def _owner(pod: client.V1Pod) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "name": pod.metadata.name, "uid": pod.metadata.uid}


def _secret(name: str, owners: list[dict] | None = None) -> dict:
    return {"metadata": {"name": name, "ownerReferences": owners or []}, "data": {"k": "dg=="}}


def test_a_secret_owned_by_a_pod_goes_with_the_pod(kube_api, api):
    pod = api.create_namespaced_pod("default", pod_body("owner"))
    api.create_namespaced_secret("default", _secret("files"))
    patch = {"metadata": {"ownerReferences": [_owner(pod)]}}
    patched = api.patch_namespaced_secret("files", "default", patch)
    assert patched.metadata.owner_references[0].uid == pod.metadata.uid
    assert kube_api.get("secrets", "files") is not None
    api.delete_namespaced_pod("owner", "default")
    kube_api.wait_for(lambda: kube_api.get("secrets", "files") is None, message="the secret to be collected")


def test_a_dependent_with_an_owner_left_only_loses_the_gone_one(kube_api, api):
    first = api.create_namespaced_pod("default", pod_body("first"))
    second = api.create_namespaced_pod("default", pod_body("second"))
    api.create_namespaced_secret("default", _secret("shared", [_owner(first), _owner(second)]))
    api.delete_namespaced_pod("first", "default")
    kube_api.wait_for(
        lambda: (
            [ref["name"] for ref in kube_api.get("secrets", "shared")["metadata"]["ownerReferences"]]
            == ["second"]
        ),
        message="the reference to the gone owner to be removed",
    )
    api.delete_namespaced_pod("second", "default")
    kube_api.wait_for(lambda: kube_api.get("secrets", "shared") is None, message="the secret to be collected")


def test_an_owner_of_that_name_but_another_uid_is_gone(kube_api, api):
    pod = api.create_namespaced_pod("default", pod_body("reborn"))
    api.delete_namespaced_pod("reborn", "default")
    kube_api.wait_for(lambda: kube_api.get_pod("reborn") is None, message="the pod to go")
    api.create_namespaced_pod("default", pod_body("reborn"))
    api.create_namespaced_secret("default", _secret("orphan", [_owner(pod)]))
    kube_api.wait_for(lambda: kube_api.get("secrets", "orphan") is None, message="the orphan to be collected")


def test_owners_of_kinds_not_served_here_are_not_taken_for_gone(kube_api, api):
    owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d4f", "uid": "0000-1111"}
    api.create_namespaced_secret("default", _secret("kept", [owner]))
    api.create_namespaced_pod("default", pod_body("unrelated"))
    api.delete_namespaced_pod("unrelated", "default")
    kube_api.wait_for(lambda: kube_api.get_pod("unrelated") is None, message="the pod to go")
    assert kube_api.get("secrets", "kept") is not None


def test_an_owner_reference_needs_every_field(api):
    with pytest.raises(ApiException) as caught:
        api.create_namespaced_secret(
            "default", _secret("bad", [{"apiVersion": "v1", "kind": "Pod", "name": "x"}])
        )
    assert caught.value.status == 422
    assert status_of(caught.value)["message"] == (
        'Secret "bad" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'
    )
