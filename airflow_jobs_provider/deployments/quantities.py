"""Kubernetes CPU and memory quantities as numbers, so requests, limits and ceilings compare.

Only the forms people write are accepted (``250m``, ``1.5``, ``512Mi``, ``2G``): the exponent
form and negative values are valid Kubernetes but never meant in a job's resources.
"""

from __future__ import annotations

import re
from decimal import Decimal

_CPU = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<suffix>m?)")
_MEMORY = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<suffix>[KMGTPE]i|[kMGTPE]?)")
_MAX_LENGTH = 24
_MEMORY_FACTORS = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}


def cpu_cores(quantity: str) -> Decimal:
    """``250m`` → 0.25. Kubernetes counts CPU in whole millicores, so finer values are refused."""
    match = _CPU.fullmatch(quantity) if len(quantity) <= _MAX_LENGTH else None
    if match is None:
        raise ValueError(f"{quantity!r} is not a CPU quantity: write cores (1, 1.5) or millicores (250m)")
    cores = Decimal(match["number"]) / (1000 if match["suffix"] else 1)
    if cores <= 0:
        raise ValueError(f"{quantity!r} must be more than zero")
    if (cores * 1000) % 1:
        raise ValueError(f"{quantity!r} is finer than Kubernetes counts: the smallest CPU step is 1m")
    return cores


def memory_bytes(quantity: str) -> Decimal:
    """``512Mi`` → 536870912. A lowercase ``m`` (milli-bytes, a classic typo) is refused."""
    match = _MEMORY.fullmatch(quantity) if len(quantity) <= _MAX_LENGTH else None
    if match is None:
        raise ValueError(
            f"{quantity!r} is not a memory quantity: write bytes with a suffix, like 512Mi, 2Gi or 500M"
        )
    size = Decimal(match["number"]) * _MEMORY_FACTORS[match["suffix"]]
    if size <= 0:
        raise ValueError(f"{quantity!r} must be more than zero")
    return size
