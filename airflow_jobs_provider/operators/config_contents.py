"""The contents of inline config files, read when the task runs, and the local config folder.

A secret file's content lives in an Airflow Variable and is read here, in the worker, only for
the run that needs it, so it is never part of the DAG. Airflow masks a Variable's value in the
task log, but whole: a job that prints one line of the file would show it. So each line of a
secret file is masked too (Airflow's masker leaves out those shorter than 5 characters).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from airflow.exceptions import AirflowException

from airflow_jobs_provider.operators.pod_options import InlineConfigFile

CONFIG_DIR_ENV = "JOB_CONFIG_DIR"


def read_config_contents(files: Sequence[InlineConfigFile]) -> dict[str, str]:
    """File name → content, in the order given; fails naming the file whose Variable is gone."""
    from airflow.sdk import Variable
    from airflow.sdk.log import mask_secret

    contents: dict[str, str] = {}
    for config_file in files:
        if config_file.variable_key is None:
            contents[config_file.file_name] = config_file.content or ""
            continue
        value = Variable.get(config_file.variable_key, default=None)
        if value is None:
            raise AirflowException(
                f"config file {config_file.file_name}: the Airflow Variable {config_file.variable_key} "
                "that holds its content does not exist; deploy again with the file's content"
            )
        for line in value.splitlines():
            if line.strip():
                mask_secret(line.strip())
        contents[config_file.file_name] = value
    return contents


def write_config_folder(folder: Path, contents: Mapping[str, str]) -> None:
    """A new folder only the worker's user can enter, each file readable by that user only (0600)."""
    folder.mkdir(mode=0o700)
    for file_name, content in contents.items():
        descriptor = os.open(folder / file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8"))
