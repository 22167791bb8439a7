"""The lowest Airflow the package allows (``apache-airflow>=X`` in pyproject.toml), in a
virtualenv of its own that ``scripts/test.sh`` installs, for a smoke test of the pages on it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOWEST_VENV = REPO / ".test-runs" / "lowest-airflow" / "venv"


def lowest_airflow_version() -> str:
    match = re.search(r'^\s*"apache-airflow>=([0-9.]+)"', (REPO / "pyproject.toml").read_text(), re.MULTILINE)
    assert match, "pyproject.toml names no lower bound for apache-airflow"
    return match.group(1)


if __name__ == "__main__":  # scripts/test.sh asks which version to install
    print(lowest_airflow_version())
