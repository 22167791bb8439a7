"""Run a one-off deployment once, as soon as its DAG exists, from inside the API server.

The DAG of a new deployment exists only after the dag-processor has parsed the spec, seconds
after the API answered. So the API hands each one-off deploy to a ``OneOffTrigger``: one
daemon thread that checks, about once a second and for at most ``timeout`` seconds, which of
the awaited DAGs Airflow lists, and triggers those. The run id is derived from the deployed
revision (``deploy__r<revision>__<deployed at>``), which makes triggering idempotent: another
API server process, a retry after a database hiccup, or the sweep at start-up (which picks up
one-off deploys younger than ``timeout`` whose run is missing, e.g. after a restart) can only
ever make the one run. The run is triggered by the user who deployed the revision.

Just before triggering, under the specs folder's lock, the revision is read again: a revision
that a later redeploy or a delete has replaced is never run (the API had the deploying user's
run right for that revision only).

A redeployed one-off DAG exists already and is triggered at once; the run still executes the
new revision, because the worker builds the task from the spec file when the task starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from airflow_jobs_provider.deployments.store import NotFoundError, SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.poller import Poller

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 600.0
POLL_SECONDS = 1.0


def one_off_run_id(stored: StoredDeployment) -> str:
    """The one run of this revision; Airflow's run-id grammar allows every character of it."""
    return f"deploy__r{stored.revision}__{stored.deployed_at.isoformat()}"


@dataclass(frozen=True)
class _Awaited:
    name: str
    dag_id: str
    revision: int
    deployed_at: datetime
    deployed_by: str
    run_id: str
    deadline: float


class OneOffTrigger(Poller):
    """The API server's waiter for one-off DAGs; ``start`` and ``stop`` follow the app's lifespan."""

    thread_name = "job-orchestrator-one-off"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_SECONDS, poll: float = POLL_SECONDS) -> None:
        super().__init__(poll)
        self.timeout = timeout
        self._awaited: dict[str, _Awaited] = {}

    def start(self, recent: Iterable[StoredDeployment] = ()) -> None:
        """Start the thread, first awaiting the one-off deploys of ``recent`` not older than ``timeout``."""
        oldest = datetime.now(timezone.utc) - timedelta(seconds=self.timeout)
        for stored in recent:
            if stored.spec.airflow_schedule is None and stored.deployed_at >= oldest:
                self.request(stored)
        super().start()

    def request(self, stored: StoredDeployment) -> None:
        """Trigger the run of this revision once its DAG exists; a later revision replaces it."""
        awaited = _Awaited(
            name=stored.name,
            dag_id=stored.spec.dag_id,
            revision=stored.revision,
            deployed_at=stored.deployed_at,
            deployed_by=stored.deployed_by,
            run_id=one_off_run_id(stored),
            deadline=time.monotonic() + self.timeout,
        )
        with self._lock:
            self._awaited[awaited.dag_id] = awaited
        self.wake()

    def cancel(self, dag_id: str) -> None:
        """The deployment was deleted, or redeployed with a schedule."""
        with self._lock:
            self._awaited.pop(dag_id, None)

    def pending(self) -> set[str]:
        with self._lock:
            return set(self._awaited)

    def _has_work(self) -> bool:
        with self._lock:
            return bool(self._awaited)

    def _round(self) -> None:
        from airflow.models.dag import DagModel
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with self._lock:
            awaited = list(self._awaited.values())
        with create_session() as session:
            listed = set(
                session.scalars(
                    select(DagModel.dag_id).where(
                        DagModel.dag_id.in_([item.dag_id for item in awaited]), ~DagModel.is_stale
                    )
                )
            )
        now = time.monotonic()
        for item in awaited:
            if item.dag_id in listed:
                self._trigger(item)
            elif now >= item.deadline:
                log.warning(
                    "One-off deployment %s: its DAG did not appear within %.0f s; it was not run. "
                    "Check the DAG processor, then use 'run now'.",
                    item.dag_id,
                    self.timeout,
                )
                self._forget(item)

    def _trigger(self, item: _Awaited) -> None:
        from airflow.exceptions import DagRunAlreadyExists
        from airflow.utils.session import create_session
        from sqlalchemy.exc import IntegrityError

        from airflow_jobs_provider.plugin.airflow_state import DagNotParsedError, trigger_run

        store = SpecStore()
        try:
            # Under the lock writers hold, so no redeploy or delete slips in between check and run.
            with store.locked():
                if not self._still_current(store, item):
                    log.info(
                        "One-off deployment %s: revision %d was replaced or deleted; not run",
                        item.dag_id,
                        item.revision,
                    )
                else:
                    with create_session() as session:
                        trigger_run(
                            item.dag_id, user_name=item.deployed_by, session=session, run_id=item.run_id
                        )
                    log.info("One-off deployment %s: triggered run %s", item.dag_id, item.run_id)
        except (DagRunAlreadyExists, IntegrityError):  # made here before, or by another process
            log.info("One-off deployment %s: run %s exists already", item.dag_id, item.run_id)
        except DagNotParsedError:
            return  # listed a moment ago, not serialized yet: next round
        self._forget(item)

    @staticmethod
    def _still_current(store: SpecStore, item: _Awaited) -> bool:
        try:
            current = store.get(item.name)
        except NotFoundError:
            return False
        return (
            isinstance(current, StoredDeployment)
            and current.revision == item.revision
            and current.deployed_at == item.deployed_at
            and current.spec.airflow_schedule is None
        )

    def _forget(self, item: _Awaited) -> None:
        with self._lock:
            if self._awaited.get(item.dag_id) == item:
                del self._awaited[item.dag_id]
