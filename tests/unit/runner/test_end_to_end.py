"""The real runner, started as ``python -m airflow_jobs_provider.runner``, on real jobs."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from airflow_jobs_provider.operators.runner_bundle import runner_zipapp
from airflow_jobs_provider.runner import errors

from .support import (
    ECHO_PY,
    PYTHON,
    TRICKY_ARGS,
    asset_for,
    echo_shell_script,
    job_outputs,
    plan_json,
    run_runner,
    runner_command,
    runner_env,
    shell_attacks,
    write,
)

JAVA_ECHO = """\
import java.nio.charset.StandardCharsets;

public class Echo {
    public static void main(String[] args) {
        System.out.println("cwd " + System.getProperty("user.dir"));
        for (String arg : args) {
            StringBuilder hex = new StringBuilder();
            for (byte b : arg.getBytes(StandardCharsets.UTF_8)) {
                hex.append(String.format("%02x", b));
            }
            System.out.println("arg " + hex);
        }
        System.exit(args.length > 0 && args[0].equals("fail") ? 7 : 0);
    }
}
"""


def _run(tmp_path: Path, assets: list[Path], args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    plan = plan_json(asset_for(path) for path in assets)
    workspace = tmp_path / "workspace"
    return run_runner("run", "--workspace", str(workspace), "--plan", plan, "--", *args, env=env)


def _assert_exact_args(result: subprocess.CompletedProcess[str], expected: list[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    (output,) = job_outputs(result)
    assert output["argv"] == expected
    return output


def test_python_job_gets_every_argument_unchanged_and_no_shell_runs(tmp_path: Path) -> None:
    attacks, markers = shell_attacks(tmp_path)
    args = TRICKY_ARGS + attacks
    job = write(tmp_path / "src" / "echo.py", ECHO_PY)

    result = _run(tmp_path, [job], args)

    output = _assert_exact_args(result, args)
    assert output["cwd"] == str(tmp_path / "workspace" / "assets")
    assert output["unbuffered"] == "1"
    assert not [marker for marker in markers if marker.exists()]


def test_shell_job_gets_every_argument_unchanged_and_no_shell_runs(tmp_path: Path) -> None:
    attacks, markers = shell_attacks(tmp_path)
    args = TRICKY_ARGS + attacks
    job = write(tmp_path / "src" / "echo.sh", echo_shell_script())

    result = _run(tmp_path, [job], args)

    output = _assert_exact_args(result, args)
    assert output["cwd"] == str(tmp_path / "workspace" / "assets")
    assert not [marker for marker in markers if marker.exists()]


def _talend_zip(path: Path, run_script: str) -> Path:
    """A zip laid out like a Talend "Build Job" export."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("MyJob/MyJob_run.sh", run_script)
        archive.writestr("MyJob/MyJob_run.bat", "@echo off\r\njava -cp ... %*\r\n")
        archive.writestr("MyJob/myjob/echo_args.py", ECHO_PY)
        archive.writestr("MyJob/jobInfo.properties", "job=MyJob\n")
        archive.writestr("lib/talend-core.jar", b"PK\x03\x04 not a real jar")
    return path


def test_talend_zip_runs_its_run_script_from_its_folder(tmp_path: Path) -> None:
    attacks, markers = shell_attacks(tmp_path)
    args = TRICKY_ARGS + attacks
    # Like Talend's own script: relies on its folder, and passes "$@" on.
    run_script = (
        f'#!/bin/sh\ncd `dirname $0`\nROOT_PATH=`pwd`\nexec "{PYTHON}" "$ROOT_PATH/myjob/echo_args.py" "$@"\n'
    )
    job = _talend_zip(tmp_path / "my-job-1.0.zip", run_script)

    result = _run(tmp_path, [job], args)

    output = _assert_exact_args(result, args)
    assert output["cwd"] == str(tmp_path / "workspace" / "jobs" / "1-my-job-1.0" / "MyJob")
    assert not [marker for marker in markers if marker.exists()]


