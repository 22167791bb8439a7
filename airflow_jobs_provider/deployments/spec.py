"""A deployment as data: what to run, where, with what, and when. The spec file's only schema.

Every value is checked here, once, against the admin's policy (see ``policy.py``): the store
never writes a spec that fails, and the DAG generator turns a valid spec into operator
arguments without checking again. Nothing in a spec is ever rendered as code or a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from airflow_jobs_provider.artifacts.reference import LATEST, ArtifactRef
from airflow_jobs_provider.deployments.base import SpecModel, check_unique
from airflow_jobs_provider.deployments.catalogs import SmbEndpoint, smb_catalog
from airflow_jobs_provider.deployments.config_files import (
    MAX_CONFIG_FILES,
    ConfigFileSpec,
    mask_secret_contents,
)
from airflow_jobs_provider.deployments.image_reference import check_image_reference
from airflow_jobs_provider.deployments.mounts import MAX_MOUNTS, MountSpec
from airflow_jobs_provider.deployments.naming import check_name, dag_id_for
from airflow_jobs_provider.deployments.policy import (
    DeploymentPolicy,
    check_offered,
    check_webhook_connection,
    policy_from_context,
)
from airflow_jobs_provider.deployments.resources import ResourcesSpec
from airflow_jobs_provider.deployments.schedule import (
    ONE_OFF,
    airflow_schedule,
    check_schedule,
    check_timezone,
)
from airflow_jobs_provider.deployments.text import no_nul, single_line
from airflow_jobs_provider.operators.job_environment import check_env_name
from airflow_jobs_provider.operators.pod_options import JobResources, Mount

MAX_ARGS = 128
MAX_ARG_CHARS = 8192
MAX_ENV = 128
MAX_ENV_VALUE_CHARS = 32 * 1024
MAX_ASSETS = 20
MAX_TAGS = 10
MAX_EMAILS = 20

_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_TAG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 _.:/+-]*[A-Za-z0-9_.:/+-])?")
# Airflow's own rule for connection ids (airflow.models.connection.sanitize_conn_id).
_CONN_ID = re.compile(r"[\w#!()\-.:/\\]{1,250}")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def _repository(value: str) -> str:
    if not _REPOSITORY.fullmatch(value):
        raise ValueError(f"{value!r} is not a repository name: letters, digits, '.', '_' and '-'")
    return value


def _coordinate(value: str) -> str:
    """Group, name, version and asset selectors also become paths of the local source."""
    if value:
        single_line(value)
    if "\\" in value or any(segment in (".", "..") for segment in value.split("/")):
        raise ValueError(f"{value!r} must not contain '\\' or a '.' or '..' path segment")
    return value


def _version(value: str) -> str:
    if "/" in value:
        raise ValueError(f"{value!r} is not a version: it must not contain '/'")
    return _coordinate(value)


def _tag(value: str) -> str:
    if not _TAG.fullmatch(value):
        raise ValueError(f"{value!r} is not a tag: letters, digits, spaces and _ . : / + -")
    return value


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _conn_id(value: str) -> str:
    if not _CONN_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not an Airflow connection id: letters, digits and _ - . : / # ! ( )")
    return value


def _webhook_conn_id(value: str, info: ValidationInfo) -> str:
    return check_webhook_connection(value, policy_from_context(info.context).webhook_connections)


def _env_name(value: str, info: ValidationInfo) -> str:
    """The operators check the same rule again (``validate_job_env``); here it names the variable."""
    return check_env_name(value, policy_from_context(info.context).allowed_loader_env)


Coordinate = Annotated[str, Field(max_length=255), AfterValidator(_coordinate)]
EnvName = Annotated[str, AfterValidator(_env_name)]
EnvValue = Annotated[str, Field(max_length=MAX_ENV_VALUE_CHARS), AfterValidator(no_nul)]

# The lists whose items must differ, and by what.
_UNIQUE_KEYS: dict[str, tuple[Callable[[Any], str], str]] = {
    "tags": (str, "tag"),
    "config_files": (attrgetter("file_name"), "config file name"),
    "mounts": (attrgetter("mount_path"), "mount path"),
}


class ArtifactSpec(SpecModel):
    """What to run: a component version in a repository and the assets (files) to run, in order."""

    source: Literal["nexus", "local"] = "nexus"
    repository: Annotated[str, AfterValidator(_repository)]
    group: Coordinate = ""
    name: Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_coordinate)]
    version: Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_version)] = LATEST
    assets: list[Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_coordinate)]] = Field(
        default_factory=list, max_length=MAX_ASSETS
    )

    def to_ref(self) -> ArtifactRef:
        return ArtifactRef(
            repository=self.repository,
            name=self.name,
            group=self.group,
            version=self.version,
            assets=tuple(self.assets),
            source=self.source,
        )


class NotifySpec(SpecModel):
    """Who hears about failed runs."""

    emails: list[Annotated[str, AfterValidator(_email)]] = Field(default_factory=list, max_length=MAX_EMAILS)
    # The URL stays in the connection: webhook URLs often carry their token.
    webhook_conn_id: Annotated[str, AfterValidator(_conn_id), AfterValidator(_webhook_conn_id)] | None = None


class DeploymentSpec(SpecModel):
    """One deployment. Field order is the order of the spec file."""

    name: Annotated[str, AfterValidator(check_name)]
    description: Annotated[str, Field(max_length=4000), AfterValidator(no_nul)] = ""
    owner: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(single_line)] = "airflow"
    tags: list[Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_tag)]] = Field(
        default_factory=list, max_length=MAX_TAGS
    )
    artifact: ArtifactSpec
    executor: Literal["kubernetes", "local"]
    runner_image: Annotated[str, Field(max_length=512), AfterValidator(check_image_reference)] | None = None
    args: list[Annotated[str, Field(max_length=MAX_ARG_CHARS), AfterValidator(no_nul)]] = Field(
        default_factory=list, max_length=MAX_ARGS
    )
    env: dict[EnvName, EnvValue] = Field(default_factory=dict, max_length=MAX_ENV)
    config_files: list[ConfigFileSpec] = Field(default_factory=list, max_length=MAX_CONFIG_FILES)
    mounts: list[MountSpec] = Field(default_factory=list, max_length=MAX_MOUNTS)
    proxy: bool = Field(default=False, strict=True)
    # Validated even when left out: the admin's defaults must fit the admin's ceilings.
    resources: ResourcesSpec = Field(default_factory=dict, validate_default=True)
    schedule: Annotated[str, AfterValidator(check_schedule)] = ONE_OFF
    timezone: Annotated[str, AfterValidator(check_timezone)] = "UTC"
    max_active_runs: int = Field(default=1, ge=1, le=16, strict=True)
    retries: int = Field(default=0, ge=0, le=10, strict=True)
    retry_delay_seconds: int = Field(default=300, ge=0, le=24 * 3600, strict=True)
    execution_timeout_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60, strict=True)
    notify: NotifySpec = Field(default_factory=NotifySpec)

    @model_validator(mode="before")
    @classmethod
    def _mask_secrets(cls, data: Any) -> Any:
        return mask_secret_contents(data)

    @field_validator("executor")
    @classmethod
    def _executor_allowed(cls, value: str, info: ValidationInfo) -> str:
        allowed = policy_from_context(info.context).allowed_executors
        return check_offered(value, allowed, "an executor the admin allows")

    @field_validator("runner_image")
    @classmethod
    def _image_in_catalog(cls, value: str | None, info: ValidationInfo) -> str | None:
        images = policy_from_context(info.context).runner_images
        return value if value is None else check_offered(value, images, "in the runner catalog")

    @field_validator("tags", "config_files", "mounts")
    @classmethod
    def _no_repeats(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        key, what = _UNIQUE_KEYS[info.field_name or ""]
        check_unique(map(key, value), what)
        return value

    @model_validator(mode="after")
    def _fits_executor(self) -> DeploymentSpec:
        """The local executor runs on the worker: no image, pod mounts, limits or proxy.

        Config files work with both: the local operator writes them into the job's workspace.
        """
        if self.executor == "kubernetes":
            if self.runner_image is None:
                raise ValueError("runner_image: the kubernetes executor needs an image from the catalog")
            return self
        unsupported = {
            "runner_image": self.runner_image is not None,
            "mounts": bool(self.mounts),
            "resources": self.resources.to_job_resources() != JobResources(),
            "proxy": self.proxy,
        }
        for field, used in unsupported.items():
            if used:
                raise ValueError(f"{field}: the local executor cannot use it; choose the kubernetes executor")
        return self

    @property
    def dag_id(self) -> str:
        return dag_id_for(self.name)

    @property
    def airflow_schedule(self) -> str | None:
        """The DAG's ``schedule`` argument: None for a one-off deployment."""
        return airflow_schedule(self.schedule)

    def operator_mounts(self, smb_endpoints: Mapping[str, SmbEndpoint] | None = None) -> list[Mount]:
        """The mounts as the operator takes them; SMB endpoints resolved from the catalog."""
        endpoints = smb_endpoints if smb_endpoints is not None else smb_catalog()
        return [mount.to_mount(endpoints) for mount in self.mounts]


def validate_spec(data: Any, policy: DeploymentPolicy | None = None) -> DeploymentSpec:
    """Check ``data`` (a mapping or a spec) against ``policy``, by default the admin's configuration."""
    chosen = policy if policy is not None else DeploymentPolicy.from_config()
    return DeploymentSpec.model_validate(data, context=chosen.as_context())
