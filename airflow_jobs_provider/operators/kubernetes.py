"""Run an artifact from Nexus in a Kubernetes pod, with Airflow's KubernetesPodOperator."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from airflow.exceptions import AirflowException
from airflow.providers.cncf.kubernetes.kubernetes_helper_functions import add_unique_suffix
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.utils.pod_manager import (
    PodLaunchFailedException,
    PodLaunchTimeoutException,
)
from airflow.sdk.exceptions import AirflowTaskTimeout
from kubernetes.client import models as k8s

from airflow_jobs_provider.artifacts.reference import ArtifactRef, ResolvedArtifact
from airflow_jobs_provider.operators.artifact_run import (
    XCOM_FAILURE_KEY,
    as_artifact_ref,
    as_job_args,
    fetch_plan,
    resolve_for_run,
    timeout_reason,
)
from airflow_jobs_provider.operators.config_contents import CONFIG_DIR_ENV, read_config_contents
from airflow_jobs_provider.operators.config_secret import (
    create_config_secret,
    delete_config_secret,
    hand_config_secret_to,
)
from airflow_jobs_provider.operators.job_environment import run_context_env, validate_job_env
from airflow_jobs_provider.operators.pod_builder import (
    ca_bundle_volume,
    check_config_files,
    config_files_mount,
    config_files_volume,
    container_args,
    container_security_context,
    fetch_init_container,
    image_pull_secrets,
    job_labels,
    label_value,
    mount_volumes,
    plain_env,
    pod_fetch_plan,
    pod_security_context,
    proxy_env,
    resource_requirements,
    runner_command,
    security_relaxations,
    workspace_mount,
    workspace_volume,
)
from airflow_jobs_provider.operators.pod_failure import describe_pod_failure, refusal_message
from airflow_jobs_provider.operators.pod_options import (
    DEFAULT_CA_BUNDLE_DIR,
    DEFAULT_CONFIG_DIR,
    DEFAULT_WORKSPACE,
    ConfigFile,
    InlineConfigFile,
    JobResources,
    Mount,
)
from airflow_jobs_provider.runner.plan import FetchPlan
from airflow_jobs_provider.settings import PodDefaults, PodSecuritySettings


class NexusKubernetesOperator(KubernetesPodOperator):
    """Run a build artifact in a pod: an init container fetches it, the runner image runs it.

    The artifact is resolved when the task runs (``latest`` included) and the resolved version
    goes to the task log and XCom. Credentials reach the pod only by Secret reference. When the
    pod fails, the task fails with the reason in words (OOMKilled, evicted, image pull error,
    deadline exceeded, exit code), also pushed to XCom as ``failure_reason``.

    Pod-level defaults (namespace, service account, pull secrets, init image, resources, proxy)
    come from ``[job_orchestrator]``; every ``KubernetesPodOperator`` argument may override them.

    :param artifact: what to run (an ``ArtifactRef`` or a mapping of its fields).
    :param runner_image: image that runs the job; needs python3 and the job's interpreter.
    :param job_args: arguments given to the job as a list; never split or rendered.
    :param job_env: extra environment variables of the job.
    :param resources: requests and limits; empty values take the configured defaults.
    :param mounts: SMB/CIFS, PVC and NFS mounts of the job container.
    :param config_files: files the job finds in ``config_dir``: from existing Secrets or
        ConfigMaps (``ConfigFile``), or given inline (``InlineConfigFile``), which the task
        writes into a Secret of its own pod just before the pod starts.
    :param use_proxy: give the job the configured proxy variables.
    :param deployment_name: the deployment this task belongs to, for pod labels.
    :param workspace_path: where the workspace is mounted in both containers.
    :param ca_bundle_dir: where the init container finds the configured CA bundle
        (``[job_orchestrator] pod_ca_bundle_configmap`` or ``pod_ca_bundle_secret``).

    The pod meets the Pod Security Standards' `restricted` profile (configured non-root ids,
    no privilege escalation, no capabilities, seccomp RuntimeDefault) unless
    ``[job_orchestrator] pod_security_relaxations`` relaxes it for the runner image.
    """

    # User values are data: nothing of this operator is rendered by Jinja, unlike its parent.
    template_fields: Sequence[str] = ()
    # Why the pod did not start, in KubernetesPodOperator's words, when it gave up waiting.
    _launch_failure: str | None = None

    def __init__(
        self,
        *,
        artifact: ArtifactRef | Mapping[str, Any],
        runner_image: str | None = None,
        job_args: Sequence[str] = (),
        job_env: Mapping[str, str] | None = None,
        resources: JobResources | None = None,
        mounts: Sequence[Mount] = (),
        config_files: Sequence[ConfigFile | InlineConfigFile] = (),
        config_dir: str = DEFAULT_CONFIG_DIR,
        use_proxy: bool = False,
        deployment_name: str | None = None,
        nexus_conn_id: str | None = None,
        workspace_path: str = DEFAULT_WORKSPACE,
        ca_bundle_dir: str = DEFAULT_CA_BUNDLE_DIR,
        **kwargs: Any,
    ) -> None:
        defaults = PodDefaults.from_config()
        ref = as_artifact_ref(artifact)
        deployment = deployment_name or ref.name
        volumes, volume_mounts = mount_volumes(mounts)
        volumes.insert(0, workspace_volume(defaults.workspace_size_limit))
        volume_mounts.insert(0, workspace_mount(workspace_path))
        if config_files:
            check_config_files(config_files, config_dir)
            volume_mounts.append(config_files_mount(config_dir))
        kwargs.setdefault("name", label_value(deployment.lower()) or "job")
        # prepare_pod names each run's pod, so the pod's config Secret can be named after it.
        random_pod_name = kwargs.pop("random_name_suffix", True)
        kwargs.setdefault("kubernetes_conn_id", defaults.kubernetes_conn_id)
        kwargs.setdefault("namespace", defaults.namespace or None)
        kwargs.setdefault("service_account_name", defaults.service_account or None)
        # A job has no business with the cluster's API, whatever account the namespace gives it.
        kwargs.setdefault("automount_service_account_token", False)
        kwargs.setdefault("image_pull_secrets", image_pull_secrets(defaults.image_pull_secrets))
        kwargs.setdefault("container_resources", resource_requirements(resources or JobResources(), defaults))
        kwargs.setdefault("init_container_logs", True)
        kwargs.setdefault("log_pod_spec_on_failure", False)
        # Given ones win; else prepare_pod fills both in from config, when the task runs.
        self._own_security_contexts = (
            bool(kwargs.get("security_context")),
            kwargs.get("container_security_context") is not None,
        )
        super().__init__(
            image=runner_image or defaults.runner_image,
            cmds=runner_command(workspace_path),
            arguments=container_args(as_job_args(job_args)),
            volumes=volumes,
            volume_mounts=volume_mounts,
            random_name_suffix=False,
            **kwargs,
        )
        self.artifact = ref
        self.job_env = validate_job_env(job_env or {})
        self.use_proxy = use_proxy
        self.config_files = tuple(config_files)
        self.inline_config_files = [item for item in config_files if isinstance(item, InlineConfigFile)]
        self.config_dir = config_dir if config_files else None
        self.deployment_name = deployment
        self.nexus_conn_id = nexus_conn_id
        self.workspace_path = workspace_path
        self.ca_bundle_dir = ca_bundle_dir
        self.pod_defaults = defaults
        self._base_labels = dict(self.labels or {})
        self._base_volumes = list(self.volumes)
        self._pod_base_name = self.name
        self._random_pod_name = random_pod_name

    def prepare_pod(self, resolved: ResolvedArtifact, plan: FetchPlan, context: Mapping[str, Any]) -> None:
        """Fill in what is known only at run time: the fetch plan, the version, the run's context,
        the pod's name and the config Secret named after it."""
        base_name = self._pod_base_name or "job"
        self.name = add_unique_suffix(name=base_name) if self._random_pod_name else base_name
        self.volumes = list(self._base_volumes)
        security = PodSecuritySettings.from_config()
        self._apply_security(security)
        pod_plan = pod_fetch_plan(plan, security, self.ca_bundle_dir)
        if pod_plan.ca_bundle is not None:
            self.volumes.append(ca_bundle_volume(security))
        env = dict(self.job_env)
        if self.use_proxy:
            env.update(proxy_env(self.pod_defaults))
        if self.config_dir:
            self.volumes.append(config_files_volume(self.config_files, self.name))
            env[CONFIG_DIR_ENV] = self.config_dir
        env.update(run_context_env(context, resolved))
        env["JOB_RUNNER_TERMINATION_LOG"] = "/dev/termination-log"
        env["PYTHONUNBUFFERED"] = "1"
        self.env_vars = plain_env(env)
        self.labels = {
            **self._base_labels,
            **job_labels(
                deployment=self.deployment_name, artifact_name=resolved.ref.name, version=resolved.version
            ),
        }
        self.init_containers = [
            fetch_init_container(
                plan=pod_plan,
                image=self.pod_defaults.init_image,
                workspace_path=self.workspace_path,
                credentials_secret=self.pod_defaults.nexus_credentials_secret
                if resolved.ref.source == "nexus"
                else "",
                max_unpacked_bytes=self.pod_defaults.max_unpacked_bytes,
                ca_bundle_dir=self.ca_bundle_dir if pod_plan.ca_bundle is not None else None,
            )
        ]
        self.pod_request_obj = None

    def _apply_security(self, security: PodSecuritySettings) -> None:
        """The `restricted` profile, with the relaxations the admin allows the runner image."""
        own_pod, own_container = self._own_security_contexts
        if not own_pod:
            self.security_context = pod_security_context(security)
        if not own_container:
            relaxations = security_relaxations(security.relaxations, self.image or "")
            self.container_security_context = container_security_context(relaxations)

    def execute(self, context: Any) -> Any:
        source, resolved = resolve_for_run(
            self.artifact, nexus_conn_id=self.nexus_conn_id, context=context, log=self.log
        )
        self.prepare_pod(resolved, fetch_plan(resolved, source), context)
        self._launch_failure = None
        try:
            with timeout_reason(context, self.execution_timeout):
                return super().execute(context)
        except (PodLaunchFailedException, PodLaunchTimeoutException) as exc:
            # Reached only when cleanup raised nothing (it found no pod to clean): the pod is
            # still there to tell why. PodLaunchTimeoutException is no PodLaunchFailedException.
            self._raise_with_reason(context, exc, self._failure_reason(self.pod))
            raise

    def await_pod_start(self, pod: k8s.V1Pod) -> None:
        try:
            super().await_pod_start(pod)
        except (PodLaunchFailedException, PodLaunchTimeoutException) as exc:
            # cleanup runs before this reaches execute; it may have nothing better to say.
            self._launch_failure = str(exc).strip()
            raise

    def get_or_create_pod(self, pod_request_obj: k8s.V1Pod, context: Any) -> k8s.V1Pod:
        """Write the pod's config Secret just before the pod, then hand it to the pod."""
        if not self.inline_config_files:
            return self._create_pod(pod_request_obj, context)
        contents = read_config_contents(self.inline_config_files)
        create_config_secret(self.client, pod_request_obj, contents)
        try:
            pod = self._create_pod(pod_request_obj, context)
        except BaseException:
            self._delete_config_secret(pod_request_obj)
            raise
        if pod.metadata.name != pod_request_obj.metadata.name:
            # Reattached to the pod of an earlier try, which has its own Secret.
            self._delete_config_secret(pod_request_obj)
        else:
            hand_config_secret_to(self.client, self.pod_manager.read_pod(pod))
        return pod

    def _create_pod(self, pod_request_obj: k8s.V1Pod, context: Any) -> k8s.V1Pod:
        """The parent's creation; a pod the API server refuses (e.g. Pod Security admission in a
        namespace that enforces `restricted`) fails the task with the server's own words."""
        from kubernetes.client.exceptions import ApiException

        try:
            return super().get_or_create_pod(pod_request_obj, context)
        except ApiException as exc:
            if exc.status != 403:
                raise
            namespace = pod_request_obj.metadata.namespace
            self._raise_with_reason(
                context, exc, f"Kubernetes refused the pod in namespace {namespace!r}: {refusal_message(exc)}"
            )
            raise

    def cleanup(
        self,
        pod: k8s.V1Pod,
        remote_pod: k8s.V1Pod,
        xcom_result: dict | None = None,
        context: Any = None,
    ) -> None:
        # Cleanup runs in a ``finally``: when Airflow's execution_timeout is what ends the run, the
        # parent's "returned a failure" would replace it, and Airflow would not call on_kill.
        timed_out = isinstance(sys.exc_info()[1], AirflowTaskTimeout)
        # Read the reason before the parent deletes the pod; only failed runs pay for the read.
        succeeded = (
            remote_pod is not None
            and remote_pod.status is not None
            and remote_pod.status.phase == "Succeeded"
        )
        reason = None if succeeded or self._killed or timed_out else self._failure_reason(remote_pod)
        try:
            super().cleanup(pod=pod, remote_pod=remote_pod, xcom_result=xcom_result, context=context)
        except AirflowException as exc:
            if timed_out:
                return
            self._raise_with_reason(context, exc, reason)
            raise
        finally:
            if pod is not None and self.inline_config_files:
                self._delete_config_secret(pod)

    def on_kill(self) -> None:
        # After an execution timeout, cleanup has run first and may have deleted the pod: the
        # parent would log the 404 of a second delete as an error.
        if self.pod is not None and not self._pod_exists(self.pod):
            self._killed = True
            return
        super().on_kill()

    def _pod_exists(self, pod: k8s.V1Pod) -> bool:
        from kubernetes.client.exceptions import ApiException

        try:
            self.client.read_namespaced_pod(pod.metadata.name, pod.metadata.namespace)
        except ApiException as exc:
            return exc.status != 404
        return True

    def _delete_config_secret(self, pod: k8s.V1Pod) -> None:
        """Best effort: a Secret left behind is still deleted by Kubernetes with its pod."""
        try:
            delete_config_secret(self.client, pod.metadata.name, pod.metadata.namespace)
        except Exception:
            self.log.warning("Could not delete the config Secret of pod %s", pod.metadata.name, exc_info=True)

    def _raise_with_reason(self, context: Any, exc: Exception, reason: str | None) -> None:
        """Re-raise ``exc`` as a failure that names its cause, when the pod tells one."""
        if not reason:
            return
        self.log.error("Job pod failed: %s", reason)
        if context is not None:
            context["ti"].xcom_push(key=XCOM_FAILURE_KEY, value=reason)
        pod = (
            self.pod if self.pod is not None else self.pod_request_obj
        )  # one never created has only a request
        pod_name = pod.metadata.name if pod is not None and pod.metadata else "?"
        raise AirflowException(f"Job {self.deployment_name} (pod {pod_name}) failed: {reason}") from exc

    def _failure_reason(self, pod: k8s.V1Pod | None) -> str | None:
        if pod is None:
            return None
        try:
            latest = self.pod_manager.read_pod(pod)
        except Exception:  # gone or unreachable: its last known state still tells
            self.log.debug("Could not re-read pod for its failure reason", exc_info=True)
            latest = pod
        reason = describe_pod_failure(latest) or self._warning_event(latest)
        if reason is None and self._launch_failure:
            return f"the pod did not start: {self._launch_failure}"
        return reason

    def _warning_event(self, pod: k8s.V1Pod) -> str | None:
        """A pod that never started says why only in its events (e.g. FailedMount)."""
        if pod.status is None or pod.status.phase != "Pending":
            return None
        try:
            events = self.pod_manager.read_pod_events(pod).items
        except Exception:  # events are a hint; without them the parent's message stands
            self.log.debug("Could not read pod events for its failure reason", exc_info=True)
            return None
        warnings = [event for event in events if event.type == "Warning"]
        if not warnings:
            return None
        last = warnings[-1]
        return f"the pod did not start: {last.reason}: {last.message}"
