"""What the fake kubelet does with a pod: the test picks a scenario, the kubelet plays it.

Two families share one kubelet (scheduling, image pulls, env and volume resolution, events,
restart policy, ``activeDeadlineSeconds``, eviction, graceful deletion):

- :class:`Scripted`: each container plays a :class:`Script` (log lines, pauses, gates, exit code,
  termination message, OOMKilled, image pull error).
- :class:`Process`: each container's ``command`` + ``args`` really runs as a local subprocess.

Pod-level failure modes are options of both: ``unschedulable``, ``image_pull_errors``,
``evict_after``; ``DeadlineExceeded`` follows from the pod's own ``activeDeadlineSeconds``
(``time_scale`` shrinks spec durations so tests stay fast).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from .kubelet import ContainerContext

DEFAULT_UNSCHEDULABLE = (
    "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: "
    "1 No preemption victims found for incoming pod."
)
DEADLINE_MESSAGE = "Pod was active on the node longer than the specified deadline"


def eviction_message(container: str, resource: str = "memory") -> str:
    """The kubelet's eviction message (with its trailing space) for a pod using too much memory."""
    return (
        f"The node was low on resource: {resource}. Threshold quantity: 100Mi, available: 51200Ki. "
        f"Container {container} was using 2097152Ki, request is 0, has larger consumption of {resource}. "
    )


def image_not_found_message(image: str) -> str:
    """What containerd answers for an image that does not exist (a permanent pull error)."""
    from .validation import normalized_image

    full = normalized_image(image)
    return (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
        f'failed to resolve reference "{full}": {full}: not found'
    )


def image_rate_limited_message(image: str) -> str:
    """A transient pull error (registry rate limit): KubernetesPodOperator keeps waiting on it."""
    from .validation import normalized_image

    full = normalized_image(image)
    return (
        f'failed to pull and unpack image "{full}": failed to copy: httpReadSeeker: failed open: '
        f"unexpected status code https://registry-1.docker.io/v2/: 429 Too Many Requests - Server message: "
        f"toomanyrequests: You have reached your pull rate limit."
    )


@dataclass(frozen=True)
class Sleep:
    """A scripted pause, interrupted when the container is killed."""

    seconds: float


Step = Union[str, bytes, Sleep, threading.Event, Callable[["ContainerContext"], Any]]  # noqa: UP007


@dataclass
class Script:
    """One container's behaviour in a :class:`Scripted` pod.

    ``steps``: ``str`` (a log line; a newline is added), ``bytes`` (raw output), :class:`Sleep`,
    a ``threading.Event`` the container waits for (the test sets it), or a callable taking the
    :class:`~tests.fakes.kubernetes_api.kubelet.ContainerContext` (its ``env`` is the resolved
    environment; it may call ``ctx.log``). Then the container exits with ``exit_code``.
    """

    steps: Sequence[Step] = ()
    exit_code: int = 0
    reason: str | None = None  # terminated reason override, e.g. "OOMKilled"
    termination_message: str | None = None  # what the container wrote to terminationMessagePath
    image_pull_error: str | None = None  # pulling this container's image fails with this message
    ignore_sigterm: bool = False  # when killed, exit only at the end of the grace period (137)
    run_until_killed: bool = False  # after the steps keep running until deleted/deadline/evicted

    @classmethod
    def oom_killed(cls, steps: Sequence[Step] = (), **kwargs: Any) -> Script:
        """Killed by the kernel's OOM killer: terminated reason OOMKilled, exit code 137."""
        return cls(steps, exit_code=137, reason="OOMKilled", **kwargs)


@dataclass(kw_only=True)
class Scenario:
    """Kubelet and scheduler behaviour shared by every scenario (all times in seconds)."""

    schedule_delay: float = 0.0
    start_delay: float = 0.0  # sandbox creation, after scheduling
    pull_delay: float = 0.0  # a successful image pull
    unschedulable: str | None = None  # scheduler message; the pod stays Pending, PodScheduled=False
    image_pull_errors: Mapping[str, str | None] = field(default_factory=dict)  # image -> message
    evict_after: float | None = None  # evicted this long after its containers started
    eviction_message: str | None = None  # default: eviction_message(<first container>)
    time_scale: float = 1.0  # multiplies activeDeadlineSeconds and termination grace periods
    retry_interval: float = 0.05  # kubelet re-sync while waiting for a missing Secret/ConfigMap
    backoff: float = 0.05  # first image pull / crash loop back-off; doubles up to 10x

    def pull_error(self, container: Mapping[str, Any]) -> str | None:
        image = container.get("image") or ""
        if image in self.image_pull_errors:
            return self.image_pull_errors[image] or image_not_found_message(image)
        return None


@dataclass(kw_only=True)
class Scripted(Scenario):
    """Containers (init and main, by name) play scripts; unnamed ones run ``default``."""

    containers: Mapping[str, Script] = field(default_factory=dict)
    default: Script = field(default_factory=Script)

    def script_for(self, name: str) -> Script:
        return self.containers.get(name, self.default)

    def pull_error(self, container: Mapping[str, Any]) -> str | None:
        script = self.script_for(container.get("name") or "")
        if script.image_pull_error is not None:
            return script.image_pull_error or image_not_found_message(container.get("image") or "")
        return super().pull_error(container)


@dataclass(kw_only=True)
class Process(Scenario):
    """Containers really run ``command`` + ``args`` as local processes (the image is ignored).

    ``mount_roots``: host folders under which volumeMount paths, ``terminationMessagePath`` and
    ``workingDir`` may be used as they are (default: the system temp folder).
    ``image_entrypoints``: image -> argv used when a container has no ``command``.
    ``base_env``: the environment every container starts from (default: ``PATH`` of this host).
    ``volume_dirs``: volume name -> existing host folder standing in for that volume (for types
    the fake cannot provide itself, e.g. ``csi``, ``nfs``, ``hostPath``).
    """

    mount_roots: Sequence[str] | None = None
    image_entrypoints: Mapping[str, Sequence[str]] = field(default_factory=dict)
    base_env: Mapping[str, str] | None = None
    volume_dirs: Mapping[str, str] = field(default_factory=dict)
