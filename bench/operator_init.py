"""Operator construction: ``NexusKubernetesOperator`` vs the ``KubernetesPodOperator`` a team writes.

Every parse of the generator file builds one operator per deployment, so what its constructor
costs is paid for every DAG at every parse. The candidate is built with the options of a
typical spec (arguments, environment, resources, an SMB mount, an inline config file); it reads
the ``[job_orchestrator]`` pod defaults and checks its options. The references:

- the ``KubernetesPodOperator`` a team would write for the same job: the same image, command,
  arguments, environment, resources, workspace and SMB volumes, built with the ``kubernetes``
  models the usual way (each model then makes its own client ``Configuration``);
- a bare ``KubernetesPodOperator`` (image and name only): the floor, the parent's own work.

Both sides build operators outside any DAG, so the DAG's bookkeeping is not in the time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s

from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.pod_options import InlineConfigFile, JobResources, SmbMount
from bench.common import BenchResult, compare, conditions, interleaved, timed
from bench.specs import RUNNER_IMAGE

NAME = "operator"
TITLE = "Building the Kubernetes operator of one deployment"
CANDIDATE = "NexusKubernetesOperator"
HAND_WRITTEN = "KubernetesPodOperator, same pod"
BARE = "KubernetesPodOperator, image only"
ARGS = ["--context_param", "region=r1", "--context_param", "mode=full"]
ENV = {"STAGE": "prod", "BATCH_SIZE": "1001"}


@dataclass(frozen=True)
class Sizes:
    operators: int
    rounds: int


FULL = Sizes(operators=300, rounds=9)
SMOKE = Sizes(operators=2, rounds=1)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with conditions(result):
        builders: dict[str, Callable[[int], KubernetesPodOperator]] = {
            CANDIDATE: _candidate,
            HAND_WRITTEN: _hand_written,
            BARE: _bare,
        }
        for build in builders.values():  # imports and first-use caches stay out of the time
            _check(build(0))
        stats = interleaved(
            sizes.rounds,
            {name: _timing(build, sizes.operators) for name, build in builders.items()},
        )
        case = f"{sizes.operators} operators"
        result.comparisons += [
            compare(case, stats, CANDIDATE, HAND_WRITTEN),
            compare(case, stats, CANDIDATE, BARE),
        ]
        for name in builders:
            per_operator = stats[name].median / sizes.operators
            result.measurements.append((f"{name}: per operator", f"{per_operator * 1e3:.3f} ms"))
    return result


def _timing(build: Callable[[int], KubernetesPodOperator], count: int) -> Callable[[], float]:
    return lambda: timed(lambda: [build(number) for number in range(count)])


def _check(operator: KubernetesPodOperator) -> None:
    if operator.image != RUNNER_IMAGE:
        raise RuntimeError(f"{operator!r} is not a pod operator running {RUNNER_IMAGE}")


def _candidate(number: int) -> KubernetesPodOperator:
    return NexusKubernetesOperator(
        task_id=f"run_{number}",
        artifact={
            "repository": "talend",
            "group": "org.example.jobs",
            "name": f"customer_sync_{number}",
            "version": "2.1.0",
        },
        runner_image=RUNNER_IMAGE,
        job_args=ARGS,
        job_env=ENV,
        resources=JobResources(cpu_request="500m", memory_limit="4Gi"),
        mounts=[SmbMount(source="//files/data", mount_path="/mnt/data", credentials_secret="smb-creds")],
        config_files=[InlineConfigFile(file_name="job.properties", content="db.host=db1\n")],
    )


def _hand_written(number: int) -> KubernetesPodOperator:
    return KubernetesPodOperator(
        task_id=f"run_{number}",
        name=f"customer-sync-{number}",
        image=RUNNER_IMAGE,
        cmds=["sh", "/workspace/job/customer_sync_run.sh"],
        arguments=ARGS,
        env_vars=ENV,
        container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": "500m", "memory": "256Mi"}, limits={"cpu": "2", "memory": "4Gi"}
        ),
        volumes=[
            k8s.V1Volume(name="workspace", empty_dir=k8s.V1EmptyDirVolumeSource()),
            k8s.V1Volume(
                name="data",
                csi=k8s.V1CSIVolumeSource(
                    driver="smb.csi.k8s.io",
                    volume_attributes={"source": "//files/data", "secretName": "smb-creds"},
                ),
            ),
        ],
        volume_mounts=[
            k8s.V1VolumeMount(name="workspace", mount_path="/workspace"),
            k8s.V1VolumeMount(name="data", mount_path="/mnt/data"),
        ],
    )


def _bare(number: int) -> KubernetesPodOperator:
    return KubernetesPodOperator(task_id=f"run_{number}", name=f"job-{number}", image=RUNNER_IMAGE)
