"""The runner's tunables, read once from the environment; a bad value is a usage error."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import UsageError
from .unpack import MAX_ENTRIES_ENV, MAX_RATIO_ENV, MAX_UNPACKED_BYTES_ENV, ArchiveLimits

GRACE_SECONDS_ENV = "JOB_RUNNER_GRACE_SECONDS"
_Number = TypeVar("_Number", int, float)


@dataclass(frozen=True)
class Settings:
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    grace_seconds: float = 20.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        defaults = cls()
        limits = defaults.limits
        return cls(
            limits=ArchiveLimits(
                max_unpacked_bytes=_number(environ, MAX_UNPACKED_BYTES_ENV, limits.max_unpacked_bytes, int),
                max_entries=_number(environ, MAX_ENTRIES_ENV, limits.max_entries, int),
                max_ratio=_number(environ, MAX_RATIO_ENV, limits.max_ratio, float),
            ),
            grace_seconds=_number(environ, GRACE_SECONDS_ENV, defaults.grace_seconds, float),
        )


def _number(
    environ: Mapping[str, str], name: str, default: _Number, parse: Callable[[str], _Number]
) -> _Number:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = parse(text)
    except ValueError:
        raise UsageError(f"{name}={text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{name}={text!r} must be a number of at least 0")
    return value
