"""One page of the deployments list: search, filters, sort, and the status of the page only.

The spec filters (``q``, ``kind``, ``tag``, ``owner``) need the specs, which the list has in
memory (``spec_cache``). Filtering by state and sorting by state, last run or next run need
the state of every deployment left: that is two batched queries (the DAGs, their latest
runs) over all of them, while the task instances and XComs that complete a status are read
for the page's runs only. Sorting by name or deployment time reads runs for the page only.
Every sort ends with the name, so pages never overlap; values that are missing (no run, no
next run, an unreadable file's time) come last in both directions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from airflow_jobs_provider.deployments.store import Entry, InvalidSpec, StoredDeployment
from airflow_jobs_provider.plugin.airflow_state import (
    DagRow,
    DagStatus,
    RunRow,
    latest_run_rows,
    run_details,
    state_name,
    statuses_of,
)
from airflow_jobs_provider.plugin.schemas import dag_id_of

SortField = Literal["name", "deployed_at", "next_run", "last_run", "state"]
Sort = Literal[
    "name",
    "-name",
    "deployed_at",
    "-deployed_at",
    "next_run",
    "-next_run",
    "last_run",
    "-last_run",
    "state",
    "-state",
]
DagStateFilter = Literal["active", "paused", "pending", "invalid"]
RunStateFilter = Literal["success", "failed", "running", "queued", "none"]
StateFilter = Literal[DagStateFilter, RunStateFilter]
Kind = Literal["one-off", "scheduled"]
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# ``sort=state``: trouble first.
_STATE_ORDER = ("invalid", "failed", "running", "queued", "success", "none", "pending")
_STATUS_SORTS = frozenset({"next_run", "last_run", "state"})


@dataclass(frozen=True)
class ListQuery:
    """What the caller asked for; several values of one filter mean any of them."""

    q: str = ""
    states: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)
    owners: frozenset[str] = field(default_factory=frozenset)
    sort: str = "name"
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @property
    def sort_field(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def needs_status(self) -> bool:
        """Whether the page depends on the state of deployments beyond it."""
        return bool(self.states) or self.sort_field in _STATUS_SORTS


@dataclass(frozen=True)
class Page:
    total: int
    entries: list[Entry]
    statuses: dict[str, DagStatus]


def matches_spec(entry: Entry, query: ListQuery) -> bool:
    """The filters a spec answers; an unreadable file has only its name (and its error) to search."""
    needle = query.q.casefold()
    if isinstance(entry, InvalidSpec):
        return not (query.kinds or query.tags or query.owners) and (
            needle in entry.name.casefold() or needle in entry.error.casefold()
        )
    spec = entry.spec
    if query.kinds and _kind(entry) not in query.kinds:
        return False
    if query.tags and query.tags.isdisjoint(spec.tags):
        return False
    if query.owners and spec.owner not in query.owners:
        return False
    if not needle:
        return True
    searched = (spec.name, spec.artifact.to_ref().coordinates, spec.description, spec.owner, *spec.tags)
    return any(needle in text.casefold() for text in searched)


def page_of(
    entries: Sequence[Entry], dags: dict[str, DagRow], query: ListQuery, session: Session, *, ui_url: str
) -> Page:
    """Filter by state, sort and cut the page; ``dags`` are the rows of every entry's DAG (if any)."""
    ids = [dag_id for dag_id in map(dag_id_of, entries) if dag_id is not None]
    runs: dict[str, RunRow] = latest_run_rows(ids, session) if query.needs_status else {}
    if query.states:
        entries = [entry for entry in entries if _matches_state(entry, dags, runs, query.states)]
    ordered = _sorted(entries, dags, runs, query)
    shown = ordered[query.offset : query.offset + query.limit]
    shown_ids = [dag_id for dag_id in map(dag_id_of, shown) if dag_id is not None]
    if not query.needs_status:
        runs = latest_run_rows(shown_ids, session)
    page_runs = [runs[dag_id] for dag_id in shown_ids if dag_id in runs]
    statuses = statuses_of(shown_ids, dags, run_details(page_runs, session, ui_url))
    return Page(total=len(ordered), entries=shown, statuses=statuses)


def _kind(entry: StoredDeployment) -> Kind:
    return "one-off" if entry.spec.airflow_schedule is None else "scheduled"


def _dag_state(entry: Entry, dags: dict[str, DagRow]) -> str:
    if isinstance(entry, InvalidSpec):
        return "invalid"
    dag = dags.get(entry.spec.dag_id)
    if dag is None:
        return "pending"
    return "paused" if dag.is_paused else "active"


def _run_state(entry: Entry, runs: dict[str, RunRow]) -> str:
    run = runs.get(dag_id_of(entry) or "")
    return (state_name(run.state) or "none") if run is not None else "none"


def _matches_state(
    entry: Entry, dags: dict[str, DagRow], runs: dict[str, RunRow], states: frozenset[str]
) -> bool:
    """Any of the DAG states given, and any of the run states given (each when given)."""
    dag_states = states & set(get_args(DagStateFilter))
    run_states = states & set(get_args(RunStateFilter))
    return (not dag_states or _dag_state(entry, dags) in dag_states) and (
        not run_states or _run_state(entry, runs) in run_states
    )


def _sorted(
    entries: Sequence[Entry], dags: dict[str, DagRow], runs: dict[str, RunRow], query: ListQuery
) -> list[Entry]:
    by_name = sorted(entries, key=lambda entry: entry.name)
    if query.sort_field == "name":
        return by_name[::-1] if query.descending else by_name
    value = _SORT_VALUES[query.sort_field]
    valued = [(value(entry, dags, runs), entry) for entry in by_name]
    present = [pair for pair in valued if pair[0] is not None]
    missing = [entry for key, entry in valued if key is None]
    # Python's sort is stable, reversed too: equal values stay in name order.
    present.sort(key=lambda pair: pair[0], reverse=query.descending)
    return [entry for _, entry in present] + missing


def _deployed_at(entry: Entry, dags: dict[str, DagRow], runs: dict[str, RunRow]) -> datetime | None:
    return entry.deployed_at if isinstance(entry, StoredDeployment) else None


def _next_run(entry: Entry, dags: dict[str, DagRow], runs: dict[str, RunRow]) -> datetime | None:
    dag = dags.get(dag_id_of(entry) or "")
    if isinstance(entry, InvalidSpec) or dag is None or dag.is_paused:
        return None
    return dag.next_run_after


def _last_run(entry: Entry, dags: dict[str, DagRow], runs: dict[str, RunRow]) -> datetime | None:
    run = runs.get(dag_id_of(entry) or "")
    return run.start_date if run is not None else None


def _state_rank(entry: Entry, dags: dict[str, DagRow], runs: dict[str, RunRow]) -> int:
    dag_state, run_state = _dag_state(entry, dags), _run_state(entry, runs)
    if dag_state == "invalid" or (dag_state == "pending" and run_state == "none"):
        label = dag_state
    else:
        label = run_state
    return _STATE_ORDER.index(label) if label in _STATE_ORDER else len(_STATE_ORDER)


_SORT_VALUES: dict[str, Callable[[Entry, dict[str, DagRow], dict[str, RunRow]], Any]] = {
    "deployed_at": _deployed_at,
    "next_run": _next_run,
    "last_run": _last_run,
    "state": _state_rank,
}
