"""Turn a job's options into Kubernetes objects. The only module that knows the pod layout.

Layout of a job pod: an emptyDir workspace; an init container that runs the runner's fetch
(download, verify, unpack, detect) with the Nexus credentials; the main container in the
runner image that runs the runner's exec on the same workspace; mounts and config files
on the main container only.
"""

from __future__ import annotations

import base64
import dataclasses
import fnmatch
import functools
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Literal, get_args

from kubernetes.client import Configuration
from kubernetes.client import models as k8s
from pydantic import TypeAdapter

from airflow_jobs_provider.json_option import parse_json_option
from airflow_jobs_provider.operators.pod_options import (
    SMB_CSI_DRIVER,
    ConfigFile,
    InlineConfigFile,
    JobResources,
    Mount,
    NfsMount,
    PvcMount,
    SmbMount,
)
from airflow_jobs_provider.operators.runner_bundle import (
    BOOTSTRAP,
    BUNDLE_ENV,
    BUNDLE_RELATIVE_PATH,
    WORKSPACE_ENV,
    runner_zipapp_base64,
)
from airflow_jobs_provider.runner.plan import FetchPlan
from airflow_jobs_provider.settings import PodDefaults, PodSecuritySettings

WORKSPACE_VOLUME = "job-workspace"
CONFIG_VOLUME = "job-config"
CONFIG_SECRET_SUFFIX = "-config-files"  # noqa: S105 - a name, not a password
CA_BUNDLE_VOLUME = "job-ca-bundle"
CA_BUNDLE_FILE = "ca.crt"
INIT_CONTAINER_NAME = "fetch-artifact"
TERMINATION_LOG = "/dev/termination-log"
MANAGED_BY = "airflow-jobs-provider"
LABEL_DEPLOYMENT = "job-orchestrator/deployment"
LABEL_ARTIFACT = "job-orchestrator/artifact"
LABEL_VERSION = "job-orchestrator/artifact-version"
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# What an admin may allow a runner image that cannot meet the `restricted` profile.
RUN_AS_ROOT = "run_as_root"
ALLOW_PRIVILEGE_ESCALATION = "allow_privilege_escalation"
DEFAULT_CAPABILITIES = "default_capabilities"
Relaxation = Literal["run_as_root", "allow_privilege_escalation", "default_capabilities"]
RELAXATIONS: tuple[str, ...] = get_args(Relaxation)
# ``pod_security_relaxations``: image pattern -> the relaxations every matching image gets.
_RELAXATIONS_OPTION = TypeAdapter(dict[str, list[Relaxation]])


class PodOptionsError(ValueError):
    """A mount, config file or resource setting cannot become a valid pod."""


def label_value(text: str) -> str:
    """A Kubernetes label value (63 chars, alphanumeric ends) that still reads like ``text``."""
    cleaned = _LABEL_UNSAFE.sub("-", text)[:63].strip("-_.")
    return cleaned


def job_labels(*, deployment: str, artifact_name: str, version: str) -> dict[str, str]:
    labels = {
        "app.kubernetes.io/managed-by": MANAGED_BY,
        LABEL_DEPLOYMENT: label_value(deployment),
        LABEL_ARTIFACT: label_value(artifact_name),
        LABEL_VERSION: label_value(version),
    }
    return {key: value for key, value in labels.items() if value}


def literal(text: str) -> str:
    """``text`` written so that Kubernetes passes it on unchanged.

    The kubelet expands ``$(NAME)`` in a container's command, args and env values with the
    container's variables (``$(HOME)``, ``$(JOB_RUN_ID)``, ...); only ``$$`` stands for a
    literal ``$``. Every value we put there is data, so every ``$`` is doubled.
    """
    return text.replace("$", "$$")


def container_args(args: Sequence[str]) -> list[str]:
    """The job's arguments as container args: they reach the job exactly as given."""
    return [literal(arg) for arg in args]


