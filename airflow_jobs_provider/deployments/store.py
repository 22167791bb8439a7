"""The specs folder: one YAML file per deployment, written atomically, its history kept beside it.

Layout::

    <specs_folder>/
      <name>.yaml                       the deployment as it is deployed now (or, for a
                                        moment, the record of its deletion)
      .history/<name>/<revision>.yaml   every earlier revision, and a record of a deletion
      .lock                             writers hold it (flock) from check to write
      .tmp-*.partial                    a write under way, or left by a crash (removed)

Each file holds ``format``, ``revision``, ``action`` (create, update, delete),
``deployed_by``, ``deployed_at`` (UTC, ISO 8601), ``changes`` (the fields that changed
since the previous revision) and ``spec``. Secret config-file contents never reach a file:
they go to a ``SecretSink``. Reading takes no lock and makes no network or database call,
since the DAG generator lists the folder at every parse; a broken file spoils only its own entry.

Every write is a series of steps of which each is one rename (or a lock, or a file no reader
looks at), ordered so that a writer killed between any two leaves a true state; see
"The specs folder survives a killed writer" in docs/architecture.md.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from airflow_jobs_provider.deployments.changes import changed_fields
from airflow_jobs_provider.deployments.config_files import SecretConfigFile, check_file_name
from airflow_jobs_provider.deployments.files import (
    folder_lock,
    make_folder,
    move_durably,
    remove_temp_files,
    write_atomically,
)
from airflow_jobs_provider.deployments.messages import error_messages
from airflow_jobs_provider.deployments.naming import check_name
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.secrets import (
    VARIABLE_PREFIX,
    AirflowVariableSink,
    SecretSink,
    secret_variable_key,
)
from airflow_jobs_provider.deployments.spec import DeploymentSpec, validate_spec
from airflow_jobs_provider.deployments.spec_yaml import dump_yaml, load_yaml
from airflow_jobs_provider.deployments.text import single_line

log = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".yaml"
HISTORY_FOLDER = ".history"
LOCK_FILE = ".lock"
_REVISION_FILE = re.compile(r"[0-9]+\.yaml")

Action = Literal["create", "update", "delete"]


class StoreError(Exception):
    """A store operation did not happen; nothing was written."""


class NotFoundError(StoreError, LookupError):
    """No deployment (or history) of that name."""


class ConflictError(StoreError):
    """The name exists already, or someone changed the deployment since it was read."""


class RejectedError(StoreError, ValueError):
    """The request itself is wrong: a bad name or user, a rename, a secret without content."""


@dataclass(frozen=True)
class StoredDeployment:
    """A valid spec as deployed, with who deployed which revision when."""

    spec: DeploymentSpec
    revision: int
    deployed_by: str
    deployed_at: datetime
    changes: tuple[str, ...]
    path: Path

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class InvalidSpec:
    """A spec file that cannot be deployed as it is, and why; ``revision`` when it can be read."""

    name: str
    path: Path
    error: str
    revision: int | None = None


@dataclass(frozen=True)
class Revision:
    """One entry of a deployment's history. ``spec`` is as written then, not re-checked against
    today's rules; None for a deletion."""

    revision: int
    action: Action
    deployed_by: str
    deployed_at: datetime
    changes: tuple[str, ...]
    spec: Mapping[str, Any] | None


@dataclass(frozen=True)
class Deletion:
    """The record of a deployment's deletion: which revision it was, who deleted it, when."""

    name: str
    revision: int
    deleted_by: str
    deleted_at: datetime


Entry = StoredDeployment | InvalidSpec
Entries = list[Entry]
History = list[Revision]
Deletions = list[Deletion]


