"""Runner images found in a Nexus docker repository, as the original tool listed its registry's.

Nexus models an image tag as a component (name = image, version = tag). The list is read
through the Nexus connection only when the API shows the catalog and the kept list is older
than ``nexus_runner_images_cache_seconds``; it is kept as a small JSON file in the specs
folder, which the API server and the DAG processor share. DAG parsing reads that file and
never calls Nexus, so a Nexus outage cannot break the DAGs of images already deployed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from airflow_jobs_provider.artifacts.errors import ArtifactError
from airflow_jobs_provider.artifacts.versions import newest_first
from airflow_jobs_provider.deployments.catalogs import RunnerImage
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
    try:
        kept = json.loads(cache_file().read_text(encoding="utf-8"))
        if kept.get("repository") != repository:
            return ()
        return tuple(RunnerImage.model_validate(image) for image in kept["images"])
    except FileNotFoundError:
        return ()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Ignoring the kept list of Nexus runner images %s: %s", cache_file(), exc)
        return ()


def refresh_nexus_images(*, clock: Callable[[], float] = time.time) -> None:
    """List the repository's images again if the kept list is older than the cache time.

    A failing Nexus is logged and the kept list stays: the catalog still answers.
    """
    from airflow_jobs_provider import settings

    repository = settings.nexus_runner_images_repository()
    if not repository:
        return
    path = cache_file()
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        kept = json.loads(path.read_text(encoding="utf-8"))
        if (
            kept["repository"] == repository
            and clock() - kept["read_at"] < settings.nexus_runner_images_cache_seconds()
        ):
            return
    try:
        images = _list_images(repository, settings.nexus_runner_images_registry())
    except (ArtifactError, ValueError) as exc:
        log.warning("Could not list the runner images of Nexus repository %r: %s", repository, exc)
        return
    document = {"repository": repository, "read_at": clock(), "images": [i.model_dump() for i in images]}
    _write_atomically(path, json.dumps(document, indent=1))


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


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
