"""Where the runner finds the repository's username and password: never on its command line.

Command lines show in ``ps`` and pod specs, so credentials come from the environment, from
files in a folder (a mounted Kubernetes Secret with keys ``username`` and ``password``), or
from standard input as JSON (the local operator's pipe: nothing a later process can read from
``/proc/<pid>/environ`` or from disk).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from .errors import UsageError

USERNAME_ENV = "JOB_RUNNER_USERNAME"
PASSWORD_ENV = "JOB_RUNNER_PASSWORD"  # noqa: S105 - a variable name, no password


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    @property
    def authorization(self) -> str:
        """The value of a basic-auth ``Authorization`` header."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def load_credentials(environ: Mapping[str, str], credentials_dir: str | None) -> Credentials | None:
    """The folder when one is given, else the environment; ``None`` when neither has a username."""
    if credentials_dir is not None:
        username = _read_secret(credentials_dir, "username")
        if username is None:
            raise UsageError(f"the credentials folder {credentials_dir!r} has no 'username' file")
        return Credentials(username, _read_secret(credentials_dir, "password") or "")
    username = environ.get(USERNAME_ENV)
    if not username:
        return None
    return Credentials(username, environ.get(PASSWORD_ENV, ""))


def read_credentials(stream: TextIO) -> Credentials:
    """``{"username": ..., "password": ...}`` from ``stream`` (the runner's stdin)."""
    try:
        document = json.loads(stream.read())
        username, password = document["username"], document["password"]
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"the credentials on standard input are not valid: {type(exc).__name__}") from None
    if not isinstance(username, str) or not username or not isinstance(password, str):
        raise UsageError("the credentials on standard input need a username and a password, as strings")
    return Credentials(username, password)


def _read_secret(folder: str, key: str) -> str | None:
    """One file of a mounted secret, without the single newline editors and echo add."""
    path = os.path.join(folder, key)
    try:
        with open(path, encoding="utf-8") as secret:
            text = secret.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the credentials file {path!r}: {exc}") from None
    for newline in ("\r\n", "\n"):
        if text.endswith(newline):
            return text[: -len(newline)]
    return text
