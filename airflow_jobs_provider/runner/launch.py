"""The launch file: what the fetch step found and the exec step runs.

Fetch and exec may run in different containers (an init container and the job's own) that
share only the workspace, so this file carries the detected entrypoints across. Paths are
relative to the workspace, which each container may mount elsewhere::

    {"format": 1,
     "jobs": [{"asset": "etl.zip", "interpreter": "bash", "options": [],
               "program": "jobs/1-etl/Etl/Etl_run.sh", "cwd": "jobs/1-etl/Etl"}]}

``interpreter`` is a name looked up on PATH when the job starts (``python`` meaning the
runner's own interpreter); the command is interpreter, options, program, then job arguments.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .detect import INTERPRETERS
from .errors import NotFetchedError

LAUNCH_FORMAT = 1


@dataclass(frozen=True)
class LaunchEntry:
    asset: str
    interpreter: str
    options: tuple[str, ...]
    program: str
    cwd: str


def write_launch(path: Path, entries: list[LaunchEntry]) -> None:
    """Write atomically, so exec never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": LAUNCH_FORMAT, "jobs": [asdict(entry) for entry in entries]}
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_launch(path: Path) -> list[LaunchEntry]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFetchedError(f"nothing was fetched into this workspace: {path} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFetchedError(f"cannot read the launch file {path}: {exc}") from None
    try:
        document = json.loads(text)
        if document["format"] != LAUNCH_FORMAT:
            raise ValueError(f"format {document['format']!r} is not {LAUNCH_FORMAT}")
        entries = [_entry(raw) for raw in document["jobs"]]
    except (ValueError, TypeError, KeyError) as exc:
        raise NotFetchedError(f"the launch file {path} is not valid: {exc}") from None
    if not entries:
        raise NotFetchedError(f"the launch file {path} names no job")
    return entries


def _entry(raw: dict[str, object]) -> LaunchEntry:
    options = raw["options"]
    if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
        raise TypeError("options must be a list of strings")
    entry = LaunchEntry(
        asset=str(raw["asset"]),
        interpreter=str(raw["interpreter"]),
        options=tuple(options),
        program=str(raw["program"]),
        cwd=str(raw["cwd"]),
    )
    if entry.interpreter not in INTERPRETERS:
        raise ValueError(f"unknown interpreter {entry.interpreter!r}")
    return entry
