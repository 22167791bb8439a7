"""docker-compose.yaml checked without Docker: the Compose schema, every file it uses, every
variable, health checks and start order, the settings it gives Airflow, and the Kubernetes
manifests it applies to k3s."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import runpy
import secrets
import shlex
from collections.abc import Iterator
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

import airflow_jobs_provider
from airflow_jobs_provider.get_provider_info import CONFIG_OPTIONS
from airflow_jobs_provider.plugin.navigation_links import parse_navigation_links
from examples.seed import REPOSITORY as NEXUS_REPOSITORY
from tests.deploy.compose_file import (
    COMPOSE_FILE,
    REPOSITORY,
    TemplateError,
    interpolate,
    load,
    read_env_file,
    references,
)

KUBERNETES_MANIFESTS = REPOSITORY / "deploy" / "kubernetes"
LDAP_SEED = REPOSITORY / "deploy" / "ldap" / "seed.ldif"
LONG_RUNNING = {"always", "unless-stopped"}
AIRFLOW_IMAGE = "airflow-jobs-provider:local"
# Passwords, keys and secrets: .env.example leaves them empty, so nobody runs the published ones.
SECRETS = (
    "POSTGRES_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_SECRET_KEY",
    "AIRFLOW_JWT_SECRET",
    "LDAP_BIND_PASSWORD",
    "NEXUS_ADMIN_PASSWORD",
    "NEXUS_READER_PASSWORD",
)
BIND_DN = "cn=airflow,ou=services,dc=example,dc=org"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load()


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return read_env_file()


@pytest.fixture(scope="module")
def stack_env(env_example: dict[str, str]) -> dict[str, str]:
    """.env as someone fills it in by .env.example's comments: the demo directory's bind password
    (the one its seed names), fresh values for the other secrets."""
    filled = {name: secrets.token_urlsafe(24) for name in SECRETS}
    filled["POSTGRES_PASSWORD"] = secrets.token_hex(24)
    filled["AIRFLOW_FERNET_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    filled["LDAP_BIND_PASSWORD"] = _seed_demo_passwords()[BIND_DN]
    return {**env_example, **filled}


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def compose_schema() -> dict[str, Any]:
    """The Compose Specification's JSON schema, as check-jsonschema vendors it."""
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text(encoding="utf-8"))


def schema_errors(document: Any) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '<top>'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    ]


# -- the Compose Specification -------------------------------------------------------------


def test_compose_file_matches_the_compose_specification(
    compose: dict[str, Any], stack_env: dict[str, str]
) -> None:
    """Checked after interpolation with a filled-in .env, as Compose checks it."""
    assert schema_errors(interpolate(compose, stack_env)) == []


def test_schema_check_rejects_what_compose_rejects() -> None:
    """The vendored schema is the real one: it refuses an unknown key and a wrong type."""
    assert schema_errors({"services": {"a": {"image": "x", "restart_policy": "always"}}})
    assert schema_errors({"services": {"a": {"image": "x", "ports": {"8080": 80}}}})
    assert schema_errors({"services": {"a": {"image": "x"}}}) == []


# -- variables -----------------------------------------------------------------------------


def test_every_variable_is_defined(compose: dict[str, Any], env_example: dict[str, str]) -> None:
    """A variable has a default in the file or is set in .env.example (which people copy to .env)."""
    undefined = [
        f"{reference.where}: {reference.variable}"
        for reference in references(compose)
        if not reference.has_default and reference.variable not in env_example
    ]
    assert undefined == [], "set these in .env.example or give them a default"


