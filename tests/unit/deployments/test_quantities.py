from __future__ import annotations

from decimal import Decimal

import pytest

from airflow_jobs_provider.deployments.quantities import cpu_cores, memory_bytes


@pytest.mark.parametrize(
    ("quantity", "cores"), [("250m", "0.25"), ("1", "1"), ("1.5", "1.5"), (".5", "0.5"), ("2000m", "2")]
)
def test_cpu(quantity: str, cores: str) -> None:
    assert cpu_cores(quantity) == Decimal(cores)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("2 cores", "is not a CPU quantity"),
        ("1Gi", "is not a CPU quantity"),
        ("-1", "is not a CPU quantity"),
        ("1e3", "is not a CPU quantity"),
        ("", "is not a CPU quantity"),
        ("0", "must be more than zero"),
        ("0.0005", "the smallest CPU step is 1m"),
        ("0.5m", "the smallest CPU step is 1m"),
        ("1" * 30, "is not a CPU quantity"),
        ("\u0661", "is not a CPU quantity"),  # ARABIC-INDIC DIGIT ONE: \d would take it
    ],
)
def test_bad_cpu(quantity: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cpu_cores(quantity)


@pytest.mark.parametrize(
    ("quantity", "size"),
    [
        ("512Mi", 512 * 2**20),
        ("2G", 2 * 10**9),
        ("1.5Gi", 3 * 2**29),
        ("100", 100),
        ("1k", 1000),
        ("1Ei", 2**60),
    ],
)
def test_memory(quantity: str, size: int) -> None:
    assert memory_bytes(quantity) == size


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("512m", "is not a memory quantity"),
        ("512MB", "is not a memory quantity"),
        ("1K", "is not a memory quantity"),
        ("2 Gi", "is not a memory quantity"),
        ("0Mi", "must be more than zero"),
    ],
)
def test_bad_memory(quantity: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        memory_bytes(quantity)


def test_quantities_compare_across_suffixes() -> None:
    assert memory_bytes("1Gi") > memory_bytes("1G") > memory_bytes("953Mi")
    assert cpu_cores("1500m") == cpu_cores("1.5")
