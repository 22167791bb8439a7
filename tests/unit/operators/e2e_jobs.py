"""Jobs and helpers shared by the operators' end-to-end tests (``dag.test()`` in a child process).

The jobs report what they received as one line per fact, ``<MARKER> <json>`` (ASCII JSON, so
newlines and non-ASCII arguments survive any log pipeline), which the tests read back.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Arguments a shell, Jinja, Kubernetes ``$(VAR)`` expansion or an option parser would change.
HOSTILE_ARGS = [
    "plain",
    "with space",
    "quote ' and \" both",
    "$(id -u)",
    "`id`",
    "$(HOME)",
    "$(JOB_DAG_ID)",
    "$$ and $",
    "{{ ds }}",
    "{% raw %}",
    "line\nbreak",
    "ünïcødé ✓",
    "",
    "--workspace",
    "--",
    "trailing backslash \\",
]

# A Python job: says hello, then reports its arguments, environment names and working folder.
ARGV_JOB_PY = """\
import json, os, sys
print("argv-job %(label)s says hello", flush=True)
print("ARGV " + json.dumps(sys.argv[1:]))
print("ENV-NAMES " + json.dumps(sorted(os.environ)))
print("CWD " + json.dumps(os.getcwd()))
"""

FAILING_JOB_PY = """\
import sys
print("failing job: about to exit with code 3", flush=True)
sys.exit(3)
"""


def argv_job(label: str) -> bytes:
    return (ARGV_JOB_PY % {"label": label}).encode()


def reported(log: str, marker: str) -> list[Any]:
    """Every value a job reported with ``marker`` in ``log``, in order."""
    # The log line may go on after the JSON (the logger's name and source), so decode only it.
    pattern = re.compile(rf"(?:^|[\s\]]){re.escape(marker)} ")
    decoder = json.JSONDecoder()
    values = []
    for line in log.splitlines():
        found = pattern.search(line)
        if found:
            values.append(decoder.raw_decode(line, found.end())[0])
    return values


def one_report(log: str, marker: str) -> Any:
    values = reported(log, marker)
    assert len(values) == 1, f"expected one {marker} line, found {len(values)} in:\n{log[-4000:]}"
    return values[0]
