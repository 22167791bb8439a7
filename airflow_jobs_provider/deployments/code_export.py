"""A deployment as a standalone Airflow DAG file: the original tool's "Airflow translation".

The file is for people to read or copy; the deployment itself stays data. It writes the
generator's own arguments (``dag_builder.dag_arguments`` and ``task_arguments``), so it builds
the same DAG and task. Every value is a Python literal made by ``repr`` (long or multi-line
strings as several literals in a row), never text pasted into code; names and imports come from
the operator classes, never from the spec. A secret config file shows only the Variable its
content is read from. No formatter is needed at run time: the layout is made here.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG

from airflow_jobs_provider.deployments.catalogs import SmbEndpoint
from airflow_jobs_provider.deployments.dag_builder import dag_arguments, task_arguments
from airflow_jobs_provider.deployments.store import StoredDeployment
from airflow_jobs_provider.notifications import FailureEmailNotifier, WebhookNotifier

WIDTH = 100
INDENT = "    "
_HEADER = '''"""Airflow DAG of a job orchestrator deployment, exported from its spec.

It builds the same DAG as the deployment. To run it without the orchestrator, put it in a
DAGs folder after giving it another dag_id, or it clashes with the deployment's own DAG.
Secret config files are read, when the task runs, from the Airflow Variables named below.
"""
'''
# The classes the file calls, by the module users import them from.
_PUBLIC_MODULES: dict[type, str] = {DAG: "airflow.sdk"}
# What a notifier was made with; other values are literals, dataclasses or the types below.
_NOTIFIER_FIELDS: dict[type, tuple[str, ...]] = {WebhookNotifier: ("conn_id",), FailureEmailNotifier: ("to",)}


def export_dag_code(
    stored: StoredDeployment, *, smb_endpoints: Mapping[str, SmbEndpoint] | None = None
) -> str:
    """The DAG file's source; ``compile``-able, and it evaluates nothing taken from the spec.

    :param smb_endpoints: the SMB catalog; default ``[job_orchestrator] smb_endpoints``.
    """
    writer = _Writer()
    dag_call = writer.call(DAG, dag_arguments(stored), level=0, used=len("with  as dag:"))
    task = task_arguments(stored.spec, smb_endpoints)
    task_call = writer.call(task.operator, task.arguments, level=1)
    return "\n".join(
        [_HEADER, *writer.import_lines(), "", f"with {dag_call} as dag:", f"{INDENT}{task_call}", ""]
    )


class _Writer:
    """Renders values as Python source and remembers the imports they need."""

    def __init__(self) -> None:
        self._modules: set[str] = set()
        self._names: dict[str, set[str]] = {}

    def import_lines(self) -> list[str]:
        """Standard library, third party, this provider: the sections isort makes."""
        sections: list[list[str]] = [[], [], []]
        for module in sorted(self._modules):
            sections[_section(module)].append(f"import {module}")
        for module in sorted(self._names):
            names = sorted(self._names[module])
            line = f"from {module} import {', '.join(names)}"
            if len(line) > WIDTH:
                line = f"from {module} import (\n" + "".join(f"{INDENT}{name},\n" for name in names) + ")"
            sections[_section(module)].append(line)
        return "\n\n".join("\n".join(section) for section in sections if section).split("\n")

    def call(self, cls: type, arguments: dict[str, Any], level: int, used: int = 0) -> str:
        module = _PUBLIC_MODULES.get(cls, cls.__module__)
        self._names.setdefault(module, set()).add(cls.__name__)
        entries = [(f"{key}=", value) for key, value in arguments.items()]
        return self._sequence(f"{cls.__name__}(", entries, ")", level, used)

    def value(self, value: Any, level: int, used: int = 0) -> str:
        """``value`` as source, its later lines at ``level``; ``used`` columns precede its first line."""
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, str):
            return _string(value, level, used)
        if isinstance(value, timedelta):
            self._modules.add("datetime")
            seconds = value.total_seconds()
            return f"datetime.timedelta(seconds={int(seconds) if seconds.is_integer() else seconds!r})"
        if isinstance(value, datetime):
            return self._datetime(value)
        if isinstance(value, list):
            return self._sequence("[", [("", item) for item in value], "]", level, used)
        if isinstance(value, tuple):
            closer = ",)" if len(value) == 1 else ")"
            return self._sequence("(", [("", item) for item in value], closer, level, used)
        if isinstance(value, dict):
            entries = [(f"{_string(key, level + 1)}: ", item) for key, item in value.items()]
            return self._sequence("{", entries, "}", level, used)
        return self.call(type(value), _constructor_arguments(value), level, used)

    def _datetime(self, value: datetime) -> str:
        """A pendulum datetime in its own time zone (the DAG's time zone comes from it)."""
        self._modules.add("pendulum")
        zone = getattr(value.tzinfo, "name", None)
        if not isinstance(zone, str):
            raise TypeError(f"start dates need a named time zone, not {value.tzinfo!r}")
        parts = [value.year, value.month, value.day, value.hour, value.minute, value.second]
        parts += [value.microsecond] if value.microsecond else []
        return f"pendulum.datetime({', '.join(map(str, parts))}, tz={zone!r})"

    def _sequence(
        self, opener: str, entries: Iterable[tuple[str, Any]], closer: str, level: int, used: int
    ) -> str:
        """On one line when it fits, else one entry per line with a trailing comma."""
        # An entry on its own line is followed by a comma.
        parts = [prefix + self.value(item, level + 1, len(prefix) + 1) for prefix, item in entries]
        flat = opener + ", ".join(parts) + closer
        if "\n" not in flat and len(INDENT * level) + used + _width(flat) <= WIDTH:
            return flat
        inner = INDENT * (level + 1)
        body = "".join(f"{inner}{part},\n" for part in parts)
        return f"{opener}\n{body}{INDENT * level}{closer.lstrip(',')}"


def _section(module: str) -> int:
    if module == "datetime":
        return 0
    return 2 if module.partition(".")[0] == "airflow_jobs_provider" else 1


def _constructor_arguments(value: Any) -> dict[str, Any]:
    """The arguments that make ``value`` again: a dataclass's non-default fields, a notifier's fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: getattr(value, field.name)
            for field in dataclasses.fields(value)
            if field.init and getattr(value, field.name) != field.default
        }
    for cls, names in _NOTIFIER_FIELDS.items():
        if type(value) is cls:
            return {name: getattr(value, name) for name in names}
    raise TypeError(f"cannot write a {type(value).__name__} as code")


def _string(value: str, level: int, used: int = 0) -> str:
    """``repr``; long or multi-line text as adjacent literals in parentheses, one line each."""
    single = repr(value)
    if "\n" not in value and len(INDENT * level) + used + _width(single) <= WIDTH:
        return single
    room = max(WIDTH - len(INDENT * (level + 1)) - len("''"), 20)
    pieces = []
    for line in value.splitlines(keepends=True):
        piece, width = "", 0
        for char in line:
            if piece and width + _escaped_width(char) > room:
                pieces.append(piece)
                piece, width = "", 0
            piece += char
            width += _escaped_width(char)
        pieces.append(piece)
    inner = INDENT * (level + 1)
    return "(\n" + "".join(f"{inner}{piece!r}\n" for piece in pieces) + f"{INDENT * level})"


def _escaped_width(char: str) -> int:
    """Columns ``char`` takes inside a literal at most: escaped, quoted, or wide (East Asian)."""
    escaped = len(repr(char)) - 2
    return escaped + (char in "'\"" or unicodedata.east_asian_width(char) in "WF")


def _width(text: str) -> int:
    """Columns ``text`` takes, as linters count them: East Asian wide characters count two."""
    return len(text) + sum(unicodedata.east_asian_width(char) in "WF" for char in text)
