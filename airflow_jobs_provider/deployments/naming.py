"""A deployment's name: its identity in the specs folder, its DAG id and its pods' names."""

from __future__ import annotations

import re
import unicodedata

DAG_ID_PREFIX = "job_"

# KubernetesPodOperator names a pod "<name>-<8 random characters>", and a pod name must stay
# within 63 characters to serve as the pod's hostname: 54 is the hard ceiling. 40 leaves room
# for what others derive from the name (a ConfigMap "<name>-config-files", label values).
MAX_NAME_LENGTH = 40

# A suggested name keeps at most this much of the version, so the artifact's name stays readable.
_MAX_VERSION_PART = 16
_NAME = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def check_name(value: str) -> str:
    """Return ``value`` if it is a valid deployment name, else raise ``ValueError`` saying why."""
    if not isinstance(value, str) or len(value) > MAX_NAME_LENGTH or not _NAME.fullmatch(value):
        raise ValueError(
            f"must be a DNS-1123 label of at most {MAX_NAME_LENGTH} characters: lowercase letters, "
            "digits and '-', starting with a letter and ending with a letter or digit"
        )
    return value


def suggest_name(artifact_name: str, version: str) -> str:
    """``customer_sync`` ``2.0.1`` → ``customer-sync-2-0-1``, as the original tool named jobs.

    Always a valid name: other characters become ``-``, repeats collapse, accents fold to ASCII,
    a leading digit gets a ``job-`` prefix, and the artifact's part is shortened before the version.
    """
    name_part = _slug(artifact_name)
    version_part = _slug(version)[:_MAX_VERSION_PART].strip("-")
    room = MAX_NAME_LENGTH - len(version_part) - 1 if version_part else MAX_NAME_LENGTH
    candidate = "-".join(part for part in (name_part[:room].strip("-"), version_part) if part)
    if not candidate[:1].isalpha():
        candidate = f"job-{candidate}"
    return candidate[:MAX_NAME_LENGTH].strip("-")


def dag_id_for(name: str) -> str:
    return f"{DAG_ID_PREFIX}{check_name(name)}"


def name_from_dag_id(dag_id: str) -> str | None:
    """The deployment a DAG belongs to, or None for DAGs the generator did not make."""
    if not dag_id.startswith(DAG_ID_PREFIX):
        return None
    name = dag_id[len(DAG_ID_PREFIX) :]
    return name if len(name) <= MAX_NAME_LENGTH and _NAME.fullmatch(name) else None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALPHANUMERIC.sub("-", ascii_text.lower()).strip("-")
