"""Runner images found in a Nexus docker repository, as the original tool listed its registry's.

Nexus models an image tag as a component (name = image, version = tag). The list is read
through the Nexus connection only when the API shows the catalog and the kept list is older
than ``nexus_runner_images_cache_seconds``; it is kept as a small JSON file in the specs
folder, which the API server and the DAG processor share. DAG parsing reads that file and
never calls Nexus, so a Nexus outage cannot break the DAGs of images already deployed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from airflow_jobs_provider.artifacts.errors import ArtifactError
from airflow_jobs_provider.artifacts.versions import newest_first
from airflow_jobs_provider.deployments.catalogs import RunnerImage
from airflow_jobs_provider.deployments.files import write_atomically
from airflow_jobs_provider.deployments.image_reference import check_image_reference

log = logging.getLogger(__name__)

CACHE_FILE_NAME = ".nexus-runner-images.json"


def cache_file() -> Path:
    from airflow_jobs_provider import settings

    return settings.specs_folder() / CACHE_FILE_NAME


def cached_nexus_images() -> tuple[RunnerImage, ...]:
    """The images of the last listing of the configured repository, without calling Nexus."""
    from airflow_jobs_provider import settings

    repository = settings.nexus_runner_images_repository()
    if not repository:
        return ()
    kept = _read_kept(cache_file())
    return tuple(kept.images) if kept is not None and kept.repository == repository else ()


def refresh_nexus_images(*, clock: Callable[[], float] = time.time) -> None:
    """List the repository's images again if the kept list is older than the cache time.

    A failing Nexus is logged and the kept list stays: the catalog still answers.
    """
    from airflow_jobs_provider import settings

    repository = settings.nexus_runner_images_repository()
    if not repository:
        return
    path = cache_file()
    kept = _read_kept(path)
    if (
        kept is not None
        and kept.repository == repository
        and clock() - kept.read_at < settings.nexus_runner_images_cache_seconds()
    ):
        return
    try:
        images = _list_images(repository, settings.nexus_runner_images_registry())
    except (ArtifactError, ValueError) as exc:
        log.warning("Could not list the runner images of Nexus repository %r: %s", repository, exc)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = _KeptImages(repository=repository, read_at=clock(), images=images)
    # Not the store's temporary prefix: the store removes those, and this writer holds no lock.
    write_atomically(path, kept.model_dump_json(indent=1), temp_prefix=f".{path.name}.")


class _KeptImages(BaseModel):
    """The kept list: which repository was listed, when (``time.time()``), and its images."""

    repository: str
    read_at: float
    images: list[RunnerImage]


def _read_kept(path: Path) -> _KeptImages | None:
    """The kept list, None when there is none; a broken one is logged and counts as none."""
    try:
        return _KeptImages.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError) as exc:
        log.warning("Ignoring the kept list of Nexus runner images %s: %s", path, exc)
        return None


def _list_images(repository: str, registry: str) -> list[RunnerImage]:
    from airflow_jobs_provider import settings
    from airflow_jobs_provider.hooks.nexus import NexusHook

    tags: dict[str, list[str]] = {}
    with NexusHook(settings.nexus_conn_id()).get_conn() as client:
        token: str | None = None
        for _ in range(client.max_pages):
            page = client.search(repository, continuation_token=token)
            for component in page.components:
                tags.setdefault(component.name, []).extend(component.versions)
            token = page.continuation_token
            if token is None:
                break
        else:
            log.warning("Runner images of %r: stopped after %d pages", repository, client.max_pages)
    origin = f"nexus:{repository}"
    images = []
    for name in sorted(tags):
        for tag in newest_first(dict.fromkeys(tags[name])):
            reference = f"{registry.rstrip('/')}/{name}:{tag}" if registry else f"{name}:{tag}"
            try:
                check_image_reference(reference)
            except ValueError as exc:
                log.warning("Skipping Nexus image %s: %s", reference, exc)
                continue
            images.append(RunnerImage(image=reference, label=f"{name}:{tag}", origin=origin))
    return images
