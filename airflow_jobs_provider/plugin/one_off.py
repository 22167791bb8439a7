"""Run a one-off deployment once, as soon as its DAG exists, from inside the API server.

The DAG of a new deployment exists only after the dag-processor has parsed the spec, seconds
after the API answered. So the API hands each one-off deploy to a ``OneOffTrigger``: one
daemon thread that checks, about once a second and for at most ``timeout`` seconds, which of
the awaited DAGs Airflow lists, and triggers those. The run id is derived from the deployed
revision (``deploy__r<revision>__<deployed at>``), which makes triggering idempotent: another
API server process, a retry after a database hiccup, or the sweep at start-up (which picks up
one-off deploys younger than ``timeout`` whose run is missing, e.g. after a restart) can only
ever make the one run.

A redeployed one-off DAG exists already and is triggered at once; the run still executes the
new revision, because the worker builds the task from the spec file when the task starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from airflow_jobs_provider.deployments.store import StoredDeployment

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 600.0
POLL_SECONDS = 1.0
TRIGGERED_BY = "job-orchestrator"


def one_off_run_id(stored: StoredDeployment) -> str:
    """The one run of this revision; Airflow's run-id grammar allows every character of it."""
    return f"deploy__r{stored.revision}__{stored.deployed_at.isoformat()}"


@dataclass(frozen=True)
class _Awaited:
    dag_id: str
    run_id: str
    deadline: float


class OneOffTrigger:
    """The API server's waiter for one-off DAGs; ``start`` and ``stop`` follow the app's lifespan."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_SECONDS, poll: float = POLL_SECONDS) -> None:
        self.timeout = timeout
        self.poll = poll
        self._awaited: dict[str, _Awaited] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, recent: Iterable[StoredDeployment] = ()) -> None:
        """Start the thread, first awaiting the one-off deploys of ``recent`` not older than ``timeout``."""
        oldest = datetime.now(timezone.utc) - timedelta(seconds=self.timeout)
        for stored in recent:
            if stored.spec.airflow_schedule is None and stored.deployed_at >= oldest:
                self.request(stored)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="job-orchestrator-one-off", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def request(self, stored: StoredDeployment) -> None:
        """Trigger the run of this revision once its DAG exists; a later revision replaces it."""
        awaited = _Awaited(stored.spec.dag_id, one_off_run_id(stored), time.monotonic() + self.timeout)
        with self._lock:
            self._awaited[awaited.dag_id] = awaited
        self._wake.set()

    def cancel(self, dag_id: str) -> None:
        """The deployment was deleted, or redeployed with a schedule."""
        with self._lock:
            self._awaited.pop(dag_id, None)

    def pending(self) -> set[str]:
        with self._lock:
            return set(self._awaited)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            with self._lock:
                awaited = list(self._awaited.values())
            if awaited:
                try:
                    self._check(awaited)
                except Exception:  # the database may be busy or away: the next round retries
                    log.warning("Checking one-off deployments failed; retrying", exc_info=True)
            self._wake.wait(self.poll if self._awaited else None)

    def _check(self, awaited: list[_Awaited]) -> None:
        from airflow.models.dag import DagModel
        from airflow.utils.session import create_session
        from sqlalchemy import select

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

        try:
            with create_session() as session:
                trigger_run(item.dag_id, user_name=TRIGGERED_BY, session=session, run_id=item.run_id)
        except (DagRunAlreadyExists, IntegrityError):  # made here before, or by another process
            log.info("One-off deployment %s: run %s exists already", item.dag_id, item.run_id)
        except DagNotParsedError:
            return  # listed a moment ago, not serialized yet: next round
        else:
            log.info("One-off deployment %s: triggered run %s", item.dag_id, item.run_id)
        self._forget(item)

    def _forget(self, item: _Awaited) -> None:
        with self._lock:
            if self._awaited.get(item.dag_id) == item:
                del self._awaited[item.dag_id]
