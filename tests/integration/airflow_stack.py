"""A real Airflow 3 for integration tests: api-server, scheduler and dag-processor as processes.

``AirflowStack`` creates a private ``AIRFLOW_HOME``, migrates its SQLite database and starts each
component in its own process group (LocalExecutor, low parallelism, logs in ``<home>/logs``).
``AirflowClient`` is a small REST client for the public API v2 that polls conditions with
deadlines. The fixtures at the bottom are registered by ``tests/integration/conftest.py``:

- ``airflow_stack``: one stack shared by the session; drop DAG files in with ``add_dag_file``.
- ``airflow_stack_factory``: start stacks with their own configuration (auth manager,
  ``webserver_config.py``, plugins folder, extra env); all are stopped at the end of the session.

When a test fails, the tails of every running stack's component logs are attached to its report.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest
import requests

SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
FAB_AUTH_MANAGER = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
TERMINAL_RUN_STATES = frozenset({"success", "failed"})
LOG_TAIL_LINES = 80

T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# Small helpers: ports, polling, process trees
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ApiError(AssertionError):
    """An unexpected HTTP status from the API."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def transient(exc: BaseException) -> bool:
    """Errors a poll retries: the server is not up (yet), or answered 5xx (e.g. SQLite busy)."""
    if isinstance(exc, ApiError):
        return exc.status >= 500
    return isinstance(exc, (requests.RequestException, OSError))


def wait_until(
    condition: Callable[[], T | None],
    *,
    timeout: float,
    description: str,
    interval: float = 0.5,
    check: Callable[[], None] | None = None,
) -> T:
    """Poll ``condition`` until it returns a truthy value and return that value.

    ``check`` runs before each poll and may raise to stop early (e.g. a server died).
    Transient errors from ``condition`` (see ``transient``) count as "not yet" and the last one
    is shown on timeout; any other exception ends the wait at once.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        if check is not None:
            check()
        try:
            value = condition()
        except Exception as exc:
            if not transient(exc):
                raise
            last = exc
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {description}; last: {last!r}")
        time.sleep(interval)


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a text file ("" if it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _tree(root_pid: int) -> list[psutil.Process]:
    """``root_pid``, its descendants and every process of its session (task processes set their
    own process group but stay in the session; descendants catch those that left the session)."""
    found: dict[int, psutil.Process] = {}
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(root_pid)
        found[root.pid] = root
        for child in root.children(recursive=True):
            found[child.pid] = child
    for proc in psutil.process_iter():
        if proc.pid in found or proc.pid == os.getpid():
            continue
        with contextlib.suppress(OSError, psutil.Error):
            if os.getsid(proc.pid) == root_pid:
                found[proc.pid] = proc
                for child in proc.children(recursive=True):
                    found.setdefault(child.pid, child)
    return list(found.values())


def _signal_all(procs: Iterable[psutil.Process], sig: signal.Signals) -> None:
    """Send ``sig`` once to each process: to whole process groups where possible (as a terminal
    does for Ctrl-C), to single processes otherwise. Twice would matter: a second SIGINT
    interrupts ``airflow standalone`` while it is shutting down."""
    by_group: dict[int, list[psutil.Process]] = {}
    for proc in procs:
        with contextlib.suppress(OSError, psutil.Error):
            by_group.setdefault(os.getpgid(proc.pid), []).append(proc)
    for group, members in by_group.items():
        if group != os.getpgrp():  # never our own group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
                continue
        for proc in members:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)


def stop_process_trees(
    root_pids: Iterable[int], *, grace: float = 15.0, sig: signal.Signals = signal.SIGTERM
) -> list[psutil.Process]:
    """Stop processes started with ``start_new_session=True`` and everything they started.

    ``sig`` (SIGTERM; SIGINT is Ctrl-C) to every process group of their trees at once, wait up
    to ``grace`` seconds, then SIGKILL whatever is left, looking for new children again.
    Returns the processes still alive afterwards, which should be none.
    """
    procs = [proc for pid in root_pids for proc in _tree(pid)]
    _signal_all(procs, sig)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        procs = [p for p in procs if _alive(p)]
        if not procs:
            break
        for proc in list(procs):  # children started while shutting down
            with contextlib.suppress(psutil.Error):
                procs.extend(c for c in proc.children(recursive=True) if c not in procs)
        psutil.wait_procs(procs, timeout=0.5)
    for _ in range(3):
        procs = [p for p in procs if _alive(p)]
        more = [c for p in procs for c in _tree(p.pid) if c not in procs]
        procs = [p for p in procs + more if _alive(p)]
        if not procs:
            break
        _signal_all(procs, signal.SIGKILL)
        psutil.wait_procs(procs, timeout=5)
    return [p for p in procs if _alive(p)]


def stop_process_tree(
    root_pid: int, *, grace: float = 15.0, sig: signal.Signals = signal.SIGTERM
) -> list[psutil.Process]:
    """``stop_process_trees`` for one root."""
    return stop_process_trees([root_pid], grace=grace, sig=sig)


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _terminate_with_parent() -> None:
    """In the child before exec: SIGTERM it when the test process dies, even by SIGKILL, so a
    killed test run leaves no Airflow behind. One system call, no lock, no allocation."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


