"""Provider metadata read by Airflow's ProvidersManager through the entry point."""

from __future__ import annotations

from typing import Any

from airflow_jobs_provider import __version__


def _option(description: str, default: str, example: str | None = None, kind: str = "string") -> dict:
    return {
        "description": description,
        "version_added": None,
        "type": kind,
        "example": example,
        "default": default,
    }


CONFIG_OPTIONS: dict[str, dict[str, Any]] = {
    "nexus_conn_id": _option(
        "Airflow connection (type `nexus`) used to browse and download.", "nexus_default"
    ),
    "local_artifacts_root": _option(
        "Folder of the local artifact source, laid out <repository>/<group>/<name>/<version>/<file> "
        "(group `_` for none). Empty means $AIRFLOW_HOME/job-artifacts.",
        "",
        "/srv/job-artifacts",
    ),
    "kubernetes_conn_id": _option(
        "Airflow connection (type `kubernetes`) of the cluster that runs job pods.", "kubernetes_default"
    ),
    "namespace": _option(
        "Namespace of job pods. Empty means the connection's namespace, else `default`.", ""
    ),
    "service_account": _option("Service account of job pods. Empty means the namespace default.", ""),
    "image_pull_secrets": _option("Comma-separated Secrets used to pull runner images.", "", "regcred"),
    "init_image": _option(
        "Image of the init container that downloads and unpacks the artifact. It needs only python3. "
        "Empty means the official Airflow image of the running Airflow version.",
        "",
        "registry.example.org/airflow:3.3.2",
    ),
    "default_runner_image": _option(
        "Runner image of jobs that name none. It needs python3 and the job's interpreter (java, Rscript).",
        "python:3.12-slim",
    ),
    "nexus_credentials_secret": _option(
        "Kubernetes Secret with keys `username` and `password` that job pods use to download from Nexus. "
        "Empty means anonymous download.",
        "nexus-credentials",
    ),
    "default_cpu_request": _option("CPU request of a job that sets none.", "250m"),
    "default_memory_request": _option("Memory request of a job that sets none.", "256Mi"),
    "default_cpu_limit": _option("CPU limit of a job that sets none. Empty for no limit.", "2"),
    "default_memory_limit": _option("Memory limit of a job that sets none. Empty for no limit.", "2Gi"),
    "workspace_size_limit": _option("Size limit of the emptyDir that holds the unpacked artifact.", "10Gi"),
    "http_proxy": _option("HTTP_PROXY given to jobs that turn the proxy on.", "", "http://proxy:3128"),
    "https_proxy": _option("HTTPS_PROXY given to jobs that turn the proxy on.", "", "http://proxy:3128"),
    "no_proxy": _option(
        "NO_PROXY given to jobs that turn the proxy on.", "", "localhost,.svc,.cluster.local"
    ),
    "max_unpacked_bytes": _option(
        "Largest total size an artifact zip may unpack to; larger ones are refused as zip bombs.",
        str(4 * 1024**3),
        kind="integer",
    ),
}


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-jobs-provider",
        "name": "Job Orchestrator",
        "description": "Run build artifacts from Sonatype Nexus as Airflow tasks in Kubernetes pods.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Sonatype Nexus",
                "external-doc-url": "https://help.sonatype.com/en/rest-and-integration-api.html",
                "tags": ["software"],
            }
        ],
        "hooks": [
            {
                "integration-name": "Sonatype Nexus",
                "python-modules": ["airflow_jobs_provider.hooks.nexus"],
            }
        ],
        "operators": [
            {
                "integration-name": "Sonatype Nexus",
                "python-modules": [
                    "airflow_jobs_provider.operators.kubernetes",
                    "airflow_jobs_provider.operators.local",
                ],
            }
        ],
        "connection-types": [
            {
                "hook-class-name": "airflow_jobs_provider.hooks.nexus.NexusHook",
                "connection-type": "nexus",
            }
        ],
        "config": {
            "job_orchestrator": {
                "description": "Job Orchestrator: where artifacts come from and how job pods are built.",
                "options": CONFIG_OPTIONS,
            }
        },
    }