# ``python3 -I``: the runner ignores every PYTHON* variable and the user site folder, so the
# job's own environment (PYTHONPATH, PYTHONSTARTUP, ...) cannot change the code that starts it.
# ``-u`` says what PYTHONUNBUFFERED said before -I made Python ignore it.
ISOLATED_PYTHON = ("python3", "-I", "-u")


def runner_command(workspace_path: str) -> list[str]:
    """The main container's command; the job's own arguments follow it as container args."""
    bundle = posixpath.join(workspace_path, BUNDLE_RELATIVE_PATH)
    return container_args([*ISOLATED_PYTHON, bundle, "exec", "--workspace", workspace_path, "--"])


def _check_mount_path(path: str, what: str) -> None:
    if not path.startswith("/") or "\x00" in path or ".." in path.split("/"):
        raise PodOptionsError(f"{what}: mount path {path!r} must be an absolute path without '..'")


@functools.cache
def _parse_time() -> Configuration:
    """The client Configuration of the objects built when a DAG file is parsed.

    A model built without one makes its own, and making one resets the cache of every logger
    in the process (~75 µs each with Airflow's loggers): that was most of the operator's
    construction time, paid for every task at every parse. Models only read its
    ``client_side_validation``, so one can serve them all.
    """
    return Configuration()


def workspace_volume(size_limit: str) -> k8s.V1Volume:
    return k8s.V1Volume(
        name=WORKSPACE_VOLUME,
        empty_dir=k8s.V1EmptyDirVolumeSource(
            size_limit=size_limit or None, local_vars_configuration=_parse_time()
        ),
        local_vars_configuration=_parse_time(),
    )


def workspace_mount(workspace_path: str) -> k8s.V1VolumeMount:
    return k8s.V1VolumeMount(
        name=WORKSPACE_VOLUME, mount_path=workspace_path, local_vars_configuration=_parse_time()
    )


def image_pull_secrets(names: Sequence[str]) -> list[k8s.V1LocalObjectReference]:
    return [k8s.V1LocalObjectReference(name=name, local_vars_configuration=_parse_time()) for name in names]


def _mount_volume(mount: Mount, name: str) -> k8s.V1Volume:
    if isinstance(mount, SmbMount):
        if not mount.source.startswith("//"):
            raise PodOptionsError(f"SMB source {mount.source!r} must look like //server/share[/folder]")
        attributes = {"source": mount.source, "secretName": mount.credentials_secret}
        if mount.mount_options:
            attributes["mountOptions"] = mount.mount_options
        return k8s.V1Volume(
            name=name,
            csi=k8s.V1CSIVolumeSource(
                driver=SMB_CSI_DRIVER,
                read_only=mount.read_only,
                volume_attributes=attributes,
                local_vars_configuration=_parse_time(),
            ),
            local_vars_configuration=_parse_time(),
        )
    if isinstance(mount, PvcMount):
        return k8s.V1Volume(
            name=name,
            persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
                claim_name=mount.claim_name, read_only=mount.read_only, local_vars_configuration=_parse_time()
            ),
            local_vars_configuration=_parse_time(),
        )
    if isinstance(mount, NfsMount):
        return k8s.V1Volume(
            name=name,
            nfs=k8s.V1NFSVolumeSource(
                server=mount.server,
                path=mount.path,
                read_only=mount.read_only,
                local_vars_configuration=_parse_time(),
            ),
            local_vars_configuration=_parse_time(),
        )
    raise PodOptionsError(f"unknown mount type {type(mount).__name__}")


