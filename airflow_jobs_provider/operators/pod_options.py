"""What a job asks of its pod besides the artifact: mounts, config files, resources.

Plain data, so the deployment spec, the generator and hand-written DAGs all describe a pod
the same way, and the pod builder is the only place that knows Kubernetes objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SMB_CSI_DRIVER = "smb.csi.k8s.io"
# The key grammar of Secrets and ConfigMaps: a config file's name doubles as its key.
CONFIG_FILE_NAME = re.compile(r"[-._a-zA-Z0-9]+")
# Where the job pod keeps the artifact and its config files; user mounts may not overlap them.
DEFAULT_WORKSPACE = "/workspace"
DEFAULT_CONFIG_DIR = "/etc/job-config"
# Where the init container finds the CA bundle configured for pods (read-only, its own volume).
DEFAULT_CA_BUNDLE_DIR = "/etc/job-runner/ca"


@dataclass(frozen=True)
class SmbMount:
    """A CIFS/SMB share mounted through the SMB CSI driver as an inline volume.

    ``source`` is ``//server/share[/folder]``; ``credentials_secret`` names a Kubernetes
    Secret with ``username`` and ``password`` (and optionally ``domain``) in the pod's namespace.
    """

    source: str
    mount_path: str
    credentials_secret: str
    read_only: bool = False
    mount_options: str = "dir_mode=0777,file_mode=0777"


@dataclass(frozen=True)
class PvcMount:
    """An existing PersistentVolumeClaim."""

    claim_name: str
    mount_path: str
    sub_path: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class NfsMount:
    """An NFS export mounted directly by the kubelet."""

    server: str
    path: str
    mount_path: str
    read_only: bool = False


Mount = SmbMount | PvcMount | NfsMount


@dataclass(frozen=True)
class ConfigFile:
    """A file the job reads, taken from one key of a Secret or a ConfigMap.

    All config files of a job land in one folder (``JOB_CONFIG_DIR`` in the job's
    environment), so secret and non-secret files sit side by side as the job expects.
    """

    file_name: str
    source_name: str
    key: str
    source_kind: Literal["secret", "configmap"] = "configmap"


@dataclass(frozen=True)
class InlineConfigFile:
    """A file the job reads whose content the operator itself provides when the task runs.

    ``content`` is given here (not secret: it is part of the DAG), or ``variable_key`` names
    the Airflow Variable holding it, read in the worker only when the task runs, so a secret
    is never part of the DAG. It lands in the same folder as the ``ConfigFile`` ones.
    """

    file_name: str
    content: str | None = None
    variable_key: str | None = None

    def __post_init__(self) -> None:
        if not CONFIG_FILE_NAME.fullmatch(self.file_name) or self.file_name in (".", ".."):
            raise ValueError(
                f"config file name {self.file_name!r} must be a plain file name: letters, digits, '-', '_', '.'"
            )
        if (self.content is None) == (self.variable_key is None):
            raise ValueError(f"config file {self.file_name!r} needs exactly one of content and variable_key")


@dataclass(frozen=True)
class JobResources:
    """Requests and limits; an empty value means the admin's default from the config."""

    cpu_request: str = ""
    memory_request: str = ""
    cpu_limit: str = ""
    memory_limit: str = ""
