"""In-process runner tests see neither proxies (servers are local) nor the runner's settings."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _clean_runner_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name.startswith("JOB_RUNNER_"):
            monkeypatch.delenv(name)
