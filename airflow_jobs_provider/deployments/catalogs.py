"""What an admin lets users pick from: runner images and SMB endpoints.

Users choose by name from these lists instead of typing an image or a share and its
credentials, so a deployment can only reach what the admin has opened up.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from airflow_jobs_provider.deployments.image_reference import check_image_reference
from airflow_jobs_provider.deployments.text import kubernetes_object_name, single_line
from airflow_jobs_provider.json_option import parse_json_option

_ENTRY_SEPARATOR = re.compile(r"[,\n]")
_ENDPOINT_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"
_SMB_SOURCE = r"^//[^/\\]+/[^/\\]+(/[^/\\]+)*$"


class CatalogError(ValueError):
    """The admin's catalog option cannot be read; the message names the option."""


class RunnerImage(BaseModel):
    """An image users may run jobs in; ``label`` is what a form shows, ``origin`` where it was
    found: the option that names it, or ``nexus:<repository>``."""

    model_config = ConfigDict(frozen=True)

    image: str
    label: str
    origin: str = "runner_images"


class SmbEndpoint(BaseModel):
    """A share users may mount below; the credentials Secret is the admin's, never the user's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Annotated[str, Field(max_length=1024, pattern=_SMB_SOURCE), AfterValidator(single_line)]
    credentials_secret: Annotated[str, AfterValidator(kubernetes_object_name)]
    mount_options: Annotated[str, Field(max_length=1024), AfterValidator(single_line)] | None = None


_SMB_CATALOG = TypeAdapter(dict[Annotated[str, Field(pattern=_ENDPOINT_NAME)], SmbEndpoint])


def parse_runner_images(text: str, default_image: str) -> tuple[RunnerImage, ...]:
    """``label=image`` or ``image`` entries, separated by commas or new lines; the default comes first."""
    images: dict[str, RunnerImage] = {}
    if default_image:
        _checked_image(default_image, "default_runner_image")
        images[default_image] = RunnerImage(
            image=default_image, label=default_image, origin="default_runner_image"
        )
    for entry in filter(None, (part.strip() for part in _ENTRY_SEPARATOR.split(text))):
        label, _, image = entry.rpartition("=")
        image = _checked_image(image.strip(), "runner_images")
        images[image] = RunnerImage(image=image, label=label.strip() or image)
    return tuple(images.values())


def runner_catalog() -> tuple[RunnerImage, ...]:
    """The images users may pick: the options' own, then those of the Nexus docker repository.

    Every DAG parse reads it (through ``DeploymentPolicy.from_config``): the Nexus images come
    from the list kept by :mod:`~airflow_jobs_provider.deployments.nexus_images`, never the network.
    """
    from airflow_jobs_provider import settings
    from airflow_jobs_provider.deployments.nexus_images import cached_nexus_images

    configured = parse_runner_images(
        settings.runner_images(), settings.PodDefaults.from_config().runner_image
    )
    listed = {image.image for image in configured}
    return configured + tuple(image for image in cached_nexus_images() if image.image not in listed)


def parse_smb_endpoints(text: str) -> dict[str, SmbEndpoint]:
    """A JSON object: endpoint name → ``{"source", "credentials_secret"[, "mount_options"]}``."""
    return parse_json_option(text, _SMB_CATALOG, "smb_endpoints", CatalogError) or {}


def smb_catalog() -> dict[str, SmbEndpoint]:
    from airflow_jobs_provider import settings

    return parse_smb_endpoints(settings.smb_endpoints())


def _checked_image(image: str, option: str) -> str:
    try:
        return check_image_reference(image)
    except ValueError as exc:
        raise CatalogError(f"[job_orchestrator] {option}: {exc}") from None
