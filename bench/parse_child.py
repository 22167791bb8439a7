"""The parse benchmark's Airflow process: ``python -m bench.parse_child SETTINGS.json``.

It does what Airflow's DAG processor does for each DAG file: a long-lived process that has
imported Airflow and frozen its objects out of the garbage collector's sight (``gc.freeze()``,
as the processor's manager does) forks a child, and the child parses the file with
``BundleDagBag`` (the processor's own class, ``load_op_links=False`` as it passes it). Each
sample is such a fork, so each "cold" parse imports this provider's modules afresh, as a real
parse does; parsing the file again in the same child gives the "warm" times, the file's own
work alone.

The files are made in a forked child as well, so the measuring process never imports the
provider. Settings and results are JSON files; see ``bench.generator_parse``.
"""

from __future__ import annotations

import ast
import functools
import gc
import json
import os
import py_compile
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SPECS_FOLDER_ENV = "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"
GENERATOR = "generator"
HAND_WRITTEN = "hand-written"


def main(settings_file: str) -> None:
    settings = json.loads(Path(settings_file).read_text(encoding="utf-8"))
    work = Path(settings["work"])
    counts: list[int] = settings["counts"]
    # What the processor has imported before it forks: Airflow, its DAG bag, and the Airflow
    # modules a file imports (``parsing_pre_import_modules``), here ``airflow.sdk``.
    import airflow.sdk  # noqa: F401
    from airflow.dag_processing.dagbag import BundleDagBag

    # Only a smoke run prepares here, and its forks inherit this provider's modules (seconds saved).
    fresh = settings["fresh_imports"]
    files = _forked(lambda: _prepare(work, counts)) if fresh else _prepare(work, counts)
    gc.freeze()  # as the processor does before it forks parsers (no copy-on-write by the collector)
    samples = []
    for round_number in range(settings["rounds"]):
        variants = [GENERATOR, HAND_WRITTEN]
        if round_number % 2:
            variants.reverse()
        for count in counts:
            for variant in variants:
                path = Path(files[variant][str(count)])
                os.environ[SPECS_FOLDER_ENV] = str(work / f"specs-{count}")  # read by the generator
                expected = files["dag_ids"][:count]
                times = _forked(functools.partial(_parse, BundleDagBag, path, expected, 1 + settings["warm"]))
                samples.append({"variant": variant, "count": count, "cold": times[0], "warm": times[1:]})
    Path(settings["output"]).write_text(json.dumps(samples), encoding="utf-8")


def _parse(bag_class: Any, path: Path, expected_dag_ids: list[str], times: int) -> list[float]:
    """Seconds for each parse of ``path``, the first one in a process that never imported it."""
    seconds = []
    for _ in range(times):
        gc.collect()  # the garbage of the parse before is not this one's
        start = time.perf_counter()
        bag = bag_class(dag_folder=path, bundle_path=path.parent, bundle_name="bench", load_op_links=False)
        seconds.append(time.perf_counter() - start)
        if bag.import_errors or sorted(bag.dags) != expected_dag_ids:
            raise RuntimeError(
                f"{path} gave {len(bag.dags)} DAGs, not {len(expected_dag_ids)}: {bag.import_errors}"
            )
        del bag
    return seconds


def _forked(work: Callable[[], Any]) -> Any:
    """``work()`` in a forked child; its JSON result, or its traceback raised here."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            payload = {"result": work()}
        except BaseException:
            payload = {"error": traceback.format_exc()}
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            json.dump(payload, pipe)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    answer = json.loads(text) if text else {"error": "the child died without an answer"}
    if "error" in answer:
        raise RuntimeError(f"forked child failed:\n{answer['error']}")
    return answer["result"]


def _prepare(work: Path, counts: list[int]) -> dict[str, Any]:
    """Specs folders of each size, the generator file, and a hand-written file for each size."""
    from airflow_jobs_provider.deployments.code_export import export_dag_code
    from airflow_jobs_provider.deployments.store import StoredDeployment
    from bench.specs import write_specs

    entries = write_specs(work / "specs-all", max(counts)).list()
    deployments = [entry for entry in entries if isinstance(entry, StoredDeployment)]
    files: dict[str, Any] = {GENERATOR: {}, HAND_WRITTEN: {}}
    generator = work / "generator" / "job_orchestrator_dags.py"
    generator.parent.mkdir(parents=True)
    shutil.copyfile(REPO / "dags" / "job_orchestrator_dags.py", generator)
    py_compile.compile(str(generator), doraise=True)
    for count in counts:
        folder = work / f"specs-{count}"
        folder.mkdir()
        for stored in deployments[:count]:
            shutil.copyfile(stored.path, folder / stored.path.name)
        hand_written = work / f"hand-written-{count}" / "hand_written_dags.py"
        hand_written.parent.mkdir()
        hand_written.write_text(
            _hand_written([export_dag_code(stored) for stored in deployments[:count]]), encoding="utf-8"
        )
        # The processor parses a file again and again: Python compiles it once (``__pycache__``).
        py_compile.compile(str(hand_written), doraise=True)
        files[GENERATOR][str(count)] = str(generator)
        files[HAND_WRITTEN][str(count)] = str(hand_written)
    files["dag_ids"] = sorted(stored.spec.dag_id for stored in deployments)
    return files


def _hand_written(exports: list[str]) -> str:
    """One file with every DAG: the exported code (the generator's arguments, as literals),
    its imports once, each ``with DAG(...) as dag_<i>:`` block after the other."""
    imports: dict[str, None] = {}
    blocks = []
    for number, source in enumerate(exports):
        tree = ast.parse(source)
        lines = source.splitlines()
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports[ast.get_source_segment(source, node) or ""] = None
            elif isinstance(node, ast.With):
                target = node.items[0].optional_vars
                assert isinstance(target, ast.Name) and target.end_col_offset is not None
                line = lines[target.lineno - 1]
                lines[target.lineno - 1] = (
                    line[: target.col_offset] + f"dag_{number}" + line[target.end_col_offset :]
                )
                blocks.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    header = f'"""{len(exports)} DAGs written by hand with the operators, one after the other."""'
    return "\n\n".join([header, "\n".join(imports), *blocks]) + "\n"


if __name__ == "__main__":
    main(sys.argv[1])
