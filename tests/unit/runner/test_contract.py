"""What other parts rely on: stdlib-only Python 3.8 code, the plan, and the launch file."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from airflow_jobs_provider.runner import errors
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan, PlanError

from .support import ECHO_PY, asset_for, plan_json, run_runner, write

RUNNER_DIR = Path(__file__).resolve().parents[3] / "airflow_jobs_provider" / "runner"
MODULES = sorted(RUNNER_DIR.glob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_module_imports_only_the_standard_library_and_itself_relatively(module: Path) -> None:
    """In pods the package is renamed ``job_runner`` and has nothing else around it."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        outside = [
            name for name in names if name.split(".")[0] not in sys.stdlib_module_names | {"__future__"}
        ]
        assert not outside, f"{module.name}:{node.lineno} imports {outside}"


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_module_parses_as_python_3_8_and_defers_annotations(module: Path) -> None:
    """Job images may have an old Python; annotations like ``list[str]`` need the future import."""
    source = module.read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))
    has_annotations = any(
        getattr(node, "annotation", None) is not None or getattr(node, "returns", None) is not None
        for node in ast.walk(tree)
    )
    if has_annotations:
        assert "from __future__ import annotations" in source


def test_plan_round_trips_through_json() -> None:
    plan = FetchPlan(
        [
            AssetToFetch("https://nexus/x.zip", "x.zip", sha256="A" * 64),
            AssetToFetch("https://nexus/z.sh", "z.sh", sha512="B" * 128, md5="c" * 32),
            AssetToFetch("file:///y.py", "y.py"),
        ],
        verify_tls=False,
        ca_bundle="/etc/ca.pem",
        timeout_seconds=5,
        credential_origin="https://nexus:8443",
        allow_unverified=True,
    )

    assert FetchPlan.from_json(plan.to_json()) == plan
    assert plan.assets[0].expected_digest == ("sha256", "a" * 64)
    assert plan.assets[1].expected_digest == ("sha512", "b" * 128)
    assert plan.assets[2].expected_digest is None


def test_plan_written_before_sha512_md5_and_allow_unverified_still_loads() -> None:
    old = {"assets": [{"url": "https://nexus/x.py", "file_name": "x.py", "sha256": None, "sha1": "d" * 40}]}

    plan = FetchPlan.from_json(json.dumps(old))

    assert plan.allow_unverified is False
    assert plan.assets[0].expected_digest == ("sha1", "d" * 40)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"sha256": "1" * 64, "sha512": "2" * 128, "sha1": "3" * 40, "md5": "4" * 32}, ("sha256", "1" * 64)),
        ({"sha512": "2" * 128, "sha1": "3" * 40, "md5": "4" * 32}, ("sha512", "2" * 128)),
        ({"sha1": "3" * 40, "md5": "4" * 32}, ("sha1", "3" * 40)),
        ({"md5": "4" * 32}, ("md5", "4" * 32)),
        ({"sha256": "", "md5": "4" * 32}, ("md5", "4" * 32)),
    ],
)
def test_the_strongest_checksum_given_is_the_expected_one(
    given: dict[str, str], expected: tuple[str, str]
) -> None:
    assert AssetToFetch("https://nexus/x.py", "x.py", **given).expected_digest == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"assets": []}, "names no asset"),
        ({"assets": [{"url": "u", "file_name": "../x.py"}]}, "is not a plain file name"),
        ({"assets": [{"url": "u", "file_name": "x.py"}, {"url": "v", "file_name": "x.py"}]}, "appears twice"),
        ({"assets": [{"url": "u", "file_name": "x.py", "sha256": "abc"}]}, "must be 64 hex digits"),
        ({"assets": [{"url": "u", "file_name": "x.py", "sha1": "g" * 40}]}, "must be 40 hex digits"),
        ({"assets": [{"url": "u", "file_name": "x.py", "sha512": "a" * 64}]}, "sha512 .* must be 128 hex"),
        ({"assets": [{"url": "u", "file_name": "x.py", "md5": "a" * 40}]}, "md5 .* must be 32 hex digits"),
        ({"assets": [{"url": "u", "file_name": "x.py", "md5": 5}]}, "md5 .* must be 32 hex digits"),
        ({"assets": [{"url": "u", "file_name": "x.py"}], "allow_unverified": "yes"}, "allow_unverified"),
        ({"assets": [{"url": "u", "file_name": "x.py"}], "timeout_seconds": 0}, "positive number"),
        ({"assets": [{"url": "u", "file_name": "x.py", "password": "p"}]}, "not valid"),
        ({"assets": [{"url": "u", "file_name": "x.py"}], "credential_origin": "nexus"}, "credential_origin"),
        (
            {"assets": [{"url": "u", "file_name": "x.py"}], "credential_origin": "ftp://n"},
            "credential_origin",
        ),
        (
            {"assets": [{"url": "u", "file_name": "x.py"}], "credential_origin": "https://n:x"},
            "credential_origin",
        ),
    ],
)
def test_bad_plans_are_refused(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(PlanError, match=problem):
        FetchPlan.from_json(json.dumps(raw))


def test_launch_file_records_workspace_relative_entrypoints(tmp_path: Path) -> None:
    job = write(tmp_path / "echo.py", ECHO_PY)

    result = run_runner("fetch", "--workspace", str(tmp_path / "ws"), "--plan", plan_json([asset_for(job)]))

    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "ws" / ".job-runner" / "launch.json").read_text()) == {
        "format": 1,
        "jobs": [
            {
                "asset": "echo.py",
                "interpreter": "python",
                "options": ["-u"],
                "program": "assets/echo.py",
                "cwd": "assets",
            }
        ],
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"program": "../../etc/passwd"}, "names a path outside the workspace: '../../etc/passwd'"),
        ({"cwd": "/"}, "names a path outside the workspace: '/'"),
        ({"interpreter": "sh"}, "unknown interpreter 'sh'"),
        ({"options": "-u"}, "options must be a list of strings"),
    ],
)
def test_tampered_launch_file_is_refused(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    entry = {
        "asset": "x.py",
        "interpreter": "python",
        "options": ["-u"],
        "program": "assets/x.py",
        "cwd": "assets",
    }
    write(tmp_path / ".job-runner" / "launch.json", json.dumps({"format": 1, "jobs": [{**entry, **change}]}))

    result = run_runner("exec", "--workspace", str(tmp_path))

    assert result.returncode == errors.NOT_FETCHED
    assert problem in result.stderr


def test_failed_fetch_leaves_no_older_launch_file_to_exec(tmp_path: Path) -> None:
    workspace = str(tmp_path / "ws")
    good = asset_for(write(tmp_path / "echo.py", ECHO_PY))
    assert run_runner("fetch", "--workspace", workspace, "--plan", plan_json([good])).returncode == 0
    missing = AssetToFetch(url=(tmp_path / "gone.py").as_uri(), file_name="gone.py", sha256="0" * 64)

    failed = run_runner("fetch", "--workspace", workspace, "--plan", plan_json([missing]))
    result = run_runner("exec", "--workspace", workspace)

    assert failed.returncode == errors.DOWNLOAD_FAILED
    assert f"cannot read {missing.url}: No such file or directory" in failed.stderr
    assert result.returncode == errors.NOT_FETCHED
