"""docs/admin-guide.md stays true: its configuration reference is the one get_provider_info()
gives, and the files it tells admins to use exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from airflow_jobs_provider.get_provider_info import CONFIG_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "admin-guide.md"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "config_reference", ROOT / "scripts" / "config_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = load_generator().main(["--check"])
    assert exit_code == 0, capsys.readouterr().err


def test_reference_documents_every_option() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in CONFIG_OPTIONS:
        assert f"| `{name}` | `AIRFLOW__JOB_ORCHESTRATOR__{name.upper()}` |" in text


def test_stale_reference_is_caught_and_rewritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generator = load_generator()
    stale = tmp_path / "admin-guide.md"
    stale.write_text(GUIDE.read_text(encoding="utf-8").replace("| `nexus_default` |", "| `nexus_old` |"))

    assert generator.main(["--check", "--guide", str(stale)]) == 1
    assert "run: .venv/bin/python scripts/config_reference.py" in capsys.readouterr().err
    assert generator.main(["--guide", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == GUIDE.read_text(encoding="utf-8")


def test_placeholders_are_not_html() -> None:
    """`<repository>` in a description would vanish as an unknown HTML tag when rendered."""
    row = load_generator().render({"x": {**CONFIG_OPTIONS["local_artifacts_root"], "example": "<a|b>"}})
    assert "&lt;repository&gt;" in row and "`<a\\|b>`" in row


def test_files_the_guide_names_exist() -> None:
    named = set(
        re.findall(
            r"`((?:deploy|dags|docs|scripts|examples)/[\w./-]+|docker-compose\.yaml|\.env\.example|constraints\.txt)`",
            GUIDE.read_text(encoding="utf-8"),
        )
    )
    assert "deploy/kubernetes/rbac.yaml" in named
    assert sorted(path for path in named if not (ROOT / path).exists()) == []
