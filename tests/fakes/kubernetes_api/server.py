"""``FakeKubernetes``: a core/v1 API server over HTTP on 127.0.0.1, with a fake kubelet behind it.

Served: discovery (``/api``, ``/api/v1``, ``/apis``, ``/version``, health), namespaces, pods
(create/get/list/watch/patch/put/delete, ``/status``, ``/log``, ``/eviction``), secrets,
configmaps, persistentvolumeclaims, serviceaccounts, core/v1 and events.k8s.io/v1 events.
Errors are ``Status`` objects with the real reasons and messages; every write bumps one
global ``resourceVersion``; watches stream JSON lines; logs stream chunked.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import validation as v
from ._util import (
    CORE_RESOURCES,
    ApiError,
    JsonDict,
    already_exists,
    bad_request,
    conflict,
    deep_copy,
    forbidden,
    generate_name_suffix,
    method_not_allowed,
    new_uid,
    not_found,
    parse_quantity,
    parse_rfc3339_ns,
    rfc3339,
    rfc3339_micro,
    rfc3339_nano,
)
from .kubelet import ContainerLog, PodWorker
from .patches import SUPPORTED_PATCH_TYPES, apply_patch, unsupported_media_type
from .pod_security import admission_error
from .scenarios import Scenario, Scripted
from .selectors import fields_match, labels_match, parse_field_selector, parse_label_selector
from .store import Store

log = logging.getLogger(__name__)

EVENTS_GROUP = "events.k8s.io"
K8S_VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.1",
    "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T08:19:08Z",
    "goVersion": "go1.24.2",
    "compiler": "gc",
    "platform": "linux/amd64",
}
DEFAULT_ALLOCATABLE = {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}
WATCH_DEFAULT_TIMEOUT = 1800.0
SCHEDULER = "default-scheduler"


@dataclass
class RecordedRequest:
    """One API call as the fake received it (for asserting what a client did)."""

    method: str
    path: str
    query: dict[str, str]
    content_type: str | None
    body: Any
    status: int = 0


@dataclass
class _Fault:
    status: int
    method: str | None
    path: re.Pattern | None
    remaining: int
    reason: str
    message: str
    retry_after: int | None


@dataclass
class _Rule:
    scenario: Any
    selector: str | None = None
    match: Callable[[JsonDict], bool] | None = None
    name: str | None = None
    requirements: list = field(default_factory=list)


def _bool(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _int(query: Mapping[str, str], key: str) -> int | None:
    if key not in query or query[key] == "":
        return None
    try:
        return int(query[key])
    except ValueError:
        raise bad_request(
            f"{key}: invalid value {query[key]!r}: strconv.ParseInt: parsing {query[key]!r}: invalid syntax"
        ) from None


def _kind_of(resource: str, group: str = "") -> str:
    if group == EVENTS_GROUP:
        return "Event"
    return CORE_RESOURCES[resource][0]


def _api_version(group: str) -> str:
    return f"{group}/v1" if group else "v1"


def to_events_v1(event: JsonDict) -> JsonDict:
    """A core/v1 Event as events.k8s.io/v1 shows it."""
    out: JsonDict = {
        "kind": "Event",
        "apiVersion": f"{EVENTS_GROUP}/v1",
        "metadata": deep_copy(event["metadata"]),
    }
    out["eventTime"] = event.get("eventTime")
    if event.get("series"):
        out["series"] = event["series"]
    out["reportingController"] = event.get("reportingComponent") or (event.get("source") or {}).get(
        "component", ""
    )
    out["reportingInstance"] = event.get("reportingInstance") or (event.get("source") or {}).get("host", "")
    if event.get("action"):
        out["action"] = event["action"]
    out["reason"] = event.get("reason")
    out["regarding"] = deep_copy(event.get("involvedObject") or {})
    out["note"] = event.get("message")
    out["type"] = event.get("type")
    if event.get("source"):
        out["deprecatedSource"] = event["source"]
    out["deprecatedFirstTimestamp"] = event.get("firstTimestamp")
    out["deprecatedLastTimestamp"] = event.get("lastTimestamp")
    if event.get("count"):
        out["deprecatedCount"] = event["count"]
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: FakeKubernetes) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeKubernetes:
    """A fake Kubernetes API server (core/v1 subset) with a scenario-driven fake kubelet.

    ``with FakeKubernetes() as kube:`` starts it on a free 127.0.0.1 port; ``kube.kubeconfig()``,
    ``kube.api_client()`` and ``kube.airflow_connection_env()`` point clients at it.
    """

    def __init__(
        self,
        *,
        namespaces: tuple[str, ...] = ("default",),
        token: str | None = "fake-token",
        node_name: str = "fake-node",
        node_allocatable: Mapping[str, str] | None = None,
        node_labels: Mapping[str, str] | None = None,
        scenario: Scenario | Callable[[JsonDict], Scenario | None] | None = None,
        history_size: int = 4000,
    ) -> None:
        self.store = Store(history_size)
        self.cond = self.store.cond
        self.token = token
        self.node_name = node_name
        self.host_ip = "10.89.0.2"
        self.node_allocatable = dict(node_allocatable or DEFAULT_ALLOCATABLE)
        self.node_labels = {
            "kubernetes.io/hostname": node_name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            **(node_labels or {}),
        }
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.image_cache: set[str] = set()
        self.mount_owners: dict[str, str] = {}
        self._collecting_garbage = False
        self.stopping = False
        self.too_large_rv_wait = 3.0  # how long a list waits for a future resourceVersion before 504
        self._default_scenario = scenario
        self._rules: list[_Rule] = []
        self._faults: list[_Fault] = []
        self._workers: dict[str, PodWorker] = {}
        self._logs: dict[tuple[str, str], list[ContainerLog]] = {}
        self._pod_uids: dict[tuple[str, str], list[str]] = {}
        self._released: set[str] = set()
        self._event_keys: dict[tuple, str] = {}
        self._processes: list[subprocess.Popen] = []
        self._ip_counter = 10
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.tmp_root = Path(tempfile.mkdtemp(prefix="fake-k8s-"))
        for namespace in ("kube-system", "kube-public", "kube-node-lease", *namespaces):
            self.create_namespace(namespace)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeKubernetes:
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-kube-api",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end streams and kill every process the fake kubelet started."""
        with self.cond:
            if self.stopping:
                return
            self.stopping = True
            self.cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            with self._server.connections_lock:
                connections = list(self._server.connections)
            for conn in connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._server.server_close()
        for proc in self._processes:
            with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        for worker in list(self._workers.values()):
            worker.cleanup(wait=10)
        shutil.rmtree(self.tmp_root, ignore_errors=True)

    def __enter__(self) -> FakeKubernetes:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeKubernetes is not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- client configuration ----------------------------------------------------------------------

    def kubeconfig(self, namespace: str = "default") -> JsonDict:
        """A kubeconfig (as a dict) whose current context points at this server."""
        user: JsonDict = {"token": self.token} if self.token else {}
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "fake", "user": user}],
            "contexts": [
                {"name": "fake", "context": {"cluster": "fake", "user": "fake", "namespace": namespace}}
            ],
            "current-context": "fake",
            "preferences": {},
        }

    def write_kubeconfig(self, path: str | Path, namespace: str = "default") -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.kubeconfig(namespace), indent=2))
        return path

    def airflow_connection(
        self, *, namespace: str | None = None, kube_config_path: str | Path | None = None
    ) -> JsonDict:
        """The cncf-kubernetes connection (JSON form): ``extra.kube_config`` or ``extra.kube_config_path``."""
        extra: JsonDict = {}
        if kube_config_path is not None:
            extra["kube_config_path"] = str(self.write_kubeconfig(kube_config_path))
        else:
            extra["kube_config"] = self.kubeconfig()
        if namespace:
            extra["namespace"] = namespace
        return {"conn_type": "kubernetes", "extra": extra}

    def airflow_connection_env(self, conn_id: str = "kubernetes_default", **kwargs: Any) -> dict[str, str]:
        """``{"AIRFLOW_CONN_<ID>": json}`` for Airflow's environment-variable secrets backend."""
        return {f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(self.airflow_connection(**kwargs))}

    def api_client(self):
        """A ``kubernetes.client.ApiClient`` for this server (not touching the global default config)."""
        from kubernetes import config

        return config.new_client_from_config_dict(self.kubeconfig())

    def core_v1(self):
        from kubernetes import client

        return client.CoreV1Api(self.api_client())

    async def async_api_client(self):
        """A ``kubernetes_asyncio.client.ApiClient`` for this server."""
        from kubernetes_asyncio import config

        return await config.new_client_from_config_dict(self.kubeconfig())

    # --- scenarios ------------------------------------------------------------------------------

    def set_scenario(self, scenario: Scenario | Callable[[JsonDict], Scenario | None] | None) -> None:
        """The scenario for pods no :meth:`add_scenario` rule matches (default: ``Scripted()``)."""
        self._default_scenario = scenario

    def add_scenario(
        self,
        scenario: Scenario | Callable[[JsonDict], Scenario | None],
        *,
        selector: str | None = None,
        match: Callable[[JsonDict], bool] | None = None,
        name: str | None = None,
    ) -> None:
        """Use ``scenario`` for pods matching a label ``selector``, a ``match(pod)`` or a pod ``name``.

        Rules are tried in the order they were added; the first that matches wins.
        """
        requirements = parse_label_selector(selector) if selector else []
        self._rules.append(_Rule(scenario, selector, match, name, requirements))

    def _scenario_for(self, pod: JsonDict) -> Scenario:
        candidates = [
            rule.scenario
            for rule in self._rules
            if (rule.selector is None or labels_match(rule.requirements, pod))
            and (rule.match is None or rule.match(pod))
            and (rule.name is None or rule.name == pod["metadata"]["name"])
        ]
        candidates.append(self._default_scenario)
        for candidate in candidates:
            if candidate is None:
                continue
            chosen = candidate if isinstance(candidate, Scenario) else candidate(deep_copy(pod))
            if isinstance(chosen, Scenario):
                return chosen
        return Scripted()

    # --- fault injection --------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        method: str | None = None,
        path: str | None = None,
        count: int = 1,
        reason: str | None = None,
        message: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests (``path`` is a regex) with an error Status."""
        defaults = {
            401: ("Unauthorized", "Unauthorized"),
            403: ("Forbidden", "forbidden"),
            404: ("NotFound", "the server could not find the requested resource"),
            409: ("Conflict", "conflict"),
            429: ("TooManyRequests", "Too many requests, please try again later."),
            500: ("InternalError", "Internal error occurred: injected by FakeKubernetes.fail_next"),
            503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504: ("Timeout", "Timeout: request did not complete within requested timeout"),
        }
        default_reason, default_message = defaults.get(status, ("InternalError", "injected error"))
        with self.cond:
            self._faults.append(
                _Fault(
                    status,
                    method.upper() if method else None,
                    re.compile(path) if path else None,
                    count,
                    reason or default_reason,
                    message or default_message,
                    retry_after,
                )
            )

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        with self.cond:
            for fault in self._faults:
                if fault.remaining <= 0:
                    continue
                if fault.method and fault.method != method:
                    continue
                if fault.path and not fault.path.search(path):
                    continue
                fault.remaining -= 1
                return fault
        return None

    def compact(self) -> None:
        """Compact the history: watches from an older resourceVersion get 410 Expired."""
        self.store.compact()

    # --- direct object access for tests -----------------------------------------------------------------

    def create_namespace(self, name: str, labels: Mapping[str, str] | None = None) -> JsonDict:
        """``labels`` e.g. ``{"pod-security.kubernetes.io/enforce": "restricted"}``."""
        with self.cond:
            existing = self.store.get("namespaces", "", name)
            if existing:
                return deep_copy(existing)
            metadata: JsonDict = {"name": name}
            if labels:
                metadata["labels"] = dict(labels)
            return self._create("namespaces", "", {"metadata": metadata}, {})

    def create_secret(
        self,
        name: str,
        data: Mapping[str, str | bytes] | None = None,
        *,
        namespace: str = "default",
        type: str = "Opaque",
        labels: Mapping[str, str] | None = None,
    ) -> JsonDict:
        """Create a Secret; ``data`` values are plain text or bytes (encoded here)."""
        encoded = {
            key: base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
            for key, value in (data or {}).items()
        }
        body = {"metadata": {"name": name, "labels": dict(labels or {})}, "type": type, "data": encoded}
        with self.cond:
            return self._create("secrets", namespace, body, {})

    def create_config_map(
        self, name: str, data: Mapping[str, str] | None = None, *, namespace: str = "default"
    ) -> JsonDict:
        with self.cond:
            return self._create(
                "configmaps", namespace, {"metadata": {"name": name}, "data": dict(data or {})}, {}
            )

    def create_pvc(
        self,
        name: str,
        *,
        storage: str = "1Gi",
        namespace: str = "default",
        access_modes: tuple[str, ...] = ("ReadWriteOnce",),
    ) -> JsonDict:
        body = {
            "metadata": {"name": name},
            "spec": {"accessModes": list(access_modes), "resources": {"requests": {"storage": storage}}},
        }
        with self.cond:
            return self._create("persistentvolumeclaims", namespace, body, {})

    def get(self, resource: str, name: str, namespace: str = "default") -> JsonDict | None:
        with self.cond:
            obj = self.store.get(resource, "" if resource == "namespaces" else namespace, name)
            return deep_copy(obj) if obj is not None else None

    def get_pod(self, name: str, namespace: str = "default") -> JsonDict | None:
        return self.get("pods", name, namespace)

    def pods(self, namespace: str | None = None) -> list[JsonDict]:
        with self.cond:
            return deep_copy(self.store.list("pods", namespace))

    def events(self, namespace: str | None = "default", *, pod: str | None = None) -> list[JsonDict]:
        with self.cond:
            events = deep_copy(self.store.list("events", namespace))
        if pod is not None:
            events = [e for e in events if (e.get("involvedObject") or {}).get("name") == pod]
        return sorted(events, key=lambda e: int(e["metadata"]["resourceVersion"]))

    def pod_logs(self, name: str, container: str | None = None, namespace: str = "default") -> str:
        """Everything a container of the most recent pod with this name printed (even once deleted)."""
        with self.cond:
            uids = self._pod_uids.get((namespace, name)) or []
            if not uids:
                raise KeyError(f"no pod {namespace}/{name} was ever created")
            uid = uids[-1]
            names = [key[1] for key in self._logs if key[0] == uid]
            if container is None:
                if len(set(names)) != 1:
                    raise KeyError(f"pod {name} has containers {sorted(set(names))}: name one")
                container = names[0]
            instances = self._logs.get((uid, container)) or []
            return "".join(instance.text() for instance in instances)

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, message: str = "condition"
    ) -> Any:
        """Wait (on the fake's change notifications, not by polling) until ``predicate()`` is truthy."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {message}")
                self.cond.wait(min(remaining, 0.5))

    def wait_for_pod(
        self,
        name: str,
        *,
        phase: str | None = None,
        namespace: str = "default",
        timeout: float = 10.0,
        predicate: Callable[[JsonDict], bool] | None = None,
    ) -> JsonDict:
        """Wait until the pod exists (in ``phase``, and satisfying ``predicate``); return a copy."""

        def check() -> JsonDict | None:
            pod = self.store.get("pods", namespace, name)
            if pod is None:
                return None
            if phase is not None and (pod.get("status") or {}).get("phase") != phase:
                return None
            if predicate is not None and not predicate(pod):
                return None
            return deep_copy(pod)

        return self.wait_for(check, timeout, f"pod {namespace}/{name} phase={phase}")

    def wait_for_pod_deleted(self, name: str, *, namespace: str = "default", timeout: float = 10.0) -> None:
        self.wait_for(
            lambda: self.store.get("pods", namespace, name) is None,
            timeout,
            f"pod {namespace}/{name} to be deleted",
        )

    def requests_to(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        pattern = re.compile(path) if path else None
        with self.cond:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (pattern is None or pattern.search(r.path))
            ]

    # --- used by the kubelet -------------------------------------------------------------------

    def next_pod_ip(self) -> str:
        with self.cond:
            self._ip_counter += 1
            return f"10.244.0.{self._ip_counter % 250 + 2}"

    def new_log(self, uid: str, container: str) -> ContainerLog:
        with self.cond:
            out = ContainerLog()
            self._logs.setdefault((uid, container), []).append(out)
            return out

    def track_process(self, proc: subprocess.Popen) -> None:
        with self.cond:
            self._processes.append(proc)

    def pvc_dir(self, namespace: str, claim: str) -> Path:
        path = self.tmp_root / "pvcs" / namespace / claim
        path.mkdir(parents=True, exist_ok=True)
        return path

    def pod_active(self, uid: str) -> bool:
        with self.cond:
            for pod in self.store.list("pods"):
                if pod["metadata"].get("uid") == uid:
                    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        return False

    def scheduling_problem(self, pod: JsonDict, scenario: Scenario) -> str | None:
        if scenario.unschedulable:
            return scenario.unschedulable
        namespace = pod["metadata"]["namespace"]
        spec = pod.get("spec") or {}
        not_helpful = "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        for volume in spec.get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and self.store.get("persistentvolumeclaims", namespace, claim) is None:
                return f'0/1 nodes are available: persistentvolumeclaim "{claim}" not found. {not_helpful}'
        for key, value in (spec.get("nodeSelector") or {}).items():
            if self.node_labels.get(key) != value:
                return f"0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. {not_helpful}"
        insufficient = []
        for resource in ("cpu", "memory"):

            def request(container: JsonDict, resource: str = resource) -> Decimal:
                value = ((container.get("resources") or {}).get("requests") or {}).get(resource)
                return parse_quantity(value) if value is not None else Decimal(0)

            main = sum((request(c) for c in spec.get("containers") or []), Decimal(0))
            init = max((request(c) for c in spec.get("initContainers") or []), default=Decimal(0))
            if max(main, init) > parse_quantity(self.node_allocatable.get(resource, "0")):
                insufficient.append(f"1 Insufficient {resource}")
        if insufficient:
            return (
                f"0/1 nodes are available: {', '.join(insufficient)}. preemption: 0/1 nodes are available: "
                "1 No preemption victims found for incoming pod."
            )
        return None

    def record_event(
        self, pod: JsonDict, reason: str, message: str, type_: str, field_path: str | None, component: str
    ) -> None:
        with self.cond:
            namespace = pod["metadata"]["namespace"]
            key = (namespace, pod["metadata"]["uid"], field_path, reason, message, type_, component)
            now = time.time()
            existing_name = self._event_keys.get(key)
            existing = self.store.get("events", namespace, existing_name) if existing_name else None
            if existing is not None and component == "kubelet":
                updated = deep_copy(existing)
                updated["count"] = updated.get("count", 1) + 1
                updated["lastTimestamp"] = rfc3339(now)
                self.store.put("events", namespace, existing_name, updated)
                return
            name = f"{pod['metadata']['name']}.{time.time_ns():x}"
            while self.store.get("events", namespace, name) is not None:
                name = f"{pod['metadata']['name']}.{time.time_ns() + 1:x}"
            involved: JsonDict = {
                "kind": "Pod",
                "namespace": namespace,
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
                "apiVersion": "v1",
                "resourceVersion": pod["metadata"].get("resourceVersion", ""),
            }
            if field_path:
                involved["fieldPath"] = field_path
            event: JsonDict = {
                "kind": "Event",
                "apiVersion": "v1",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "uid": new_uid(),
                    "creationTimestamp": rfc3339(now),
                },
                "involvedObject": involved,
                "reason": reason,
                "message": message,
            }
            if component == SCHEDULER:
                # the scheduler records through events.k8s.io/v1: no first/lastTimestamp, an eventTime
                event.update(
                    source={},
                    firstTimestamp=None,
                    lastTimestamp=None,
                    type=type_,
                    eventTime=rfc3339_micro(now),
                    action="Binding" if reason == "Scheduled" else "Scheduling",
                    reportingComponent=SCHEDULER,
                    reportingInstance=f"{SCHEDULER}-{self.node_name}",
                )
            else:
                event.update(
                    source={"component": component, "host": self.node_name},
                    firstTimestamp=rfc3339(now),
                    lastTimestamp=rfc3339(now),
                    count=1,
                    type=type_,
                    eventTime=None,
                    reportingComponent=component,
                    reportingInstance=self.node_name,
                )
            self.store.put("events", namespace, name, event)
            self._event_keys[key] = name

    def finalize_pod_deletion(self, namespace: str, name: str, uid: str) -> None:
        """The kubelet has stopped every container of a terminating pod: the pod may go."""
        with self.cond:
            pod = self.store.get("pods", namespace, name)
            if pod is None or pod["metadata"].get("uid") != uid:
                return
            self._released.add(uid)
            if not pod["metadata"].get("finalizers"):
                self._remove("pods", namespace, name)

    def _remove(
        self, resource: str, namespace: str, name: str, final: JsonDict | None = None
    ) -> JsonDict | None:
        with self.cond:
            final = self.store.remove(resource, namespace, name, final)
            if final is not None and resource == "pods":
                worker = self._workers.get(final["metadata"].get("uid", ""))
                if worker is not None:
                    threading.Thread(
                        target=worker.cleanup, name=f"kubelet-cleanup-{name}", daemon=True
                    ).start()
            if final is not None:
                self._collect_garbage(namespace)
            return final

    def _collect_garbage(self, namespace: str) -> None:
        """The garbage collector, background propagation: a dependent whose owners (by ``uid``)
        are all gone is deleted like a DELETE would; one that keeps an owner loses the references
        to the gone ones. Owners of kinds this fake does not serve count as present, since the
        real collector cannot resolve them either. Runs at once here; a real cluster takes a moment.
        """
        if not namespace or self._collecting_garbage:
            return
        self._collecting_garbage = True
        try:
            acted = True
            while acted:
                acted = False
                for resource, (_, namespaced) in CORE_RESOURCES.items():
                    for obj in self.store.list(resource, namespace) if namespaced else ():
                        acted = self._collect_dependent(resource, namespace, obj) or acted
        finally:
            self._collecting_garbage = False

    def _collect_dependent(self, resource: str, namespace: str, obj: JsonDict) -> bool:
        metadata = obj["metadata"]
        references = metadata.get("ownerReferences") or []
        present = [reference for reference in references if self._owner_present(namespace, reference)]
        if len(present) == len(references):
            return False
        if present:
            kept = deep_copy(obj)
            kept["metadata"]["ownerReferences"] = present
            self.store.put(resource, namespace, metadata["name"], kept)
            return True
        if metadata.get("deletionTimestamp"):
            return False  # going already
        self._delete(resource, namespace, metadata["name"], {}, {})
        return True

    def _owner_present(self, namespace: str, reference: JsonDict) -> bool:
        resources = {kind: (plural, namespaced) for plural, (kind, namespaced) in CORE_RESOURCES.items()}
        if reference.get("apiVersion") != "v1" or reference.get("kind") not in resources:
            return True
        plural, namespaced = resources[reference["kind"]]
        owner = self.store.get(plural, namespace if namespaced else "", reference.get("name", ""))
        return owner is not None and owner["metadata"].get("uid") == reference.get("uid")

    # --- API operations ------------------------------------------------------------------------

    def _check_namespace(self, namespace: str) -> None:
        if namespace and self.store.get("namespaces", "", namespace) is None:
            raise not_found("namespaces", namespace)

    def _create(self, resource: str, namespace: str, body: Any, query: Mapping[str, str]) -> JsonDict:
        kind = CORE_RESOURCES[resource][0]
        if not isinstance(body, dict):
            raise bad_request(
                f'{kind} in version "v1" cannot be handled as a {kind}: the body must be a JSON object'
            )
        obj = deep_copy(body)
        metadata = obj.get("metadata")
        if metadata is None:
            metadata = obj["metadata"] = {}
        if not isinstance(metadata, dict):
            raise bad_request(
                f'{kind} in version "v1" cannot be handled as a {kind}: metadata must be an object'
            )
        if namespace:
            if metadata.get("namespace") and metadata["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            metadata["namespace"] = namespace
            self._check_namespace(namespace)
        else:
            metadata.pop("namespace", None)
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = metadata["generateName"] + generate_name_suffix()
        name = metadata.get("name") or ""
        for transient in (
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
        ):
            metadata.pop(transient, None)
        errors = self._default_and_validate(resource, obj)
        if errors:
            raise v.invalid(kind, name, errors)
        if resource == "pods":
            account = obj["spec"]["serviceAccountName"]
            if self.store.get("serviceaccounts", namespace, account) is None:
                raise forbidden(
                    "pods",
                    name,
                    f'error looking up service account {namespace}/{account}: serviceaccount "{account}" not found',
                )
            self._inject_service_account_volume(obj)
            refusal = admission_error(self.store.get("namespaces", "", namespace), obj)
            if refusal is not None:
                raise refusal
        if self.store.get(resource, namespace, name) is not None:
            raise already_exists(resource, name)
        metadata["uid"] = new_uid()
        metadata["creationTimestamp"] = rfc3339()
        ordered: JsonDict = {"kind": kind, "apiVersion": "v1", "metadata": metadata}
        ordered.update(
            {k: val for k, val in obj.items() if k not in ("kind", "apiVersion", "metadata", "status")}
        )
        if resource == "pods":
            ordered["status"] = {"phase": "Pending", "qosClass": v.qos_class(ordered["spec"])}
        elif resource == "namespaces":
            ordered["spec"] = {"finalizers": ["kubernetes"]}
            ordered["status"] = {"phase": "Active"}
            metadata.setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        elif resource == "persistentvolumeclaims":
            ordered["status"] = {"phase": "Pending"}
        if query.get("dryRun") == "All":
            return ordered
        stored = self.store.put(resource, namespace, name, ordered)
        if resource == "namespaces":
            self._create("serviceaccounts", name, {"metadata": {"name": "default"}}, {})
            self._create(
                "configmaps",
                name,
                {
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "annotations": {
                            "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
                        },
                    },
                    "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n"},
                },
                {},
            )
        elif resource == "persistentvolumeclaims":
            bound = deep_copy(stored)
            bound["spec"]["volumeName"] = f"pvc-{metadata['uid']}"
            bound["spec"].setdefault("storageClassName", "standard")
            bound["status"] = {
                "phase": "Bound",
                "accessModes": bound["spec"].get("accessModes", []),
                "capacity": {"storage": bound["spec"]["resources"]["requests"]["storage"]},
            }
            stored = self.store.put(resource, namespace, name, bound)
        elif resource == "pods":
            self._pod_uids.setdefault((namespace, name), []).append(metadata["uid"])
            worker = PodWorker(self, stored, self._scenario_for(stored))
            self._workers[metadata["uid"]] = worker
            worker.start()
        if metadata.get("ownerReferences"):
            self._collect_garbage(namespace)
        return stored

    def _inject_service_account_volume(self, pod: JsonDict) -> None:
        spec = pod["spec"]
        if spec.get("automountServiceAccountToken") is False:
            return
        volume_name = f"kube-api-access-{generate_name_suffix()}"
        spec.setdefault("volumes", []).append(
            {
                "name": volume_name,
                "projected": {
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {
                            "configMap": {
                                "name": "kube-root-ca.crt",
                                "items": [{"key": "ca.crt", "path": "ca.crt"}],
                            }
                        },
                        {
                            "downwardAPI": {
                                "items": [
                                    {
                                        "path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    }
                                ]
                            }
                        },
                    ],
                    "defaultMode": 420,
                },
            }
        )
        for _, _, container in v.all_containers(spec):
            mounts = container.setdefault("volumeMounts", [])
            if not any(m.get("mountPath") == v.SERVICE_ACCOUNT_MOUNT for m in mounts):
                mounts.append({"name": volume_name, "readOnly": True, "mountPath": v.SERVICE_ACCOUNT_MOUNT})

    def _default_and_validate(self, resource: str, obj: JsonDict) -> list[v.FieldError]:
        if resource == "pods":
            v.default_pod(obj)
            return v.validate_pod(obj)
        if resource == "secrets":
            return v.default_and_validate_secret(obj)
        if resource == "configmaps":
            return v.validate_config_map(obj)
        if resource == "persistentvolumeclaims":
            return v.default_and_validate_pvc(obj)
        if resource == "namespaces":
            return v.validate_namespace(obj)
        return v.validate_generic(obj)

    def _get(self, resource: str, namespace: str, name: str, group: str = "") -> JsonDict:
        obj = self.store.get(resource, namespace, name)
        if obj is None:
            raise not_found(resource, name, group)
        return obj

    def _update(
        self,
        resource: str,
        namespace: str,
        name: str,
        new: JsonDict,
        *,
        subresource: str = "",
        query: Mapping[str, str] | None = None,
    ) -> JsonDict:
        """Replace an object (PUT, or the result of a PATCH) with the API server's checks."""
        kind = CORE_RESOURCES[resource][0]
        old = self._get(resource, namespace, name)
        if not isinstance(new, dict) or not isinstance(new.get("metadata", {}), dict):
            raise bad_request(
                f'{kind} in version "v1" cannot be handled as a {kind}: the body must be a JSON object'
            )
        new = deep_copy(new)
        metadata = new.setdefault("metadata", {})
        if metadata.get("name") not in (None, name):
            raise bad_request(
                f"the name of the object ({metadata['name']}) does not match the name on the URL ({name})"
            )
        if namespace and metadata.get("namespace") not in (None, namespace):
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        requested_rv = metadata.get("resourceVersion")
        if requested_rv and requested_rv != old["metadata"]["resourceVersion"]:
            raise conflict(
                resource,
                name,
                "the object has been modified; please apply your changes to the latest version and try again",
            )
        old_meta = old["metadata"]
        for key in (
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generateName",
        ):
            if key in old_meta:
                metadata[key] = old_meta[key]
            else:
                metadata.pop(key, None)
        new["kind"], new["apiVersion"] = kind, "v1"
        if subresource == "status":
            merged = deep_copy(old)
            merged["status"] = new.get("status") or {}
            new = merged
        else:
            if "status" in old:
                new["status"] = deep_copy(old["status"])
            if resource == "pods":
                errors = v.pod_update_errors(old, new)
            else:
                errors = self._default_and_validate(resource, new)
            if errors:
                raise v.invalid(kind, name, errors)
        if (query or {}).get("dryRun") == "All":
            return new
        ordered = {"kind": kind, "apiVersion": "v1", "metadata": new["metadata"]}
        ordered.update({k: val for k, val in new.items() if k not in ordered})
        stored = self.store.put(resource, namespace, name, ordered)
        if stored["metadata"].get("ownerReferences"):
            self._collect_garbage(namespace)
        releasable = resource != "pods" or stored["metadata"]["uid"] in self._released
        if (
            stored["metadata"].get("deletionTimestamp")
            and not stored["metadata"].get("finalizers")
            and releasable
        ):
            self._remove(resource, namespace, name)
        return stored

    def _delete(
        self, resource: str, namespace: str, name: str, options: JsonDict, query: Mapping[str, str]
    ) -> tuple[int, JsonDict]:
        obj = self._get(resource, namespace, name)
        metadata = obj["metadata"]
        preconditions = options.get("preconditions") or {}
        if preconditions.get("uid") and preconditions["uid"] != metadata.get("uid"):
            raise conflict(
                resource,
                name,
                f"Precondition failed: UID in precondition: {preconditions['uid']}, UID in object meta: {metadata.get('uid')}",
            )
        if preconditions.get("resourceVersion") and preconditions["resourceVersion"] != metadata.get(
            "resourceVersion"
        ):
            raise conflict(
                resource,
                name,
                f"Precondition failed: ResourceVersion in precondition: {preconditions['resourceVersion']}, "
                f"ResourceVersion in object meta: {metadata.get('resourceVersion')}",
            )
        dry_run = query.get("dryRun") == "All" or options.get("dryRun") == ["All"]
        grace = _int(query, "gracePeriodSeconds")
        if grace is None and options.get("gracePeriodSeconds") is not None:
            grace = int(options["gracePeriodSeconds"])
        if resource != "pods":
            if dry_run:
                return 200, obj
            if metadata.get("finalizers"):
                marked = deep_copy(obj)
                marked["metadata"].setdefault("deletionTimestamp", rfc3339())
                marked["metadata"].setdefault("deletionGracePeriodSeconds", 0)
                return 200, self.store.put(resource, namespace, name, marked)
            if resource == "namespaces":
                for other in list(CORE_RESOURCES):
                    if CORE_RESOURCES[other][1]:
                        for item in self.store.list(other, name):
                            self._remove(other, name, item["metadata"]["name"])
                final = self._remove(resource, namespace, name) or obj
                final = deep_copy(final)
                final["status"] = {"phase": "Terminating"}
                return 200, final
            self._remove(resource, namespace, name)
            return 200, {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {"name": name, "kind": resource, "uid": metadata.get("uid")},
            }
        spec = obj.get("spec") or {}
        phase = (obj.get("status") or {}).get("phase")
        if grace is None:
            grace = int(spec.get("terminationGracePeriodSeconds", 30))
        if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
            grace = 0
        if dry_run:
            return 200, obj
        now = time.time()
        if metadata.get("deletionTimestamp"):
            current = metadata.get("deletionGracePeriodSeconds", 0)
            if grace >= current:
                return 200, obj
        marked = deep_copy(obj)
        marked["metadata"]["deletionTimestamp"] = rfc3339(now + grace)
        marked["metadata"]["deletionGracePeriodSeconds"] = grace
        if grace == 0:
            self._released.add(metadata["uid"])  # nothing for the kubelet to wait for
            if not metadata.get("finalizers"):
                return 200, self._remove("pods", namespace, name, final=marked) or marked
        return 200, self.store.put("pods", namespace, name, marked)

    def _list(
        self, resource: str, namespace: str | None, query: Mapping[str, str], group: str = ""
    ) -> JsonDict:
        labels = parse_label_selector(query.get("labelSelector"))
        aliases = {
            f"regarding.{f}": f"involvedObject.{f}"
            for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
        }
        fields = parse_field_selector(query.get("fieldSelector"), resource, aliases if group else None)
        rv = query.get("resourceVersion")
        match = query.get("resourceVersionMatch")
        if match and not rv:
            raise bad_request("resourceVersionMatch is forbidden unless resourceVersion is provided")
        if match and match not in ("Exact", "NotOlderThan"):
            raise v.invalid(
                "ListOptions",
                "",
                [
                    v.FieldError(
                        "NotSupported",
                        "resourceVersionMatch",
                        match,
                        'supported values: "Exact", "NotOlderThan"',
                    )
                ],
            )
        if rv and rv != "0":
            try:
                wanted = int(rv)
            except ValueError:
                raise bad_request(f'invalid resource version "{rv}"') from None
            deadline = time.monotonic() + self.too_large_rv_wait
            while wanted > self.store.resource_version and time.monotonic() < deadline:
                self.cond.wait(0.1)
            if wanted > self.store.resource_version:
                raise ApiError(
                    504,
                    "Timeout",
                    f"Timeout: Too large resource version: {wanted}, current: {self.store.resource_version}",
                    {
                        "causes": [
                            {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
                        ],
                        "retryAfterSeconds": 1,
                    },
                )
            if match == "Exact" and wanted != self.store.resource_version:
                raise ApiError(
                    410, "Expired", f"too old resource version: {wanted} ({self.store.resource_version})"
                )
        items = [
            obj
            for obj in self.store.list(resource, namespace)
            if labels_match(labels, obj) and fields_match(fields, obj)
        ]
        start = 0
        token = query.get("continue")
        if token:
            try:
                state = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
                after = (state["ns"], state["name"])
            except (ValueError, KeyError, TypeError):
                raise bad_request("continue key is not valid: illegal base64 data at input byte 0") from None
            start = next(
                (
                    i
                    for i, obj in enumerate(items)
                    if (obj["metadata"].get("namespace", ""), obj["metadata"]["name"]) > after
                ),
                len(items),
            )
        items = items[start:]
        list_meta: JsonDict = {"resourceVersion": str(self.store.resource_version)}
        limit = _int(query, "limit")
        if limit and limit > 0 and len(items) > limit:
            last = items[limit - 1]["metadata"]
            list_meta["continue"] = base64.urlsafe_b64encode(
                json.dumps(
                    {"ns": last.get("namespace", ""), "name": last["name"], "rv": self.store.resource_version}
                ).encode()
            ).decode()
            list_meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        out_items = []
        for obj in items:
            item = to_events_v1(obj) if group == EVENTS_GROUP else deep_copy(obj)
            item.pop("kind", None)
            item.pop("apiVersion", None)
            out_items.append(item)
        kind = _kind_of(resource, group)
        return {
            "kind": f"{kind}List",
            "apiVersion": _api_version(group),
            "metadata": list_meta,
            "items": out_items,
        }


# --- HTTP ----------------------------------------------------------------------------------------

_NS = r"(?P<ns>[^/]+)"
_NAME = r"(?P<name>[^/]+)"
_RES = r"(?P<res>[a-z]+)"
ROUTES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^/version$"), "version"),
    (re.compile(r"^/(healthz|livez|readyz)$"), "health"),
    (re.compile(r"^/api$"), "api"),
    (re.compile(r"^/api/v1$"), "api_v1"),
    (re.compile(r"^/apis$"), "apis"),
    (re.compile(r"^/apis/events\.k8s\.io$"), "events_group"),
    (re.compile(r"^/apis/events\.k8s\.io/v1$"), "events_v1"),
    (
        re.compile(
            rf"^/api/v1/namespaces/{_NS}/pods/{_NAME}/(?P<sub>log|status|exec|attach|portforward|eviction|binding|proxy|ephemeralcontainers|resize)$"
        ),
        "pod_sub",
    ),
    (re.compile(rf"^/api/v1/namespaces/{_NS}/{_RES}/{_NAME}$"), "object"),
    (re.compile(rf"^/api/v1/namespaces/{_NS}/{_RES}$"), "collection"),
    (re.compile(rf"^/api/v1/namespaces/{_NAME}$"), "namespace"),
    (re.compile(rf"^/api/v1/{_RES}$"), "all_namespaces"),
    (re.compile(rf"^/apis/events\.k8s\.io/v1/namespaces/{_NS}/events/{_NAME}$"), "ev_object"),
    (re.compile(rf"^/apis/events\.k8s\.io/v1/namespaces/{_NS}/events$"), "ev_collection"),
    (re.compile(r"^/apis/events\.k8s\.io/v1/events$"), "ev_all"),
]