def mount_volumes(mounts: Sequence[Mount]) -> tuple[list[k8s.V1Volume], list[k8s.V1VolumeMount]]:
    volumes: list[k8s.V1Volume] = []
    volume_mounts: list[k8s.V1VolumeMount] = []
    seen_paths: set[str] = set()
    for index, mount in enumerate(mounts):
        _check_mount_path(mount.mount_path, f"mount {index + 1}")
        if mount.mount_path in seen_paths:
            raise PodOptionsError(f"two mounts use the mount path {mount.mount_path!r}")
        seen_paths.add(mount.mount_path)
        name = f"job-mount-{index + 1}"
        volumes.append(_mount_volume(mount, name))
        sub_path = mount.sub_path if isinstance(mount, PvcMount) and mount.sub_path else None
        volume_mounts.append(
            k8s.V1VolumeMount(
                name=name,
                mount_path=mount.mount_path,
                read_only=mount.read_only,
                sub_path=sub_path,
                local_vars_configuration=_parse_time(),
            )
        )
    return volumes, volume_mounts


def check_config_files(files: Sequence[ConfigFile | InlineConfigFile], mount_path: str) -> None:
    """Early, when the task is defined: every file has its own plain name in one folder."""
    _check_mount_path(mount_path, "config files")
    names: set[str] = set()
    for config_file in files:
        name = config_file.file_name
        if name in names or "/" in name or name in ("", ".", ".."):
            raise PodOptionsError(f"config file name {name!r} is empty, repeated or not a file name")
        names.add(name)


def config_secret_name(pod_name: str) -> str:
    """The Secret that holds a pod's inline config files is named after the pod: one per pod."""
    return f"{pod_name}{CONFIG_SECRET_SUFFIX}"


def config_files_volume(files: Sequence[ConfigFile | InlineConfigFile], pod_name: str) -> k8s.V1Volume:
    """One projected volume, so files from several Secrets and ConfigMaps share one folder.

    Inline files come from the pod's own config Secret (``config_secret_name``), by reference:
    their content is never part of the pod.
    """
    sources: list[k8s.V1VolumeProjection] = []
    inline: list[k8s.V1KeyToPath] = []
    for config_file in files:
        if isinstance(config_file, InlineConfigFile):
            inline.append(k8s.V1KeyToPath(key=config_file.file_name, path=config_file.file_name))
            continue
        items = [k8s.V1KeyToPath(key=config_file.key, path=config_file.file_name)]
        if config_file.source_kind == "secret":
            sources.append(
                k8s.V1VolumeProjection(
                    secret=k8s.V1SecretProjection(name=config_file.source_name, items=items)
                )
            )
        else:
            sources.append(
                k8s.V1VolumeProjection(
                    config_map=k8s.V1ConfigMapProjection(name=config_file.source_name, items=items)
                )
            )
    if inline:
        secret = k8s.V1SecretProjection(name=config_secret_name(pod_name), items=inline)
        sources.append(k8s.V1VolumeProjection(secret=secret))
    return k8s.V1Volume(name=CONFIG_VOLUME, projected=k8s.V1ProjectedVolumeSource(sources=sources))


def config_files_mount(mount_path: str) -> k8s.V1VolumeMount:
    return k8s.V1VolumeMount(
        name=CONFIG_VOLUME, mount_path=mount_path, read_only=True, local_vars_configuration=_parse_time()
    )


def config_secret(
    *, name: str, namespace: str, labels: Mapping[str, str], contents: Mapping[str, str]
) -> k8s.V1Secret:
    """The Secret a pod's inline config files are projected from: file name → content."""
    return k8s.V1Secret(
        api_version="v1",
        kind="Secret",
        metadata=k8s.V1ObjectMeta(name=name, namespace=namespace, labels=dict(labels)),
        type="Opaque",
        data={
            file_name: base64.b64encode(content.encode("utf-8")).decode("ascii")
            for file_name, content in contents.items()
        },
    )


def owner_reference(pod: k8s.V1Pod) -> k8s.V1OwnerReference:
    """Makes Kubernetes' garbage collector delete a dependent object together with ``pod``."""
    return k8s.V1OwnerReference(api_version="v1", kind="Pod", name=pod.metadata.name, uid=pod.metadata.uid)