@dataclass
class ManagedProcess:
    """One long-running command in its own session/process group, output in a log file."""

    name: str
    argv: list[str]
    log_path: Path
    env: Mapping[str, str]
    cwd: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(self.env),
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_terminate_with_parent,  # noqa: PLW1509 - a single prctl, see there
            )

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was not started"
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, grace: float = 15.0) -> list[psutil.Process]:
        if self.popen is None:
            return []
        leftovers = stop_process_tree(self.popen.pid, grace=grace)
        self.reap()
        return leftovers

    def reap(self) -> None:
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=5)

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return tail(self.log_path, lines)


# --------------------------------------------------------------------------------------------
# REST client
# --------------------------------------------------------------------------------------------


def _render_log_record(record: object) -> list[str]:
    """Plain text lines of one entry of Airflow 3's structured task log."""
    if isinstance(record, str):
        text = record
        try:
            record = json.loads(text)
        except ValueError:
            return text.splitlines() or [""]
    if not isinstance(record, dict):
        return [str(record)]
    event = record.get("event")
    lines = str(event).splitlines() if event is not None else [json.dumps(record)]
    for detail in record.get("error_detail") or []:  # an exception logged with the record
        if not isinstance(detail, dict):
            continue
        for frame in detail.get("frames") or []:
            lines.append(
                f'  File "{frame.get("filename")}", line {frame.get("lineno")}, in {frame.get("name")}'
            )
        lines.append(f"{detail.get('exc_type')}: {detail.get('exc_value')}")
    return lines


