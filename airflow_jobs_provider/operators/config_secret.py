"""The Secret that carries a pod's inline config files: one per pod, named after it.

Created just before the pod (so the pod never waits for it), owned by the pod once the pod
exists (Kubernetes' garbage collector deletes it with the pod, even if the worker dies), and
deleted explicitly when the task cleans up. The pod refers to it by name; its content is in
no pod spec, DAG or log.
"""

from __future__ import annotations

from collections.abc import Mapping

from airflow.exceptions import AirflowException
from airflow.providers.cncf.kubernetes.kubernetes_helper_functions import generic_api_retry
from kubernetes.client import CoreV1Api
from kubernetes.client import models as k8s
from kubernetes.client.exceptions import ApiException

from airflow_jobs_provider.operators.pod_builder import config_secret, config_secret_name, owner_reference

# What the API server accepts in one Secret (its data, in bytes).
MAX_SECRET_BYTES = 1024 * 1024


@generic_api_retry
def create_config_secret(client: CoreV1Api, pod: k8s.V1Pod, contents: Mapping[str, str]) -> None:
    """Write the Secret ``pod`` will mount, labelled like the pod so strays can be found."""
    size = sum(len(content.encode("utf-8")) for content in contents.values())
    if size > MAX_SECRET_BYTES:
        raise AirflowException(
            f"the inline config files hold {size} bytes, more than the {MAX_SECRET_BYTES} "
            "a Kubernetes Secret can hold"
        )
    name = config_secret_name(pod.metadata.name)
    namespace = pod.metadata.namespace
    body = config_secret(name=name, namespace=namespace, labels=pod.metadata.labels or {}, contents=contents)
    try:
        client.create_namespaced_secret(namespace=namespace, body=body)
    except ApiException as exc:
        if exc.status != 409:  # our own earlier attempt got through: make sure it holds this content
            raise
        client.replace_namespaced_secret(name=name, namespace=namespace, body=body)


@generic_api_retry
def hand_config_secret_to(client: CoreV1Api, pod: k8s.V1Pod) -> None:
    """Make ``pod`` (as created, with its uid) the Secret's owner, so both go together."""
    patch = {
        "metadata": {"ownerReferences": [client.api_client.sanitize_for_serialization(owner_reference(pod))]}
    }
    client.patch_namespaced_secret(
        name=config_secret_name(pod.metadata.name), namespace=pod.metadata.namespace, body=patch
    )


@generic_api_retry
def delete_config_secret(client: CoreV1Api, pod_name: str, namespace: str) -> None:
    """Gone already (garbage-collected with its pod, or never created) is fine."""
    try:
        client.delete_namespaced_secret(name=config_secret_name(pod_name), namespace=namespace)
    except ApiException as exc:
        if exc.status != 404:
            raise