def resource_requirements(resources: JobResources, defaults: PodDefaults) -> k8s.V1ResourceRequirements:
    requests = {
        "cpu": resources.cpu_request or defaults.cpu_request,
        "memory": resources.memory_request or defaults.memory_request,
    }
    limits = {
        "cpu": resources.cpu_limit or defaults.cpu_limit,
        "memory": resources.memory_limit or defaults.memory_limit,
    }
    return k8s.V1ResourceRequirements(
        requests={key: value for key, value in requests.items() if value} or None,
        limits={key: value for key, value in limits.items() if value} or None,
        local_vars_configuration=_parse_time(),
    )


def proxy_env(defaults: PodDefaults) -> dict[str, str]:
    """Both spellings, because tools disagree on which one they read."""
    values = {
        "HTTP_PROXY": defaults.http_proxy,
        "HTTPS_PROXY": defaults.https_proxy,
        "NO_PROXY": defaults.no_proxy,
    }
    env: dict[str, str] = {}
    for name, value in values.items():
        if value:
            env[name] = value
            env[name.lower()] = value
    return env


def plain_env(values: Mapping[str, str]) -> list[k8s.V1EnvVar]:
    return [k8s.V1EnvVar(name=name, value=literal(value)) for name, value in values.items()]


def _secret_env(name: str, secret: str, key: str) -> k8s.V1EnvVar:
    return k8s.V1EnvVar(
        name=name,
        value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name=secret, key=key)),
    )


def security_relaxations(text: str, image: str) -> frozenset[str]:
    """What the admin allows ``image`` beyond the `restricted` profile: every matching pattern's.

    ``text`` is the JSON of ``pod_security_relaxations``: image pattern -> list of relaxations.
    """
    patterns = parse_json_option(text, _RELAXATIONS_OPTION, "pod_security_relaxations", PodOptionsError) or {}
    allowed: set[str] = set()
    for pattern, relaxations in patterns.items():
        if fnmatch.fnmatchcase(image, pattern):
            allowed.update(relaxations)
    return frozenset(allowed)


def pod_security_context(security: PodSecuritySettings) -> k8s.V1PodSecurityContext:
    """What every container of a job pod shares: non-root ids, volumes owned by ``fs_group``, and
    the runtime's default seccomp profile (the `restricted` profile of the Pod Security Standards)."""
    return k8s.V1PodSecurityContext(
        run_as_non_root=True,
        run_as_user=security.run_as_user,
        run_as_group=security.run_as_group,
        fs_group=security.fs_group,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault", local_vars_configuration=_parse_time()),
        local_vars_configuration=_parse_time(),
    )


def container_security_context(relaxations: frozenset[str] = frozenset()) -> k8s.V1SecurityContext:
    """No privilege escalation and no capabilities, unless the admin relaxed them for the image."""
    context = k8s.V1SecurityContext(
        allow_privilege_escalation=ALLOW_PRIVILEGE_ESCALATION in relaxations,
        capabilities=None
        if DEFAULT_CAPABILITIES in relaxations
        else k8s.V1Capabilities(drop=["ALL"], local_vars_configuration=_parse_time()),
        local_vars_configuration=_parse_time(),
    )
    if RUN_AS_ROOT in relaxations:
        context.run_as_non_root = False
        context.run_as_user = 0
        context.run_as_group = 0
    return context


def check_ca_bundle_options(security: PodSecuritySettings) -> None:
    if security.ca_bundle_configmap and security.ca_bundle_secret:
        raise PodOptionsError(
            "[job_orchestrator] pod_ca_bundle_configmap and pod_ca_bundle_secret are both set: "
            "the CA bundle comes from one of them"
        )


