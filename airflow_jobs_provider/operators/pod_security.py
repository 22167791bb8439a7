"""Which Pod Security Standards profile a pod meets, and the rules it breaks, in PSA's words.

A namespace labelled ``pod-security.kubernetes.io/enforce: restricted`` (or ``baseline``) has
Kubernetes' Pod Security Admission refuse every pod that breaks one of the profile's rules, with
a 403 that lists them as ``reason (detail), ...``. This module applies the same rules (the
``latest`` version of the standards, as PSA's own checks define them) to a pod before it is
created, so preflight can say which profile a deployment's pod meets and why not a stricter one.
The reasons and details are worded as PSA words them, so the two can be compared.

The pod is taken in its API form (camelCase JSON, as the client sends it) or as a ``V1Pod``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kubernetes.client import ApiClient
from kubernetes.client import models as k8s

Profile = Literal["restricted", "baseline", "privileged"]
Level = Literal["restricted", "baseline"]
JsonDict = Mapping[str, Any]

# Baseline: capabilities a container may add (the container runtime's default set).
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SECCOMP_TYPES = frozenset({"RuntimeDefault", "Localhost"})
# Restricted: the only volume sources a pod may use (``csi`` covers inline SMB CSI volumes).
RESTRICTED_VOLUME_SOURCES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
_VOLUME_KEYS = frozenset({"name"})
_APPARMOR_CONTAINER_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


@dataclass(frozen=True)
class Violation:
    """One broken rule: PSA's short reason and the detail naming the pod's parts that break it."""

    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


@dataclass(frozen=True)
class ProfileResult:
    """The strictest profile a pod meets, and why it meets no stricter one."""

    profile: Profile
    not_restricted: tuple[Violation, ...]
    not_baseline: tuple[Violation, ...]

    @property
    def reasons(self) -> tuple[Violation, ...]:
        """Why the pod is not one profile stricter (empty for a restricted pod)."""
        return self.not_baseline if self.profile == "privileged" else self.not_restricted


def profile_met(pod: k8s.V1Pod | JsonDict) -> ProfileResult:
    data = as_api_data(pod)
    not_restricted = tuple(violations(data, "restricted"))
    not_baseline = tuple(violations(data, "baseline")) if not_restricted else ()
    if not not_restricted:
        profile: Profile = "restricted"
    elif not not_baseline:
        profile = "baseline"
    else:
        profile = "privileged"
    return ProfileResult(profile=profile, not_restricted=not_restricted, not_baseline=not_baseline)


def violations(pod: k8s.V1Pod | JsonDict, level: Level) -> list[Violation]:
    """Every rule of ``level`` the pod breaks, in PSA's order (baseline rules, then restricted)."""
    data = as_api_data(pod)
    metadata = data.get("metadata") or {}
    spec = data.get("spec") or {}
    checks = _BASELINE_CHECKS if level == "baseline" else _RESTRICTED_CHECKS
    found = (check(metadata, spec) for check in checks)
    return [violation for violation in found if violation is not None]


def forbidden_detail(found: Sequence[Violation]) -> str:
    """The violations joined as PSA joins them in its 403: ``reason (detail), reason (detail)``."""
    return ", ".join(str(violation) for violation in found)


def as_api_data(pod: k8s.V1Pod | JsonDict) -> JsonDict:
    if isinstance(pod, Mapping):
        return pod
    data: JsonDict = ApiClient().sanitize_for_serialization(pod)
    return data


# -- helpers worded like PSA's ---------------------------------------------------------------------


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(json.dumps(value) for value in values)


def _containers(spec: JsonDict) -> Iterator[JsonDict]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(key) or ()


def _context(container: JsonDict) -> JsonDict:
    return container.get("securityContext") or {}


def _pod_context(spec: JsonDict) -> JsonDict:
    return spec.get("securityContext") or {}


def _containers_phrase(names: Sequence[str]) -> str:
    return f"{_plural('container', 'containers', len(names))} {_quoted(names)}"


