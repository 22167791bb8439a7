"""docs/admin-guide.md stays true: its configuration reference is the one get_provider_info()
gives, and the files it tells admins to use exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

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


def _section(title: str) -> str:
    """The guide's text from a heading to the next heading of the same or a higher level (a
    ``#`` line inside a code block is no heading)."""
    level = len(title.split(" ", maxsplit=1)[0])
    lines: list[str] = []
    in_code = False
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        heading = None if in_code else re.match(r"(#+) ", line)
        if lines and heading and len(heading.group(1)) <= level:
            break
        if lines or line == title:
            lines.append(line)
    assert lines, f"no section {title!r}"
    return "\n".join(lines)


def test_helm_values_set_the_airflow_version_of_the_image() -> None:
    """A custom image's tag says nothing about its Airflow, which the chart needs to know."""
    block = re.search(r"```yaml\n(.*?)```", _section("### The official Helm chart"), re.DOTALL)
    assert block is not None
    values = yaml.safe_load(block.group(1))
    dockerfile = (ROOT / "deploy" / "airflow" / "Dockerfile").read_text(encoding="utf-8")
    image_version = re.search(r"ARG AIRFLOW_IMAGE=apache/airflow:(\d+\.\d+\.\d+)-", dockerfile)
    assert image_version is not None
    assert values["airflowVersion"] == image_version.group(1)
    assert values["images"]["airflow"]["tag"]


def test_rbac_text_names_every_account_and_verb_it_needs() -> None:
    text = " ".join(_section("## Kubernetes RBAC for the jobs' namespace").split())
    # An exec session is a websocket, whose upgrade request is a GET.
    assert "`pods/exec` with both `get` and `create`" in text
    for component in ("workers", "scheduler (the LocalExecutor", "triggerer (deferrable"):
        assert component in text
    assert "deploy/kubernetes/in-cluster-rolebinding.example.yaml" in text
    assert "automountServiceAccountToken: false" in text


def test_compose_text_says_how_to_set_the_secrets_and_why_k3s_is_privileged() -> None:
    text = " ".join(_section("## The complete stack with Docker Compose").split())
    assert "`LDAP_BIND_PASSWORD` pairs with the `userPassword` hash" in text
    assert "`deploy/ldap/seed.ldif`" in text
    assert "runs `privileged`: it is a whole Kubernetes node" in text