def test_every_secret_from_the_environment_is_defined(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    from_environment = [
        secret["environment"] for secret in compose.get("secrets", {}).values() if "environment" in secret
    ]
    assert from_environment
    assert [name for name in from_environment if name not in env_example] == []


def test_every_variable_of_the_env_example_is_used(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    used = {reference.variable for reference in references(compose)}
    used |= {secret.get("environment") for secret in compose.get("secrets", {}).values()}
    assert sorted(set(env_example) - used) == []


def test_secrets_are_left_empty_in_the_env_example(env_example: dict[str, str]) -> None:
    assert set(SECRETS) <= set(env_example)
    assert {name: value for name, value in env_example.items() if name in SECRETS and value} == {}


def test_compose_refuses_to_start_while_a_secret_is_empty(
    compose: dict[str, Any], env_example: dict[str, str], stack_env: dict[str, str]
) -> None:
    """``${VAR:?…}`` refuses an empty value as well as a missing one; every secret is guarded so,
    the LDAP bind password too, although it reaches Airflow as a secret file."""
    with pytest.raises(TemplateError, match=r"is missing a value: see \.env\.example"):
        interpolate(compose, env_example)
    for name in SECRETS:
        for left_out in (
            {**stack_env, name: ""},
            {key: value for key, value in stack_env.items() if key != name},
        ):
            with pytest.raises(TemplateError, match=f"required variable {name} is missing a value"):
                interpolate(compose, left_out)
    guards = {reference.modifier for reference in references(compose) if reference.variable in SECRETS}
    assert guards == {":?"}


def test_whole_file_interpolates_with_a_filled_in_env(
    compose: dict[str, Any], stack_env: dict[str, str]
) -> None:
    interpolated = interpolate(compose, stack_env)
    assert interpolated["services"]["nexus"]["ports"] == ["127.0.0.1:8081:8081"]
    # $$ reaches the container as one $: its shell, not Compose, expands the variable.
    init_script = interpolated["services"]["airflow-init"]["command"][-1]
    assert '"${NEXUS_READER_USER}"' in init_script and "$$" not in init_script
    links = interpolated["x-airflow-common"]["environment"]["AIRFLOW__JOB_ORCHESTRATOR__NAVIGATION_LINKS"]
    # The Browse menu's link opens the seeded repository.
    assert [link["href"] for link in parse_navigation_links(links)] == [
        f"http://localhost:8081/#browse/browse:{NEXUS_REPOSITORY}"
    ]


# -- files the stack uses ------------------------------------------------------------------


def _bind_mounts(service: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """(host path, container path) of each bind mount; named volumes are not files."""
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.partition(":")[0]
            if source.startswith((".", "/")):
                yield (REPOSITORY / source).resolve(), target
        elif volume.get("type") == "bind":
            yield (REPOSITORY / volume["source"]).resolve(), volume["target"]


def _host_path(container_path: str, mounts: list[tuple[Path, str]]) -> Path | None:
    """Where a container path comes from, when it lies in a bind mount."""
    path = PurePosixPath(container_path)
    for source, target in mounts:
        if path == PurePosixPath(target) or PurePosixPath(target) in path.parents:
            return source / path.relative_to(target)
    return None


def _run_by(service: dict[str, Any]) -> list[str]:
    """The words of a service's entrypoint and command."""
    words: list[str] = []
    for key in ("entrypoint", "command"):
        value = service.get(key) or []
        words += shlex.split(value) if isinstance(value, str) else value
    return words


def _dockerfile_copy_sources(dockerfile: Path) -> Iterator[str]:
    """Sources of COPY/ADD lines that read the build context (not another stage)."""
    text = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() not in ("COPY", "ADD"):
            continue
        arguments = [word for word in words[1:] if not word.startswith("--")]
        if any(word.startswith("--from") for word in words[1:]):
            continue
        yield from arguments[:-1]


def referenced_files(compose: dict[str, Any]) -> Iterator[tuple[str, Path]]:
    """(what, host path) of every file and folder the compose file and its jobs use."""
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = REPOSITORY / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = context / (
                build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
            )
            yield f"{name}: build context", context
            yield f"{name}: Dockerfile", dockerfile
            if dockerfile.is_file():
                for source in _dockerfile_copy_sources(dockerfile):
                    yield f"{name}: {dockerfile.name} copies", context / source
        env_files = service.get("env_file", [])
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            yield (
                f"{name}: env_file",
                REPOSITORY / (env_file if isinstance(env_file, str) else env_file["path"]),
            )
        mounts = list(_bind_mounts(service))
        for source, target in mounts:
            yield f"{name}: bind mount {target}", source
        # Scripts the service runs from its mounts, and the mounted files those scripts name.
        for word in _run_by(service):
            script = _host_path(word, mounts)
            if script is None:
                continue
            yield f"{name}: runs {word}", script
            if script.is_file():
                for target in {target for _, target in mounts}:
                    for used in re.findall(
                        rf"{re.escape(target)}/[\w./-]+", script.read_text(encoding="utf-8")
                    ):
                        host = _host_path(used, mounts)
                        if host is not None:
                            yield f"{name}: {word} uses {used}", host
    for kind in ("secrets", "configs"):
        for name, item in compose.get(kind, {}).items():
            if "file" in item:
                yield f"{kind}.{name}", REPOSITORY / item["file"]


def test_every_referenced_file_exists(compose: dict[str, Any]) -> None:
    found = list(referenced_files(compose))
    missing = [f"{what}: {path.relative_to(REPOSITORY)}" for what, path in found if not path.exists()]
    assert missing == []
    # The walk finds what it must: scripts of the one-shot jobs and what they read.
    whats = {what for what, _ in found}
    assert "nexus-seed: runs /seed/seed_nexus.py" in whats
    assert "k3s-setup: runs /manifests/compose/setup.sh" in whats
    assert "k3s-setup: /manifests/compose/setup.sh uses /manifests/rbac.yaml" in whats
    assert "openldap: bind mount /seed/seed.ldif" in whats


def test_named_volumes_are_declared_and_used(compose: dict[str, Any]) -> None:
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.partition(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/")):
                used.add(source)
    assert used == set(compose.get("volumes", {}))


# -- images --------------------------------------------------------------------------------

# Images whose versions have two parts (PostgreSQL 17.9, Debian 12.11); others have three.
VERSION_PARTS = {"postgres": 2, "debian": 2}


def is_pinned(image: str) -> bool:
    """A digest, or a tag that starts with the image's whole version: not ``latest``, no bare major
    (``postgres:17``), no series (``python:3.12-slim``), no release name (``debian:bookworm-slim``)."""
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return False
    version = re.match(r"v?(\d+(?:\.\d+)*)(?:[-+]|$)", tag)
    parts = VERSION_PARTS.get(name.rpartition("/")[2], 3)
    return version is not None and len(version.group(1).split(".")) >= parts


def _dockerfile_images(dockerfile: Path) -> Iterator[str]:
    """The images of FROM lines, ARG defaults filled in, earlier stages left out."""
    arguments: dict[str, str] = {}
    stages: set[str] = set()
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words[:1] == ["ARG"] and "=" in words[1]:
            name, _, default = words[1].partition("=")
            arguments[name] = default
        elif words[:1] == ["FROM"]:
            image = re.sub(r"\$\{(\w+)\}", lambda match: arguments[match.group(1)], words[1])
            if image not in stages:
                yield image
            if len(words) == 4 and words[2].upper() == "AS":
                stages.add(words[3])


def stack_images(compose: dict[str, Any]) -> dict[str, str]:
    """Where -> image, for every image the stack pulls or its job pods run."""
    images = {}
    for name, service in compose["services"].items():
        if "build" not in service:  # a built image is named after its Dockerfile's FROM
            images[f"services.{name}.image"] = service["image"]
    for variable, value in compose["x-airflow-common"]["environment"].items():
        if variable.endswith("_IMAGE"):
            images[f"x-airflow-common.environment.{variable}"] = value
    for dockerfile in sorted((REPOSITORY / "deploy").rglob("Dockerfile")):
        for image in _dockerfile_images(dockerfile):
            images[f"{dockerfile.relative_to(REPOSITORY)}: FROM {image}"] = image
    return images


def test_every_image_is_pinned_to_a_version(compose: dict[str, Any]) -> None:
    images = stack_images(compose)
    assert {"services.postgres.image", "services.nexus-seed.image", "services.k3s.image"} <= set(images)
    assert any(where.startswith("deploy/openldap/Dockerfile") for where in images)
    assert any(image.startswith("apache/airflow:") for image in images.values())
    assert {where: image for where, image in images.items() if not is_pinned(image)} == {}


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("postgres:17", False),
        ("postgres:17.9-bookworm", True),
        ("python:3.12-slim", False),
        ("python:3.12.12-slim-bookworm", True),
        ("debian:bookworm-slim", False),
        ("debian:12.11-slim", True),
        ("sonatype/nexus3:latest", False),
        ("sonatype/nexus3", False),
        ("registry.example.org:5000/team/job", False),
        ("rancher/k3s:v1.36.4-k3s1", True),
        ("apache/airflow:3.3.2-python3.11", True),
        ("alpine@sha256:" + "0" * 64, True),
    ],
)
def test_pinning_rule(image: str, pinned: bool) -> None:
    assert is_pinned(image) is pinned


def test_k3s_is_the_only_privileged_service_and_says_why(services: dict[str, dict[str, Any]]) -> None:
    assert [name for name, service in services.items() if service.get("privileged")] == ["k3s"]
    lines = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()
    privileged = next(index for index, line in enumerate(lines) if line.strip() == "privileged: true")
    comment = []
    for line in reversed(lines[:privileged]):
        if not line.strip().startswith("#"):
            break
        comment.insert(0, line.strip().lstrip("# "))
    assert "privileged" in " ".join(comment), "a comment above `privileged: true` says why"


# -- start order and health ----------------------------------------------------------------


def test_every_service_says_whether_it_keeps_running(services: dict[str, dict[str, Any]]) -> None:
    assert {
        name: service.get("restart") for name, service in services.items() if "restart" not in service
    } == {}


def test_long_running_services_have_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    unchecked = [
        name
        for name, service in services.items()
        if service["restart"] in LONG_RUNNING
        and (not service.get("healthcheck") or service["healthcheck"].get("disable"))
    ]
    assert unchecked == []


def test_dependencies_wait_for_health_or_completion(services: dict[str, dict[str, Any]]) -> None:
    """A service waits for a server to be healthy and for a one-shot job to have succeeded."""
    problems = []
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        if isinstance(depends_on, list):
            problems.append(f"{name}: depends_on without conditions")
            continue
        for target, condition in depends_on.items():
            if target not in services:
                problems.append(f"{name}: depends on unknown service {target}")
                continue
            expected = (
                "service_healthy"
                if services[target]["restart"] in LONG_RUNNING
                else "service_completed_successfully"
            )
            if condition.get("condition") != expected:
                problems.append(f"{name}: should wait for {target} with {expected}")
    assert problems == []


def _dependencies(services: dict[str, dict[str, Any]], name: str) -> set[str]:
    found: set[str] = set()
    for target in services[name].get("depends_on", {}):
        found |= {target} | _dependencies(services, target)
    return found


def test_airflow_starts_after_everything_it_uses(services: dict[str, dict[str, Any]]) -> None:
    needs = {
        "airflow-apiserver": {
            "postgres",
            "airflow-init",
            "openldap",
            "nexus-seed",
            "nexus",
            "k3s-setup",
            "k3s",
        },
        "airflow-scheduler": {"postgres", "airflow-init", "nexus-seed", "nexus", "k3s-setup", "k3s"},
        "airflow-dag-processor": {"postgres", "airflow-init"},
        "airflow-triggerer": {"postgres", "airflow-init", "k3s-setup", "k3s"},
    }
    assert {name: needs[name] - _dependencies(services, name) for name in needs} == {
        name: set() for name in needs
    }


# -- what Airflow is given -----------------------------------------------------------------


def _airflow_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services.items() if service.get("image") == AIRFLOW_IMAGE}


def test_airflow_components_share_config_and_specs_folder(services: dict[str, dict[str, Any]]) -> None:
    airflow = _airflow_services(services)
    assert set(airflow) == {
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
    }
    specs_folder = airflow["airflow-apiserver"]["environment"]["AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"]
    for name, service in airflow.items():
        environment = service["environment"]
        assert environment["AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"] == specs_folder, name
        assert f"job-specs:{specs_folder}" in service["volumes"], name
        assert environment["AIRFLOW__CORE__AUTH_MANAGER"].endswith(".FabAuthManager"), name


def test_job_orchestrator_settings_name_real_options(services: dict[str, dict[str, Any]]) -> None:
    prefix = "AIRFLOW__JOB_ORCHESTRATOR__"
    names = {
        variable.removeprefix(prefix).lower()
        for service in _airflow_services(services).values()
        for variable in service["environment"]
        if variable.startswith(prefix)
    }
    assert names and names <= set(CONFIG_OPTIONS)


def _ldap_entries() -> dict[str, dict[str, list[str]]]:
    """The seed LDIF's entries: DN (lower case) -> attribute (lower case) -> values."""
    entries: dict[str, dict[str, list[str]]] = {}
    for block in re.split(r"\n\s*\n", LDAP_SEED.read_text(encoding="utf-8")):
        attributes: dict[str, list[str]] = {}
        for line in block.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            attributes.setdefault(name.lower(), []).append(value.strip())
        if "dn" in attributes:
            entries[attributes["dn"][0].lower()] = attributes
    return entries


def _seed_demo_passwords() -> dict[str, str]:
    """The demo passwords the seed's header names: DN (lower case) -> password."""
    found = {}
    for line in LDAP_SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s+((?:uid|cn)=[\w.,=-]+)\s+(\S+)", line)
        if match:
            name = match.group(1)
            dn = name if "," in name else f"{name},ou=people,dc=example,dc=org"
            found[dn.lower()] = match.group(2)
    return found


def _ssha_matches(hashed: str, password: str) -> bool:
    raw = base64.b64decode(hashed.removeprefix("{SSHA}"))
    digest, salt = raw[:20], raw[20:]
    return hashlib.sha1(password.encode() + salt).digest() == digest


def test_ldap_settings_fit_the_seeded_directory(services: dict[str, dict[str, Any]]) -> None:
    """The bind account, its password, the groups and the search bases are the directory's own."""
    environment = services["airflow-apiserver"]["environment"]
    entries = _ldap_entries()
    bind_dn = environment["JOB_ORCHESTRATOR_LDAP_BIND_DN"].lower()
    assert bind_dn == BIND_DN
    # Each password the seed's header names is the one its entry's hash holds.
    demo_passwords = _seed_demo_passwords()
    assert len(demo_passwords) == 5 and bind_dn in demo_passwords
    for dn, password in demo_passwords.items():
        assert _ssha_matches(entries[dn]["userpassword"][0], password), dn
    required = environment["JOB_ORCHESTRATOR_LDAP_REQUIRED_GROUPS"].lower().split(";")
    mapping = {
        group.lower(): roles
        for group, roles in json.loads(environment["JOB_ORCHESTRATOR_LDAP_ROLES_MAPPING"]).items()
    }
    assert set(mapping) == set(required)
    for dn in [
        *required,
        environment["JOB_ORCHESTRATOR_LDAP_USER_SEARCH_BASE"].lower(),
        environment["JOB_ORCHESTRATOR_LDAP_GROUP_SEARCH_BASE"].lower(),
    ]:
        assert dn in entries, dn
    assert environment["JOB_ORCHESTRATOR_LDAP_URI"] == "ldap://openldap:389"


def test_login_config_takes_the_stack_settings(
    services: dict[str, dict[str, Any]],
    stack_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The provider's webserver_config.py, run with the API server's environment, reads them all."""
    environment = interpolate(services["airflow-apiserver"]["environment"], stack_env)
    ldap_settings = {
        name: value for name, value in environment.items() if name.startswith("JOB_ORCHESTRATOR_LDAP_")
    }
    secret_file = ldap_settings["JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE"]
    assert secret_file == "/run/secrets/ldap_bind_password"
    assert "ldap_bind_password" in services["airflow-apiserver"]["secrets"]
    mounted_secret = tmp_path / "ldap_bind_password"
    mounted_secret.write_text(stack_env["LDAP_BIND_PASSWORD"])
    for name in [name for name in os.environ if name.startswith("JOB_ORCHESTRATOR_LDAP_")]:
        monkeypatch.delenv(name)
    for name, value in {
        **ldap_settings,
        "JOB_ORCHESTRATOR_LDAP_BIND_PASSWORD_FILE": str(mounted_secret),
    }.items():
        monkeypatch.setenv(name, value)

    config = runpy.run_path(str(Path(airflow_jobs_provider.__file__).parent / "auth" / "webserver_config.py"))

    assert config["AUTH_LDAP_SERVER"] == "ldap://openldap:389"
    assert config["AUTH_LDAP_BIND_USER"] == "cn=airflow,ou=services,dc=example,dc=org"
    assert config["AUTH_LDAP_BIND_PASSWORD"] == stack_env["LDAP_BIND_PASSWORD"]
    assert config["JOB_ORCHESTRATOR_GROUP_SEARCH_BASE"] == "ou=groups,dc=example,dc=org"
    assert config["JOB_ORCHESTRATOR_REQUIRED_GROUPS"] == [
        "cn=data.office,ou=groups,dc=example,dc=org",
        "cn=data.office.contractors,ou=groups,dc=example,dc=org",
    ]
    assert config["AUTH_ROLES_MAPPING"] == {
        "cn=data.office,ou=groups,dc=example,dc=org": ["User", "Job Orchestrator"],
        "cn=data.office.contractors,ou=groups,dc=example,dc=org": ["Viewer", "Job Orchestrator"],
    }
    # the role the template adds is declared, with the right Airflow needs to list plugin pages
    declared = json.loads(environment["AIRFLOW__FAB__CUSTOM_ROLES"])
    assert declared == {"Job Orchestrator": [{"action": "can_read", "resource": "Plugins"}]}


def test_password_check_refuses_a_wrong_password() -> None:
    assert not _ssha_matches(
        _ldap_entries()["uid=alice,ou=people,dc=example,dc=org"]["userpassword"][0], "wrong"
    )


# -- Kubernetes manifests ------------------------------------------------------------------


def _kubernetes_versions(services: dict[str, dict[str, Any]]) -> list[str]:
    """The Kubernetes of the stack's k3s and the newest one kubernetes-validate knows."""
    tag = services["k3s"]["image"].rpartition(":")[2]
    major_minor = re.match(r"v(\d+\.\d+)\.", tag)
    assert major_minor, tag
    return sorted({f"{major_minor.group(1)}.0", kubernetes_validate.latest_version()})


def kubernetes_documents(env_example: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every object of deploy/kubernetes, placeholders filled in the way setup.sh fills them."""
    documents = []
    for path in sorted(KUBERNETES_MANIFESTS.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8").replace("@NEXUS_ADDRESS@", env_example["NEXUS_ADDRESS"])
        for index, document in enumerate(yaml.safe_load_all(text)):
            if document:
                documents.append((f"{path.relative_to(REPOSITORY)}[{index}]", document))
    return documents


def test_kubernetes_manifests_are_valid(
    services: dict[str, dict[str, Any]], env_example: dict[str, str]
) -> None:
    documents = kubernetes_documents(env_example)
    kinds = {document["kind"] for _, document in documents}
    assert {
        "Namespace",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "Secret",
        "Service",
        "EndpointSlice",
    } <= kinds
    for version in _kubernetes_versions(services):
        for where, document in documents:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{where} is not valid Kubernetes {version}: {error}")


def test_no_service_account_mounts_an_api_token(env_example: dict[str, str]) -> None:
    """Airflow's account is used through a token in a kubeconfig, the jobs' has no rights: no pod
    running as either needs the API token Kubernetes would mount."""
    accounts = {
        document["metadata"]["name"]: document.get("automountServiceAccountToken")
        for _, document in kubernetes_documents(env_example)
        if document["kind"] == "ServiceAccount"
    }
    assert accounts == {"airflow-jobs": False, "job": False}


def test_in_cluster_binding_covers_every_component_that_creates_or_watches_pods(
    env_example: dict[str, str],
) -> None:
    """Workers run tasks, the scheduler too with the LocalExecutor, the triggerer watches the pods
    of deferred tasks, the API server runs the preflight: the Helm chart's accounts of each."""
    bindings = [
        document
        for _, document in kubernetes_documents(env_example)
        if document["kind"] == "RoleBinding"
        and any(subject.get("namespace") != "jobs" for subject in document["subjects"])
    ]
    assert len(bindings) == 1
    assert bindings[0]["roleRef"]["name"] == _role(env_example)["metadata"]["name"]
    assert sorted(subject["name"] for subject in bindings[0]["subjects"]) == [
        "airflow-api-server",
        "airflow-scheduler",
        "airflow-triggerer",
        "airflow-worker",
    ]


def _role(env_example: dict[str, str]) -> dict[str, Any]:
    roles = [document for _, document in kubernetes_documents(env_example) if document["kind"] == "Role"]
    assert len(roles) == 1
    return roles[0]


def _api_calls(path: Path) -> set[tuple[str, str]]:
    """(resource, verb) of each ``<verb>_namespaced_<resource>`` call of the kubernetes client."""
    verbs = {
        "create": "create",
        "read": "get",
        "list": "list",
        "patch": "patch",
        "delete": "delete",
        "replace": "update",
    }
    resources_by_name = {
        "pod": "pods",
        "pod_log": "pods/log",
        "event": "events",
        "secret": "secrets",
        "persistent_volume_claim": "persistentvolumeclaims",
    }
    calls = set()
    pattern = r"\.(create|read|list|patch|delete|replace)_namespaced_(\w+)"
    for verb, resource in re.findall(pattern, path.read_text(encoding="utf-8")):
        calls.add((resources_by_name.get(resource, resource), verbs[verb]))
    return calls


def test_role_grants_every_kubernetes_call_of_the_operator(env_example: dict[str, str]) -> None:
    """The provider's calls and KubernetesPodOperator's (pods/exec only serves do_xcom_push, which
    the operator leaves off) are each allowed by the Role, and the Role grants nothing else."""
    import airflow.providers.cncf.kubernetes as cncf

    sources = [*Path(airflow_jobs_provider.__file__).parent.rglob("*.py")]
    cncf_root = Path(cncf.__file__).parent
    sources += [cncf_root / "operators" / "pod.py", cncf_root / "utils" / "pod_manager.py"]
    needed = set().union(*(_api_calls(path) for path in sources))
    granted = {
        (resource, verb)
        for rule in _role(env_example)["rules"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    # Watching events is the deferrable mode's (hooks/kubernetes.py), which falls back to polling.
    assert needed <= granted
    assert granted - needed == {("events", "watch")}
