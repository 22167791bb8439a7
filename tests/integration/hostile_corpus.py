"""What a deployer with bad intent (or bad luck) types, as data: each value either gets a 4xx
naming its field, or reaches the job exactly as typed.

``REFUSED`` holds spec changes the API must refuse, with the field its 422 names first;
``ARRIVING`` holds values that are legitimate and must reach the job's argv and environment
byte for byte. A new hole found by probing becomes one more line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Refused:
    """A spec change the API refuses, and the field its first error line names."""

    case: str
    field: str
    change: dict[str, Any]


def _pvc_at(mount_path: str) -> dict[str, Any]:
    return {"mounts": [{"type": "pvc", "claim_name": "data", "mount_path": mount_path}]}


def _config_file(file_name: str, content: str = "x") -> dict[str, Any]:
    return {"config_files": [{"file_name": file_name, "content": content}]}


# Interpreter and loader start-up variables: each runs code of the deployer's choosing before
# the job (in the runner, or in any program the job starts).
LOADER_VARIABLES = (
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "BASH_ENV",
    "ENV",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "NODE_OPTIONS",
    "PERL5OPT",
    "RUBYOPT",
)

REFUSED: tuple[Refused, ...] = (
    # names: DNS-safe, bounded, one line
    Refused("name with a space", "name", {"name": "bad name"}),
    Refused("name with a path", "name", {"name": "../etc"}),
    Refused("name with a newline", "name", {"name": "guard-x\n"}),
    Refused("name too long", "name", {"name": "a" * 300}),
    # the environment: loader variables, reserved names, names that only look valid
    *(Refused(f"env {name}", "env", {"env": {name: "config"}}) for name in LOADER_VARIABLES),
    Refused("env name ending in a newline", "env", {"env": {"FOO\n": "1"}}),
    Refused("env name with a space", "env", {"env": {"A B": "1"}}),
    Refused("env name of Airflow's", "env", {"env": {"AIRFLOW__CORE__FERNET_KEY": "x"}}),
    Refused("env name of the runner's", "env", {"env": {"JOB_RUNNER_PASSWORD": "x"}}),
    Refused("env name of the run context", "env", {"env": {"JOB_RUN_ID": "x"}}),
    Refused("env value with NUL", "env", {"env": {"SAFE": "a\x00b"}}),
    # mounts: the kernel's and the device's folders, the root, relative paths
    *(
        Refused(f"mount at {path}", "mounts", _pvc_at(path))
        for path in ("/proc/x", "/sys", "/dev/shm", "/", "relative/path", "/data/../proc")
    ),
    # config files: a name is a file name, nothing else
    *(
        Refused(f"config file {file_name!r}", "config_files", _config_file(file_name))
        for file_name in ("../escape", ".", "a/b", "x\n", "")
    ),
    Refused("config file content with NUL", "config_files", _config_file("app.conf", "a\x00b")),
    # schedules and time zones: what the host would read differently, or not at all
    *(
        Refused(f"schedule {schedule!r}", "schedule", {"schedule": schedule})
        for schedule in ("sometimes", "61 * * * *", "{{ ds }}", "@daily\n")
    ),
    *(
        Refused(f"time zone {zone!r}", "timezone", {"timezone": zone})
        for zone in ("localtime", "Factory", "posixrules", "Mars/Olympus", "../../etc/passwd", "UTC\n")
    ),
    # resources: not quantities, negative, absurd
    *(
        Refused(f"cpu {value!r}", "resources", {"resources": {"cpu_request": value}})
        for value in ("-1", "lots", "1e9", "1\n")
    ),
    Refused("memory beyond any node", "resources", {"resources": {"memory_limit": "1000Ei"}}),
    # the artifact: coordinates become paths of the local source
    Refused(
        "repository with a path",
        "artifact",
        {"artifact": {"source": "local", "repository": "../x", "name": "n"}},
    ),
    Refused(
        "artifact name '..'", "artifact", {"artifact": {"source": "local", "repository": "r", "name": ".."}}
    ),
    Refused(
        "version with a slash",
        "artifact",
        {"artifact": {"source": "local", "repository": "r", "name": "n", "version": "1/2"}},
    ),
    # sizes: every list and text is bounded
    Refused("too many arguments", "args", {"args": ["x"] * 129}),
    Refused("argument too long", "args", {"args": ["x" * 8193]}),
    Refused("description too long", "description", {"description": "x" * 4001}),
    Refused("too many tags", "tags", {"tags": [f"t{number}" for number in range(11)]}),
    # encodings: a lone surrogate cannot become UTF-8 bytes for a process or a file
    Refused("argument with a lone surrogate", "args", {"args": ["\ud800"]}),
    # types: no coercion, no unknown keys
    Refused("retries as a string", "retries", {"retries": "1"}),
    Refused("retries as a boolean", "retries", {"retries": True}),
    Refused("proxy as a string", "proxy", {"proxy": "yes"}),
    Refused("an unknown key", "unknown_key", {"unknown_key": 1}),
)

# Legitimate values that look like code, templates, shell or markup: they must reach the job
# as typed (argv and environment values).
ARRIVING: tuple[str, ...] = (
    'it\'s "quoted"',
    "two\nlines\r\nand a tab\t",
    "{{ dag_run.conf }} {{ ti.xcom_pull() }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "$(touch /tmp/pwned) `id` ${HOME} $HOME",
    "; rm -rf / && echo | cat > /dev/null",
    "--flag=ünïcødé ✓ 日本語 🚀",
    "\\ back\\slash \\n not a newline",
    "%(name)s %s {0} ",
    "<script>alert(1)</script> [link](javascript:alert(1))",
    "__import__('os').system('id')",
    "-" * 2 + "help",
    "",
    " leading and trailing spaces ",
    "x" * 6000,
)
