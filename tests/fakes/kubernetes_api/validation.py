"""Defaulting and validation of the objects the fake stores, worded as the API server words them.

Only the rules a job pod is likely to break are checked (names, images, env, mounts, volumes,
resources, restart/DNS policies, deadlines); a 422 carries the real ``Status`` shape:
``Pod "x" is invalid: [field: Invalid value: ..., ...]`` with one ``details.causes`` entry each.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from ._util import ApiError, JsonDict, bad_request, parse_quantity
from .selectors import DNS1123_SUBDOMAIN_MSG, label_value_errors, qualified_name_errors

DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
CONFIG_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
QUANTITY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
SUPPORTED_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
VOLUME_SOURCES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class FieldError:
    kind: str  # Required, Invalid, NotSupported, Duplicate, NotFound, Forbidden
    field: str
    value: Any = None
    detail: str = ""

    def body(self) -> str:
        if self.kind == "Required":
            return "Required value" + (f": {self.detail}" if self.detail else "")
        if self.kind == "Invalid":
            return f"Invalid value: {_fmt(self.value)}" + (f": {self.detail}" if self.detail else "")
        if self.kind == "NotSupported":
            return f"Unsupported value: {_fmt(self.value)}" + (f": {self.detail}" if self.detail else "")
        if self.kind == "Duplicate":
            return f"Duplicate value: {_fmt(self.value)}"
        if self.kind == "NotFound":
            return f"Not found: {_fmt(self.value)}"
        if self.kind == "TooLong":
            return self.detail
        return "Forbidden" + (f": {self.detail}" if self.detail else "")

    def cause(self) -> JsonDict:
        return {"reason": f"FieldValue{self.kind}", "message": self.body(), "field": self.field}


def invalid(kind: str, name: str, errors: list[FieldError], group: str = "") -> ApiError:
    texts = [f"{error.field}: {error.body()}" for error in errors]
    joined = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    details: JsonDict = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details["causes"] = [error.cause() for error in errors]
    return ApiError(422, "Invalid", f'{kind} "{name}" is invalid: {joined}', details)


def _not_supported(field: str, value: Any, supported: tuple[str, ...]) -> FieldError:
    return FieldError(
        "NotSupported", field, value, "supported values: " + ", ".join(f'"{s}"' for s in supported)
    )


def dns_label_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not DNS1123_LABEL_RE.match(value):
        errors.append(DNS1123_LABEL_MSG)
    return errors


def dns_subdomain_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not DNS1123_SUBDOMAIN_RE.match(value):
        errors.append(DNS1123_SUBDOMAIN_MSG)
    return errors


def validate_metadata(obj: JsonDict, *, name_check=dns_subdomain_errors) -> list[FieldError]:
    metadata = obj.get("metadata") or {}
    errors: list[FieldError] = []
    name = metadata.get("name")
    if not name:
        errors.append(FieldError("Required", "metadata.name", detail="name or generateName is required"))
    else:
        problems = name_check(name)
        if problems:
            errors.append(FieldError("Invalid", "metadata.name", name, "; ".join(problems)))
    for key, value in (metadata.get("labels") or {}).items():
        problems = qualified_name_errors(key)
        if problems:
            errors.append(FieldError("Invalid", "metadata.labels", key, "; ".join(problems)))
        if not isinstance(value, str):
            errors.append(FieldError("Invalid", f"metadata.labels[{key}]", value, "must be a string"))
            continue
        problems = label_value_errors(value)
        if problems:
            errors.append(FieldError("Invalid", "metadata.labels", value, "; ".join(problems)))
    annotations = metadata.get("annotations") or {}
    for key in annotations:
        problems = qualified_name_errors(key)
        if problems:
            errors.append(FieldError("Invalid", "metadata.annotations", key, "; ".join(problems)))
    if sum(len(k) + len(str(v)) for k, v in annotations.items()) > 256 * 1024:
        errors.append(FieldError("Invalid", "metadata.annotations", "", "may not be more than 262144 bytes"))
    errors += _owner_reference_errors(metadata.get("ownerReferences") or [])
    return errors


def _owner_reference_errors(references: list[JsonDict]) -> list[FieldError]:
    """apimachinery's ValidateOwnerReferences: the field path has no index, as in the real one."""
    errors = []
    for reference in references:
        version = str(reference.get("apiVersion") or "").rpartition("/")[2]
        checks = (
            ("apiVersion", version, "version"),
            ("kind", reference.get("kind"), "kind"),
            ("name", reference.get("name"), "name"),
            ("uid", reference.get("uid"), "uid"),
        )
        for field, value, what in checks:
            if not value:
                errors.append(
                    FieldError(
                        "Invalid",
                        f"metadata.ownerReferences.{field}",
                        reference.get(field) or "",
                        f"{what} must not be empty",
                    )
                )
    return errors


