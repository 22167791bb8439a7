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
    "nexus_max_pages": _option(
        "Most pages (50 components each) read from one Nexus search when listing a component's "
        "versions or files. Reaching it is an error that says so; nothing is dropped silently.",
        "200",
        kind="integer",
    ),
    "allow_unverified_assets": _option(
        "Run assets for which the source lists no checksum at all (sha256, sha512, sha1 or md5). "
        "Off: such assets are refused. Weaker checksums than sha256 are always used, and logged.",
        "False",
        kind="boolean",
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
    "run_as_user": _option(
        "User id both containers of a job pod run as (pods meet the Pod Security Standards' "
        "`restricted` profile: non-root, no privilege escalation, no capabilities, seccomp "
        "RuntimeDefault). Empty means the image's own user, which must then be a numeric non-root "
        "user.",
        "1000",
    ),
    "run_as_group": _option(
        "Primary group id of both containers of a job pod. Empty means the image's.", "1000"
    ),
    "fs_group": _option(
        "Group that owns the job pod's volumes (workspace, config files, PVCs), so the job's user "
        "may write them. Empty for none.",
        "1000",
    ),
    "pod_security_relaxations": _option(
        "Runner images whose job container may not meet the `restricted` profile, as a JSON object: "
        "image pattern (shell-style, `*` matches any part of the reference) -> list of relaxations, "
        "from `run_as_root` (uid and gid 0), `allow_privilege_escalation` (setuid programs such as "
        "sudo work) and `default_capabilities` (the runtime's default capabilities are kept). Such "
        "pods meet `baseline` only, and a namespace that enforces `restricted` refuses them.",
        "",
        '{"registry.example.org/talend-runner:*": ["run_as_root", "default_capabilities"]}',
    ),
    "pod_ca_bundle_configmap": _option(
        "ConfigMap in the job namespace holding the CA bundle that job pods trust to download from "
        "Nexus, when the Nexus connection sets `ca_bundle` (a file on the worker, which pods cannot "
        "read). Set this or `pod_ca_bundle_secret`, not both.",
        "",
        "corporate-ca",
    ),
    "pod_ca_bundle_secret": _option(
        "Secret in the job namespace holding that CA bundle, instead of a ConfigMap.", ""
    ),
    "pod_ca_bundle_key": _option("Key of the CA bundle (PEM) in that ConfigMap or Secret.", "ca.crt"),
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
    "nexus_runner_images_repository": _option(
        "A Nexus docker repository whose images (component name = image, version = tag) join the "
        "runner images users may pick, newest tags first. Listed through `nexus_conn_id` when the "
        "API shows the catalog, at most every `nexus_runner_images_cache_seconds`; DAG parsing reads "
        "the last list kept in the specs folder and never calls Nexus. Empty: only `runner_images`.",
        "",
        "docker-runners",
    ),
    "nexus_runner_images_registry": _option(
        "Registry address (host[:port] of the docker repository's connector) that prefixes the images "
        "of `nexus_runner_images_repository`, so pods can pull them.",
        "",
        "nexus.example.org:8443",
    ),
    "nexus_runner_images_cache_seconds": _option(
        "How long the list of runner images read from Nexus is reused before it is read again.",
        "300",
        kind="integer",
    ),
    "release_check_minutes": _option(
        "How often, at most, the API server asks an artifact's source for its newest release, to mark "
        "deployments pinned to an older version in the deployments list. Once per component (source, "
        "repository, group, name), in the background; the list reads only the last answer.",
        "15",
        kind="integer",
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
    "webhook_connections": _option(
        "Airflow connections a deployment's failure webhook (`notify.webhook_conn_id`) may name, "
        "separated by commas: connection ids or fnmatch patterns. The deploying user also needs the "
        "right to read the connection (the auth manager decides). `*` allows every connection the "
        "user may read; a prefix such as `webhook_*` keeps other connections' credentials out of "
        "webhooks even for users who may read them. A rule of spec validation (deploy, preflight, the "
        "spec files: one naming another connection is invalid) checked again by the worker before it posts.",
        "*",
        "webhook_*, team_chat",
    ),
    "max_request_bytes": _option(
        "Largest request body the Job Orchestrator API reads, in bytes; a bigger one is refused with "
        "413 before it is read whole. The default holds any spec with a few large config files.",
        "4194304",
        "1048576",
        kind="integer",
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
