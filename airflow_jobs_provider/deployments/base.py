"""What every part of a deployment spec shares: model settings, and the rule that keys do not repeat."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """Unknown keys are errors (a typo must not be ignored), specs are immutable, and a spec
    passed back in is checked again, so the store never trusts a spec checked under other rules.

    Types are strict: ``"1"``, ``true`` or ``1.0`` is no integer and ``1`` no boolean, so what a
    client sends is what the spec file says (JSON and YAML both have real numbers and booleans).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always", strict=True)


def check_unique(values: Iterable[str], what: str) -> None:
    """Raise ``ValueError`` naming the first value that repeats."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is used twice")
        seen.add(value)
