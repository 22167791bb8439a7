"""One deployment → one DAG with one task, ``run``, that runs the artifact as the spec says.

The DAG's and the task's arguments are plain data (``dag_arguments``, ``task_arguments``): the
generator builds the DAG from them and the code export writes the very same arguments as
Python source, so both run the same task. Nothing here touches the network or the database:
it runs at every parse of the generator file.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import DAG, BaseNotifier, BaseOperator
from airflow.sdk.exceptions import AirflowFailException

from airflow_jobs_provider.deployments.catalogs import SmbEndpoint
from airflow_jobs_provider.deployments.config_files import SecretConfigFile
from airflow_jobs_provider.deployments.doc_md import describe
from airflow_jobs_provider.deployments.naming import dag_id_for
from airflow_jobs_provider.deployments.pod_preview import operator_pod
from airflow_jobs_provider.deployments.secrets import secret_variable_key
from airflow_jobs_provider.deployments.spec import DeploymentSpec, NotifySpec
from airflow_jobs_provider.deployments.store import Revision, StoredDeployment
from airflow_jobs_provider.notifications import FailureEmailNotifier, WebhookNotifier
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator
from airflow_jobs_provider.operators.pod_options import InlineConfigFile, JobResources

log = logging.getLogger(__name__)

TASK_ID = "run"
ORCHESTRATOR_TAG = "job-orchestrator"


@dataclass(frozen=True)
class TaskArguments:
    """The operator class of a deployment's task and what it is called with."""

    operator: type[BaseOperator]
    arguments: dict[str, Any]


def dag_arguments(stored: StoredDeployment) -> dict[str, Any]:
    """``DAG(**dag_arguments(stored))``.

    ``start_date`` is when the revision was deployed, in the spec's time zone (cron times are
    read in it): with ``catchup=False`` the first scheduled run is the first cron time after the
    deploy, never one from before it.
    """
    spec = stored.spec
    return _present(
        dag_id=spec.dag_id,
        description=spec.description or None,
        schedule=spec.airflow_schedule,
        start_date=pendulum.instance(stored.deployed_at).in_timezone(spec.timezone),
        catchup=False,
        max_active_runs=spec.max_active_runs,
        is_paused_upon_creation=False,
        tags=list(dict.fromkeys([ORCHESTRATOR_TAG, *spec.tags])),
        doc_md=describe(stored),
    )


def task_arguments(
    spec: DeploymentSpec, smb_endpoints: Mapping[str, SmbEndpoint] | None = None
) -> TaskArguments:
    """The operator for the spec's executor and its arguments; SMB endpoints from the catalog."""
    common = _present(
        task_id=TASK_ID,
        owner=spec.owner,
        retries=spec.retries,
        retry_delay=timedelta(seconds=spec.retry_delay_seconds),
        execution_timeout=(
            timedelta(minutes=spec.execution_timeout_minutes) if spec.execution_timeout_minutes else None
        ),
        on_failure_callback=failure_notifiers(spec.notify),
        artifact=spec.artifact.to_ref(),
        job_args=list(spec.args),
        job_env=dict(spec.env),
        config_files=config_files(spec),
    )
    if spec.executor == "local":
        return TaskArguments(NexusLocalOperator, common)
    resources = spec.resources.to_job_resources()
    kubernetes = _present(
        runner_image=spec.runner_image,
        resources=resources if resources != JobResources() else None,
        mounts=spec.operator_mounts(smb_endpoints),
        use_proxy=spec.proxy,
        deployment_name=spec.name,
    )
    return TaskArguments(NexusKubernetesOperator, {**common, **kubernetes})


def build_operator(
    spec: DeploymentSpec,
    *,
    dag: DAG | None = None,
    smb_endpoints: Mapping[str, SmbEndpoint] | None = None,
) -> BaseOperator:
    """The deployment's one task (``task_id="run"``), in ``dag`` if given."""
    task = task_arguments(spec, smb_endpoints)
    if dag is None:
        return task.operator(**task.arguments)
    return task.operator(dag=dag, **task.arguments)


def build_dag(stored: StoredDeployment, *, smb_endpoints: Mapping[str, SmbEndpoint] | None = None) -> DAG:
    """The deployment's DAG: ``job_<name>``, its one task, active as soon as Airflow sees it."""
    dag = DAG(**dag_arguments(stored))
    build_operator(stored.spec, dag=dag, smb_endpoints=smb_endpoints)
    return dag


class DeletedDeploymentOperator(BaseOperator):
    """The task of a deployment deleted before its run started: it fails, saying so, without retries."""

    template_fields: Sequence[str] = ()

    def __init__(self, *, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    def execute(self, context: Any) -> None:
        raise AirflowFailException(self.reason)


def build_deleted_dag(name: str, deletion: Revision) -> DAG:
    """What a worker runs for a task of deleted deployment ``name``: one ``run`` task that fails.

    Built only when Airflow parses the generator file for that task (never listed by the DAG
    processor, which sees no spec), so its arguments need not match the deployed DAG's.
    """
    reason = (
        f"deployment {name} was deleted (revision {deletion.revision}, by {deletion.deployed_by} "
        f"at {deletion.deployed_at.isoformat()}); this run of it does nothing"
    )
    dag = DAG(
        dag_id=dag_id_for(name), schedule=None, start_date=deletion.deployed_at, tags=[ORCHESTRATOR_TAG]
    )
    DeletedDeploymentOperator(task_id=TASK_ID, reason=reason, retries=0, dag=dag)
    return dag


def preview_pod(spec: DeploymentSpec) -> dict[str, Any]:
    """The exact pod a run of this Kubernetes deployment would create, as the client sends it.

    Needs no cluster; resolves ``latest`` if the artifact source answers (see ``pod_preview``).
    """
    if spec.executor != "kubernetes":
        raise ValueError(f"{spec.name!r} runs on the Airflow worker ({spec.executor} executor), in no pod")
    return operator_pod(NexusKubernetesOperator(**task_arguments(spec).arguments), spec.dag_id)


def config_files(spec: DeploymentSpec) -> list[InlineConfigFile]:
    """Plain files carry their content; secret ones only the Variable their content is read from."""
    return [
        InlineConfigFile(
            file_name=item.file_name, variable_key=secret_variable_key(spec.name, item.file_name)
        )
        if isinstance(item, SecretConfigFile)
        else InlineConfigFile(file_name=item.file_name, content=item.content)
        for item in spec.config_files
    ]


def failure_notifiers(notify: NotifySpec) -> list[BaseNotifier]:
    """E-mail (when the smtp provider is installed; it comes with Airflow) and the webhook."""
    notifiers: list[BaseNotifier] = []
    if notify.emails:
        if importlib.util.find_spec("airflow.providers.smtp") is None:
            log.warning(
                "E-mail on failure to %s needs apache-airflow-providers-smtp", ", ".join(notify.emails)
            )
        else:
            notifiers.append(FailureEmailNotifier(to=notify.emails))
    if notify.webhook_conn_id:
        notifiers.append(WebhookNotifier(conn_id=notify.webhook_conn_id))
    return notifiers


def _present(**arguments: Any) -> dict[str, Any]:
    """Leave out what is unset (None, empty lists and dicts): the operator's defaults apply."""
    return {key: value for key, value in arguments.items() if value is not None and value not in ([], {})}
