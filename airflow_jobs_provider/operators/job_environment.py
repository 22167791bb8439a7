"""The environment a job sees: the user's variables plus the run's context, as plain data.

Jobs get the run context (logical date, run id, resolved version) through ``JOB_*``
variables instead of Jinja templates, so nothing a user types is ever rendered.

Variables that change how a dynamic loader, an interpreter or a shell starts (``LD_PRELOAD``,
``PYTHONPATH``, ``BASH_ENV``, ``JAVA_TOOL_OPTIONS``, ``PATH``, ...) are refused: each makes the
runner or the job's interpreter run code, or read settings, the artifact never shipped. The
admin can let chosen ones through with ``[job_orchestrator] allowed_loader_env``.
docs/architecture.md ("Environment variables that start code") says why each one is listed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from fnmatch import fnmatchcase, translate
from typing import Any

from airflow_jobs_provider.artifacts.reference import ResolvedArtifact

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED_PREFIXES = ("JOB_RUNNER_", "AIRFLOW")
CONTEXT_PREFIX = "JOB_"
CONTEXT_FIELDS = (
    "DAG_ID",
    "TASK_ID",
    "RUN_ID",
    "TRY_NUMBER",
    "LOGICAL_DATE",
    "ARTIFACT_REPOSITORY",
    "ARTIFACT_GROUP",
    "ARTIFACT_NAME",
    "ARTIFACT_VERSION",
)
CONTEXT_NAMES = frozenset(f"{CONTEXT_PREFIX}{field}" for field in CONTEXT_FIELDS)

# Names (fnmatch patterns, compared in upper case) that make a loader, an interpreter or a
# shell load code or settings from elsewhere. Grouped by who reads them.
LOADER_ENV_PATTERNS = (
    # glibc's dynamic loader and libc: the names it drops for setuid programs (unsecvars.h),
    # less TMPDIR, which only says where temporary files go; macOS's loader for local runs.
    # Of the MALLOC_* names only MALLOC_TRACE (a file written anywhere) is: MALLOC_ARENA_MAX
    # and friends tune memory, a common need of JVM jobs.
    "LD_*",
    "DYLD_*",
    "GCONV_PATH",
    "GETCONF_DIR",
    "GLIBC_TUNABLES",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "LOCPATH",
    "MALLOC_TRACE",
    "NIS_PATH",
    "NLSPATH",
    "RESOLV_HOST_CONF",
    "RES_OPTIONS",
    "TZDIR",
    # OpenSSL loads engines and providers (shared libraries) named in its configuration.
    "OPENSSL_CONF",
    "OPENSSL_ENGINES",
    "OPENSSL_MODULES",
    # Which program a name runs: the runner starts java, python3, Rscript and bash by name.
    "PATH",
    # Python: PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, PYTHONWARNINGS and PYTHONBREAKPOINT
    # import modules; the few that only change output are allowed below.
    "PYTHON*",
    # Shells: startup files, exported functions, options that turn on tracing, and the
    # strings a trace or a prompt evaluates.
    "BASH_ENV",
    "ENV",
    "BASH_FUNC_*",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "CDPATH",
    # The JVM reads options (-javaagent, -XX:OnOutOfMemoryError) from these; CLASSPATH adds classes.
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    # Node, Perl, Ruby: options and module paths.
    "NODE_OPTIONS",
    "NODE_PATH",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "PERL5DB",
    "RUBYOPT",
    "RUBYLIB",
    # R runs profile and environ files at start and loads packages from these libraries.
    "R_PROFILE*",
    "R_ENVIRON*",
    "R_LIBS*",
)
# Python variables that change only buffering, encodings or hashing: no file is read.
HARMLESS_PYTHON_ENV = frozenset(
    {"PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED"}
)


class JobEnvironmentError(ValueError):
    """A user-given environment variable cannot be passed to the job."""


# One expression for all patterns: checked for every variable of every operator at each parse.
_LOADER_ENV = re.compile("|".join(translate(pattern) for pattern in LOADER_ENV_PATTERNS))


def _starts_code(name: str) -> bool:
    """Whether ``name`` changes how a loader, interpreter or shell starts (any letter case)."""
    upper = name.upper()
    return upper not in HARMLESS_PYTHON_ENV and _LOADER_ENV.fullmatch(upper) is not None


def check_env_name(name: Any, allowed_loader_env: Collection[str] | None = None) -> str:
    """``name`` if a user may set it, else ``JobEnvironmentError`` saying why.

    ``allowed_loader_env`` holds the admin's exceptions (names or fnmatch patterns); None reads
    ``[job_orchestrator] allowed_loader_env``, only when a refused name needs it.
    """
    if not isinstance(name, str) or not ENV_NAME.fullmatch(name):
        raise JobEnvironmentError(
            f"environment variable name {name!r} is not valid: use letters, digits and _, "
            "not starting with a digit"
        )
    if name.upper().startswith(RESERVED_PREFIXES):
        raise JobEnvironmentError(
            f"environment variable {name!r} is reserved (names starting with "
            f"{' or '.join(RESERVED_PREFIXES)} belong to the orchestrator)"
        )
    if name in CONTEXT_NAMES:
        raise JobEnvironmentError(f"environment variable {name!r} is set by the orchestrator for every run")
    if _starts_code(name) and not _admin_allows(name, allowed_loader_env):
        raise JobEnvironmentError(
            f"environment variable {name!r} changes how a program loader, interpreter or shell starts, "
            "so the job would run code its artifact does not ship; an admin can allow it in "
            "[job_orchestrator] allowed_loader_env"
        )
    return name


def validate_job_env(
    env: Mapping[str, str], allowed_loader_env: Collection[str] | None = None
) -> dict[str, str]:
    """Check names and values; return a plain dict copy so later edits cannot leak in."""
    checked: dict[str, str] = {}
    for name, value in env.items():
        check_env_name(name, allowed_loader_env)
        if not isinstance(value, str):
            raise JobEnvironmentError(
                f"environment variable {name!r} must be a string, not {type(value).__name__}"
            )
        if "\x00" in value:
            raise JobEnvironmentError(f"environment variable {name!r} contains a NUL character")
        checked[name] = value
    return checked


def _admin_allows(name: str, allowed_loader_env: Collection[str] | None) -> bool:
    if allowed_loader_env is None:
        from airflow_jobs_provider import settings

        allowed_loader_env = settings.allowed_loader_env()
    upper = name.upper()
    return any(fnmatchcase(upper, pattern.upper()) for pattern in allowed_loader_env)


def run_context_env(context: Mapping[str, Any], resolved: ResolvedArtifact) -> dict[str, str]:
    """What the job may want to know about this run, without templating."""
    ti = context["ti"]
    logical_date = context.get("logical_date")
    values = (
        ti.dag_id,
        ti.task_id,
        ti.run_id,
        str(ti.try_number),
        logical_date.isoformat() if logical_date else "",
        resolved.ref.repository,
        resolved.ref.group,
        resolved.ref.name,
        resolved.version,
    )
    return {f"{CONTEXT_PREFIX}{field}": value for field, value in zip(CONTEXT_FIELDS, values, strict=True)}