class _Document(BaseModel):
    """The envelope of a spec or history file; the spec inside is checked by ``DeploymentSpec``."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[1]
    revision: Annotated[StrictInt, Field(ge=1)]
    action: Action
    deployed_by: Annotated[StrictStr, Field(min_length=1)]
    deployed_at: AwareDatetime
    changes: list[StrictStr] = Field(default_factory=list)
    spec: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Current:
    """A spec file as it is on disk, readable or not: enough to update or delete it."""

    text: str
    data: Any

    @property
    def revision(self) -> int | None:
        return _revision_of(self.data)

    @property
    def spec_data(self) -> dict[str, Any]:
        spec = self.data.get("spec") if isinstance(self.data, dict) else None
        return spec if isinstance(spec, dict) else {}

    def secret_file_names(self) -> set[str]:
        """Secret files the stored spec declares, read leniently so even a broken file is cleaned up."""
        entries = self.spec_data.get("config_files")
        names = set()
        for entry in entries if isinstance(entries, list) else []:
            if (
                isinstance(entry, dict)
                and entry.get("secret") is True
                and _is_file_name(entry.get("file_name"))
            ):
                names.add(entry["file_name"])
        return names


class SpecStore:
    """Create, redeploy, delete and read deployments in one folder, safely across processes.

    :param folder: the specs folder; default ``[job_orchestrator] specs_folder``.
    :param secrets: where secret config-file contents go; default Airflow Variables.
    :param policy: the rules specs are checked against; default the configuration at each call.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str] | None = None,
        *,
        secrets: SecretSink | None = None,
        policy: DeploymentPolicy | None = None,
    ) -> None:
        if folder is None:
            from airflow_jobs_provider import settings

            folder = settings.specs_folder()
        self.folder = Path(folder)
        self._secrets: SecretSink = secrets if secrets is not None else AirflowVariableSink()
        self._policy = policy

    # Reading: no lock, no network, no database.

    def list(self) -> Entries:
        """Every spec file, sorted by name: a deployment, or an ``InvalidSpec`` saying what is wrong."""
        if not self.folder.is_dir():
            return []
        policy = self._current_policy()
        paths = sorted(
            (
                path
                for path in self.folder.glob(f"*{SUFFIX}")
                if not path.name.startswith(".") and path.is_file()
            ),
            key=lambda path: path.name.removesuffix(SUFFIX),
        )
        return [entry for entry in (self._load(path, policy) for path in paths) if entry is not None]

    def get(self, name: str) -> Entry:
        entry = self._load(self._spec_path(name), self._current_policy())
        if entry is None:
            raise NotFoundError(f"there is no deployment named {name!r}")
        return entry

    def history(self, name: str) -> History:
        """Every revision of ``name``, oldest first, the current one and a deletion included.

        The spec file is read before the history folder: a writer meanwhile only adds to the
        history what was in the spec file, so the two together are one true state.
        """
        spec_path = self._spec_path(name)
        current = _read_revision(spec_path) if spec_path.is_file() else None
        folder = self._history_folder(name)
        paths = (
            [path for path in folder.glob("*") if _REVISION_FILE.fullmatch(path.name)]
            if folder.is_dir()
            else []
        )
        revisions: dict[int, Revision] = {}
        for revision in [*(_read_revision(path) for path in paths), current]:
            if revision is not None:
                revisions[revision.revision] = revision
        if not revisions:
            raise NotFoundError(f"there is no deployment or history named {name!r}")
        return [revisions[number] for number in sorted(revisions)]

    def deletions_since(self, since: datetime) -> Deletions:
        """Names deleted at or after ``since`` and not deployed again, sorted by name.

        Reads one file per history folder: the spec file if there is one (a deployment means
        the name is back; a record of a deletion, a delete whose end is still to come), else
        the history's last revision.
        """
        history_root = self.folder / HISTORY_FOLDER
        if not history_root.is_dir():
            return []
        deletions: Deletions = []
        for folder in sorted(history_root.iterdir()):
            name = folder.name
            try:
                check_name(name)
            except ValueError:
                continue
            spec_path = self._spec_path(name)
            last = _read_leniently(spec_path) if spec_path.exists() else self._last_history_entry(name)
            if last is None or _deletion_revision(last.data) is None:
                continue
            document = _envelope(last.data)
            if document.deployed_at >= since:
                deletions.append(
                    Deletion(
                        name=name,
                        revision=document.revision,
                        deleted_by=document.deployed_by,
                        deleted_at=document.deployed_at,
                    )
                )
        return deletions

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writers' lock: no create, redeploy or delete by any process until it ends."""
        make_folder(self.folder)
        with folder_lock(self.folder / LOCK_FILE):
            remove_temp_files(self.folder)
            yield

    # Writing: under the folder's lock, secrets first, the spec file last.

    def create(self, spec: DeploymentSpec, user: str) -> StoredDeployment:
        """Deploy a new name. ``ConflictError`` when a deployment of that name exists."""
        spec = self._checked(spec)
        user = _checked_user(user)
        path = self._spec_path(spec.name)
        with self.locked():
            self._finish_deletion(spec.name)
            if path.exists():
                raise ConflictError(f"a deployment named {spec.name!r} exists already")
            missing = [item.file_name for item in _secret_files(spec) if item.content is None]
            if missing:
                raise RejectedError(f"config_files: the secret files {', '.join(missing)} need their content")
            self._put_secrets(spec)
            # A name deployed again continues its history instead of overwriting it.
            revision = self._last_history_revision(spec.name) + 1
            return self._write(path, spec, revision=revision, action="create", user=user, changes=[])

    def update(self, name: str, spec: DeploymentSpec, user: str, expected_revision: int) -> StoredDeployment:
        """Redeploy ``name``. ``ConflictError`` unless it is still at ``expected_revision``.

        A secret file given without content keeps its stored content; secret files no longer in
        the spec have their content deleted.
        """
        path = self._spec_path(name)
        spec = self._checked(spec)
        user = _checked_user(user)
        if spec.name != name:
            raise RejectedError(
                f"name: a deployment cannot be renamed ({name!r} → {spec.name!r}); "
                "create the new name and delete the old one"
            )
        with self.locked():
            self._finish_deletion(name)
            current = self._read_current(path)
            if current.revision is None:
                raise ConflictError(
                    f"the spec file of {name!r} cannot be read, so its revision is unknown: delete it"
                )
            if current.revision != expected_revision:
                raise ConflictError(
                    f"{name!r} is at revision {current.revision}, not {expected_revision}: "
                    "someone changed it meanwhile; reload it and deploy again"
                )
            stored_secrets = current.secret_file_names()
            missing = [
                item.file_name
                for item in _secret_files(spec)
                if item.content is None and item.file_name not in stored_secrets
            ]
            if missing:
                raise RejectedError(
                    f"config_files: the new secret files {', '.join(missing)} need their content"
                )
            replaced = self._put_secrets(spec)
            changes = changed_fields(current.spec_data, spec.model_dump(mode="json"))
            changes += [f"config_files[{file_name}].content" for file_name in replaced]
            self._save_history(name, current.revision, current.text)
            stored = self._write(
                path, spec, revision=current.revision + 1, action="update", user=user, changes=changes
            )
            self._delete_secrets(name, stored_secrets - {item.file_name for item in _secret_files(spec)})
            return stored

    def delete(self, name: str, user: str, expected_revision: int | None = None) -> None:
        """Move ``name`` into its history, recording who deleted it when, and delete its secrets.

        The spec file is copied into the history, then replaced by the record of the deletion
        (that rename is the deletion), which then moves into the history too.
        """
        path = self._spec_path(name)
        user = _checked_user(user)
        with self.locked():
            self._finish_deletion(name)
            current = self._read_current(path)
            if expected_revision is not None and current.revision != expected_revision:
                raise ConflictError(
                    f"{name!r} is at revision {current.revision}, not {expected_revision}: "
                    "someone changed it meanwhile"
                )
            revision = current.revision or self._last_history_revision(name) + 1
            self._save_history(name, revision, current.text)
            deletion = _document(revision=revision + 1, action="delete", user=user, at=_now(), changes=[])
            write_atomically(path, dump_yaml(deletion))
            self._finish_deletion(name)

    # Internals.

    def _current_policy(self) -> DeploymentPolicy:
        return self._policy if self._policy is not None else DeploymentPolicy.from_config()

    def _checked(self, spec: DeploymentSpec) -> DeploymentSpec:
        """Checked again here, under this store's rules, whoever checked it before."""
        return validate_spec(spec, self._current_policy())

    def _spec_path(self, name: str) -> Path:
        """The only way from a name to a path: a valid name cannot climb out of the folder."""
        try:
            check_name(name)
        except ValueError as exc:
            raise RejectedError(f"name: {exc}") from None
        return self.folder / f"{name}{SUFFIX}"

    def _history_folder(self, name: str) -> Path:
        return self.folder / HISTORY_FOLDER / name

    def _read_current(self, path: Path) -> _Current:
        current = _read_leniently(path)
        if current is None:
            raise NotFoundError(f"there is no deployment named {path.stem!r}")
        return current

    def _finish_deletion(self, name: str) -> None:
        """If the spec file is the record of a deletion, delete the secrets of the revision it
        deleted and move the record into the history: the end of a delete, or of one killed
        after its deletion happened. Run again, it does the same, so a kill here is harmless.
        """
        path = self._spec_path(name)
        current = _read_leniently(path)
        revision = _deletion_revision(current.data) if current is not None else None
        if revision is None:
            return
        deleted = _read_leniently(self._history_folder(name) / f"{revision - 1}{SUFFIX}")
        if deleted is not None and deleted.data is None:
            log.warning(
                "Deleted spec %s was not YAML: any secret contents it declared stay in Variables %s%s_*",
                name,
                VARIABLE_PREFIX,
                name,
            )
        self._delete_secrets(name, deleted.secret_file_names() if deleted is not None else ())
        folder = self._history_folder(name)
        make_folder(folder)
        move_durably(path, folder / f"{revision}{SUFFIX}")

    def _load(self, path: Path, policy: DeploymentPolicy) -> Entry | None:
        name = path.name.removesuffix(SUFFIX)
        try:
            check_name(name)
        except ValueError as exc:
            return InvalidSpec(name=name, path=path, error=f"file name: {exc}")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:  # deleted since the folder was listed
            return None
        except (OSError, UnicodeDecodeError) as exc:
            return InvalidSpec(name=name, path=path, error=f"cannot be read: {exc}")
        data: Any = None
        try:
            data = load_yaml(text)
            document = _envelope(data)
        except ValueError as exc:
            return InvalidSpec(name=name, path=path, error=str(exc), revision=_revision_of(data))
        if document.action == "delete":  # deleted; the record has yet to move into the history
            return None
        try:
            if document.spec is None:
                raise ValueError("spec: missing")
            spec = DeploymentSpec.model_validate(document.spec, context=policy.as_context())
            if spec.name != name:
                raise ValueError(f"spec.name: {spec.name!r} is not the file's name {name!r}")
        except ValidationError as exc:
            error = "; ".join(f"spec.{line}" for line in error_messages(exc))
            return InvalidSpec(name=name, path=path, error=error, revision=document.revision)
        except ValueError as exc:
            return InvalidSpec(name=name, path=path, error=str(exc), revision=document.revision)
        return StoredDeployment(
            spec=spec,
            revision=document.revision,
            deployed_by=document.deployed_by,
            deployed_at=document.deployed_at,
            changes=tuple(document.changes),
            path=path,
        )

    def _write(
        self,
        path: Path,
        spec: DeploymentSpec,
        *,
        revision: int,
        action: Action,
        user: str,
        changes: Sequence[str],
    ) -> StoredDeployment:
        deployed_at = _now()
        document = _document(
            revision=revision,
            action=action,
            user=user,
            at=deployed_at,
            changes=changes,
            spec=spec.model_dump(mode="json"),
        )
        write_atomically(path, dump_yaml(document))
        return StoredDeployment(
            spec=spec,
            revision=revision,
            deployed_by=user,
            deployed_at=deployed_at,
            changes=tuple(changes),
            path=path,
        )

    def _save_history(self, name: str, revision: int, text: str) -> None:
        folder = self._history_folder(name)
        make_folder(folder)
        remove_temp_files(folder)
        write_atomically(folder / f"{revision}{SUFFIX}", text)

    def _last_history_revision(self, name: str) -> int:
        folder = self._history_folder(name)
        if not folder.is_dir():
            return 0
        numbers = [int(path.stem) for path in folder.iterdir() if _REVISION_FILE.fullmatch(path.name)]
        return max(numbers, default=0)

    def _last_history_entry(self, name: str) -> _Current | None:
        last = self._last_history_revision(name)
        return _read_leniently(self._history_folder(name) / f"{last}{SUFFIX}") if last else None

    def _put_secrets(self, spec: DeploymentSpec) -> tuple[str, ...]:
        """Store the contents given; return the names of the files whose content was given."""
        given = [(item.file_name, item.content) for item in _secret_files(spec) if item.content is not None]
        for file_name, content in given:
            self._secrets.put(secret_variable_key(spec.name, file_name), content.get_secret_value())
        return tuple(file_name for file_name, _ in given)

    def _delete_secrets(self, name: str, file_names: Iterable[str]) -> None:
        """After the spec file is written: a failure here leaves a stray secret, never a broken spec."""
        for file_name in sorted(file_names):
            key = secret_variable_key(name, file_name)
            try:
                self._secrets.delete(key)
            except Exception:
                log.warning(
                    "Could not delete secret %s of deployment %s; delete it by hand", key, name, exc_info=True
                )


