"""Keep a deleted deployment's DAG stale while a parse that began before the delete may revive it.

Deleting moves the spec into its history and marks the DAG stale at once
(``request_reparse(removed_dag_ids=...)``). But the DAG processor may be parsing the generator
file at that moment, from a listing of the specs folder made before the delete; when that
parse ends it writes the DAG back as active, and the next parse (which no longer finds it)
does not deactivate it before ``[dag_processor] stale_dag_threshold``. Nothing announces when a
parse begins or ends, but a parse lasts at most ``[dag_processor] dag_file_processor_timeout``:
after that much time (and a margin for the processor to store its result) every parse still to
end began after the delete. Until then, this thread marks the DAG stale again whenever it finds
it active. A deployment of the same name created meanwhile (by any API server) ends it.
At start-up it resumes the watch of deletions the specs folder's history records within the
window, so an API server restarted meanwhile (or another one) does not forget them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from datetime import datetime, timedelta, timezone

from airflow_jobs_provider.deployments.naming import dag_id_for, name_from_dag_id
from airflow_jobs_provider.deployments.store import NotFoundError, SpecStore
from airflow_jobs_provider.plugin.poller import Poller

log = logging.getLogger(__name__)

# How long after its parse process ends the DAG processor may take to store the result.
PERSIST_MARGIN_SECONDS = 15.0
POLL_SECONDS = 1.0


def default_window() -> float:
    """The longest parse the DAG processor allows, plus the margin."""
    from airflow.configuration import conf

    return (
        conf.getfloat("dag_processor", "dag_file_processor_timeout", fallback=50.0) + PERSIST_MARGIN_SECONDS
    )


class DeletedDags(Poller):
    """The API server's keeper of deleted deployments' DAGs; ``start`` and ``stop`` follow the app.

    :param window: seconds after a delete during which a stale parse may still revive the DAG.
    :param store: where a re-created deployment is noticed; default the configured specs folder.
    """

    thread_name = "job-orchestrator-deleted-dags"

    def __init__(
        self, window: float | None = None, poll: float = POLL_SECONDS, store: SpecStore | None = None
    ) -> None:
        super().__init__(poll)
        self.window = window
        self._store = store
        self._kept: dict[str, float] = {}  # DAG id -> monotonic deadline

    def start(self) -> None:
        """Start the thread, first resuming the watch of deletions recorded within the window."""
        self._resume()
        super().start()

    def deleted(self, dag_ids: Collection[str]) -> None:
        """These deployments were deleted now (their DAGs were marked stale by ``request_reparse``)."""
        deadline = time.monotonic() + self._window()
        with self._lock:
            self._kept.update(dict.fromkeys(dag_ids, deadline))
        self.wake()

    def created(self, dag_id: str) -> None:
        """A deployment of this DAG was created again: its DAG is wanted."""
        with self._lock:
            self._kept.pop(dag_id, None)

    def kept(self) -> set[str]:
        with self._lock:
            return set(self._kept)

    def _window(self) -> float:
        return self.window if self.window is not None else default_window()

    def _resume(self) -> None:
        """Watch each deletion younger than the window for the rest of it; never stops the API server."""
        window = self._window()
        now = datetime.now(timezone.utc)
        try:
            deletions = self._specs().deletions_since(now - timedelta(seconds=window))
        except Exception:
            log.warning(
                "Could not read the deletions in the specs folder's history at start-up", exc_info=True
            )
            return
        started = time.monotonic()
        with self._lock:
            for deletion in deletions:
                age = (now - deletion.deleted_at).total_seconds()
                self._kept[dag_id_for(deletion.name)] = started + window - age

    def _specs(self) -> SpecStore:
        return self._store if self._store is not None else SpecStore()

    def _has_work(self) -> bool:
        with self._lock:
            return bool(self._kept)

    def _round(self) -> None:
        from airflow.models.dag import DagModel
        from airflow.utils.session import create_session
        from sqlalchemy import select, update

        now = time.monotonic()
        with self._lock:
            expired = {dag_id for dag_id, deadline in self._kept.items() if deadline <= now}
            for dag_id in expired:
                del self._kept[dag_id]
            candidates = set(self._kept)
        still_deleted = sorted(dag_id for dag_id in candidates if not self._exists(dag_id))
        for dag_id in candidates.difference(still_deleted):
            self.created(dag_id)
        if not still_deleted:
            return
        with create_session() as session:
            revived = list(
                session.scalars(
                    select(DagModel.dag_id).where(DagModel.dag_id.in_(still_deleted), ~DagModel.is_stale)
                )
            )
            if revived:
                session.execute(update(DagModel).where(DagModel.dag_id.in_(revived)).values(is_stale=True))
        if revived:
            log.info(
                "Deleted deployments' DAGs %s were written back by a parse that began before the delete; "
                "marked stale again",
                ", ".join(sorted(revived)),
            )

    def _exists(self, dag_id: str) -> bool:
        name = name_from_dag_id(dag_id)
        if name is None:
            return False
        try:
            self._specs().get(name)
        except NotFoundError:
            return False
        return True
