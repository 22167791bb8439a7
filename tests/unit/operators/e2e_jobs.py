"""Jobs and helpers shared by the operators' end-to-end tests (``dag.test()`` in a child process).

The jobs report what they received as one line per fact, ``<MARKER> <json>`` (ASCII JSON, so
newlines and non-ASCII arguments survive any log pipeline), which the tests read back.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.fakes.nexus import FakeNexus

# The pod operator's waits, shortened for a fake API server that answers at once (passed to the
# DAG files through their JSON parameters).
QUICK_POD_TIMEOUTS = {
    "startup_check_interval_seconds": 0.1,
    "startup_timeout_seconds": 20,
    "schedule_timeout_seconds": 20,
    "base_container_status_polling_interval": 0.1,
    "retries": 0,
}

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
if os.environ.get("ENV_DUMP"):  # the whole environment, values too, for tests to search
    with open(os.environ["ENV_DUMP"], "w", encoding="utf-8") as dump:
        json.dump(dict(os.environ), dump)
"""

# A shell job: each argument's bytes in hex, so the test compares them exactly.
ARG_HEX_JOB_SH = """\
#!/usr/bin/env bash
echo "shell job says hello"
for argument in "$@"; do
    printf 'ARG-HEX "%s"\\n' "$(printf '%s' "$argument" | od -An -v -tx1 | tr -d ' \\n')"
done
"""

# The same from Java, for a jar (Main-Class in the manifest).
ARG_HEX_JOB_JAVA = """\
import java.nio.charset.StandardCharsets;

public class ArgHex {
    public static void main(String[] args) {
        System.out.println("java job says hello");
        for (String argument : args) {
            StringBuilder hex = new StringBuilder();
            for (byte b : argument.getBytes(StandardCharsets.UTF_8)) {
                hex.append(String.format("%02x", b & 0xff));
            }
            System.out.println("ARG-HEX \\"" + hex + "\\"");
        }
    }
}
"""

# Starts a grandchild (in the job's own process group), records both pids, then waits for it.
PROCESS_GROUP_JOB_PY = """\
import os, subprocess, sys

def record(name, pid):
    path = os.path.join(os.environ["PID_DIR"], name)
    with open(path + ".part", "w") as out:
        out.write(str(pid))
    os.replace(path + ".part", path)

grandchild = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(600)"]
)
record("grandchild.pid", grandchild.pid)
record("job.pid", os.getpid())
print("job waits for its grandchild", grandchild.pid, flush=True)
grandchild.wait()
"""

# Reads the environment of every process it can (its parent runner's included) and its own,
# and writes them all to $ENVIRON_DUMP for the test to search for a password.
ENVIRON_PROBE_PY = """\
import json, os
environs = {}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open("/proc/%s/environ" % pid, "rb") as environ:
                environs[pid] = environ.read().decode("utf-8", "replace")
        except OSError:
            pass
environs["self"] = json.dumps(dict(os.environ))
with open(os.environ["ENVIRON_DUMP"], "w", encoding="utf-8") as dump:
    json.dump({"parent": str(os.getppid()), "environs": environs}, dump)
print("environ probe read", len(environs), "environments", flush=True)
"""

# A config file that, were it imported by the runner's Python, would record the command line.
SITECUSTOMIZE_PY = """\
import os, sys
with open(os.environ["MARKER_FILE"], "a", encoding="utf-8") as marker:
    marker.write(" ".join(sys.argv) + "\\n")
"""

FAILING_JOB_PY = """\
import sys
print("failing job: about to exit with code 3", flush=True)
sys.exit(3)
"""


def runnable_jar(main_class: str, java_source: str, build: Path) -> bytes:
    """A jar whose manifest names ``main_class``, compiled from ``java_source`` with the JDK."""
    build.mkdir(parents=True)
    source = build / f"{main_class}.java"
    source.write_text(java_source, encoding="utf-8")
    subprocess.run(["javac", "-d", str(build / "classes"), str(source)], check=True)
    jar = build / f"{main_class}.jar"
    subprocess.run(
        [
            "jar",
            "--create",
            "--file",
            str(jar),
            "--main-class",
            main_class,
            "-C",
            str(build / "classes"),
            ".",
        ],
        check=True,
    )
    return jar.read_bytes()


def argv_job(label: str) -> bytes:
    return (ARGV_JOB_PY % {"label": label}).encode()


def job_nexus(repository: str, group: str, user: str, password: str) -> FakeNexus:
    """A started FakeNexus (basic auth, no anonymous access) holding the jobs in ``repository``:

    ``argv-job`` 1.2.0 and 1.10.0 (``latest`` is 1.10.0 by Maven order), ``failing-job`` 1.0.0,
    and ``corrupt-job`` 1.0.0 whose stored bytes no longer match its listed checksums.
    """
    nexus = FakeNexus(users={user: password}, anonymous=False).start()
    nexus.add_repository(repository)
    for version in ("1.2.0", "1.10.0"):
        nexus.add_component(
            repository, group, "argv-job", version, {f"argv-job-{version}.py": argv_job(version)}
        )
    nexus.add_component(
        repository, group, "failing-job", "1.0.0", {"failing-job-1.0.0.py": FAILING_JOB_PY.encode()}
    )
    [asset] = nexus.add_component(
        repository, group, "corrupt-job", "1.0.0", {"corrupt-job-1.0.0.py": argv_job("corrupt")}
    )
    nexus.replace_content(repository, asset["path"], b"print('tampered with')\n")
    return nexus


def hex_args(log: str) -> list[str]:
    """The arguments an ``ARG-HEX`` job reported, decoded."""
    return [bytes.fromhex(value).decode("utf-8") for value in reported(log, "ARG-HEX")]


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
