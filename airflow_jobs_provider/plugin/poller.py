"""One daemon thread of the API server that does a round of work about once a ``poll`` while it has any.

The one-off trigger and the keeper of deleted DAGs both wait on Airflow's database for things
nothing announces (a DAG parsed, a parse finished); each is a ``Poller`` whose ``start`` and
``stop`` follow the app's lifespan. A failed round (the database busy or away) is logged and
retried at the next one.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Poller:
    """Subclasses say whether there is work (``_has_work``) and do one round of it (``_round``)."""

    thread_name = "job-orchestrator-poller"

    def __init__(self, poll: float) -> None:
        self.poll = poll
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wake(self) -> None:
        """There is new work: do a round now rather than at the next poll."""
        self._wake.set()

    def _has_work(self) -> bool:
        raise NotImplementedError

    def _round(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            if self._has_work():
                try:
                    self._round()
                except Exception:  # the database may be busy or away: the next round retries
                    log.warning("%s: a round failed; retrying", self.thread_name, exc_info=True)
            self._wake.wait(self.poll if self._has_work() else None)