def _setters(pod_bad: bool, containers: Sequence[str]) -> str:
    """``pod``, ``container "a"`` or ``pod and containers "a", "b"``: who set a bad value."""
    setters = ["pod"] if pod_bad else []
    if containers:
        setters.append(_containers_phrase(containers))
    return " and ".join(setters)


def _offending(spec: JsonDict, values: Callable[[JsonDict], list[str]]) -> tuple[list[str], set[str]]:
    """The containers for which ``values`` finds something, and everything it found."""
    names: list[str] = []
    found: set[str] = set()
    for container in _containers(spec):
        bad = values(container)
        if bad:
            names.append(container.get("name", ""))
            found.update(bad)
    return names, found


def _uses(subjects: str, count: int, what: str) -> str:
    return f"{subjects} {_plural('uses', 'use', count)} {what}"


def _user_namespace(spec: JsonDict) -> bool:
    """Pods in their own user namespace are exempt from the run-as-root rules."""
    return spec.get("hostUsers") is False


# -- baseline --------------------------------------------------------------------------------------


def _app_armor(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    forbidden = [
        f"{key}={json.dumps(value)}"
        for key, value in (metadata.get("annotations") or {}).items()
        if key.startswith(_APPARMOR_CONTAINER_ANNOTATION)
        and value
        and value != "runtime/default"
        and not value.startswith("localhost/")
    ]
    profiles = [("pod", _pod_context(spec).get("appArmorProfile"))]
    profiles += [
        (f"container {c.get('name')}", _context(c).get("appArmorProfile")) for c in _containers(spec)
    ]
    forbidden += [
        f'{who} appArmorProfile.type="{profile.get("type")}"'
        for who, profile in profiles
        if profile and profile.get("type") not in ("RuntimeDefault", "Localhost")
    ]
    if not forbidden:
        return None
    forbidden.sort()
    reason = _plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(forbidden))
    return Violation(reason, ", ".join(forbidden))


