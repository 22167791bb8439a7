"""Every valid deployment spec becomes a DAG in the generator file's module (``dags/``).

It runs at every parse of that file, so it reads the specs folder and nothing else: no network,
no database. A spec that is invalid (or a DAG that cannot be built from one) is logged and left
out without touching the others; the API reads the same reasons from the store. When Airflow
parses the file to run a task, only that task's DAG is built (Airflow's parsing context).

A task of a deleted deployment can still start: a parse that read the folder before the delete
may have put the DAG back for a moment, and a schedule fired. Its spec is gone, but its history
records the deletion, so the task's DAG is built as one whose task fails saying so, instead of
Airflow's "DAG not found".
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from airflow.sdk import DAG, get_parsing_context

from airflow_jobs_provider.deployments.dag_builder import build_dag, build_deleted_dag
from airflow_jobs_provider.deployments.naming import name_from_dag_id
from airflow_jobs_provider.deployments.store import Entry, InvalidSpec, NotFoundError, Revision, SpecStore

log = logging.getLogger(__name__)


def register_dags(namespace: MutableMapping[str, Any], store: SpecStore | None = None) -> list[DAG]:
    """Put a DAG per valid spec into ``namespace`` (the DAG file's ``globals()``), sorted by name.

    :param store: the specs to read; default ``[job_orchestrator] specs_folder``.
    """
    dags = []
    for entry in _entries(store if store is not None else SpecStore()):
        if isinstance(entry, InvalidSpec):
            log.warning("Deployment %s is left out, its spec is not valid: %s", entry.name, entry.error)
            continue
        try:
            dag = (
                build_deleted_dag(entry.name, entry.deletion)
                if isinstance(entry, Deleted)
                else build_dag(entry)
            )
        except Exception:  # one deployment's problem must not cost the others their DAGs
            log.exception("Deployment %s is left out, its DAG cannot be built", entry.name)
            continue
        namespace[dag.dag_id] = dag
        dags.append(dag)
    return dags


@dataclass(frozen=True)
class Deleted:
    """A deployment whose spec is gone, and the history record of its deletion."""

    name: str
    deletion: Revision


def _entries(store: SpecStore) -> list[Entry | Deleted]:
    """All specs, or only the one whose task is about to run (or its deletion)."""
    wanted = get_parsing_context().dag_id
    if wanted is None:
        return list(store.list())
    name = name_from_dag_id(wanted)
    if name is None:
        return []
    try:
        return [store.get(name)]
    except NotFoundError:
        pass
    try:
        last = store.history(name)[-1]
    except NotFoundError:
        return []
    return [Deleted(name, last)] if last.action == "delete" else []