# --- images ----------------------------------------------------------------------------------


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """``(repository, tag, digest)`` of an image reference."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        image, tag = image[:colon], image[colon + 1 :]
    return image, tag, digest


_REPO_COMPONENT_RE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")


def image_reference_error(image: str) -> str | None:
    """The kubelet's ``InvalidImageName`` message, or ``None`` for a well-formed reference."""
    repository, tag, digest = split_image(image)
    components = repository.split("/")
    first = components[0]
    has_registry = len(components) > 1 and ("." in first or ":" in first or first == "localhost")
    path = components[1:] if has_registry else components
    path_ok = bool(path) and all(_REPO_COMPONENT_RE.match(component) for component in path)
    tag_ok = tag is None or bool(_TAG_RE.match(tag))
    digest_ok = digest is None or bool(re.match(r"^[a-z0-9]+:[a-f0-9]{32,}$", digest))
    if path_ok and tag_ok and digest_ok:
        return None
    remote = "/".join(path)
    if not has_registry and len(path) == 1:
        remote = f"library/{remote}"
    detail = "invalid reference format"
    if remote.lower() != remote:
        detail += f": repository name ({remote}) must be lowercase"
    return f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": {detail}'


def normalized_repository(repository: str) -> str:
    components = repository.split("/")
    first = components[0]
    if len(components) > 1 and ("." in first or ":" in first or first == "localhost"):
        return repository
    if len(components) == 1:
        return f"docker.io/library/{repository}"
    return f"docker.io/{repository}"


def normalized_image(image: str) -> str:
    """How containerd reports an image in ``containerStatuses[].image``."""
    repository, tag, digest = split_image(image)
    full = normalized_repository(repository)
    if digest:
        return f"{full}@{digest}"
    return f"{full}:{tag or 'latest'}"


def default_pull_policy(image: str) -> str:
    _, tag, digest = split_image(image)
    if digest:
        return "IfNotPresent"
    return "Always" if tag in (None, "latest") else "IfNotPresent"


# --- pods ------------------------------------------------------------------------------------


def all_containers(spec: JsonDict) -> list[tuple[str, int, JsonDict]]:
    out = []
    for kind in ("initContainers", "containers"):
        for index, container in enumerate(spec.get(kind) or []):
            if isinstance(container, dict):
                out.append((kind, index, container))
    return out


def _check_quantities(resources: JsonDict) -> None:
    for section in ("requests", "limits"):
        for value in (resources.get(section) or {}).values():
            try:
                parse_quantity(value)
            except ValueError:
                raise bad_request(f'Pod in version "v1" cannot be handled as a Pod: {QUANTITY_MSG}') from None