class _ClientGone(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeKubernetes/1.33"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    @property
    def fake(self) -> FakeKubernetes:
        return self.server.fake

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # --- plumbing ------------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type")
        body: Any = None
        self._record = RecordedRequest(method, path, query, content_type, None)
        with self.fake.cond:
            self.fake.requests.append(self._record)
        try:
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise bad_request(
                        f"couldn't get version/kind; json parse error: invalid character in {raw[:40]!r}"
                    ) from None
                self._record.body = body
            public = path in ("/healthz", "/livez", "/readyz", "/version")
            if (
                not public
                and self.fake.token
                and self.headers.get("Authorization") != f"Bearer {self.fake.token}"
            ):
                raise ApiError(401, "Unauthorized", "Unauthorized")
            fault = self.fake._take_fault(method, path)
            if fault is not None:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                details = {"retryAfterSeconds": fault.retry_after} if fault.retry_after is not None else None
                raise ApiError(fault.status, fault.reason, fault.message, details, headers)
            self._route(method, path, query, body, content_type)
        except ApiError as exc:
            self._send_json(exc.code, exc.status(), exc.headers)
        except _ClientGone:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug in the fake: answer like the API server would, and keep it
            log.exception("FakeKubernetes failed on %s %s", method, self.path)
            self.fake.errors.append(exc)
            with contextlib.suppress(OSError):
                self._send_json(
                    500, ApiError(500, "InternalError", f"Internal error occurred: {exc}").status()
                )

    def _send_json(self, code: int, obj: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(obj).encode() + b"\n"
        self._record.status = code
        self.send_response(code)
        self.send_header("Audit-Id", new_uid())
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_text(self, code: int, text: str) -> None:
        data = text.encode()
        self._record.status = code
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_chunked(self, content_type: str) -> None:
        self._record.status = 200
        self.send_response(200)
        self.send_header("Audit-Id", new_uid())
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        if not data:
            return
        try:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise _ClientGone from exc

    def _end_chunked(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise _ClientGone from exc

    # --- routing -----------------------------------------------------------------------------

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any, content_type: str | None
    ) -> None:
        for pattern, route in ROUTES:
            match = pattern.match(path)
            if match:
                getattr(self, f"_r_{route}")(method, query, body, content_type, **match.groupdict())
                return
        if path.startswith("/api/") or path.startswith("/apis/"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        self._send_text(404, "404 page not found\n")

    def _resource(self, res: str) -> str:
        if res not in CORE_RESOURCES:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        return res

    def _r_version(self, method, query, body, content_type) -> None:
        self._send_json(200, K8S_VERSION)

    def _r_health(self, method, query, body, content_type) -> None:
        self._send_text(200, "ok")

    def _r_api(self, method, query, body, content_type) -> None:
        self._send_json(
            200,
            {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{self.fake.port}"}
                ],
            },
        )

    def _r_api_v1(self, method, query, body, content_type) -> None:
        verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
        resources = []
        for plural, (kind, namespaced) in CORE_RESOURCES.items():
            resources.append(
                {
                    "name": plural,
                    "singularName": kind.lower(),
                    "namespaced": namespaced,
                    "kind": kind,
                    "verbs": verbs,
                }
            )
        for sub, kind, sub_verbs in (
            ("log", "Pod", ["get"]),
            ("status", "Pod", ["get", "patch", "update"]),
            ("eviction", "Eviction", ["create"]),
            ("exec", "PodExecOptions", ["create", "get"]),
        ):
            resources.append(
                {
                    "name": f"pods/{sub}",
                    "singularName": "",
                    "namespaced": True,
                    "kind": kind,
                    "verbs": sub_verbs,
                }
            )
        self._send_json(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": resources})

    def _r_apis(self, method, query, body, content_type) -> None:
        version = {"groupVersion": f"{EVENTS_GROUP}/v1", "version": "v1"}
        self._send_json(
            200,
            {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [{"name": EVENTS_GROUP, "versions": [version], "preferredVersion": version}],
            },
        )

    def _r_events_group(self, method, query, body, content_type) -> None:
        version = {"groupVersion": f"{EVENTS_GROUP}/v1", "version": "v1"}
        self._send_json(
            200,
            {
                "kind": "APIGroup",
                "apiVersion": "v1",
                "name": EVENTS_GROUP,
                "versions": [version],
                "preferredVersion": version,
            },
        )

    def _r_events_v1(self, method, query, body, content_type) -> None:
        verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
        self._send_json(
            200,
            {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": f"{EVENTS_GROUP}/v1",
                "resources": [
                    {
                        "name": "events",
                        "singularName": "event",
                        "namespaced": True,
                        "kind": "Event",
                        "verbs": verbs,
                        "shortNames": ["ev"],
                    }
                ],
            },
        )

    def _r_all_namespaces(self, method, query, body, content_type, res) -> None:
        resource = self._resource(res)
        if resource == "namespaces":
            self._collection(method, "namespaces", "", query, body)
            return
        if method != "GET":
            raise method_not_allowed()
        self._list_or_watch(resource, None, query)

    def _r_namespace(self, method, query, body, content_type, name) -> None:
        self._object(method, "namespaces", "", name, query, body, content_type)

    def _r_collection(self, method, query, body, content_type, ns, res) -> None:
        self._collection(method, self._resource(res), ns, query, body)

    def _r_object(self, method, query, body, content_type, ns, res, name) -> None:
        self._object(method, self._resource(res), ns, name, query, body, content_type)

    def _collection(
        self, method: str, resource: str, namespace: str, query: dict[str, str], body: Any
    ) -> None:
        if method == "GET":
            self._list_or_watch(resource, namespace or None, query)
        elif method == "POST":
            with self.fake.cond:
                created = self.fake._create(resource, namespace, body, query)
            self._send_json(201, created)
        else:
            raise method_not_allowed()

    def _object(
        self,
        method: str,
        resource: str,
        namespace: str,
        name: str,
        query: dict[str, str],
        body: Any,
        content_type: str | None,
        subresource: str = "",
    ) -> None:
        fake = self.fake
        with fake.cond:
            if method == "GET":
                result = fake._get(resource, namespace, name)
                code = 200
            elif method == "PUT":
                result = fake._update(resource, namespace, name, body, subresource=subresource, query=query)
                code = 200
            elif method == "PATCH":
                patch_type = (content_type or "").split(";")[0].strip().lower()
                if patch_type not in SUPPORTED_PATCH_TYPES:
                    raise unsupported_media_type()
                current = fake._get(resource, namespace, name)
                patched = apply_patch(patch_type, current, body)
                patched_rv = (patched.get("metadata") or {}).get("resourceVersion")
                if patched_rv == current["metadata"]["resourceVersion"]:
                    patched["metadata"].pop("resourceVersion", None)
                result = fake._update(
                    resource, namespace, name, patched, subresource=subresource, query=query
                )
                code = 200
            elif method == "DELETE":
                if subresource:
                    raise method_not_allowed()
                code, result = fake._delete(
                    resource, namespace, name, body if isinstance(body, dict) else {}, query
                )
            else:
                raise method_not_allowed()
        self._send_json(code, result)

    def _r_pod_sub(self, method, query, body, content_type, ns, name, sub) -> None:
        if sub == "status":
            self._object(method, "pods", ns, name, query, body, content_type, subresource="status")
        elif sub == "log":
            if method != "GET":
                raise method_not_allowed()
            self._logs(ns, name, query)
        elif sub == "eviction":
            if method != "POST":
                raise method_not_allowed()
            options = (body or {}).get("deleteOptions") or {}
            with self.fake.cond:
                self.fake._delete("pods", ns, name, options, query)
            self._send_json(
                201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
            )
        elif sub in ("exec", "attach", "portforward"):
            with self.fake.cond:
                self.fake._get("pods", ns, name)
            raise bad_request("Upgrade request required")
        else:
            raise method_not_allowed()

    def _r_ev_object(self, method, query, body, content_type, ns, name) -> None:
        if method != "GET":
            raise method_not_allowed()
        with self.fake.cond:
            self._send_json(200, to_events_v1(self.fake._get("events", ns, name, EVENTS_GROUP)))

    def _r_ev_collection(self, method, query, body, content_type, ns) -> None:
        if method != "GET":
            raise method_not_allowed()
        self._list_or_watch("events", ns, query, EVENTS_GROUP)

    def _r_ev_all(self, method, query, body, content_type) -> None:
        if method != "GET":
            raise method_not_allowed()
        self._list_or_watch("events", None, query, EVENTS_GROUP)

    # --- list & watch ------------------------------------------------------------------------

    def _list_or_watch(
        self, resource: str, namespace: str | None, query: dict[str, str], group: str = ""
    ) -> None:
        if _bool(query.get("watch")):
            self._watch(resource, namespace, query, group)
            return
        with self.fake.cond:
            result = self.fake._list(resource, namespace, query, group)
        self._send_json(200, result)

    def _watch(self, resource: str, namespace: str | None, query: dict[str, str], group: str) -> None:
        fake = self.fake
        labels = parse_label_selector(query.get("labelSelector"))
        aliases = {f"regarding.{f}": f"involvedObject.{f}" for f in ("kind", "namespace", "name", "uid")}
        fields = parse_field_selector(query.get("fieldSelector"), resource, aliases if group else None)
        timeout = _int(query, "timeoutSeconds")
        deadline = time.monotonic() + (timeout if timeout is not None else WATCH_DEFAULT_TIMEOUT)
        rv_param = query.get("resourceVersion") or ""
        send_initial = _bool(query.get("sendInitialEvents"))
        bookmarks = _bool(query.get("allowWatchBookmarks"))

        def matches(obj: JsonDict | None) -> bool:
            return obj is not None and labels_match(labels, obj) and fields_match(fields, obj)

        def render(type_: str, obj: JsonDict) -> bytes:
            shown = to_events_v1(obj) if group == EVENTS_GROUP else obj
            return json.dumps({"type": type_, "object": shown}).encode() + b"\n"

        initial: list[bytes] = []
        with fake.cond:
            if rv_param in ("", "0") or send_initial:
                cursor = fake.store.resource_version
                if rv_param not in ("", "0") and send_initial:
                    cursor = max(cursor, int(rv_param))
                for obj in fake.store.list(resource, namespace):
                    if matches(obj):
                        initial.append(render("ADDED", obj))
                if send_initial and bookmarks:
                    kind = _kind_of(resource, group)
                    marker = {
                        "kind": kind,
                        "apiVersion": _api_version(group),
                        "metadata": {
                            "resourceVersion": str(cursor),
                            "annotations": {"k8s.io/initial-events-end": "true"},
                        },
                    }
                    initial.append(json.dumps({"type": "BOOKMARK", "object": marker}).encode() + b"\n")
            else:
                try:
                    cursor = int(rv_param)
                except ValueError:
                    raise bad_request(f'invalid resource version "{rv_param}"') from None
                if cursor < fake.store.compacted_revision:
                    gone = ApiError(
                        410,
                        "Expired",
                        f"too old resource version: {cursor} ({fake.store.compacted_revision + 1})",
                    ).status()
                    self._start_chunked("application/json")
                    self._chunk(json.dumps({"type": "ERROR", "object": gone}).encode() + b"\n")
                    self._end_chunked()
                    return
        self._start_chunked("application/json")
        self._chunk(b"".join(initial))
        while True:
            out: list[bytes] = []
            with fake.cond:
                changes = []
                while not fake.stopping:
                    changes = fake.store.changes_after(cursor, resource, namespace)
                    if changes:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    fake.cond.wait(min(remaining, 1.0))
                for change in changes:
                    cursor = change.rv
                    before, after = matches(change.previous), matches(change.obj)
                    if change.type == "ADDED" and after:
                        out.append(render("ADDED", change.obj))
                    elif change.type == "MODIFIED":
                        if before and after:
                            out.append(render("MODIFIED", change.obj))
                        elif before:
                            out.append(render("DELETED", change.obj))
                        elif after:
                            out.append(render("ADDED", change.obj))
                    elif change.type == "DELETED" and matches(change.previous):
                        out.append(render("DELETED", change.obj))
                done = fake.stopping or time.monotonic() >= deadline
            self._chunk(b"".join(out))
            if done:
                break
        self._end_chunked()

    # --- logs ----------------------------------------------------------------------------------

    def _logs(self, namespace: str, name: str, query: dict[str, str]) -> None:
        fake = self.fake
        follow = _bool(query.get("follow"))
        timestamps = _bool(query.get("timestamps"))
        previous = _bool(query.get("previous"))
        since_seconds = _int(query, "sinceSeconds")
        tail_lines = _int(query, "tailLines")
        limit_bytes = _int(query, "limitBytes")
        since_time = query.get("sinceTime")
        errors = []
        if since_seconds is not None and since_seconds < 1:
            errors.append(v.FieldError("Invalid", "sinceSeconds", since_seconds, "must be greater than 0"))
        if tail_lines is not None and tail_lines < 0:
            errors.append(
                v.FieldError("Invalid", "tailLines", tail_lines, "must be greater than or equal to 0")
            )
        if limit_bytes is not None and limit_bytes < 1:
            errors.append(v.FieldError("Invalid", "limitBytes", limit_bytes, "must be greater than 0"))
        if since_seconds is not None and since_time:
            errors.append(
                v.FieldError(
                    "Forbidden", "", detail="at most one of `sinceTime` or `sinceSeconds` may be specified"
                )
            )
        if errors:
            raise v.invalid("PodLogOptions", name, errors)
        since_ns: int | None = None
        if since_time:
            try:
                since_ns = parse_rfc3339_ns(since_time)
            except ValueError:
                raise bad_request(
                    f'parsing time "{since_time}" as "2006-01-02T15:04:05Z07:00": cannot parse'
                ) from None
        elif since_seconds is not None:
            since_ns = time.time_ns() - since_seconds * 1_000_000_000
        with fake.cond:
            pod = fake._get("pods", namespace, name)
            spec = pod.get("spec") or {}
            mains = [c["name"] for c in spec.get("containers") or []]
            inits = [c["name"] for c in spec.get("initContainers") or []]
            container = query.get("container") or ""
            if not container:
                if len(mains) == 1:
                    container = mains[0]
                elif not mains:
                    raise bad_request(f"a container name must be specified for pod {name}")
                else:
                    message = f"a container name must be specified for pod {name}, choose one of: [{' '.join(mains)}]"
                    if inits:
                        message += f" or one of the init containers: [{' '.join(inits)}]"
                    raise bad_request(message)
            elif container not in mains + inits:
                raise bad_request(f"container {container} is not valid for pod {name}")
            if not spec.get("nodeName"):
                self._start_chunked("text/plain")
                self._end_chunked()
                return
            status = pod.get("status") or {}
            statuses = (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or [])
            cstatus = next((s for s in statuses if s.get("name") == container), None)
            if cstatus is None:
                raise bad_request(f'container "{container}" in pod "{name}" is not available')
            instances = fake._logs.get((pod["metadata"]["uid"], container)) or []
            state = cstatus.get("state") or {}
            if previous:
                if not cstatus.get("lastState", {}).get("terminated") or len(instances) < 2:
                    raise bad_request(
                        f'previous terminated container "{container}" in pod "{name}" not found'
                    )
                instance = instances[-2]
            elif "waiting" in state and not instances:
                reason = (state.get("waiting") or {}).get("reason") or ""
                if reason == "ErrImagePull":
                    detail = ": image can't be pulled"
                elif reason == "ImagePullBackOff":
                    detail = ": trying and failing to pull image"
                else:
                    detail = f": {reason}"
                raise bad_request(f'container "{container}" in pod "{name}" is waiting to start{detail}')
            elif not instances:
                raise bad_request(f'container "{container}" in pod "{name}" is not available')
            else:
                instance = instances[-1]
            entries = list(instance.entries)
            if tail_lines is not None:
                entries = entries[-tail_lines:] if tail_lines else []
                index = len(instance.entries)
            else:
                index = 0
                entries = []
            follow = follow and not previous
        self._start_chunked("text/plain")
        sent = 0

        def emit(batch: list[tuple[int, bytes]]) -> bool:
            nonlocal sent
            data = bytearray()
            for ts_ns, line in batch:
                if since_ns is not None and ts_ns < since_ns:
                    continue
                data += (rfc3339_nano(ts_ns).encode() + b" " + line) if timestamps else line
            if limit_bytes is not None and sent + len(data) >= limit_bytes:
                self._chunk(bytes(data[: limit_bytes - sent]))
                sent = limit_bytes
                return False
            sent += len(data)
            self._chunk(bytes(data))
            return True

        if not emit(entries):
            self._end_chunked()
            return
        while True:
            with fake.cond:
                if follow:
                    while (
                        len(instance.entries) <= index
                        and not instance.finished
                        and not fake.stopping
                        and fake.store.get("pods", namespace, name) is not None
                    ):
                        fake.cond.wait(1.0)
                batch = instance.entries[index:]
                index += len(batch)
                done = (
                    not follow
                    or fake.stopping
                    or (instance.finished and index >= len(instance.entries))
                    or fake.store.get("pods", namespace, name) is None
                )
            if not emit(batch) or done:
                break
        self._end_chunked()


@contextlib.contextmanager
def running_fake(**kwargs: Any) -> Iterator[FakeKubernetes]:
    fake = FakeKubernetes(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
