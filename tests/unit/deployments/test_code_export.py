"""The exported DAG file: valid Python that evaluates no user text, and the generator's own task.

Each hostile spec is exported, the file is checked as a syntax tree (only literals and calls of
the known classes), then imported from a temporary folder; its DAG and task must equal what the
generator builds, down to the pod the operator would create.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from airflow.serialization.serialized_objects import DagSerialization

from airflow_jobs_provider.deployments.code_export import WIDTH, export_dag_code
from airflow_jobs_provider.deployments.dag_builder import build_dag
from airflow_jobs_provider.deployments.pod_preview import operator_pod
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from tests.unit.deployments.conftest import POLICY, VALID_SPEC
from tests.unit.deployments.deployed import deployed

SECRET_CONTENT = "TOP-SECRET-c0ntent"
# Everything that would be code somewhere: Python, Jinja, a shell, Markdown, JavaScript.
HOSTILE = [
    "quote ' and \" both",
    "triple \"\"\" and ''' quotes",
    "back\\slash \\n not a newline, ends with one \\",
    "new\nline, crlf\r\n, cr\r and a tab\t",
    "{{ ds }} {{ var.value.secret }} {{ conn.x.password }}",
    "{% raw %}{% for x in y %}{% endraw %}",
    "$(touch /tmp/pwned) `id` ${HOME} $$",
    "__import__('os').system('touch PWNED') # ')",
    "ünïcødé ✓ 中文 \u2028 line separator \u2029 paragraph \x85 next line \ufeff bom",
    "%s %(name)s {0} {name} f'{x}'",
    "\\N{BULLET} \\x41 \\u0041",
    "x" * 3000,
]
SINGLE_LINE = "quote ' \" {{ x }} {% y %} $(id) `id` # ü ✓"
KNOWN_CALLS = {
    "DAG",
    "NexusKubernetesOperator",
    "NexusLocalOperator",
    "ArtifactRef",
    "InlineConfigFile",
    "JobResources",
    "SmbMount",
    "PvcMount",
    "NfsMount",
    "WebhookNotifier",
    "FailureEmailNotifier",
    "pendulum.datetime",
    "datetime.timedelta",
}


def _kubernetes(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": "\n".join(HOSTILE)[:4000],
        "owner": SINGLE_LINE,
        "tags": ["crm", "nightly run"],
        "artifact": {
            "source": "local",
            "repository": "talend",
            "group": SINGLE_LINE,
            "name": "name " + SINGLE_LINE,
            "version": "1.0 '\" {{ v }}",
            "assets": ["first 'one'.py", "{{ second }}.sh"],
        },
        "args": HOSTILE,
        "env": {"print": HOSTILE[0], "__import__": HOSTILE[7], "exec": HOSTILE[4], "LONG": HOSTILE[-1]},
        "config_files": [
            {"file_name": "exec", "content": "\n".join(HOSTILE)},
            {"file_name": "__import__.py", "secret": True, "content": SECRET_CONTENT},
        ],
        "mounts": [
            {
                "type": "smb",
                "endpoint": "archive",
                "sub_path": "it's/{{ x }}",
                "mount_path": "/mnt/it's {{ x }}",
            },
            {"type": "pvc", "claim_name": "scratch", "sub_path": "a'b", "mount_path": "/scratch"},
            {"type": "nfs", "server": "nfs.example.org", "path": "/exports/$(id)", "mount_path": "/nfs"},
        ],
        "proxy": True,
        "resources": {"cpu_request": "500m", "memory_limit": "4Gi"},
        "schedule": "0 3 * * 1-5",
        "timezone": "America/Argentina/Buenos_Aires",
        "max_active_runs": 3,
        "retries": 4,
        "retry_delay_seconds": 90,
        "execution_timeout_minutes": 61,
        "notify": {
            "emails": ["{{7*7}}@example.org", "o'brien@example.org"],
            "webhook_conn_id": "chat:data.office/#alerts!(1)\\x",
        },
    }


def _local(name: str) -> dict[str, Any]:
    spec = _kubernetes(name)
    for field in ("mounts", "proxy", "resources"):
        spec.pop(field)
    return {**spec, "executor": "local", "runner_image": None, "schedule": "none"}


SPECS = {
    "print": _kubernetes("print"),
    "list": _local("list"),
    "exec": {**copy.deepcopy(VALID_SPEC), "name": "exec"},
    "str": {**_kubernetes("str"), "notify": {}, "config_files": [], "description": ""},
}


@pytest.fixture(autouse=True)
def configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NAMESPACE", "data-jobs")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT", str(tmp_path / "no-artifacts"))
    monkeypatch.chdir(tmp_path)


def _export(spec: dict[str, Any]) -> tuple[Any, str]:
    stored = deployed(revision=7, deployed_by=SINGLE_LINE, **{key: value for key, value in spec.items()})
    return stored, export_dag_code(stored, smb_endpoints=POLICY.smb_endpoints)


def _import(code: str, folder: Path) -> Any:
    path = folder / "exported_dag.py"
    path.write_text(code, encoding="utf-8")
    module_spec = importlib.util.spec_from_file_location("exported_dag", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return ast.dump(node)


def _check_tree(code: str) -> list[str]:
    """Only imports, one ``with DAG(...) as dag:`` and calls of known classes with literal arguments."""
    tree = ast.parse(code)
    compile(tree, "exported_dag.py", "exec")
    allowed = (
        ast.Module, ast.Expr, ast.Import, ast.ImportFrom, ast.alias, ast.With, ast.withitem,
        ast.Call, ast.keyword, ast.Name, ast.Attribute, ast.Load, ast.Store, ast.Constant,
        ast.List, ast.Tuple, ast.Dict, ast.UnaryOp, ast.USub,
    )  # fmt: skip
    strings = []
    for node in ast.walk(tree):
        assert isinstance(node, allowed), f"{type(node).__name__} in the exported code"
        if isinstance(node, ast.Call):
            assert _call_name(node.func) in KNOWN_CALLS, ast.dump(node.func)
        if isinstance(node, ast.Name):
            assert node.id in {name.split(".")[0] for name in KNOWN_CALLS} | {"dag"}, node.id
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
    (statement,) = [node for node in tree.body if isinstance(node, ast.With)]
    assert _call_name(statement.items[0].context_expr.func) == "DAG"  # type: ignore[attr-defined]
    return strings


def _without_random_names(pod: dict[str, Any]) -> str:
    """The pod as text, its random name (and the config Secret named after it) made fixed."""
    name = pod["metadata"]["name"]
    return json.dumps(pod, sort_keys=True).replace(name, "<pod>")


def _serialized(dag: Any) -> dict[str, Any]:
    """The DAG as Airflow stores it, but for where its file is."""
    data = DagSerialization.to_dict(dag)
    for key in ("fileloc", "relative_fileloc"):
        data["dag"].pop(key, None)
    return data


def _same_task(exported: Any, generated: Any) -> None:
    assert type(exported) is type(generated)
    fields = [
        "task_id", "owner", "retries", "retry_delay", "execution_timeout", "artifact",
        "job_env", "config_files", "template_fields",
    ]  # fmt: skip
    if isinstance(generated, NexusKubernetesOperator):
        fields += [
            "image", "cmds", "arguments", "container_resources", "volumes", "volume_mounts",
            "use_proxy", "deployment_name", "namespace", "labels", "name",
        ]  # fmt: skip
    else:
        fields += ["job_args"]
    for field in fields:
        assert getattr(exported, field) == getattr(generated, field), field
    callbacks = [(type(cb), vars(cb)) for cb in exported.on_failure_callback]
    assert callbacks == [(type(cb), vars(cb)) for cb in generated.on_failure_callback]


@pytest.mark.parametrize("case", sorted(SPECS))
def test_the_exported_file_builds_the_generators_dag(case, tmp_path):
    stored, code = _export(SPECS[case])
    strings = _check_tree(code)
    module = _import(code, tmp_path)
    assert not list(tmp_path.glob("PWNED*")) and not Path("/tmp/pwned").exists()
    generated = build_dag(stored, smb_endpoints=POLICY.smb_endpoints)
    exported = module.dag
    assert _serialized(exported) == _serialized(generated)
    for field in ("dag_id", "doc_md", "tags", "timezone", "start_date", "is_paused_upon_creation", "owner"):
        assert getattr(exported, field) == getattr(generated, field), field
    _same_task(exported.get_task("run"), generated.get_task("run"))
    if isinstance(generated.get_task("run"), NexusKubernetesOperator):
        pods = [
            _without_random_names(operator_pod(dag.get_task("run"), dag.dag_id))
            for dag in (exported, generated)
        ]
        assert pods[0] == pods[1]
    for value in SPECS[case].get("args", []):
        assert value in strings, "each argument is one literal"


def test_secret_contents_are_never_exported():
    stored, code = _export(SPECS["print"])
    assert SECRET_CONTENT not in code
    assert "variable_key='job_orchestrator.secret.print___import__.py'" in code
    assert stored.spec.config_files[1].secret is True


def test_the_exported_file_is_tidy_python(tmp_path):
    _, code = _export(
        {**SPECS["print"], "args": ["--region", "north", "x" * 500], "description": "Sync\ncustomers"}
    )
    path = tmp_path / "exported_dag.py"
    path.write_text(code, encoding="utf-8")
    lint = subprocess.run(
        [Path(sys.executable).parent / "ruff", "check", "--isolated", "--line-length", str(WIDTH),
         "--select", "E,W,F,I,UP,B,SIM", "--config", "lint.isort.known-first-party=['airflow_jobs_provider']",
         str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout + code
    assert max(len(line) for line in code.splitlines()) <= WIDTH
    assert re.search(r"^with DAG\($", code, re.MULTILINE)
    assert "    NexusKubernetesOperator(\n        task_id='run',\n" in code