def _host_namespaces(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    shared = sorted(name for name in ("hostIPC", "hostNetwork", "hostPID") if spec.get(name))
    return Violation("host namespaces", ", ".join(shared)) if shared else None


def _host_ports(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    bad, ports = _offending(
        spec, lambda c: [str(port["hostPort"]) for port in c.get("ports") or () if port.get("hostPort")]
    )
    if not bad:
        return None
    used = f"{_plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}"
    return Violation("hostPort", _uses(_containers_phrase(bad), len(bad), used))


def _probe_hosts(container: JsonDict) -> list[str]:
    handlers = [container.get(probe) for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
    lifecycle = container.get("lifecycle") or {}
    handlers += [lifecycle.get("postStart"), lifecycle.get("preStop")]
    actions = [
        handler.get(kind) or {} for handler in handlers if handler for kind in ("httpGet", "tcpSocket")
    ]
    return [action["host"] for action in actions if action.get("host")]


def _host_probes(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    bad, hosts = _offending(spec, _probe_hosts)
    if not bad:
        return None
    used = f"{_plural('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} {_quoted(sorted(hosts))}"
    return Violation("probe or lifecycle host", _uses(_containers_phrase(sorted(bad)), len(bad), used))


def _privileged(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    bad = [c.get("name", "") for c in _containers(spec) if _context(c).get("privileged") is True]
    if not bad:
        return None
    return Violation("privileged", f"{_containers_phrase(bad)} must not set securityContext.privileged=true")


def _proc_mount(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    if _user_namespace(spec):
        return None
    bad, types = _offending(
        spec, lambda c: [kind for kind in [_context(c).get("procMount")] if kind not in (None, "Default")]
    )
    if not bad:
        return None
    return Violation(
        "procMount",
        f"{_containers_phrase(bad)} must not set securityContext.procMount to {_quoted(sorted(types))}",
    )


def _se_linux(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    bad_types: set[str] = set()
    flags = {"user": False, "role": False}

    def valid(options: JsonDict | None) -> bool:
        if not options:
            return True
        ok = True
        if options.get("type", "") not in SELINUX_TYPES:
            bad_types.add(options["type"])
            ok = False
        for field in ("user", "role"):
            if options.get(field):
                flags[field] = ok = False
        return ok

    pod_bad = not valid(_pod_context(spec).get("seLinuxOptions"))
    bad = [c.get("name", "") for c in _containers(spec) if not valid(_context(c).get("seLinuxOptions"))]
    if not pod_bad and not bad:
        return None
    data = []
    if bad_types:
        data.append(f"{_plural('type', 'types', len(bad_types))} {_quoted(sorted(bad_types))}")
    data += [f"{field} may not be set" for field, was_set in flags.items() if was_set]
    return Violation(
        "seLinuxOptions",
        f"{_setters(pod_bad, bad)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}",
    )


def _sysctls(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    names = [item.get("name", "") for item in _pod_context(spec).get("sysctls") or ()]
    forbidden = [name for name in names if name not in SAFE_SYSCTLS]
    return Violation("forbidden sysctls", ", ".join(forbidden)) if forbidden else None


def _windows_host_process(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    def host_process(context: JsonDict) -> bool:
        return (context.get("windowsOptions") or {}).get("hostProcess") is True

    pod_bad = host_process(_pod_context(spec))
    bad = [c.get("name", "") for c in _containers(spec) if host_process(_context(c))]
    if not pod_bad and not bad:
        return None
    return Violation(
        "hostProcess",
        f"{_setters(pod_bad, bad)} must not set securityContext.windowsOptions.hostProcess=true",
    )


def _volume_sources(spec: JsonDict, allowed: Callable[[str], bool]) -> Violation | None:
    bad: list[str] = []
    sources: set[str] = set()
    for volume in spec.get("volumes") or ():
        kinds = [key for key, value in volume.items() if key not in _VOLUME_KEYS and value is not None]
        refused = [kind for kind in kinds if not allowed(kind)]
        if refused:
            bad.append(volume.get("name", ""))
            sources.update(refused)
    if not bad:
        return None
    volumes = f"{_plural('volume', 'volumes', len(bad))} {_quoted(bad)}"
    types = f"{_plural('restricted volume type', 'restricted volume types', len(sources))} {_quoted(sorted(sources))}"
    return Violation("restricted volume types", _uses(volumes, len(bad), types))


def _baseline_volumes(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    return _volume_sources(spec, lambda kind: kind != "gitRepo")


def _host_path_volumes(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    names = [volume.get("name", "") for volume in spec.get("volumes") or () if volume.get("hostPath")]
    if not names:
        return None
    return Violation("hostPath volumes", f"{_plural('volume', 'volumes', len(names))} {_quoted(names)}")


def _baseline_capabilities(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    return _added_capabilities(spec, BASELINE_CAPABILITIES, "non-default capabilities")


def _added_capabilities(spec: JsonDict, allowed: frozenset[str], reason: str) -> Violation | None:
    bad, added = _offending(
        spec,
        lambda c: [
            cap for cap in (_context(c).get("capabilities") or {}).get("add") or () if cap not in allowed
        ],
    )
    if not bad:
        return None
    return Violation(
        reason,
        f"{_containers_phrase(bad)} must not include {_quoted(sorted(added))} in securityContext.capabilities.add",
    )


def _baseline_seccomp(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    return _seccomp(spec, required=False)


def _seccomp(spec: JsonDict, *, required: bool) -> Violation | None:
    bad_values: set[str] = set()
    pod_profile = _pod_context(spec).get("seccompProfile")
    pod_type = None if pod_profile is None else pod_profile.get("type", "")
    pod_bad = pod_type is not None and pod_type not in SECCOMP_TYPES
    if pod_bad:
        bad_values.add(pod_type or "")
    pod_set = pod_type is not None and not pod_bad
    bad: list[str] = []
    unset: list[str] = []
    for container in _containers(spec):
        profile = _context(container).get("seccompProfile")
        if profile is None:
            if not pod_set:
                unset.append(container.get("name", ""))
        elif profile.get("type") not in SECCOMP_TYPES:
            bad.append(container.get("name", ""))
            bad_values.add(profile.get("type", ""))
    if pod_bad or bad:
        return Violation(
            "seccompProfile",
            f"{_setters(pod_bad, bad)} must not set securityContext.seccompProfile.type to {_quoted(sorted(bad_values))}",
        )
    if required and unset:
        return Violation(
            "seccompProfile",
            f'pod or {_containers_phrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" '
            'or "Localhost"',
        )
    return None


# -- restricted ------------------------------------------------------------------------------------


def _privilege_escalation(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    bad = [
        c.get("name", "")
        for c in _containers(spec)
        if _context(c).get("allowPrivilegeEscalation") is not False
    ]
    if not bad:
        return None
    return Violation(
        "allowPrivilegeEscalation != false",
        f"{_containers_phrase(bad)} must set securityContext.allowPrivilegeEscalation=false",
    )


def _restricted_capabilities(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    missing_drop = [
        c.get("name", "")
        for c in _containers(spec)
        if "ALL" not in ((_context(c).get("capabilities") or {}).get("drop") or ())
    ]
    details = []
    if missing_drop:
        details.append(
            f'{_containers_phrase(missing_drop)} must set securityContext.capabilities.drop=["ALL"]'
        )
    adding = _added_capabilities(spec, frozenset({"NET_BIND_SERVICE"}), "unrestricted capabilities")
    if adding is not None:
        details.append(adding.detail)
    return Violation("unrestricted capabilities", "; ".join(details)) if details else None


def _restricted_volumes(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    return _volume_sources(spec, RESTRICTED_VOLUME_SOURCES.__contains__)


def _run_as_non_root(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    if _user_namespace(spec):
        return None
    pod_value = _pod_context(spec).get("runAsNonRoot")
    explicit = [c.get("name", "") for c in _containers(spec) if _context(c).get("runAsNonRoot") is False]
    if pod_value is False or explicit:
        return Violation(
            "runAsNonRoot != true",
            f"{_setters(pod_value is False, explicit)} must not set securityContext.runAsNonRoot=false",
        )
    implicit = [
        c.get("name", "")
        for c in _containers(spec)
        if _context(c).get("runAsNonRoot") is None and pod_value is not True
    ]
    if implicit:
        return Violation(
            "runAsNonRoot != true",
            f"pod or {_containers_phrase(implicit)} must set securityContext.runAsNonRoot=true",
        )
    return None


def _run_as_user(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    if _user_namespace(spec):
        return None
    pod_bad = _pod_context(spec).get("runAsUser") == 0
    bad = [c.get("name", "") for c in _containers(spec) if _context(c).get("runAsUser") == 0]
    if not pod_bad and not bad:
        return None
    return Violation("runAsUser=0", f"{_setters(pod_bad, bad)} must not set runAsUser=0")


def _restricted_seccomp(metadata: JsonDict, spec: JsonDict) -> Violation | None:
    return _seccomp(spec, required=True)


Check = Callable[[JsonDict, JsonDict], "Violation | None"]
# PSA evaluates the baseline checks, then (for restricted) the restricted ones; a restricted check
# replaces the baseline check it tightens (volumes, capabilities, seccomp).
_BASELINE_ONLY: tuple[Check, ...] = (
    _app_armor,
    _host_namespaces,
    _host_ports,
    _host_probes,
    _privileged,
    _proc_mount,
    _se_linux,
    _sysctls,
    _windows_host_process,
)
_BASELINE_CHECKS: tuple[Check, ...] = (
    *_BASELINE_ONLY,
    _baseline_capabilities,
    _host_path_volumes,
    _baseline_seccomp,
    _baseline_volumes,
)
_RESTRICTED_CHECKS: tuple[Check, ...] = (
    *_BASELINE_ONLY,
    _privilege_escalation,
    _restricted_capabilities,
    _restricted_volumes,
    _run_as_non_root,
    _run_as_user,
    _restricted_seccomp,
)