@pytest.fixture(scope="module")
def echo_jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (shutil.which("java") and shutil.which("javac") and shutil.which("jar")):
        pytest.skip("java, javac and jar are not all on PATH, so no jar can be built and run")
    folder = tmp_path_factory.mktemp("jar")
    write(folder / "Echo.java", JAVA_ECHO)
    subprocess.run(["javac", "-d", str(folder / "classes"), str(folder / "Echo.java")], check=True)
    jar = folder / "echo.jar"
    subprocess.run(
        ["jar", "--create", "--file", str(jar), "--main-class", "Echo", "-C", str(folder / "classes"), "."],
        check=True,
    )
    return jar


def test_jar_runs_with_java_and_gets_every_argument_unchanged(tmp_path: Path, echo_jar: Path) -> None:
    attacks, markers = shell_attacks(tmp_path)
    args = TRICKY_ARGS + attacks

    # Java decodes its argv by the locale; the runner passes the bytes, the locale is the image's.
    result = _run(tmp_path, [echo_jar], args, LC_ALL="C.UTF-8")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"cwd {tmp_path / 'workspace' / 'assets'}"
    received = [bytes.fromhex(line.split(" ", 1)[1] if " " in line else "").decode() for line in lines[1:]]
    assert received == args
    assert not [marker for marker in markers if marker.exists()]


def test_jar_exit_code_is_the_runners(tmp_path: Path, echo_jar: Path) -> None:
    result = _run(tmp_path, [echo_jar], ["fail"])

    assert result.returncode == 7
    assert "echo.jar exited with code 7" in result.stderr


def test_exit_code_propagates_and_reason_goes_to_the_termination_log(tmp_path: Path) -> None:
    job = write(tmp_path / "src" / "fail.py", "import sys\nprint('partial work')\nsys.exit(3)\n")
    log = tmp_path / "termination-log"

    result = _run(tmp_path, [job], [], JOB_RUNNER_TERMINATION_LOG=str(log))

    assert result.returncode == 3
    assert result.stdout == "partial work\n"
    assert "[job-runner] failed: fail.py exited with code 3" in result.stderr
    assert log.read_text() == "fail.py exited with code 3\n"


def test_job_killed_by_a_signal_gives_128_plus_its_number(tmp_path: Path) -> None:
    job = write(tmp_path / "src" / "die.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")

    result = _run(tmp_path, [job], [])

    assert result.returncode == 128 + 9
    assert "die.py was killed by SIGKILL" in result.stderr