def _secret_files(spec: DeploymentSpec) -> list[SecretConfigFile]:
    return [item for item in spec.config_files if isinstance(item, SecretConfigFile)]


def _checked_user(user: str) -> str:
    try:
        if not isinstance(user, str) or not 1 <= len(user) <= 200:
            raise ValueError("must be 1 to 200 characters")
        return single_line(user)
    except ValueError as exc:
        raise RejectedError(f"user: {exc}") from None


def _is_file_name(value: Any) -> bool:
    try:
        check_file_name(value)
    except (TypeError, ValueError):
        return False
    return True


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _document(
    *,
    revision: int,
    action: Action,
    user: str,
    at: datetime,
    changes: Sequence[str],
    spec: dict[str, Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "revision": revision,
        "action": action,
        "deployed_by": user,
        "deployed_at": at.isoformat(),
        "changes": list(changes),
    }
    if spec is not None:
        document["spec"] = spec
    return document


def _read_leniently(path: Path) -> _Current | None:
    """A spec file as it is, None if there is none; an unreadable one is kept as it is, for the history."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("Spec file %s cannot be read: %s", path, exc)
        return _Current(text="", data=None)
    try:
        return _Current(text=text, data=load_yaml(text))
    except ValueError:
        return _Current(text=text, data=None)


def _deletion_revision(data: Any) -> int | None:
    """The revision of a record of a deletion, None for anything else (as ``_load`` tells them apart)."""
    try:
        document = _envelope(data)
    except ValueError:
        return None
    return document.revision if document.action == "delete" else None


def _revision_of(data: Any) -> int | None:
    revision = data.get("revision") if isinstance(data, dict) else None
    return revision if type(revision) is int and revision >= 1 else None


def _envelope(data: Any) -> _Document:
    """The file's metadata, or ``ValueError`` saying what is wrong with it."""
    try:
        return _Document.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(error_messages(exc))) from None


def _read_revision(path: Path) -> Revision | None:
    try:
        document = _envelope(load_yaml(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("History file %s is left out: %s", path, exc)
        return None
    return Revision(
        revision=document.revision,
        action=document.action,
        deployed_by=document.deployed_by,
        deployed_at=document.deployed_at,
        changes=tuple(document.changes),
        spec=document.spec,
    )
