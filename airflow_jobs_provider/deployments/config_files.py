"""Files a job reads from its config folder; a secret one never has its content in the spec file.

A secret file's content is accepted as a ``SecretStr`` and excluded from every dump, so the
stored spec holds only ``{file_name, secret: true}``; the store hands the content to a
``SecretSink``. A secret file given without content keeps the content stored before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, SecretStr, Tag, field_validator

from airflow_jobs_provider.deployments.base import SpecModel
from airflow_jobs_provider.deployments.text import no_nul
from airflow_jobs_provider.operators.pod_options import CONFIG_FILE_NAME

MAX_CONFIG_FILES = 20
# A ConfigMap or Secret holds at most 1 MiB; a few files of this size fit in one.
MAX_CONTENT_CHARS = 256 * 1024
MAX_FILE_NAME_LENGTH = 128


def check_file_name(value: str) -> str:
    """A plain file name usable as a ConfigMap/Secret key and inside an Airflow Variable key."""
    if (
        len(value) > MAX_FILE_NAME_LENGTH
        or not CONFIG_FILE_NAME.fullmatch(value)
        or value == "."
        or ".." in value
    ):
        raise ValueError(
            f"{value!r} must be a plain file name of at most {MAX_FILE_NAME_LENGTH} characters: "
            "letters, digits, '-', '_' and '.', without '..'"
        )
    return value


def _a_bool(value: Any) -> Any:
    """Pydantic compares literals by equality, even in strict mode: 0 would pass as False."""
    if not isinstance(value, bool):
        raise ValueError("Input should be a valid boolean")
    return value


FileName = Annotated[str, AfterValidator(check_file_name)]


class PlainConfigFile(SpecModel):
    file_name: FileName
    secret: Annotated[Literal[False], BeforeValidator(_a_bool)] = False
    content: Annotated[str, Field(max_length=MAX_CONTENT_CHARS), AfterValidator(no_nul)]


class SecretConfigFile(SpecModel):
    """``content`` is write-only: accepted on input, never dumped."""

    file_name: FileName
    secret: Annotated[Literal[True], BeforeValidator(_a_bool)]
    content: SecretStr | None = Field(default=None, exclude=True)

    @field_validator("content")
    @classmethod
    def _bounded(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            if len(value.get_secret_value()) > MAX_CONTENT_CHARS:
                raise ValueError(f"must be at most {MAX_CONTENT_CHARS} characters")
            no_nul(value.get_secret_value())
        return value


def _kind(value: Any) -> str:
    secret = value.get("secret") if isinstance(value, dict) else getattr(value, "secret", None)
    return "secret" if secret is True else "plain"


ConfigFileSpec = Annotated[
    Annotated[PlainConfigFile, Tag("plain")] | Annotated[SecretConfigFile, Tag("secret")],
    Discriminator(_kind),
]


def mask_secret_contents(data: Any) -> Any:
    """Wrap secret contents of raw spec data in ``SecretStr`` before anything else sees them.

    A validation error carries its input; this way no error (or log of one) can show a secret.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("config_files"), list):
        return data
    files = [
        {**entry, "content": SecretStr(entry["content"])}
        if isinstance(entry, Mapping)
        and entry.get("secret") is True
        and isinstance(entry.get("content"), str)
        else entry
        for entry in data["config_files"]
    ]
    return {**data, "config_files": files}