def test_assets_run_in_order_and_stop_at_the_first_failure(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    step = "import sys\nopen(sys.argv[1], 'a').write('{name}\\n')\nsys.exit({code})\n"
    first = write(tmp_path / "src" / "first.py", step.format(name="first", code=0))
    second = write(tmp_path / "src" / "second.sh", 'echo second >> "$1"\nexit 4\n')
    third = write(tmp_path / "src" / "third.py", step.format(name="third", code=0))

    result = _run(tmp_path, [first, second, third], [str(journal)])

    assert result.returncode == 4
    assert journal.read_text() == "first\nsecond\n"
    assert "second.sh exited with code 4" in result.stderr


def test_all_assets_run_when_all_succeed(tmp_path: Path) -> None:
    first = write(tmp_path / "src" / "first.py", ECHO_PY)
    second = write(tmp_path / "src" / "second.sh", echo_shell_script())

    result = _run(tmp_path, [first, second], ["same args", "for each"])

    assert result.returncode == 0, result.stderr
    assert [output["argv"] for output in job_outputs(result)] == [["same args", "for each"]] * 2


def test_missing_interpreter_is_127_before_any_job_starts(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    first = write(tmp_path / "src" / "first.py", "import sys\nopen(sys.argv[1], 'a').write('ran')\n")
    second = write(tmp_path / "src" / "analysis.R", "print('hello')\n")
    empty_path = tmp_path / "empty-bin"
    empty_path.mkdir()

    result = _run(tmp_path, [first, second], [str(journal)], PATH=str(empty_path))

    assert result.returncode == errors.INTERPRETER_MISSING
    assert "analysis.R needs `Rscript` on PATH; the runner image (or this machine) does not have it" in (
        result.stderr
    )
    assert not journal.exists()


def test_unknown_kind_of_asset_fails_before_any_download(tmp_path: Path) -> None:
    plan = plan_json([asset_for(write(tmp_path / "notes.txt", "hello"))])

    result = run_runner("fetch", "--workspace", str(tmp_path / "ws"), "--plan", plan)

    assert result.returncode == errors.NO_ENTRYPOINT
    assert "cannot run 'notes.txt': supported kinds are .zip, .jar, .py, .r, .sh" in result.stderr
    assert not (tmp_path / "ws" / "assets" / "notes.txt").exists()


def test_zip_with_two_run_scripts_is_refused_with_both_named(tmp_path: Path) -> None:
    job = tmp_path / "two.zip"
    with zipfile.ZipFile(job, "w") as archive:
        archive.writestr("A/A_run.sh", "exit 0\n")
        archive.writestr("B/B_run.sh", "exit 0\n")

    result = _run(tmp_path, [job], [])

    assert result.returncode == errors.NO_ENTRYPOINT
    assert "'two.zip' holds several entrypoints, cannot choose: 'A/A_run.sh', 'B/B_run.sh'" in result.stderr


def test_fetch_then_exec_in_a_workspace_mounted_elsewhere(tmp_path: Path) -> None:
    """Kubernetes runs fetch and exec in two containers that may mount the workspace apart."""
    job = _talend_zip(
        (tmp_path / "job.zip"),
        f'#!/bin/sh\ncd `dirname $0`\nexec "{PYTHON}" myjob/echo_args.py "$@"\n',
    )
    plan_file = write(tmp_path / "plan.json", plan_json([asset_for(job)]))
    fetched = run_runner("fetch", "--workspace", str(tmp_path / "init-mount"), "--plan-file", str(plan_file))
    assert fetched.returncode == 0, fetched.stderr
    shutil.move(str(tmp_path / "init-mount"), str(tmp_path / "job-mount"))

    result = run_runner("exec", "--workspace", str(tmp_path / "job-mount"), "--", "x y")

    output = _assert_exact_args(result, ["x y"])
    assert output["cwd"] == str(tmp_path / "job-mount" / "jobs" / "1-job" / "MyJob")


def test_plan_can_come_from_the_environment(tmp_path: Path) -> None:
    job = write(tmp_path / "src" / "echo.py", ECHO_PY)
    plan = plan_json([asset_for(job)])

    result = run_runner("run", "--workspace", str(tmp_path / "ws"), "--", "a", env={"JOB_RUNNER_PLAN": plan})

    _assert_exact_args(result, ["a"])


def test_credentials_and_runner_settings_do_not_reach_the_job(tmp_path: Path) -> None:
    job = write(tmp_path / "src" / "echo.py", ECHO_PY)

    result = _run(
        tmp_path,
        [job],
        [],
        JOB_RUNNER_USERNAME="ci",
        JOB_RUNNER_PASSWORD="s3cret",
        JOB_RUNNER_GRACE_SECONDS="3",
        JOB_RUNNER_TERMINATION_LOG=str(tmp_path / "log"),
    )

    output = _assert_exact_args(result, [])
    assert output["runner_names"] == []


def test_job_variables_come_from_a_file_and_reach_only_the_job(tmp_path: Path) -> None:
    """PYTHONPATH in the file would run a sitecustomize.py inside the runner, were it the runner's."""
    workspace = tmp_path / "ws"
    write(workspace / "config" / "sitecustomize.py", "raise SystemExit('sitecustomize ran')\n")
    env_file = write(tmp_path / "job-env.json", json.dumps({"GREETING": "hé $HOME", "PYTHONPATH": "config"}))
    job = write(tmp_path / "src" / "echo.py", ECHO_PY)
    fetched = run_runner("fetch", "--workspace", str(workspace), "--plan", plan_json([asset_for(job)]))
    assert fetched.returncode == 0, fetched.stderr

    result = subprocess.run(
        [*runner_command("exec", "--workspace", str(workspace), "--job-env-file", str(env_file)), "--", "a"],
        env=runner_env(),
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    output = _assert_exact_args(result, ["a"])
    assert output["greeting"] == "hé $HOME"
    assert "sitecustomize ran" not in result.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[1]", "must hold a JSON object"),
        ('{"JOB_RUNNER_PASSWORD": "x"}', "names a variable 'JOB_RUNNER_PASSWORD' a job cannot have"),
        ('{"A=B": "x"}', "names a variable 'A=B' a job cannot have"),
        ('{"COUNT": 3}', "'COUNT' must be a string without NUL"),
        ("not json", "cannot read the job environment file"),
    ],
)
def test_bad_job_environment_file_is_a_usage_error(tmp_path: Path, content: str, problem: str) -> None:
    env_file = write(tmp_path / "job-env.json", content)
    plan = plan_json([asset_for(write(tmp_path / "src" / "echo.py", ECHO_PY))])

    result = run_runner(
        "run", "--workspace", str(tmp_path / "ws"), "--plan", plan, "--job-env-file", str(env_file)
    )

    assert result.returncode == errors.USAGE
    assert problem in result.stderr
    assert job_outputs(result) == []


def test_usage_errors_exit_2_with_the_reason(tmp_path: Path) -> None:
    log = tmp_path / "termination-log"
    no_plan = run_runner("fetch", "--workspace", str(tmp_path), env={"JOB_RUNNER_TERMINATION_LOG": str(log)})
    bad_plan = run_runner("fetch", "--workspace", str(tmp_path), "--plan", '{"assets": "nope"}')
    no_command = run_runner()

    assert no_plan.returncode == bad_plan.returncode == no_command.returncode == errors.USAGE
    assert "no fetch plan: give --plan, --plan-file or $JOB_RUNNER_PLAN" in no_plan.stderr
    assert log.read_text().startswith("no fetch plan")
    assert "the fetch plan is not valid" in bad_plan.stderr
    assert "usage: job-runner" in no_command.stderr


def test_system_errors_are_reported_in_one_line(tmp_path: Path) -> None:
    occupied = write(tmp_path / "a-file", "not a folder")
    plan = plan_json([asset_for(write(tmp_path / "echo.py", ECHO_PY))])

    result = run_runner("fetch", "--workspace", str(occupied), "--plan", plan)

    assert result.returncode == errors.SYSTEM_ERROR
    assert "[job-runner] failed: system error: [Errno 20] Not a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_exec_before_fetch_says_so(tmp_path: Path) -> None:
    result = run_runner("exec", "--workspace", str(tmp_path))

    assert result.returncode == errors.NOT_FETCHED
    assert "nothing was fetched into this workspace" in result.stderr


def test_the_zipapp_bundle_runs_the_same_runner(tmp_path: Path) -> None:
    """In pods the runner travels as a zipapp whose package is named ``job_runner``."""
    bundle = tmp_path / "runner.pyz"
    bundle.write_bytes(runner_zipapp())
    job = write(tmp_path / "src" / "echo.py", ECHO_PY)
    plan = plan_json([asset_for(job)])
    command = [PYTHON, str(bundle), "run", "--workspace", str(tmp_path / "ws"), "--plan", plan, "--"]

    result = subprocess.run(
        [*command, *TRICKY_ARGS],
        env=runner_env({"PYTHONPATH": ""}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    _assert_exact_args(result, TRICKY_ARGS)