def default_pod(pod: JsonDict) -> None:
    """What defaulting and the standard admission plugins add to a created pod."""
    spec = pod.setdefault("spec", {})
    if not isinstance(spec, dict):
        raise bad_request('Pod in version "v1" cannot be handled as a Pod: spec must be an object')
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
    spec["serviceAccount"] = spec["serviceAccountName"]
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(isinstance(t, dict) and t.get("key") == key for t in tolerations):
            tolerations.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )
    for volume in spec.get("volumes") or []:
        if not isinstance(volume, dict):
            continue
        for source in ("secret", "configMap", "projected", "downwardAPI"):
            if isinstance(volume.get(source), dict):
                volume[source].setdefault("defaultMode", 420)
    for _, _, container in all_containers(spec):
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        if isinstance(container.get("image"), str) and container["image"]:
            container.setdefault("imagePullPolicy", default_pull_policy(container["image"]))
        resources = container.setdefault("resources", {})
        if isinstance(resources, dict):
            _check_quantities(resources)
            limits = resources.get("limits") or {}
            if limits:
                requests = resources.setdefault("requests", {})
                for key, value in limits.items():
                    requests.setdefault(key, value)
        for port in container.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
        for env in container.get("env") or []:
            field_ref = ((env or {}).get("valueFrom") or {}).get("fieldRef")
            if isinstance(field_ref, dict):
                field_ref.setdefault("apiVersion", "v1")


def validate_pod(pod: JsonDict) -> list[FieldError]:
    errors = validate_metadata(pod)
    spec = pod.get("spec") or {}
    volume_names: set[str] = set()
    for index, volume in enumerate(spec.get("volumes") or []):
        path = f"spec.volumes[{index}]"
        errors.extend(_unique_label_name(volume, path, volume_names))
        sources = [key for key in VOLUME_SOURCES if volume.get(key) is not None]
        if not sources:
            errors.append(FieldError("Required", path, detail="must specify a volume type"))
        for extra in sources[1:]:
            errors.append(
                FieldError("Forbidden", f"{path}.{extra}", detail="may not specify more than 1 volume type")
            )
        if "secret" in sources and not (volume["secret"] or {}).get("secretName"):
            errors.append(FieldError("Required", f"{path}.secret.secretName"))
        if "configMap" in sources and not (volume["configMap"] or {}).get("name"):
            errors.append(FieldError("Required", f"{path}.configMap.name"))
        if "persistentVolumeClaim" in sources and not (volume["persistentVolumeClaim"] or {}).get(
            "claimName"
        ):
            errors.append(FieldError("Required", f"{path}.persistentVolumeClaim.claimName"))
        size_limit = (volume.get("emptyDir") or {}).get("sizeLimit") if "emptyDir" in sources else None
        if size_limit is not None:
            try:
                parse_quantity(size_limit)
            except ValueError:
                raise bad_request(f'Pod in version "v1" cannot be handled as a Pod: {QUANTITY_MSG}') from None
    containers = spec.get("containers") or []
    if not containers:
        errors.append(FieldError("Required", "spec.containers"))
    seen_names: set[str] = set()
    for kind in ("containers", "initContainers"):
        for index, container in enumerate(spec.get(kind) or []):
            errors.extend(_validate_container(container, f"spec.{kind}[{index}]", volume_names, seen_names))
    restart = spec.get("restartPolicy")
    if restart not in ("Always", "OnFailure", "Never"):
        errors.append(_not_supported("spec.restartPolicy", restart, ("Always", "OnFailure", "Never")))
    dns = spec.get("dnsPolicy")
    if dns not in ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"):
        errors.append(
            _not_supported(
                "spec.dnsPolicy", dns, ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
            )
        )
    service_account = spec.get("serviceAccountName") or ""
    if service_account and dns_subdomain_errors(service_account):
        errors.append(
            FieldError(
                "Invalid",
                "spec.serviceAccountName",
                service_account,
                "; ".join(dns_subdomain_errors(service_account)),
            )
        )
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (not isinstance(deadline, int) or not 1 <= deadline <= 2147483647):
        errors.append(
            FieldError(
                "Invalid",
                "spec.activeDeadlineSeconds",
                deadline,
                "must be between 1 and 2147483647, inclusive",
            )
        )
    return errors


def _unique_label_name(item: JsonDict, path: str, seen: set[str]) -> list[FieldError]:
    """``<path>.name``: required, a DNS-1123 label, unique among ``seen`` (which it joins)."""
    name = item.get("name") or ""
    if not name:
        return [FieldError("Required", f"{path}.name")]
    errors = []
    problems = dns_label_errors(name)
    if problems:
        errors.append(FieldError("Invalid", f"{path}.name", name, "; ".join(problems)))
    if name in seen:
        errors.append(FieldError("Duplicate", f"{path}.name", name))
    seen.add(name)
    return errors


