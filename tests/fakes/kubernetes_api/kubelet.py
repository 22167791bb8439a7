"""The fake scheduler + kubelet: drives each created pod through the lifecycle its scenario picks.

One :class:`PodWorker` thread per pod: schedule (or report Unschedulable), admit, start the
sandbox (startTime, IPs, container statuses), mount volumes (waiting on missing Secrets and
ConfigMaps with ``FailedMount``), run init containers in order, then the main containers
concurrently (pull image or fail with ErrImagePull/ImagePullBackOff, resolve env or fail with
CreateContainerConfigError, Created/Started events, run, terminate), honour ``restartPolicy``,
``activeDeadlineSeconds``, eviction and graceful deletion (SIGTERM, grace, SIGKILL).
Everything it learns is published into the stored pod's ``status`` and as core/v1 Events.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._util import JsonDict, go_duration, parse_quantity, rfc3339
from .scenarios import DEADLINE_MESSAGE, Process, Scenario, Script, Scripted, Sleep, eviction_message
from .validation import SERVICE_ACCOUNT_MOUNT, image_reference_error, normalized_image

if TYPE_CHECKING:
    from .server import FakeKubernetes

log = logging.getLogger(__name__)

EPOCH = "1970-01-01T00:00:00Z"
TERMINATION_MESSAGE_LIMIT = 4096
FALLBACK_LOG_LINES = 80
FALLBACK_LOG_BYTES = 2048


class PodGone(Exception):
    """The pod was removed from the store (or replaced by another with the same name)."""


class Stopped(Exception):
    """The fake server is stopping."""


class Killed(Exception):
    """The pod is being killed (deletion, deadline, eviction) before this container could start."""


class ConfigError(Exception):
    """The kubelet cannot build the container's environment (CreateContainerConfigError)."""


class StartFailure(Exception):
    """The runtime could not start the container (terminated reason StartError, exit code 128)."""


@dataclass
class Exit:
    code: int
    reason: str | None = None
    message: str | None = None
    started_at: str | None = None


# --- logs ------------------------------------------------------------------------------------


class ContainerLog:
    """One container instance's output, as the CRI log file holds it: timestamped lines."""

    PARTIAL_LIMIT = 16 * 1024

    def __init__(self) -> None:
        self.entries: list[tuple[int, bytes]] = []  # (time_ns, line with its newline if complete)
        self._partial = bytearray()
        self.finished = False

    def write(self, data: bytes, ts_ns: int | None = None) -> None:
        ts_ns = time.time_ns() if ts_ns is None else ts_ns
        self._partial.extend(data)
        while True:
            newline = self._partial.find(b"\n")
            if newline < 0:
                break
            self.entries.append((ts_ns, bytes(self._partial[: newline + 1])))
            del self._partial[: newline + 1]
        if len(self._partial) >= self.PARTIAL_LIMIT:
            self.entries.append((ts_ns, bytes(self._partial)))
            self._partial.clear()

    def finish(self) -> None:
        if self._partial:
            self.entries.append((time.time_ns(), bytes(self._partial)))
            self._partial.clear()
        self.finished = True

    def text(self) -> str:
        return b"".join(line for _, line in self.entries).decode("utf-8", "replace")

    def tail_for_message(self) -> str:
        lines = [line for _, line in self.entries][-FALLBACK_LOG_LINES:]
        data = b"".join(lines)[-FALLBACK_LOG_BYTES:]
        return data.decode("utf-8", "replace")


class ContainerContext:
    """What a scripted container sees: its pod, spec, resolved environment, and its stdout."""

    def __init__(
        self, worker: PodWorker, container: JsonDict, kind: str, env: dict[str, str], out: ContainerLog
    ):
        self.worker = worker
        self.container = container
        self.name = container["name"]
        self.kind = kind
        self.env = env
        self._out = out

    @property
    def pod(self) -> JsonDict:
        return self.worker.snapshot()

    def log(self, text: str | bytes) -> None:
        data = text if isinstance(text, bytes) else text.encode()
        if isinstance(text, str) and not text.endswith("\n"):
            data += b"\n"
        with self.worker.cond:
            self._out.write(data)
            self.worker.cond.notify_all()

    @property
    def killed(self) -> bool:
        return self.worker.kill_state()[0]

    def sleep(self, seconds: float) -> bool:
        """Pause; ``True`` when interrupted by a kill."""
        end = time.monotonic() + seconds
        with self.worker.cond:
            while True:
                killed, _ = self.worker.kill_state()
                remaining = end - time.monotonic()
                if killed or remaining <= 0:
                    return killed
                self.worker.cond.wait(self.worker.wake_timeout(remaining))

    def wait_for(self, event: threading.Event) -> bool:
        """Wait for a test's event; ``True`` when interrupted by a kill."""
        while not event.is_set():
            with self.worker.cond:
                killed, _ = self.worker.kill_state()
                if killed:
                    return True
                self.worker.cond.wait(0.01)
        return self.killed

    def wait_until_killed(self, until_sigkill: bool = False) -> None:
        with self.worker.cond:
            while True:
                killed, sigkill_at = self.worker.kill_state()
                now = time.monotonic()
                if killed and (not until_sigkill or sigkill_at is None or now >= sigkill_at):
                    return
                timeout = self.worker.wake_timeout(1.0)
                if killed and sigkill_at is not None:
                    timeout = min(timeout, max(sigkill_at - now, 0.001))
                self.worker.cond.wait(timeout)


# --- env -------------------------------------------------------------------------------------


