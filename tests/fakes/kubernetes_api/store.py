"""The fake's etcd: objects, one global resourceVersion counter, and the change history watches read.

Stored objects are never mutated in place: every write stores a fresh dict, so snapshots in the
history and copies handed out stay consistent. One re-entrant condition guards everything and is
notified on every change; watches, log streams, the fake kubelet and tests wait on it.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass
from typing import Any

from ._util import JsonDict, deep_copy

Key = tuple[str, str, str]  # (resource, namespace or "", name)


@dataclass(frozen=True)
class Change:
    rv: int
    type: str  # ADDED, MODIFIED, DELETED
    resource: str
    namespace: str
    name: str
    obj: JsonDict
    previous: JsonDict | None


class Store:
    def __init__(self, history_size: int = 4000) -> None:
        self.cond = threading.Condition(threading.RLock())
        self._objects: dict[Key, JsonDict] = {}
        self._rv = 1
        self._history: collections.deque[Change] = collections.deque(maxlen=history_size)
        self._compacted = 0  # watches from a resourceVersion below this get 410 Gone

    # all methods must be called with self.cond held (they take it themselves, it is re-entrant)

    @property
    def resource_version(self) -> int:
        return self._rv

    @property
    def compacted_revision(self) -> int:
        with self.cond:
            if self._history and len(self._history) == self._history.maxlen:
                return max(self._compacted, self._history[0].rv - 1)
            return self._compacted

    def compact(self) -> None:
        """Forget the history up to now: older watch resourceVersions then get 410 Expired."""
        with self.cond:
            self._compacted = self._rv
            self._history.clear()

    def next_rv(self) -> int:
        with self.cond:
            self._rv += 1
            return self._rv

    def get(self, resource: str, namespace: str, name: str) -> JsonDict | None:
        with self.cond:
            return self._objects.get((resource, namespace, name))

    def list(self, resource: str, namespace: str | None = None) -> list[JsonDict]:
        with self.cond:
            items = [
                (key, obj)
                for key, obj in self._objects.items()
                if key[0] == resource and (namespace is None or key[1] == namespace)
            ]
            items.sort(key=lambda item: (item[0][1], item[0][2]))
            return [obj for _, obj in items]

    def put(self, resource: str, namespace: str, name: str, obj: JsonDict) -> JsonDict:
        """Create or replace; stamps a new resourceVersion and records ADDED or MODIFIED."""
        with self.cond:
            key = (resource, namespace, name)
            previous = self._objects.get(key)
            stored = deep_copy(obj)
            rv = self.next_rv()
            stored.setdefault("metadata", {})["resourceVersion"] = str(rv)
            self._objects[key] = stored
            self._record(
                Change(rv, "MODIFIED" if previous else "ADDED", resource, namespace, name, stored, previous)
            )
            return stored

    def remove(
        self, resource: str, namespace: str, name: str, final: JsonDict | None = None
    ) -> JsonDict | None:
        """Delete; the DELETED event carries ``final`` (default: the last stored state)."""
        with self.cond:
            key = (resource, namespace, name)
            previous = self._objects.pop(key, None)
            if previous is None:
                return None
            rv = self.next_rv()
            final = deep_copy(final if final is not None else previous)
            final["metadata"]["resourceVersion"] = str(rv)
            self._record(Change(rv, "DELETED", resource, namespace, name, final, previous))
            return final

    def _record(self, change: Change) -> None:
        self._history.append(change)
        self.cond.notify_all()

    def changes_after(self, rv: int, resource: str, namespace: str | None) -> list[Change]:
        with self.cond:
            return [
                change
                for change in self._history
                if change.rv > rv
                and change.resource == resource
                and (namespace is None or change.namespace == namespace)
            ]

    def notify(self) -> None:
        with self.cond:
            self.cond.notify_all()


def copy_out(obj: Any) -> Any:
    return deep_copy(obj)