def _env_name_errors(name: str) -> list[str]:
    if all(32 <= ord(c) < 127 and c != "=" for c in name):
        return []
    return [
        "a valid environment variable name must consist only of printable ASCII characters other than '='"
    ]


def _validate_container(
    container: JsonDict, path: str, volume_names: set[str], seen: set[str]
) -> list[FieldError]:
    errors = _unique_label_name(container, path, seen)
    image = container.get("image")
    if not image:
        errors.append(FieldError("Required", f"{path}.image"))
    elif image != image.strip():
        errors.append(
            FieldError("Invalid", f"{path}.image", image, "must not have leading or trailing whitespace")
        )
    policy = container.get("imagePullPolicy")
    if image and policy not in ("Always", "IfNotPresent", "Never"):
        errors.append(_not_supported(f"{path}.imagePullPolicy", policy, ("Always", "IfNotPresent", "Never")))
    for index, env in enumerate(container.get("env") or []):
        env_path = f"{path}.env[{index}]"
        env_name = env.get("name") or ""
        if not env_name:
            errors.append(FieldError("Required", f"{env_path}.name"))
        elif _env_name_errors(env_name):
            errors.append(FieldError("Invalid", f"{env_path}.name", env_name, _env_name_errors(env_name)[0]))
        value_from = env.get("valueFrom")
        if value_from is None:
            continue
        if env.get("value"):
            errors.append(
                FieldError(
                    "Invalid", f"{env_path}.valueFrom", "", "may not be specified when `value` is not empty"
                )
            )
        sources = [
            k
            for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
            if value_from.get(k)
        ]
        if len(sources) != 1:
            errors.append(
                FieldError(
                    "Invalid",
                    f"{env_path}.valueFrom",
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
                    if not sources
                    else "may not have more than one field specified at a time",
                )
            )
            continue
        source = sources[0]
        ref = value_from[source]
        if source in ("secretKeyRef", "configMapKeyRef"):
            if not ref.get("name"):
                errors.append(FieldError("Required", f"{env_path}.valueFrom.{source}.name"))
            if not ref.get("key"):
                errors.append(FieldError("Required", f"{env_path}.valueFrom.{source}.key"))
        elif source == "fieldRef":
            field_path = ref.get("fieldPath") or ""
            base = field_path.split("[", 1)[0]
            if not field_path:
                errors.append(FieldError("Required", f"{env_path}.valueFrom.fieldRef.fieldPath"))
            elif base not in SUPPORTED_FIELD_PATHS or (
                base in ("metadata.labels", "metadata.annotations") and "[" not in field_path
            ):
                errors.append(
                    _not_supported(
                        f"{env_path}.valueFrom.fieldRef.fieldPath", field_path, SUPPORTED_FIELD_PATHS
                    )
                )
    mount_paths: set[str] = set()
    for index, mount in enumerate(container.get("volumeMounts") or []):
        mount_path_field = f"{path}.volumeMounts[{index}]"
        mount_name = mount.get("name") or ""
        if not mount_name:
            errors.append(FieldError("Required", f"{mount_path_field}.name"))
        elif mount_name not in volume_names:
            errors.append(FieldError("NotFound", f"{mount_path_field}.name", mount_name))
        mount_path = mount.get("mountPath") or ""
        if not mount_path:
            errors.append(FieldError("Required", f"{mount_path_field}.mountPath"))
        elif mount_path in mount_paths:
            errors.append(
                FieldError("Invalid", f"{mount_path_field}.mountPath", mount_path, "must be unique")
            )
        mount_paths.add(mount_path)
        sub_path = mount.get("subPath") or ""
        if sub_path.startswith("/"):
            errors.append(
                FieldError("Invalid", f"{mount_path_field}.subPath", sub_path, "must be a relative path")
            )
        if ".." in sub_path.split("/"):
            errors.append(
                FieldError("Invalid", f"{mount_path_field}.subPath", sub_path, "must not contain '..'")
            )
    policy = container.get("terminationMessagePolicy")
    if policy not in ("File", "FallbackToLogsOnError"):
        errors.append(
            _not_supported(f"{path}.terminationMessagePolicy", policy, ("File", "FallbackToLogsOnError"))
        )
    resources = container.get("resources") or {}
    limits = resources.get("limits") or {}
    for key, value in (resources.get("requests") or {}).items():
        if key in limits and parse_quantity(value) > parse_quantity(limits[key]):
            errors.append(
                FieldError(
                    "Invalid",
                    f"{path}.resources.requests",
                    value,
                    f"must be less than or equal to {key} limit of {limits[key]}",
                )
            )
    return errors


