"""The storage a job mounts: an SMB share from the admin's catalog, a PVC or an NFS export."""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from airflow_jobs_provider.deployments.base import SpecModel
from airflow_jobs_provider.deployments.catalogs import SmbEndpoint
from airflow_jobs_provider.deployments.policy import check_offered, policy_from_context
from airflow_jobs_provider.deployments.text import absolute_path, kubernetes_object_name, relative_path
from airflow_jobs_provider.operators.pod_options import (
    DEFAULT_CONFIG_DIR,
    DEFAULT_WORKSPACE,
    Mount,
    NfsMount,
    PvcMount,
    SmbMount,
)

# Where NexusKubernetesOperator puts the artifact and the config files (its DEFAULT_WORKSPACE
# and DEFAULT_CONFIG_DIR): a mount there would hide the job or its files.
RESERVED_PATHS = (DEFAULT_WORKSPACE, DEFAULT_CONFIG_DIR)
# The kernel's and the container runtime's own file systems: a share mounted there (or below)
# hides /proc/self, device nodes or cgroup files the job's runtime reads.
SYSTEM_PATHS = ("/proc", "/sys", "/dev")
MAX_MOUNTS = 10
_HOST_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


def _mount_path(value: str) -> str:
    absolute_path(value)  # canonical: no '..', '.', '//' or trailing '/' to hide a system path
    for system in SYSTEM_PATHS:
        if value == system or value.startswith(f"{system}/"):
            raise ValueError(
                f"{value!r} is in {system}, which belongs to the kernel and the container runtime"
            )
    for reserved in RESERVED_PATHS:
        if posixpath.commonpath([value, reserved]) in (value, reserved):
            raise ValueError(f"{value!r} overlaps {reserved}, which the orchestrator mounts for every job")
    return value


def _server(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if not _HOST_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not a host name or IP address") from None
    return value


MountPath = Annotated[str, Field(max_length=1024), AfterValidator(_mount_path)]
SubPath = Annotated[str, Field(max_length=1024), AfterValidator(relative_path)]


class SmbMountSpec(SpecModel):
    """A folder of an SMB endpoint the admin has listed; users never see its credentials."""

    type: Literal["smb"]
    endpoint: str
    sub_path: SubPath = ""
    mount_path: MountPath
    read_only: bool = Field(default=False, strict=True)

    @field_validator("endpoint")
    @classmethod
    def _in_catalog(cls, value: str, info: ValidationInfo) -> str:
        return check_offered(
            value, policy_from_context(info.context).smb_endpoints, "an SMB endpoint of the catalog"
        )

    def to_mount(self, smb_endpoints: Mapping[str, SmbEndpoint]) -> Mount:
        endpoint = smb_endpoints[self.endpoint]
        extra: dict[str, Any] = {}
        if endpoint.mount_options is not None:
            extra["mount_options"] = endpoint.mount_options
        return SmbMount(
            source=posixpath.join(endpoint.source, self.sub_path) if self.sub_path else endpoint.source,
            mount_path=self.mount_path,
            credentials_secret=endpoint.credentials_secret,
            read_only=self.read_only,
            **extra,
        )


class PvcMountSpec(SpecModel):
    type: Literal["pvc"]
    claim_name: Annotated[str, AfterValidator(kubernetes_object_name)]
    sub_path: SubPath = ""
    mount_path: MountPath
    read_only: bool = Field(default=False, strict=True)

    def to_mount(self, smb_endpoints: Mapping[str, SmbEndpoint]) -> Mount:
        return PvcMount(
            claim_name=self.claim_name,
            mount_path=self.mount_path,
            sub_path=self.sub_path,
            read_only=self.read_only,
        )


class NfsMountSpec(SpecModel):
    type: Literal["nfs"]
    server: Annotated[str, Field(max_length=253), AfterValidator(_server)]
    path: Annotated[str, Field(max_length=1024), AfterValidator(absolute_path)]
    mount_path: MountPath
    read_only: bool = Field(default=False, strict=True)

    def to_mount(self, smb_endpoints: Mapping[str, SmbEndpoint]) -> Mount:
        return NfsMount(
            server=self.server, path=self.path, mount_path=self.mount_path, read_only=self.read_only
        )


MountSpec = Annotated[SmbMountSpec | PvcMountSpec | NfsMountSpec, Field(discriminator="type")]
