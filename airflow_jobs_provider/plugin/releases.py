"""Whether a newer release exists for a pinned deployment, looked up in the background.

The deployments list shows a badge when the artifact's source holds a release newer than the
version a deployment is pinned to. Asking the source (Nexus) per row per refresh would make
every page view a burst of Nexus calls, so the API server keeps one ``ReleaseWatch``: a daemon
thread (started and stopped by the app's lifespan) that asks the source for the versions of
each component the list has shown (source, repository, group, name) at most once every
``[job_orchestrator] release_check_minutes``, and keeps the newest release in memory. A request
reads that memory only. A component nobody has listed for two intervals is forgotten. A failed
lookup is logged and remembered as "unknown" until the next one: no badge, rather than a wrong one.

``latest`` and ``latest-release`` deployments get no badge: their runs take the newest anyway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from airflow_jobs_provider.artifacts.reference import MOVING_VERSIONS
from airflow_jobs_provider.artifacts.versions import first_release, version_key
from airflow_jobs_provider.deployments.spec import ArtifactSpec
from airflow_jobs_provider.plugin.poller import Poller

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


@dataclass(frozen=True)
class Component:
    source: str
    repository: str
    group: str
    name: str


@dataclass
class _Known:
    checked: float  # monotonic time of the last lookup
    latest_release: str | None  # None: no release, or the lookup failed


def newest_release(component: Component) -> str | None:
    """The newest version of ``component`` that is no pre-release (what ``latest-release`` runs)."""
    from airflow_jobs_provider.artifacts.registry import get_artifact_source

    return first_release(
        get_artifact_source(component.source).versions(component.repository, component.group, component.name)
    )


class ReleaseWatch(Poller):
    """The API server's memory of each listed component's newest release.

    :param interval: seconds between two lookups of one component; default the configured minutes.
    :param lookup: asks the source for a component's newest release (``newest_release``).
    """

    thread_name = "job-orchestrator-releases"

    def __init__(
        self,
        interval: float | None = None,
        poll: float = POLL_SECONDS,
        lookup: Callable[[Component], str | None] = newest_release,
    ) -> None:
        super().__init__(poll)
        self._interval = interval
        self.lookup = lookup
        self._known: dict[Component, _Known] = {}
        self._wanted: dict[Component, float] = {}  # component -> monotonic time it was last listed

    @property
    def interval(self) -> float:
        if self._interval is not None:
            return self._interval
        from airflow_jobs_provider import settings

        return settings.release_check_minutes() * 60.0

    def newer_release(self, artifact: ArtifactSpec) -> str | None:
        """The newest release if it is newer than the pinned version, from memory; never a source call."""
        if artifact.version in MOVING_VERSIONS:
            return None
        component = Component(artifact.source, artifact.repository, artifact.group, artifact.name)
        with self._lock:
            first = component not in self._wanted
            self._wanted[component] = time.monotonic()
            known = self._known.get(component)
        if first:
            self.wake()
        if known is None or known.latest_release is None:
            return None
        if version_key(known.latest_release) <= version_key(artifact.version):
            return None
        return known.latest_release

    def _has_work(self) -> bool:
        with self._lock:
            return bool(self._wanted)

    def _round(self) -> None:
        now = time.monotonic()
        interval = self.interval
        with self._lock:
            for component, listed in list(self._wanted.items()):
                if now - listed > 2 * interval:
                    del self._wanted[component]
                    self._known.pop(component, None)
            due = [
                component
                for component in self._wanted
                if component not in self._known or now - self._known[component].checked >= interval
            ]
        failed: list[tuple[Component, Exception]] = []
        for component in due:
            if self._stopping.is_set():
                break
            try:
                latest = self.lookup(component)
            except Exception as exc:  # a source away, a component gone: unknown until the next lookup
                failed.append((component, exc))
                latest = None
            with self._lock:
                self._known[component] = _Known(checked=time.monotonic(), latest_release=latest)
        if failed:
            component, error = failed[0]
            log.warning(
                "Could not look up the newest release of %d component(s), e.g. %s: %s; trying again later",
                len(failed),
                component,
                error,
            )