def pod_fetch_plan(plan: FetchPlan, security: PodSecuritySettings, ca_bundle_dir: str) -> FetchPlan:
    """The plan as the init container reads it: a CA bundle at the path where the pod mounts it.

    The Nexus connection's ``ca_bundle`` is a file on the worker; the pod has only what it
    mounts, so a plan that needs one needs the configured ConfigMap or Secret, or no pod at all.
    """
    check_ca_bundle_options(security)
    if plan.ca_bundle is None:
        return plan
    if not plan.verify_tls:  # nothing is verified, and the worker's path means nothing in the pod
        return dataclasses.replace(plan, ca_bundle=None)
    if not (security.ca_bundle_configmap or security.ca_bundle_secret):
        raise PodOptionsError(
            f"the Nexus connection trusts the CA bundle {plan.ca_bundle!r} (its extra 'ca_bundle'), a file "
            "on the Airflow worker that a job pod cannot read: put that bundle into a ConfigMap or "
            "Secret of the job namespace and name it in [job_orchestrator] pod_ca_bundle_configmap or "
            f"pod_ca_bundle_secret (with its key in pod_ca_bundle_key, now {security.ca_bundle_key!r})"
        )
    return dataclasses.replace(plan, ca_bundle=posixpath.join(ca_bundle_dir, CA_BUNDLE_FILE))


def ca_bundle_volume(security: PodSecuritySettings) -> k8s.V1Volume:
    """The configured CA bundle as one file, ``ca.crt``, whatever its key."""
    items = [k8s.V1KeyToPath(key=security.ca_bundle_key, path=CA_BUNDLE_FILE)]
    if security.ca_bundle_secret:
        return k8s.V1Volume(
            name=CA_BUNDLE_VOLUME,
            secret=k8s.V1SecretVolumeSource(secret_name=security.ca_bundle_secret, items=items),
        )
    return k8s.V1Volume(
        name=CA_BUNDLE_VOLUME,
        config_map=k8s.V1ConfigMapVolumeSource(name=security.ca_bundle_configmap, items=items),
    )


def ca_bundle_mount(ca_bundle_dir: str) -> k8s.V1VolumeMount:
    return k8s.V1VolumeMount(name=CA_BUNDLE_VOLUME, mount_path=ca_bundle_dir, read_only=True)


def fetch_init_container(
    *,
    plan: FetchPlan,
    image: str,
    workspace_path: str,
    credentials_secret: str,
    max_unpacked_bytes: int,
    ca_bundle_dir: str | None = None,
) -> k8s.V1Container:
    """The init container: bootstrap the runner bundle, then fetch, verify, unpack and detect.

    Its environment is ours alone: none of the job's variables reach the download. It always
    meets the `restricted` profile; relaxations are for the job's image only.
    """
    env = plain_env(
        {
            WORKSPACE_ENV: workspace_path,
            BUNDLE_ENV: runner_zipapp_base64(),
            "JOB_RUNNER_TERMINATION_LOG": TERMINATION_LOG,
            "JOB_RUNNER_MAX_UNPACKED_BYTES": str(max_unpacked_bytes),
        }
    )
    if credentials_secret:
        env.append(_secret_env("JOB_RUNNER_USERNAME", credentials_secret, "username"))
        env.append(_secret_env("JOB_RUNNER_PASSWORD", credentials_secret, "password"))
    return k8s.V1Container(
        name=INIT_CONTAINER_NAME,
        image=image,
        command=container_args(
            [
                *ISOLATED_PYTHON,
                "-c",
                BOOTSTRAP,
                "fetch",
                "--workspace",
                workspace_path,
                "--plan",
                plan.to_json(),
            ]
        ),
        env=env,
        volume_mounts=[workspace_mount(workspace_path)]
        + ([ca_bundle_mount(ca_bundle_dir)] if ca_bundle_dir else []),
        security_context=container_security_context(),
        resources=k8s.V1ResourceRequirements(
            requests={"cpu": "100m", "memory": "128Mi"}, limits={"memory": "512Mi"}
        ),
        termination_message_path=TERMINATION_LOG,
        termination_message_policy="FallbackToLogsOnError",
    )
