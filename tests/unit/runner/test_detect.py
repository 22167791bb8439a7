"""Which file of an unpacked zip is the job, and which program runs each kind of asset."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_jobs_provider.runner.detect import SUPPORTED_EXTENSIONS, launcher_for, zip_entrypoint
from airflow_jobs_provider.runner.errors import EntrypointError

from .support import write


def _folder(tmp_path: Path, *names: str) -> Path:
    for name in names:
        write(tmp_path / name, "")
    return tmp_path


def test_talend_run_script_wins_over_other_scripts(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Job/Job_run.sh", "Job/Job_run.bat", "Job/helpers/setup.sh", "lib/a.jar")

    assert zip_entrypoint(folder, "job.zip") == folder / "Job" / "Job_run.sh"


def test_single_shell_script_when_there_is_no_run_script(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "bin/start.sh", "README.md")

    assert zip_entrypoint(folder, "job.zip") == folder / "bin" / "start.sh"


def test_several_shell_scripts_are_an_error_listing_them(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "a.sh", "b/b.sh")

    with pytest.raises(
        EntrypointError, match=r"'job.zip' holds several entrypoints, cannot choose: 'a.sh', 'b/b.sh'"
    ):
        zip_entrypoint(folder, "job.zip")


def test_nothing_runnable_lists_what_is_there(tmp_path: Path) -> None:
    folder = _folder(tmp_path, *(f"data/{index:02}.csv" for index in range(25)))

    with pytest.raises(EntrypointError) as refusal:
        zip_entrypoint(folder, "job.zip")

    assert str(refusal.value).startswith(
        "'job.zip' holds no *_run.sh nor single .sh to run; it holds: 'data/00.csv'"
    )
    assert str(refusal.value).endswith("'data/19.csv' and 5 more")


@pytest.mark.parametrize(
    ("name", "interpreter", "options"),
    [
        ("etl.jar", "java", ("-jar",)),
        ("clean.py", "python", ("-u",)),
        ("model.R", "Rscript", ()),
        ("model.r", "Rscript", ()),
        ("Job_run.sh", "bash", ()),
    ],
)
def test_launcher_per_kind(name: str, interpreter: str, options: tuple[str, ...]) -> None:
    launcher = launcher_for(name)

    assert (launcher.interpreter, launcher.options) == (interpreter, options)
    assert name.lower().endswith(SUPPORTED_EXTENSIONS)
