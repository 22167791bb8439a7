"""Ask Airflow to parse the generator file now, so a deploy, redeploy or delete shows in seconds.

This is what Airflow's own ``PUT /api/v2/parseDagFile/{file_token}`` does: add a
``DagPriorityParsingRequest`` (bundle name, file path relative to the bundle) to the metadata
database, which the DAG processor takes up before any other file at its next loop. It runs in
the API server, which has a database session. Where the generator file is comes from
``[job_orchestrator] generator_bundle`` and ``generator_file``.

A parse leaves a deleted deployment's DAG in place until ``[dag_processor] stale_dag_threshold``
has passed; ``removed_dag_ids`` marks such DAGs stale at once, as the DAG processor later would
(a parse that finds the DAG again makes it active again).
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass

from airflow_jobs_provider import settings
from airflow_jobs_provider.deployments.naming import name_from_dag_id


class ReparseError(RuntimeError):
    """The generator file's bundle is not one Airflow knows: the configuration is wrong."""


@dataclass(frozen=True)
class GeneratorFile:
    """The generator file as Airflow names it: its bundle and its path inside the bundle."""

    bundle_name: str
    relative_fileloc: str


def generator_file() -> GeneratorFile:
    """From the configuration, checked against the DAG bundles Airflow is configured with."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager

    location = GeneratorFile(
        bundle_name=settings.generator_bundle(), relative_fileloc=settings.generator_file()
    )
    bundles = list(DagBundlesManager().get_all_bundle_names())
    if location.bundle_name not in bundles:
        raise ReparseError(
            f"[job_orchestrator] generator_bundle {location.bundle_name!r} is not a configured DAG bundle "
            f"({', '.join(bundles) or 'none'}): set it to the bundle that holds {location.relative_fileloc}"
        )
    return location


def request_reparse(*, removed_dag_ids: Collection[str] = ()) -> GeneratorFile:
    """Queue a priority parse of the generator file (once: a pending request serves everyone).

    :param removed_dag_ids: DAGs of deleted deployments, to hide from Airflow at once.
    :return: the file whose parse was requested.
    """
    from airflow.models.dag import DagModel
    from airflow.models.dagbag import DagPriorityParsingRequest
    from airflow.utils.session import create_session
    from sqlalchemy import select, update
    from sqlalchemy.exc import IntegrityError

    location = generator_file()
    foreign = [dag_id for dag_id in removed_dag_ids if name_from_dag_id(dag_id) is None]
    if foreign:
        raise ValueError(f"not DAGs of deployments: {', '.join(foreign)}")
    if removed_dag_ids:
        with create_session() as session:
            session.execute(
                update(DagModel).where(DagModel.dag_id.in_(list(removed_dag_ids))).values(is_stale=True)
            )
    # A concurrent request for the same file may get in first (IntegrityError): it serves this one too.
    with suppress(IntegrityError), create_session() as session:
        pending = session.scalar(
            select(DagPriorityParsingRequest.id).where(
                DagPriorityParsingRequest.bundle_name == location.bundle_name,
                DagPriorityParsingRequest.relative_fileloc == location.relative_fileloc,
            )
        )
        if pending is None:
            session.add(
                DagPriorityParsingRequest(
                    bundle_name=location.bundle_name, relative_fileloc=location.relative_fileloc
                )
            )
    return location