class AirflowClient:
    """The public REST API v2 of one Airflow, with a JWT from ``POST /auth/token``.

    ``check`` (optional) runs on every poll and may raise, e.g. when a server process died.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        check: Callable[[], None] | None = None,
        request_timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.check = check
        self.request_timeout = request_timeout
        self.session = requests.Session()
        self._token: str | None = None

    # -- plumbing ----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def login(self, username: str | None = None, password: str | None = None) -> str:
        """Get a JWT for ``username`` (default: this client's user) and return it."""
        response = self.session.post(
            self.url("/auth/token"),
            json={"username": username or self.username, "password": password or self.password},
            timeout=self.request_timeout,
        )
        if response.status_code not in (200, 201):
            raise ApiError(
                f"login failed: HTTP {response.status_code} {response.text[:500]}", response.status_code
            )
        token = str(response.json()["access_token"])
        if username is None or username == self.username:
            self._token = token
        return token

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """An authenticated request; logs in (again) when there is no token or it was refused."""
        kwargs.setdefault("timeout", self.request_timeout)
        extra_headers = dict(kwargs.pop("headers", None) or {})
        if self._token is None:
            self.login()
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self._token}", **extra_headers}
            response = self.session.request(method, self.url(path), headers=headers, **kwargs)
            if response.status_code != 401 or attempt:
                break
            self.login()
        return response

    def api(self, method: str, path: str, *, expect: Iterable[int] = (200,), **kwargs: Any) -> Any:
        """JSON of a request to ``/api/v2/<path>``; raises with the body on an unexpected status."""
        response = self.request(method, f"/api/v2/{path.lstrip('/')}", **kwargs)
        if response.status_code not in set(expect):
            raise ApiError(
                f"{method} /api/v2/{path}: HTTP {response.status_code} {response.text[:2000]}",
                response.status_code,
            )
        return response.json() if response.content else None

    def _wait(self, condition: Callable[[], T | None], timeout: float, description: str) -> T:
        return wait_until(condition, timeout=timeout, description=description, check=self.check)

    # -- server ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        response = self.session.get(self.url("/api/v2/monitor/health"), timeout=self.request_timeout)
        response.raise_for_status()
        return dict(response.json())

    def is_healthy(self, components: Iterable[str] = ("metadatabase", "scheduler", "dag_processor")) -> bool:
        health = self.health()
        return all((health.get(name) or {}).get("status") == "healthy" for name in components)

    def wait_healthy(
        self,
        components: Iterable[str] = ("metadatabase", "scheduler", "dag_processor"),
        timeout: float = 120.0,
    ) -> dict[str, Any]:
        names = tuple(components)
        self._wait(lambda: self.is_healthy(names), timeout, f"{', '.join(names)} healthy at {self.base_url}")
        return self.health()

    # -- DAGs --------------------------------------------------------------------------------

    def list_dags(self, **params: Any) -> list[dict[str, Any]]:
        """Every DAG the API lists (all pages); ``params`` are extra query parameters."""
        dags: list[dict[str, Any]] = []
        while True:
            page = self.api("GET", "dags", params={"limit": 100, "offset": len(dags), **params})
            dags.extend(page["dags"])
            if not page["dags"] or len(dags) >= page["total_entries"]:
                return dags

    def get_dag(self, dag_id: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/api/v2/dags/{dag_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ApiError(f"GET /api/v2/dags/{dag_id}: HTTP {response.status_code}", response.status_code)
        return dict(response.json())

    def import_errors(self) -> list[dict[str, Any]]:
        return list(self.api("GET", "importErrors", params={"limit": 100})["import_errors"])

    def wait_for_dag(self, dag_id: str, timeout: float = 120.0, *, dag_file: str | None = None) -> dict:
        """Wait until ``dag_id`` is listed. With ``dag_file`` (a file name or path suffix), an import
        error of that file fails at once with its stack trace; otherwise all import errors are
        shown on timeout."""

        def listed() -> dict[str, Any] | None:
            dag = self.get_dag(dag_id)
            if dag is None and dag_file is not None:
                for error in self.import_errors():
                    if str(error["filename"]).endswith(dag_file):
                        raise AssertionError(f"{dag_file} failed to import:\n{error['stack_trace']}")
            return dag

        try:
            return self._wait(listed, timeout, f"DAG {dag_id!r} to be listed")
        except TimeoutError as exc:
            errors = "\n".join(f"{e['filename']}:\n{e['stack_trace']}" for e in self.import_errors())
            raise TimeoutError(f"{exc}\nimport errors:\n{errors or '(none)'}") from None

    def request_reparse(self, dag_id: str) -> None:
        """Ask the dag-processor to parse ``dag_id``'s file next (``PUT /parseDagFile/{file_token}``)."""
        dag = self.get_dag(dag_id)
        if dag is None:
            raise AssertionError(f"DAG {dag_id!r} is not listed")
        self.api("PUT", f"parseDagFile/{dag['file_token']}", expect=(201,))

    def set_paused(self, dag_id: str, paused: bool) -> dict[str, Any]:
        return dict(self.api("PATCH", f"dags/{dag_id}", json={"is_paused": paused}))

    def unpause(self, dag_id: str) -> dict[str, Any]:
        return self.set_paused(dag_id, False)

    # -- runs --------------------------------------------------------------------------------

    def trigger(self, dag_id: str, conf: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Trigger a run now (``logical_date: null``) and return it (``dag_run_id``, ``state``...)."""
        body = {"logical_date": None, "conf": dict(conf or {})}
        return dict(self.api("POST", f"dags/{dag_id}/dagRuns", json=body, expect=(200,)))

    def get_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.api("GET", f"dags/{dag_id}/dagRuns/{run_id}"))

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 180.0) -> dict[str, Any]:
        """Wait until the run is ``success`` or ``failed`` and return it."""

        def finished() -> dict[str, Any] | None:
            run = self.get_run(dag_id, run_id)
            return run if run["state"] in TERMINAL_RUN_STATES else None

        try:
            return self._wait(finished, timeout, f"run {run_id} of {dag_id} to finish")
        except TimeoutError as exc:
            states = {ti["task_id"]: ti["state"] for ti in self.task_instances(dag_id, run_id)}
            raise TimeoutError(f"{exc}\ntask states: {states}") from None

    def run_dag(
        self, dag_id: str, conf: Mapping[str, Any] | None = None, timeout: float = 180.0
    ) -> dict[str, Any]:
        """Unpause, trigger and wait: the finished run."""
        self.unpause(dag_id)
        run = self.trigger(dag_id, conf)
        return self.wait_for_run(dag_id, run["dag_run_id"], timeout)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        page = self.api("GET", f"dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 100})
        return list(page["task_instances"])

    def task_instance(self, dag_id: str, run_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.api("GET", f"dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"))

    # -- logs --------------------------------------------------------------------------------

    def task_log_records(
        self, dag_id: str, run_id: str, task_id: str, try_number: int | None = None
    ) -> list[Any]:
        """The raw entries of a task try's log (structured dicts, or strings); default: last try."""
        if try_number is None:
            try_number = int(self.task_instance(dag_id, run_id, task_id)["try_number"])
        path = f"dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}"
        records: list[Any] = []
        params: dict[str, Any] = {"full_content": "true"}
        for _ in range(100):  # continuation tokens, bounded
            page = self.api("GET", path, params=params, headers={"Accept": "application/json"})
            records.extend(page.get("content") or [])
            token = page.get("continuation_token")
            if not token or not page.get("content"):
                break
            params = {"full_content": "true", "token": token}
        return records

    def task_log_lines(
        self, dag_id: str, run_id: str, task_id: str, try_number: int | None = None
    ) -> list[str]:
        """A task try's log as plain text lines (the ``event`` of each structured record)."""
        records = self.task_log_records(dag_id, run_id, task_id, try_number)
        return [line for record in records for line in _render_log_record(record)]

    def task_log_text(self, dag_id: str, run_id: str, task_id: str, try_number: int | None = None) -> str:
        return "\n".join(self.task_log_lines(dag_id, run_id, task_id, try_number))

    def wait_for_log_line(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        predicate: str | Callable[[str], bool],
        timeout: float = 30.0,
        try_number: int | None = None,
    ) -> str:
        """Poll a task's log until a line contains ``predicate`` (or satisfies it); that line."""
        match = (lambda line: predicate in line) if isinstance(predicate, str) else predicate
        last: list[str] = []

        def found() -> str | None:
            last[:] = self.task_log_lines(dag_id, run_id, task_id, try_number)
            return next((line for line in last if match(line)), None)

        try:
            return self._wait(found, timeout, f"{predicate!r} in the log of {dag_id}.{task_id}")
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\nlog:\n" + "\n".join(last[-LOG_TAIL_LINES:])) from None


# --------------------------------------------------------------------------------------------
# The stack
# --------------------------------------------------------------------------------------------


def airflow_executable() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"


def _base_environment() -> dict[str, str]:
    """This process's environment without any Airflow setting, so nothing leaks in (nor a shell
    start-up file that every BashOperator would source)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW_", "AIRFLOW__")) and k not in {"BASH_ENV", "ENV"}
    }
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([venv_bin, *[p for p in env.get("PATH", "").split(os.pathsep) if p]])
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@dataclass
class AirflowStack:
    """A real Airflow in ``home``: call ``start()`` (or use it as a context manager) and ``stop()``.

    - ``dags_folder``: the DAGs folder (created if missing).
    - ``env``: extra environment for every component (``AIRFLOW__SECTION__KEY`` or anything
      else, e.g. ``AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT``); it wins over the defaults.
    - ``auth_manager``: class path (default: the simple auth manager). ``users`` maps user name
      to ``(role, password)`` for the simple auth manager: they go to
      ``[core] simple_auth_manager_users`` and a passwords file; the first one is the user of
      ``client``. For another auth manager (FAB), ``users`` only gives ``client``'s credentials:
      create them with ``run_cli("users", "create", ...)`` after ``prepare()`` (which migrates
      the database) or ``start()``, or let LDAP know them (``webserver_config``).
    - ``webserver_config``: text of ``webserver_config.py`` (FAB), written in ``home``.
    - ``plugins_folder``: Airflow's plugins folder (default: an empty folder in ``home``).
    - ``triggerer``: also run ``airflow triggerer`` (only deferrable tasks need it).
    """

    home: Path
    dags_folder: Path
    env: Mapping[str, str] = field(default_factory=dict)
    auth_manager: str = SIMPLE_AUTH_MANAGER
    users: Mapping[str, tuple[str, str]] | None = None
    webserver_config: str | None = None
    plugins_folder: Path | None = None
    triggerer: bool = False
    parallelism: int = 2
    name: str = "airflow"
    startup_timeout: float = 180.0

    port: int = field(init=False, default=0)
    _log_port: int = field(init=False, default=0)
    _trigger_log_port: int = field(init=False, default=0)
    processes: dict[str, ManagedProcess] = field(init=False, default_factory=dict)
    _client: AirflowClient | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        self.dags_folder = Path(self.dags_folder)
        if self.users is None:
            self.users = {"admin": ("admin", secrets.token_urlsafe(12))}

    # -- configuration -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def username(self) -> str:
        assert self.users
        return next(iter(self.users))

    @property
    def password(self) -> str:
        assert self.users
        return self.users[self.username][1]

    def environment(self) -> dict[str, str]:
        """The environment every component (and ``run_cli``) runs with."""
        assert self.port, "no port yet: call prepare() or start()"
        plugins = self.plugins_folder or self.home / "plugins"
        assert self.users is not None
        env = _base_environment()
        env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
                "AIRFLOW__CORE__AUTH_MANAGER": self.auth_manager,
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(
                    f"{user}:{role}" for user, (role, _) in self.users.items()
                ),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.home / "passwords.json"),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.home / 'airflow.db'}",
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__BASE_URL": self.base_url,
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__API__EXPOSE_STACKTRACE": "True",
                "AIRFLOW__FAB__CONFIG_FILE": str(self.home / "webserver_config.py"),
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self._log_port),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self._trigger_log_port),
                # pick up new and changed DAG files within seconds, parse in one process
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "3",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
                "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
            }
        )
        env.update(self.env)
        return env

    def prepare(self) -> None:
        """Pick ports, write the home folder's files, migrate the database (idempotent)."""
        if not self.port:
            self.port, self._log_port, self._trigger_log_port = free_port(), free_port(), free_port()
        self.home.mkdir(parents=True, exist_ok=True)
        self.dags_folder.mkdir(parents=True, exist_ok=True)
        (self.plugins_folder or self.home / "plugins").mkdir(parents=True, exist_ok=True)
        assert self.users is not None
        passwords = {user: password for user, (_, password) in self.users.items()}
        (self.home / "passwords.json").write_text(json.dumps(passwords))
        if self.webserver_config is not None:
            (self.home / "webserver_config.py").write_text(textwrap.dedent(self.webserver_config))
        if not (self.home / ".migrated").exists():
            self.run_cli("db", "migrate", log_name="db-migrate", timeout=300)
            (self.home / ".migrated").touch()

    def run_cli(
        self, *args: str, log_name: str | None = None, timeout: float = 120.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``airflow <args>`` with the stack's environment; output also goes to a log file."""
        result = subprocess.run(
            [airflow_executable(), *args],
            env=self.environment(),
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
            check=False,
        )
        log = self.logs_dir / f"{log_name or 'cli-' + args[0]}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as handle:
            handle.write(f"$ airflow {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if check and result.returncode != 0:
            raise RuntimeError(
                f"airflow {' '.join(args)} exited {result.returncode}:\n"
                f"{(result.stdout + result.stderr)[-6000:]}"
            )
        return result

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> AirflowStack:
        """Migrate, start the components, wait until the API reports them healthy."""
        self.prepare()
        env = self.environment()
        commands = {
            "dag-processor": ["dag-processor"],
            "scheduler": ["scheduler"],
            "api-server": ["api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
        }
        if self.triggerer:
            commands["triggerer"] = ["triggerer"]
        if self not in _ACTIVE_STACKS:
            _ACTIVE_STACKS.append(self)
        try:
            for name, argv in commands.items():
                process = ManagedProcess(
                    name=name,
                    argv=[airflow_executable(), *argv],
                    log_path=self.logs_dir / f"{name}.out",
                    env=env,
                    cwd=self.home,
                )
                self.processes[name] = process
                process.start()
            components = ["metadatabase", "scheduler", "dag_processor"]
            if self.triggerer:
                components.append("triggerer")
            self.client.wait_healthy(components, timeout=self.startup_timeout)
        except BaseException as exc:
            report = self.failure_report()
            self.stop()
            if isinstance(exc, Exception):
                raise RuntimeError(f"{self.name} did not start: {exc}\n{report}") from exc
            raise
        return self

    def check_running(self) -> None:
        """Raise (with the log tail) if a component has exited."""
        for name, process in self.processes.items():
            if not process.running():
                code = process.popen.returncode if process.popen else None
                raise RuntimeError(f"{self.name}: {name} exited with {code}:\n{process.tail()}")

    def stop(self, grace: float = 15.0) -> list[psutil.Process]:
        """Stop every component and all it started, all at once (SIGTERM, SIGKILL after
        ``grace`` seconds); returns the processes left (should be none)."""
        if self._client is not None:
            self._client.session.close()  # no keep-alive connection to wait for
        started = [process for process in self.processes.values() if process.popen is not None]
        leftovers = stop_process_trees([process.pid for process in started], grace=grace)
        for process in started:
            process.reap()
        if self in _ACTIVE_STACKS:
            _ACTIVE_STACKS.remove(self)
        return leftovers

    def __enter__(self) -> AirflowStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- use ---------------------------------------------------------------------------------

    @property
    def client(self) -> AirflowClient:
        """A REST client logged in as the first user."""
        if self._client is None:
            self._client = self.client_for(self.username, self.password)
        return self._client

    def client_for(self, username: str, password: str) -> AirflowClient:
        return AirflowClient(self.base_url, username, password, check=self.check_running)

    def add_dag_file(self, name: str, source: str) -> Path:
        """Write a DAG file (atomically) into the DAGs folder; wait for it with ``client.wait_for_dag``."""
        path = self.dags_folder / name
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(textwrap.dedent(source))
        temporary.replace(path)
        return path

    def log_tails(self, lines: int = LOG_TAIL_LINES) -> list[tuple[str, str]]:
        """(component, last lines of its log) for every component."""
        return [(name, process.tail(lines)) for name, process in self.processes.items()]

    def failure_report(self, lines: int = LOG_TAIL_LINES) -> str:
        parts = [
            f"----- {self.name} {name} ({self.logs_dir}) -----\n{text}"
            for name, text in self.log_tails(lines)
        ]
        return "\n".join(parts)


_ACTIVE_STACKS: list[AirflowStack] = []


# --------------------------------------------------------------------------------------------
# pytest integration (imported by tests/integration/conftest.py)
# --------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the log tails of every running stack to the report of a failed test."""
    report = yield
    if report.failed:
        for stack in list(_ACTIVE_STACKS):
            for name, text in stack.log_tails():
                report.sections.append((f"{stack.name} {name} log (last {LOG_TAIL_LINES} lines)", text))
    return report


StackFactory = Callable[..., AirflowStack]


@pytest.fixture(scope="session")
def airflow_stack_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackFactory]:
    """Start an ``AirflowStack`` with its own home: ``factory(dags_folder=None, **options)``.

    Options are ``AirflowStack``'s fields (``env``, ``auth_manager``, ``webserver_config``,
    ``plugins_folder``, ``users``, ``triggerer``...). Every stack is stopped at session end,
    or earlier with ``stack.stop()``.
    """
    started: list[AirflowStack] = []

    def factory(dags_folder: Path | None = None, **options: Any) -> AirflowStack:
        name = options.pop("name", f"airflow-{len(started) + 1}")
        home = tmp_path_factory.mktemp(name)
        stack = AirflowStack(
            home=home / "home", dags_folder=dags_folder or home / "dags", name=name, **options
        )
        started.append(stack)
        return stack.start()

    try:
        yield factory
    finally:
        problems = []
        for stack in reversed(started):
            leftovers = stack.stop()
            if leftovers:
                problems.append(f"{stack.name}: still running after stop: {leftovers}")
        assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def airflow_stack(airflow_stack_factory: StackFactory) -> AirflowStack:
    """One stack shared by the session (simple auth manager, user ``admin``, empty DAGs folder).

    Tests add their DAG files with ``airflow_stack.add_dag_file`` (use unique dag_ids) and wait
    for them with ``airflow_stack.client.wait_for_dag``.
    """
    return airflow_stack_factory(name="shared")