def expand(text: str, mapping: Mapping[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion: ``$$`` escapes, unknown references stay as written."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "$" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "(":
                end = text.find(")", i + 2)
                if end < 0:
                    out.append(text[i:])
                    break
                name = text[i + 2 : end]
                out.append(mapping[name] if name in mapping else text[i : end + 1])
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _decode(value: str) -> str:
    return base64.b64decode(value).decode("utf-8", "replace")


def _field_value(pod: JsonDict, field_path: str) -> str:
    metadata = pod.get("metadata") or {}
    status = pod.get("status") or {}
    match = re.match(r"^metadata\.(labels|annotations)\['(.+)'\]$", field_path)
    if match:
        return (metadata.get(match.group(1)) or {}).get(match.group(2), "")
    simple = {
        "metadata.name": metadata.get("name"),
        "metadata.namespace": metadata.get("namespace"),
        "metadata.uid": metadata.get("uid"),
        "spec.nodeName": (pod.get("spec") or {}).get("nodeName"),
        "spec.serviceAccountName": (pod.get("spec") or {}).get("serviceAccountName"),
        "status.hostIP": status.get("hostIP"),
        "status.podIP": status.get("podIP"),
        "status.hostIPs": status.get("hostIP"),
        "status.podIPs": status.get("podIP"),
    }
    return str(simple.get(field_path) or "")


class EnvResolver:
    def __init__(self, kube: FakeKubernetes, pod: JsonDict):
        self.kube = kube
        self.pod = pod
        self.namespace = pod["metadata"]["namespace"]

    def _object(self, kind: str, name: str) -> JsonDict | None:
        resource = "secrets" if kind == "Secret" else "configmaps"
        return self.kube.store.get(resource, self.namespace, name)

    def _data(self, kind: str, name: str, optional: bool) -> dict[str, str] | None:
        obj = self._object(kind, name)
        if obj is None:
            if optional:
                return None
            raise ConfigError(f'{"secret" if kind == "Secret" else "configmap"} "{name}" not found')
        if kind == "Secret":
            return {k: _decode(v) for k, v in (obj.get("data") or {}).items()}
        data = dict(obj.get("data") or {})
        data.update({k: _decode(v) for k, v in (obj.get("binaryData") or {}).items()})
        return data

    def _key(self, kind: str, ref: JsonDict) -> str | None:
        data = self._data(kind, ref.get("name") or "", bool(ref.get("optional")))
        if data is None:
            return None
        key = ref.get("key") or ""
        if key not in data:
            if ref.get("optional"):
                return None
            raise ConfigError(f"couldn't find key {key} in {kind} {self.namespace}/{ref.get('name')}")
        return data[key]

    def _resource(self, container: JsonDict, ref: JsonDict) -> str:
        resource = ref.get("resource") or ""
        section, _, name = resource.partition(".")
        target = container
        if ref.get("containerName"):
            for _, _, candidate in _containers(self.pod):
                if candidate.get("name") == ref["containerName"]:
                    target = candidate
        value = ((target.get("resources") or {}).get(section) or {}).get(name)
        if value is None:
            value = self.kube.node_allocatable.get(name, "0") if section == "limits" else "0"
        divisor = parse_quantity(ref.get("divisor") or "1")
        return str(math.ceil(parse_quantity(value) / (divisor or Decimal(1))))

    def resolve(self, container: JsonDict, base: Mapping[str, str]) -> dict[str, str]:
        env: dict[str, str] = dict(base)
        for source in container.get("envFrom") or []:
            prefix = source.get("prefix") or ""
            for kind, key in (("Secret", "secretRef"), ("ConfigMap", "configMapRef")):
                ref = source.get(key)
                if ref:
                    data = self._data(kind, ref.get("name") or "", bool(ref.get("optional")))
                    for name, value in (data or {}).items():
                        env[prefix + name] = value
        for item in container.get("env") or []:
            value_from = item.get("valueFrom")
            value: str | None
            if value_from:
                if value_from.get("secretKeyRef"):
                    value = self._key("Secret", value_from["secretKeyRef"])
                elif value_from.get("configMapKeyRef"):
                    value = self._key("ConfigMap", value_from["configMapKeyRef"])
                elif value_from.get("fieldRef"):
                    value = _field_value(self.pod, value_from["fieldRef"].get("fieldPath") or "")
                else:
                    value = self._resource(container, value_from.get("resourceFieldRef") or {})
                if value is None:
                    continue
            else:
                value = expand(item.get("value") or "", env)
            env[item["name"]] = value
        return env


def _containers(pod: JsonDict) -> list[tuple[str, int, JsonDict]]:
    spec = pod.get("spec") or {}
    out = []
    for kind, key in (("init", "initContainers"), ("main", "containers")):
        for index, container in enumerate(spec.get(key) or []):
            out.append((kind, index, container))
    return out


def _hex(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


# --- volumes -----------------------------------------------------------------------------------


def volume_problem(kube: FakeKubernetes, pod: JsonDict) -> str | None:
    """The kubelet's FailedMount message for the first volume it cannot set up yet, if any."""
    namespace = pod["metadata"]["namespace"]
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        name = volume.get("name")
        sources: list[tuple[str, JsonDict]] = []
        if volume.get("secret"):
            ref = volume["secret"]
            sources.append(("secret", {"name": ref.get("secretName"), **ref}))
        if volume.get("configMap"):
            sources.append(("configmap", volume["configMap"]))
        for projection in (volume.get("projected") or {}).get("sources") or []:
            if projection.get("secret"):
                sources.append(("secret", projection["secret"]))
            if projection.get("configMap"):
                sources.append(("configmap", projection["configMap"]))
        for kind, ref in sources:
            resource = "secrets" if kind == "secret" else "configmaps"
            obj = kube.store.get(resource, namespace, ref.get("name") or "")
            if obj is None:
                if ref.get("optional"):
                    continue
                return f'MountVolume.SetUp failed for volume "{name}" : {kind} "{ref.get("name")}" not found'
            keys = set(obj.get("data") or {}) | set(obj.get("binaryData") or {})
            for item in ref.get("items") or []:
                if item.get("key") not in keys and not ref.get("optional"):
                    what = "secret key" if kind == "secret" else "config key"
                    prefix = (
                        "references non-existent" if kind == "secret" else "configmap references non-existent"
                    )
                    return (
                        f'MountVolume.SetUp failed for volume "{name}" : {prefix} {what}: {item.get("key")}'
                    )
    return None


def _source_files(
    kube: FakeKubernetes, pod: JsonDict, kind: str, ref: JsonDict, default_mode: int
) -> list[tuple[str, bytes, int]]:
    namespace = pod["metadata"]["namespace"]
    resource = "secrets" if kind == "secret" else "configmaps"
    obj = kube.store.get(resource, namespace, ref.get("name") or ref.get("secretName") or "")
    if obj is None:
        return []
    data: dict[str, bytes] = {}
    if kind == "secret":
        data = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
    else:
        data = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
        data.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
    mode = ref.get("defaultMode", default_mode)
    items = ref.get("items")
    if items:
        return [
            (item["path"], data[item["key"]], item.get("mode", mode))
            for item in items
            if item.get("key") in data
        ]
    return [(key, value, mode) for key, value in sorted(data.items())]


def _downward_files(pod: JsonDict, items: list[JsonDict], default_mode: int) -> list[tuple[str, bytes, int]]:
    files = []
    metadata = pod.get("metadata") or {}
    for item in items:
        field_path = (item.get("fieldRef") or {}).get("fieldPath") or ""
        if field_path in ("metadata.labels", "metadata.annotations"):
            values = metadata.get(field_path.split(".")[1]) or {}
            text = "\n".join(f'{k}="{v}"' for k, v in sorted(values.items()))
        else:
            text = _field_value(pod, field_path)
        files.append((item["path"], text.encode(), item.get("mode", default_mode)))
    return files


class ProcessRuntime:
    """Process mode: volumes become folders, mountPaths become symlinks to them, containers processes."""

    SUPPORTED = ("emptyDir", "secret", "configMap", "projected", "downwardAPI", "persistentVolumeClaim")

    def __init__(self, kube: FakeKubernetes, scenario: Process, worker: PodWorker):
        self.kube = kube
        self.scenario = scenario
        self.worker = worker
        roots = scenario.mount_roots or [tempfile.gettempdir()]
        self.roots = [os.path.realpath(root) for root in roots]
        self.pod_dir = kube.tmp_root / f"{worker.namespace}_{worker.name}_{worker.uid[:8]}"
        self.volume_dirs: dict[str, Path] = {}
        self.links: list[tuple[str, str]] = []

    def under_roots(self, path: str) -> bool:
        if not os.path.isabs(path):
            return False
        parent = os.path.realpath(os.path.dirname(os.path.normpath(path)))
        return any(parent == root or parent.startswith(root + os.sep) for root in self.roots)

    def _mounts(self, pod: JsonDict) -> dict[str, tuple[str, str]]:
        mounts: dict[str, tuple[str, str]] = {}
        for _, _, container in _containers(pod):
            for mount in container.get("volumeMounts") or []:
                if mount.get("mountPath") == SERVICE_ACCOUNT_MOUNT:
                    continue
                key = os.path.normpath(mount["mountPath"])
                value = (mount["name"], mount.get("subPath") or "")
                if mounts.setdefault(key, value) != value:
                    raise StartFailure(
                        f'fake kubelet (process mode): mountPath "{key}" is used for two different volumes '
                        "in this pod; the fake maps a mountPath to one host folder"
                    )
        return mounts

    def admit(self, pod: JsonDict) -> tuple[str, str] | None:
        """Refuse, before anything starts, what process mode cannot represent."""
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            name = volume.get("name")
            kind = next((k for k in volume if k != "name"), "")
            if name in self.scenario.volume_dirs or kind in self.SUPPORTED:
                continue
            return (
                "UnsupportedVolume",
                f'fake kubelet (process mode) cannot provide volume "{name}" of type "{kind}"; '
                f"map it to a host folder with Process(volume_dirs={{{name!r}: ...}})",
            )
        try:
            mounts = self._mounts(pod)
        except StartFailure as exc:
            return ("UnsupportedMountPath", str(exc))
        for path in mounts:
            if not self.under_roots(path):
                return (
                    "UnsupportedMountPath",
                    f'fake kubelet (process mode): mountPath "{path}" is not under {self.roots}; the fake makes '
                    "each mountPath a symlink to the volume's folder, so tests must mount under a temp folder",
                )
            is_empty_dir = os.path.isdir(path) and not os.listdir(path)
            if os.path.lexists(path) and not os.path.islink(path) and not is_empty_dir:
                return (
                    "UnsupportedMountPath",
                    f'fake kubelet (process mode): mountPath "{path}" already exists on this host and is not '
                    "an empty folder; choose a path that does not exist yet",
                )
            owner = self.kube.mount_owners.get(path)
            if owner and owner != self.worker.uid and self.kube.pod_active(owner):
                return (
                    "UnsupportedMountPath",
                    f'fake kubelet (process mode): mountPath "{path}" is in use by another running pod',
                )
        return None

    def prepare(self, pod: JsonDict) -> None:
        (self.pod_dir / "volumes").mkdir(parents=True, exist_ok=True)
        (self.pod_dir / "home").mkdir(exist_ok=True)
        (self.pod_dir / "rootfs").mkdir(exist_ok=True)
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            name = volume["name"]
            if name in self.scenario.volume_dirs:
                self.volume_dirs[name] = Path(self.scenario.volume_dirs[name])
                continue
            target = self.pod_dir / "volumes" / name
            files: list[tuple[str, bytes, int]] = []
            if volume.get("persistentVolumeClaim"):
                target = self.kube.pvc_dir(
                    self.worker.namespace, volume["persistentVolumeClaim"]["claimName"]
                )
            elif volume.get("secret"):
                files = _source_files(self.kube, pod, "secret", volume["secret"], 420)
            elif volume.get("configMap"):
                files = _source_files(self.kube, pod, "configmap", volume["configMap"], 420)
            elif volume.get("downwardAPI"):
                files = _downward_files(pod, volume["downwardAPI"].get("items") or [], 420)
            elif volume.get("projected"):
                projected = volume["projected"]
                mode = projected.get("defaultMode", 420)
                for source in projected.get("sources") or []:
                    if source.get("secret"):
                        files += _source_files(self.kube, pod, "secret", source["secret"], mode)
                    if source.get("configMap"):
                        files += _source_files(self.kube, pod, "configmap", source["configMap"], mode)
                    if source.get("downwardAPI"):
                        files += _downward_files(pod, source["downwardAPI"].get("items") or [], mode)
                    if source.get("serviceAccountToken"):
                        files.append(
                            (source["serviceAccountToken"].get("path") or "token", b"fake-token", mode)
                        )
            target.mkdir(parents=True, exist_ok=True)
            for rel, content, mode in files:
                path = target / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                path.chmod(mode & 0o777)
            self.volume_dirs[name] = target
        for mount_path, (volume_name, sub_path) in self._mounts(pod).items():
            target = self.volume_dirs[volume_name]
            if sub_path:
                target = target / sub_path
                if not target.exists():
                    target.mkdir(parents=True, exist_ok=True)
            if os.path.islink(mount_path):
                os.unlink(mount_path)
            elif os.path.isdir(mount_path):
                os.rmdir(mount_path)
            os.makedirs(os.path.dirname(mount_path), exist_ok=True)
            os.symlink(target, mount_path)
            self.links.append((mount_path, str(target)))
            self.kube.mount_owners[mount_path] = self.worker.uid

    def _termination_path(self, container: JsonDict) -> tuple[str, dict[str, str]]:
        path = container.get("terminationMessagePath") or "/dev/termination-log"
        if self.under_roots(path):
            host = path
            substitutions: dict[str, str] = {}
        else:
            host = str(self.pod_dir / "termination" / container["name"] / "termination-log")
            substitutions = {path: host}
        os.makedirs(os.path.dirname(host), exist_ok=True)
        Path(host).write_bytes(b"")
        return host, substitutions

    def start(self, container: JsonDict, env: dict[str, str], out: ContainerLog) -> ProcessContainer:
        name = container["name"]
        base: dict[str, str]
        if self.scenario.base_env is not None:
            base = dict(self.scenario.base_env)
        else:
            base = {"PATH": os.environ.get("PATH", os.defpath)}
        base.setdefault("HOME", str(self.pod_dir / "home"))
        mapping = {**base, **env}
        host_term, substitutions = self._termination_path(container)

        def rewrite(text: str) -> str:
            """The mapped termination log path, where a whole value (or ``--opt=value``) names it."""
            for original, replacement in substitutions.items():
                if text == original:
                    return replacement
                if text.endswith("=" + original):
                    return text[: -len(original)] + replacement
            return text

        command = [expand(part, mapping) for part in container.get("command") or []]
        args = [expand(part, mapping) for part in container.get("args") or []]
        if not command:
            image = container.get("image") or ""
            entry = self.scenario.image_entrypoints.get(image)
            if entry is None:
                entry = self.scenario.image_entrypoints.get(image.rsplit(":", 1)[0])
            if entry is None:
                raise StartFailure(
                    f'fake kubelet (process mode): image "{image}" has no known entrypoint; give the container '
                    "a command or map the image with Process(image_entrypoints=...)"
                )
            command = list(entry)
        argv = [rewrite(part) for part in command + args]
        full_env = {key: rewrite(value) for key, value in mapping.items()}
        cwd = container.get("workingDir") or str(self.pod_dir / "rootfs")
        if not os.path.isdir(cwd):
            if not self.under_roots(cwd):
                raise StartFailure(
                    f'fake kubelet (process mode): workingDir "{cwd}" does not exist on this host and is not '
                    "under a temp folder the fake may create it in"
                )
            os.makedirs(cwd, exist_ok=True)
        try:
            proc = subprocess.Popen(
                argv,
                env=full_env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise StartFailure(
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc "
                "create failed: unable to start container process: error during container init: exec: "
                f'"{argv[0]}": executable file not found in $PATH: unknown'
            ) from None
        except PermissionError:
            raise StartFailure(
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc "
                "create failed: unable to start container process: error during container init: exec: "
                f'"{argv[0]}": permission denied: unknown'
            ) from None
        self.worker.kube.track_process(proc)
        return ProcessContainer(self.worker, name, proc, out, host_term)

    def cleanup(self) -> None:
        for link, target in self.links:
            try:
                if os.path.islink(link) and os.readlink(link) == target:
                    os.unlink(link)
            except OSError:
                pass
            if self.kube.mount_owners.get(link) == self.worker.uid:
                self.kube.mount_owners.pop(link, None)
        self.links.clear()
        shutil.rmtree(self.pod_dir, ignore_errors=True)


class ProcessContainer:
    def __init__(
        self, worker: PodWorker, name: str, proc: subprocess.Popen, out: ContainerLog, term_path: str
    ):
        self.worker = worker
        self.name = name
        self.proc = proc
        self.out = out
        self.term_path = term_path
        self.exited = False
        self._reader = threading.Thread(target=self._read, name=f"kubelet-log-{name}", daemon=True)
        self._waiter = threading.Thread(target=self._wait_exit, name=f"kubelet-wait-{name}", daemon=True)
        self._reader.start()
        self._waiter.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self.worker.cond:
                self.out.write(chunk)
                self.worker.cond.notify_all()
        self.proc.stdout.close()

    def _wait_exit(self) -> None:
        self.proc.wait()
        with self.worker.cond:
            self.exited = True
            self.worker.cond.notify_all()

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signum)

    def wait(self) -> Exit:
        term_sent = kill_sent = False
        with self.worker.cond:
            while not self.exited:
                killed, sigkill_at = self.worker.kill_state()
                now = time.monotonic()
                if killed and not kill_sent and (sigkill_at is None or now >= sigkill_at):
                    self._signal(signal.SIGKILL)
                    kill_sent = term_sent = True
                elif killed and not term_sent:
                    self._signal(signal.SIGTERM)
                    term_sent = True
                timeout = self.worker.wake_timeout(1.0)
                if term_sent and not kill_sent and sigkill_at is not None:
                    timeout = min(timeout, max(sigkill_at - now, 0.001))
                self.worker.cond.wait(timeout)
        self._signal(signal.SIGKILL)  # the runtime tears down the whole cgroup
        self._reader.join(timeout=10)
        code = self.proc.returncode
        if code < 0:
            code = 128 - code
        try:
            message = Path(self.term_path).read_bytes()[:TERMINATION_MESSAGE_LIMIT].decode("utf-8", "replace")
        except OSError:
            message = ""
        return Exit(code, message=message or None)


class ScriptedContainer:
    def __init__(self, ctx: ContainerContext, script: Script):
        self.ctx = ctx
        self.script = script

    def wait(self) -> Exit:
        ctx, script = self.ctx, self.script
        killed = False
        for step in script.steps:
            if isinstance(step, (str, bytes)):
                ctx.log(step)
            elif isinstance(step, Sleep):
                killed = ctx.sleep(step.seconds)
            elif isinstance(step, threading.Event):
                killed = ctx.wait_for(step)
            elif callable(step):
                step(ctx)
            killed = killed or ctx.killed
            if killed:
                break
        if not killed and script.run_until_killed:
            ctx.wait_until_killed()
            killed = True
        if killed:
            _, sigkill_at = ctx.worker.kill_state()
            if script.ignore_sigterm or (sigkill_at is not None and time.monotonic() >= sigkill_at):
                ctx.wait_until_killed(until_sigkill=True)
                return Exit(137)
            return Exit(143)
        return Exit(script.exit_code, script.reason, script.termination_message)


# --- the pod worker ----------------------------------------------------------------------------


class PodWorker:
    def __init__(self, kube: FakeKubernetes, pod: JsonDict, scenario: Scenario):
        self.kube = kube
        self.cond = kube.store.cond
        self.scenario = scenario
        self.namespace = pod["metadata"]["namespace"]
        self.name = pod["metadata"]["name"]
        self.uid = pod["metadata"]["uid"]
        spec = pod.get("spec") or {}
        self.restart_policy = spec.get("restartPolicy", "Always")
        self.init_names = [c["name"] for c in spec.get("initContainers") or []]
        self.main_names = [c["name"] for c in spec.get("containers") or []]
        self.phase = "Pending"
        self.reason: str | None = None
        self.message: str | None = None
        self.disruption: JsonDict | None = None
        self.scheduled: tuple[str, str | None, str | None] | None = None
        self.node_assigned = False
        self.kubelet_started = False
        self.sandbox_ready = False
        self.start_time: str | None = None
        self.pod_ip = ""
        self.statuses: dict[str, JsonDict] = {}
        self.transitions: dict[str, tuple[str, str]] = {}
        self.deadline_at: float | None = None
        self.evict_at: float | None = None
        self.kill_reason: str | None = None
        self.sigkill_at: float | None = None
        self.main_done: set[str] = set()
        self.runtime: ProcessRuntime | None = None
        if isinstance(scenario, Process):
            self.runtime = ProcessRuntime(kube, scenario, self)
        self.thread = threading.Thread(target=self._run, name=f"kubelet-{self.name}", daemon=True)
        self.threads: list[threading.Thread] = [self.thread]
        self.cleaned = False

    # --- plumbing -------------------------------------------------------------------------

    def start(self) -> None:
        self.thread.start()

    def snapshot(self) -> JsonDict:
        with self.cond:
            pod = self.kube.store.get("pods", self.namespace, self.name)
            if pod is None or pod["metadata"].get("uid") != self.uid:
                raise PodGone
            return pod

    def _scale(self, seconds: float) -> float:
        return seconds * self.scenario.time_scale

    def _pending_kill(self) -> str | None:
        if self.kube.stopping:
            return "stop"
        pod = self.kube.store.get("pods", self.namespace, self.name)
        if pod is None or pod["metadata"].get("uid") != self.uid:
            return "gone"
        if pod["metadata"].get("deletionTimestamp"):
            return "delete"
        now = time.monotonic()
        if (
            self.deadline_at is not None
            and now >= self.deadline_at
            and self.phase not in ("Succeeded", "Failed")
        ):
            return "deadline"
        if self.evict_at is not None and now >= self.evict_at and self.phase not in ("Succeeded", "Failed"):
            return "evict"
        return None

    def kill_state(self) -> tuple[bool, float | None]:
        with self.cond:
            if self.kill_reason is None:
                reason = self._pending_kill()
                if reason:
                    self._begin_kill(reason)
            return self.kill_reason is not None, self.sigkill_at

    def wake_timeout(self, default: float) -> float:
        now = time.monotonic()
        timers = [t - now for t in (self.deadline_at, self.evict_at) if t is not None and t > now]
        return max(min([default, *timers]), 0.001)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        with self.cond:
            while True:
                if self.kube.stopping:
                    raise Stopped
                killed, _ = self.kill_state()
                if killed:
                    raise Killed(self.kill_reason)
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return
                self.cond.wait(self.wake_timeout(remaining))

    def _event(
        self,
        reason: str,
        message: str,
        type_: str = "Normal",
        container: str | None = None,
        component: str = "kubelet",
    ) -> None:
        field_path = None
        if container is not None:
            key = "initContainers" if container in self.init_names else "containers"
            field_path = f"spec.{key}{{{container}}}"
        try:
            pod = self.snapshot()
        except PodGone:
            return
        self.kube.record_event(pod, reason, message, type_, field_path, component)

    def _condition(
        self, type_: str, status: str, reason: str | None = None, message: str | None = None
    ) -> JsonDict:
        previous = self.transitions.get(type_)
        if previous is None or previous[0] != status:
            previous = (status, rfc3339())
            self.transitions[type_] = previous
        condition: JsonDict = {
            "type": type_,
            "status": status,
            "lastProbeTime": None,
            "lastTransitionTime": previous[1],
        }
        if reason:
            condition["reason"] = reason
        if message:
            condition["message"] = message
        return condition

    def _build_status(self, pod: JsonDict) -> JsonDict:
        status: JsonDict = {"phase": self.phase}
        conditions: list[JsonDict] = []
        if self.disruption:
            conditions.append(self._condition("DisruptionTarget", "True", **self.disruption))
        if self.kubelet_started:
            conditions.append(
                self._condition("PodReadyToStartContainers", "True" if self.sandbox_ready else "False")
            )
            incomplete = [
                n
                for n in self.init_names
                if (self.statuses[n]["state"].get("terminated") or {}).get("exitCode", None) != 0
            ]
            if self.phase == "Succeeded":
                conditions.append(self._condition("Initialized", "True", "PodCompleted"))
            elif incomplete:
                conditions.append(
                    self._condition(
                        "Initialized",
                        "False",
                        "ContainersNotInitialized",
                        f"containers with incomplete status: [{' '.join(incomplete)}]",
                    )
                )
            else:
                conditions.append(self._condition("Initialized", "True"))
            unready = [n for n in self.main_names if not self.statuses[n]["ready"]]
            if self.phase == "Running" and not unready:
                conditions.append(self._condition("Ready", "True"))
                conditions.append(self._condition("ContainersReady", "True"))
            else:
                if self.phase in ("Succeeded", "Failed"):
                    reason, message = ("PodCompleted" if self.phase == "Succeeded" else "PodFailed"), None
                else:
                    reason, message = (
                        "ContainersNotReady",
                        f"containers with unready status: [{' '.join(unready)}]",
                    )
                conditions.append(self._condition("Ready", "False", reason, message))
                conditions.append(self._condition("ContainersReady", "False", reason, message))
        if self.scheduled is not None:
            state, reason, message = self.scheduled
            conditions.append(self._condition("PodScheduled", state, reason, message))
        if conditions:
            status["conditions"] = conditions
        if self.message:
            status["message"] = self.message
        if self.reason:
            status["reason"] = self.reason
        if self.kubelet_started:
            status["hostIP"] = self.kube.host_ip
            status["hostIPs"] = [{"ip": self.kube.host_ip}]
            status["podIP"] = self.pod_ip
            status["podIPs"] = [{"ip": self.pod_ip}]
            status["startTime"] = self.start_time
            if self.init_names:
                status["initContainerStatuses"] = [self.statuses[n] for n in self.init_names]
            status["containerStatuses"] = [self.statuses[n] for n in self.main_names]
        status["qosClass"] = (pod.get("status") or {}).get("qosClass", "BestEffort")
        return status

    def _publish(self) -> None:
        with self.cond:
            pod = self.snapshot()
            new = dict(pod)
            new["status"] = self._build_status(pod)
            if self.node_assigned and (pod.get("spec") or {}).get("nodeName") != self.kube.node_name:
                new["spec"] = {**pod["spec"], "nodeName": self.kube.node_name}
            self.kube.store.put("pods", self.namespace, self.name, new)

    def _set_state(self, name: str, state: JsonDict, **fields: Any) -> None:
        with self.cond:
            self.statuses[name] = {**self.statuses[name], "state": state, **fields}
            self._publish()

    # --- lifecycle ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            try:
                self._schedule()
                if self._admit():
                    self._start_sandbox()
                    self._mount_volumes()
                    if self._run_init_containers():
                        self._run_main_containers()
            except Killed:
                pass
            self._after_containers()
        except (PodGone, Stopped):
            pass
        except Exception as exc:  # surfaced by FakeKubernetes.stop() and .errors
            log.exception("fake kubelet failed on pod %s/%s", self.namespace, self.name)
            self.kube.errors.append(exc)

    def _schedule(self) -> None:
        self._sleep(self.scenario.schedule_delay)
        reported = None
        while True:
            problem = self.kube.scheduling_problem(self.snapshot(), self.scenario)
            if problem is None:
                break
            if problem != reported:
                with self.cond:
                    self.scheduled = ("False", "Unschedulable", problem)
                    self._publish()
                self._event("FailedScheduling", problem, "Warning", component="default-scheduler")
                reported = problem
            self._sleep(max(self.scenario.retry_interval, 0.05) * 4)
        with self.cond:
            self.scheduled = ("True", None, None)
            self.node_assigned = True
            self._publish()
        self._event(
            "Scheduled",
            f"Successfully assigned {self.namespace}/{self.name} to {self.kube.node_name}",
            component="default-scheduler",
        )

    def _admit(self) -> bool:
        refusal = self.runtime.admit(self.snapshot()) if self.runtime else None
        if refusal is None:
            return True
        reason, message = refusal
        self._event(reason, message, "Warning")
        with self.cond:
            self.phase, self.reason, self.message = "Failed", reason, message
            self._publish()
        return False

    def _start_sandbox(self) -> None:
        self._sleep(self.scenario.start_delay)
        pod = self.snapshot()
        with self.cond:
            self.kubelet_started = True
            self.start_time = rfc3339()
            self.pod_ip = self.kube.next_pod_ip()
            deadline = (pod.get("spec") or {}).get("activeDeadlineSeconds")
            if deadline is not None:
                self.deadline_at = time.monotonic() + self._scale(deadline)
            for kind, _, container in _containers(pod):
                waiting = "PodInitializing" if kind == "init" or self.init_names else "ContainerCreating"
                self.statuses[container["name"]] = {
                    "name": container["name"],
                    "state": {"waiting": {"reason": waiting}},
                    "lastState": {},
                    "ready": False,
                    "restartCount": 0,
                    "image": normalized_image(container.get("image") or ""),
                    "imageID": "",
                    "started": False,
                }
            self._publish()

    def _mount_volumes(self) -> None:
        while True:
            problem = volume_problem(self.kube, self.snapshot())
            if problem is None:
                break
            self._event("FailedMount", problem, "Warning")
            self._sleep(self.scenario.retry_interval)
        if self.runtime:
            self.runtime.prepare(self.snapshot())
        with self.cond:
            self.sandbox_ready = True
            self._publish()

    def _run_init_containers(self) -> bool:
        for _, _, container in [c for c in _containers(self.snapshot()) if c[0] == "init"]:
            outcome = self._run_container(container, "init")
            if outcome is None or outcome.code != 0 or self.kill_reason:
                return False
        return True

    def _run_main_containers(self) -> None:
        containers = [c for kind, _, c in _containers(self.snapshot()) if kind == "main"]
        if self.scenario.evict_after is not None:
            self.evict_at = time.monotonic() + self.scenario.evict_after
        for container in containers:
            thread = threading.Thread(
                target=self._main_container,
                args=(container,),
                name=f"kubelet-{self.name}-{container['name']}",
                daemon=True,
            )
            self.threads.append(thread)
            thread.start()
        with self.cond:
            while len(self.main_done) < len(containers):
                self.kill_state()
                self.cond.wait(self.wake_timeout(1.0))

    def _main_container(self, container: JsonDict) -> None:
        try:
            self._run_container(container, "main")
        except (PodGone, Stopped, Killed):
            pass
        except Exception as exc:
            log.exception("fake kubelet failed on container %s of %s", container.get("name"), self.name)
            self.kube.errors.append(exc)
        finally:
            with self.cond:
                self.main_done.add(container["name"])
                self.cond.notify_all()

    def _after_containers(self) -> None:
        with self.cond:
            if self.kill_reason in ("delete", "gone", "stop"):
                if self.kill_reason == "delete":
                    if self.phase not in ("Succeeded", "Failed"):
                        codes = [
                            (s["state"].get("terminated") or {}).get("exitCode")
                            for s in self.statuses.values()
                        ]
                        ran = [c for c in codes if c is not None]
                        self.phase = "Succeeded" if ran and all(c == 0 for c in ran) else "Failed"
                        try:
                            self._publish()
                        except PodGone:
                            return
                    self.kube.finalize_pod_deletion(self.namespace, self.name, self.uid)
                return
        # not being deleted: done; the API server removes terminal pods when asked

    # --- one container ----------------------------------------------------------------------

    def _pull(self, container: JsonDict) -> None:
        name = container["name"]
        image = container.get("image") or ""
        invalid = image_reference_error(image)
        if invalid:
            self._set_state(name, {"waiting": {"reason": "InvalidImageName", "message": invalid}})
            self._event("InspectFailed", invalid, "Warning", name)
            self._event("Failed", "Error: InvalidImageName", "Warning", name)
            while True:
                self._sleep(1.0)
        error = self.scenario.pull_error(container)
        policy = container.get("imagePullPolicy", "IfNotPresent")
        if error is not None and policy != "Never":
            backoff = self.scenario.backoff
            while True:
                self._event("Pulling", f'Pulling image "{image}"', container=name)
                self._event("Failed", f'Failed to pull image "{image}": {error}', "Warning", name)
                self._event("Failed", "Error: ErrImagePull", "Warning", name)
                self._set_state(name, {"waiting": {"reason": "ErrImagePull", "message": error}})
                self._sleep(backoff)
                self._event("BackOff", f'Back-off pulling image "{image}"', container=name)
                self._event("Failed", "Error: ImagePullBackOff", "Warning", name)
                self._set_state(
                    name,
                    {
                        "waiting": {
                            "reason": "ImagePullBackOff",
                            "message": f'Back-off pulling image "{image}": ErrImagePull: {error}',
                        }
                    },
                )
                self._sleep(backoff)
                backoff = min(backoff * 2, self.scenario.backoff * 10)
        if policy == "Never" or (policy == "IfNotPresent" and image in self.kube.image_cache):
            self._event("Pulled", f'Container image "{image}" already present on machine', container=name)
            return
        self._event("Pulling", f'Pulling image "{image}"', container=name)
        started = time.monotonic()
        self._sleep(self.scenario.pull_delay)
        took = go_took(time.monotonic() - started)
        size = int(_hex(image)[:6], 16) + 1_000_000
        self._event(
            "Pulled",
            f'Successfully pulled image "{image}" in {took} ({took} including waiting). Image size: {size} bytes.',
            container=name,
        )
        with self.cond:
            self.kube.image_cache.add(image)

    def _resolve_env(self, container: JsonDict) -> dict[str, str]:
        name = container["name"]
        base = {
            "HOSTNAME": self.name,
            "KUBERNETES_SERVICE_HOST": "127.0.0.1",
            "KUBERNETES_SERVICE_PORT": str(self.kube.port),
        }
        reported = None
        while True:
            try:
                return EnvResolver(self.kube, self.snapshot()).resolve(container, base)
            except ConfigError as exc:
                message = str(exc)
                if message != reported:
                    self._set_state(
                        name, {"waiting": {"reason": "CreateContainerConfigError", "message": message}}
                    )
                    reported = message
                self._event("Failed", f"Error: {message}", "Warning", name)
                self._sleep(self.scenario.retry_interval)

    def _run_container(self, container: JsonDict, kind: str) -> Exit | None:
        name = container["name"]
        backoff = self.scenario.backoff
        while True:
            self._pull(container)
            env = self._resolve_env(container)
            killed, _ = self.kill_state()
            if killed:
                raise Killed(self.kill_reason)
            out = self.kube.new_log(self.uid, name)
            container_id = f"containerd://{_hex(self.uid, name, str(time.time_ns()))}"
            self._event("Created", f"Created container: {name}", container=name)
            started_at = rfc3339()
            try:
                if self.runtime is not None:
                    running: ProcessContainer | ScriptedContainer = self.runtime.start(container, env, out)
                else:
                    assert isinstance(self.scenario, Scripted)
                    ctx = ContainerContext(self, container, kind, env, out)
                    running = ScriptedContainer(ctx, self.scenario.script_for(name))
            except StartFailure as exc:
                self._event("Failed", f"Error: {exc}", "Warning", name)
                outcome = Exit(128, "StartError", str(exc), started_at=EPOCH)
            else:
                self._event("Started", f"Started container {name}", container=name)
                image = container.get("image") or ""
                with self.cond:
                    self.statuses[name].update(
                        containerID=container_id,
                        imageID=f"{normalized_image(image).rsplit(':', 1)[0]}@sha256:{_hex(image)}",
                        started=True,
                        ready=kind == "main",
                    )
                    if kind == "main" and self.phase == "Pending":
                        self.phase = "Running"
                    self._set_state(name, {"running": {"startedAt": started_at}})
                try:
                    outcome = running.wait()
                except Exception:
                    with self.cond:
                        out.finish()
                    raise
            restart = self._terminated(container, kind, outcome, out, container_id, started_at)
            if not restart:
                return outcome
            self._sleep(backoff)
            backoff = min(backoff * 2, self.scenario.backoff * 10)

    def _terminated(
        self,
        container: JsonDict,
        kind: str,
        outcome: Exit,
        out: ContainerLog,
        container_id: str,
        started_at: str,
    ) -> bool:
        """Publish the container's termination (and the pod's phase when it is final); restart it?"""
        name = container["name"]
        with self.cond:
            try:
                out.finish()
                reason = outcome.reason or ("Completed" if outcome.code == 0 else "Error")
                message = outcome.message
                if (
                    not message
                    and outcome.code != 0
                    and container.get("terminationMessagePolicy") == "FallbackToLogsOnError"
                ):
                    message = out.tail_for_message() or None
                terminated: JsonDict = {"exitCode": outcome.code, "reason": reason}
                if message:
                    terminated["message"] = message
                terminated["startedAt"] = outcome.started_at or started_at
                terminated["finishedAt"] = rfc3339()
                terminated["containerID"] = container_id
                killed = self.kill_reason is not None
                policy = self.restart_policy
                restart = not killed and (
                    (policy == "Always" and kind == "main") or (policy != "Never" and outcome.code != 0)
                )
                status = self.statuses[name]
                if restart:
                    status["lastState"] = {"terminated": terminated}
                    status["restartCount"] += 1
                    status["ready"] = False
                    status["started"] = False
                    status["state"] = {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": f"back-off {go_took(self.scenario.backoff)} restarting failed container={name} "
                            f"pod={self.name}_{self.namespace}({self.uid})",
                        }
                    }
                    self._event(
                        "BackOff",
                        f"Back-off restarting failed container {name} in pod {self.name}_{self.namespace}({self.uid})",
                        "Warning",
                        name,
                    )
                else:
                    status.update(state={"terminated": terminated}, ready=False, started=False)
                    self._update_phase_after(kind, outcome)
                self._publish()
                return restart
            except PodGone:
                return False
            finally:
                self.cond.notify_all()

    def _update_phase_after(self, kind: str, outcome: Exit) -> None:
        if self.phase in ("Succeeded", "Failed"):
            return
        if kind == "init":
            if outcome.code != 0:
                self.phase = "Failed"
            return
        states = [self.statuses[n]["state"] for n in self.main_names]
        if all("terminated" in s for s in states):
            codes = [s["terminated"]["exitCode"] for s in states]
            self.phase = "Succeeded" if all(code == 0 for code in codes) else "Failed"

    def _begin_kill(self, reason: str) -> None:
        """Start killing the pod: events, pod status for deadline/eviction, the SIGKILL time."""
        self.kill_reason = reason
        grace = 0.0
        pod = self.kube.store.get("pods", self.namespace, self.name)
        if reason == "delete" and pod is not None:
            grace = self._scale(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
        elif reason == "deadline" and pod is not None:
            grace = self._scale((pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
        self.sigkill_at = time.monotonic() + grace
        if reason in ("gone", "stop") or pod is None:
            self.cond.notify_all()
            return
        if reason == "deadline":
            self._event("DeadlineExceeded", DEADLINE_MESSAGE, "Warning")
            self.phase, self.reason, self.message = "Failed", "DeadlineExceeded", DEADLINE_MESSAGE
        elif reason == "evict":
            message = self.scenario.eviction_message or eviction_message(self.main_names[0])
            self._event("Evicted", message, "Warning")
            self.phase, self.reason, self.message = "Failed", "Evicted", message
            self.disruption = {"reason": "TerminationByKubelet", "message": message}
        for name, status in self.statuses.items():
            if "running" in status["state"]:
                self._event("Killing", f"Stopping container {name}", container=name)
        if reason in ("deadline", "evict"):
            with contextlib.suppress(PodGone):
                self._publish()
        self.cond.notify_all()

    def cleanup(self, wait: float = 30.0) -> None:
        """The pod is gone: once its threads are done, remove its folders and mount links."""
        deadline = time.monotonic() + wait
        for thread in list(self.threads):
            if thread is not threading.current_thread():
                thread.join(timeout=max(deadline - time.monotonic(), 0))
        with self.cond:
            if self.cleaned:
                return
            self.cleaned = True
        if self.runtime is not None:
            self.runtime.cleanup()


def go_took(seconds: float) -> str:
    return go_duration(seconds)
