"""Provider metadata read by Airflow's ProvidersManager through the entry point."""

from __future__ import annotations

from typing import Any

from airflow_jobs_provider import __version__

# The connection form of type `nexus`; the hook returns the same for Airflow < 3.2.
NEXUS_UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": [],
    "relabeling": {
        "host": "Nexus URL or host",
        "schema": "Scheme (http or https)",
        "login": "Username (or user token name code)",
        "password": "Password (or user token pass code)",
    },
    "placeholders": {
        "host": "https://nexus.example.org",
        "schema": "https",
        "port": "443",
    },
}


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
    "specs_folder": _option(
        "Folder of the deployment spec files (one YAML file per deployment, history in `.history`). "
        "Empty means $AIRFLOW_HOME/job-specs.",
        "",
        "/srv/job-specs",
    ),
    "generator_bundle": _option(
        "DAG bundle that holds the generator file (dags/job_orchestrator_dags.py of this project), as "
        "named in [dag_processor] dag_bundle_config_list. After a deploy the API asks Airflow to parse "
        "that file at once.",
        "dags-folder",
    ),
    "generator_file": _option(
        "Path of the generator file inside that bundle, relative to the bundle's root (as Airflow shows "
        "it for the DAG: its relative_fileloc).",
        "job_orchestrator_dags.py",
        "deployments/job_orchestrator_dags.py",
    ),
    "allowed_executors": _option(
        "Comma-separated executors users may deploy to: `kubernetes` (a pod per run) and `local` "
        "(a subprocess of the Airflow worker).",
        "kubernetes,local",
        "kubernetes",
    ),
    "allowed_loader_env": _option(
        "Comma-separated environment variable names (or fnmatch patterns) users may set although they "
        "change how a loader, interpreter or shell starts (LD_*, PYTHON*, PATH, BASH_ENV, "
        "JAVA_TOOL_OPTIONS, ...), which are refused by default. Empty allows none of them.",
        "",
        "PYTHONWARNINGS, JAVA_TOOL_OPTIONS",
    ),
    "runner_images": _option(
        "Runner images users may pick, separated by commas or new lines. Each entry is `label=image` "
        "or a plain `image` (its own label); an image is a full reference, registry/path:tag or "
        "@sha256:digest. `default_runner_image` is always allowed.",
        "",
        "Python 3.12=python:3.12-slim, Talend (Java 17)=registry.example.org/talend-runner:17",
    ),
    "smb_endpoints": _option(
        "SMB/CIFS shares users may mount, as a JSON object: endpoint name -> "
        '{"source": "//server/share", "credentials_secret": "<Kubernetes Secret with username and '
        'password>"}, optionally with "mount_options". Users pick an endpoint and a folder below it.',
        "",
        '{"research": {"source": "//files.example.org/research", "credentials_secret": "smb-research"}}',
    ),
    "max_cpu_limit": _option(
        "Largest CPU limit a deployment may set, e.g. `4` or `1500m`. Empty for no ceiling.", "8"
    ),
    "max_memory_limit": _option(
        "Largest memory limit a deployment may set, e.g. `16Gi`. Empty for no ceiling.", "16Gi"
    ),
    "navigation_links": _option(
        "Links to the team's other tools (Nexus, the CI pipelines, the Spark UI) in Airflow's Browse "
        "menu, as a JSON object: label -> absolute http(s) URL. They open in a new tab. Read when the "
        "API server starts.",
        "",
        '{"Nexus": "https://nexus.example.org", "GitLab pipelines": '
        '"https://gitlab.example.org/groups/data/-/pipelines", "Spark UI": "https://spark.example.org"}',
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
        "notifications": [
            "airflow_jobs_provider.notifications.FailureEmailNotifier",
            "airflow_jobs_provider.notifications.WebhookNotifier",
        ],
        "connection-types": [
            {
                "hook-class-name": "airflow_jobs_provider.hooks.nexus.NexusHook",
                "hook-name": "Sonatype Nexus",
                "connection-type": "nexus",
                "conn-fields": {
                    "verify": {"label": "Verify TLS certificate", "schema": {"type": ["boolean", "null"]}},
                    "ca_bundle": {"label": "CA bundle file", "schema": {"type": ["string", "null"]}},
                    "default_repository": {
                        "label": "Default repository",
                        "schema": {"type": ["string", "null"]},
                    },
                    "timeout": {"label": "Timeout (seconds)", "schema": {"type": ["number", "null"]}},
                },
                "ui-field-behaviour": NEXUS_UI_FIELD_BEHAVIOUR,
            }
        ],
        "plugins": [
            {
                "name": "job_orchestrator",
                "plugin-class": "airflow_jobs_provider.plugin.airflow_plugin.JobOrchestratorPlugin",
            }
        ],
        "config": {
            "job_orchestrator": {
                "description": "Job Orchestrator: where artifacts come from and how job pods are built.",
                "options": CONFIG_OPTIONS,
            }
        },
    }
