"""Typed reading of the ``JOB_ORCHESTRATOR_LDAP_*`` variables the webserver_config template uses.

Settings come from the environment so the bind password lives in a Secret, never in a file
of the image; a missing or malformed value stops Airflow with the variable's name in the error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

PREFIX = "JOB_ORCHESTRATOR_LDAP_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class LdapEnvironmentError(ValueError):
    """A ``JOB_ORCHESTRATOR_LDAP_*`` variable is missing or cannot be read."""


class LdapEnvironment:
    """Reads ``JOB_ORCHESTRATOR_LDAP_<NAME>`` values; ``name`` arguments omit the prefix."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._read_from: dict[str, str] = {}

    def variables(self, settings: Mapping[str, str]) -> dict[str, str]:
        """Setting key -> the variable its ``name`` was read from (``NAME_FILE`` when the value
        came from a file), so messages can name what the admin set."""
        return {key: self._read_from.get(name, PREFIX + name) for key, name in settings.items()}

    def text(self, name: str, default: str | None = None) -> str:
        self._read_from.setdefault(name, PREFIX + name)
        value = self._environ.get(PREFIX + name, "").strip()
        if value:
            return value
        if default is None:
            raise LdapEnvironmentError(f"{PREFIX}{name} is not set; see docs/admin-guide.md")
        return default

    def secret(self, name: str) -> str:
        """``NAME`` itself, or the content of the file ``NAME_FILE`` names (a mounted Secret)."""
        path = self._environ.get(f"{PREFIX}{name}_FILE", "").strip()
        if not path:
            return self.text(name, default="")
        self._read_from[name] = f"{PREFIX}{name}_FILE"
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise LdapEnvironmentError(f"{PREFIX}{name}_FILE: cannot read {path}: {error.strerror}") from None

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self._environ.get(PREFIX + name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE | _FALSE:
            return value in _TRUE
        raise LdapEnvironmentError(f"{PREFIX}{name} must be true or false, not {raw!r}")

    def seconds(self, name: str, default: float) -> float:
        raw = self.text(name, default=str(default))
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value <= 0:
            raise LdapEnvironmentError(f"{PREFIX}{name} must be a positive number of seconds, not {raw!r}")
        return value

    def dn_list(self, name: str) -> list[str]:
        """Distinguished names separated by ``;`` (a DN holds commas)."""
        names = [part.strip() for part in self.text(name).split(";") if part.strip()]
        if not names:
            raise LdapEnvironmentError(f"{PREFIX}{name} names no group")
        return names

    def roles_mapping(self, name: str, default: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """A JSON object from group DN to a list of Airflow role names."""
        raw = self.text(name, default="")
        if not raw:
            return dict(default)
        try:
            mapping = json.loads(raw)
        except json.JSONDecodeError as error:
            raise LdapEnvironmentError(f"{PREFIX}{name} is not valid JSON: {error}") from None
        valid = isinstance(mapping, dict) and all(
            isinstance(roles, list) and all(isinstance(role, str) for role in roles)
            for roles in mapping.values()
        )
        if not valid:
            raise LdapEnvironmentError(
                f'{PREFIX}{name} must map group DNs to lists of role names, e.g. {{"cn=team,ou=groups": ["User"]}}'
            )
        return mapping