def qos_class(spec: JsonDict) -> str:
    containers = [c for _, _, c in all_containers(spec)]
    any_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for key in ("cpu", "memory"):
            if (
                key not in limits
                or key not in requests
                or parse_quantity(requests[key]) != parse_quantity(limits[key])
            ):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def pod_spec_update_forbidden(old_spec: JsonDict, new_spec: JsonDict) -> bool:
    """True when an update changes pod spec fields other than the few that are mutable."""

    def strip(spec: JsonDict) -> JsonDict:
        spec = json.loads(json.dumps(spec))
        spec.pop("activeDeadlineSeconds", None)
        spec.pop("tolerations", None)
        for _, _, container in all_containers(spec):
            container.pop("image", None)
        return spec

    return strip(old_spec) != strip(new_spec)


def pod_update_errors(old: JsonDict, new: JsonDict) -> list[FieldError]:
    errors = validate_metadata(new)
    if pod_spec_update_forbidden(old.get("spec") or {}, new.get("spec") or {}):
        errors.append(
            FieldError(
                "Forbidden",
                "spec",
                detail="pod updates may not change fields other than `spec.containers[*].image`,"
                "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                "(allow it to be set to 1 if it was previously negative)",
            )
        )
    return errors


# --- secrets, config maps, claims, namespaces --------------------------------------------------


def default_and_validate_secret(secret: JsonDict) -> list[FieldError]:
    secret.setdefault("type", "Opaque")
    data = secret.get("data") or {}
    for value in data.values():
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise bad_request(
                'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'
            ) from None
    string_data = secret.pop("stringData", None) or {}
    for key, value in string_data.items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    if data or "data" in secret:
        secret["data"] = data
    errors = validate_metadata(secret)
    for key in data:
        if not CONFIG_KEY_RE.match(key):
            errors.append(FieldError("Invalid", "data", key, CONFIG_KEY_MSG))
    if sum(len(base64.b64decode(v)) for v in data.values()) > 1024 * 1024:
        errors.append(FieldError("TooLong", "data", "", "Too long: must have at most 1048576 bytes"))
    return errors


def validate_config_map(config_map: JsonDict) -> list[FieldError]:
    errors = validate_metadata(config_map)
    data = config_map.get("data") or {}
    binary = config_map.get("binaryData") or {}
    for section, values in (("data", data), ("binaryData", binary)):
        for key in values:
            if not CONFIG_KEY_RE.match(key):
                errors.append(FieldError("Invalid", section, key, CONFIG_KEY_MSG))
    for key in set(data) & set(binary):
        errors.append(FieldError("Invalid", "data", key, "duplicate of key present in binaryData"))
    return errors


def default_and_validate_pvc(claim: JsonDict) -> list[FieldError]:
    errors = validate_metadata(claim)
    spec = claim.setdefault("spec", {})
    spec.setdefault("volumeMode", "Filesystem")
    if not spec.get("accessModes"):
        errors.append(FieldError("Required", "spec.accessModes", detail="at least 1 access mode is required"))
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    if storage is None:
        errors.append(FieldError("Required", "spec.resources[storage]"))
    return errors


def validate_namespace(namespace: JsonDict) -> list[FieldError]:
    return validate_metadata(namespace, name_check=dns_label_errors)


def validate_generic(obj: JsonDict) -> list[FieldError]:
    return validate_metadata(obj)
