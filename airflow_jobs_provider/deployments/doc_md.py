"""A deployment's ``doc_md``: what it runs and who deployed it, as Markdown that shows as typed.

User text is escaped, never interpreted: every ASCII punctuation character gets a backslash
(CommonMark allows one before any of them), so no value becomes a link, an image, HTML,
emphasis or a heading, and each line starts flush left so none becomes a code block.
"""

from __future__ import annotations

import re

from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import StoredDeployment

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Airflow reads a doc_md that ends with ".md" as the path of a file: this one ends with it.
FOOTER = "_Made from the deployment's spec by the job orchestrator: change the deployment, not the DAG._"


def escape_markdown(text: str) -> str:
    """``text`` on one line, shown literally."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text)).strip()


def escape_markdown_lines(text: str) -> str:
    """Multi-line ``text`` shown literally: its lines kept (hard breaks), blank lines part paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in _LINE_BREAKS.split(text):
        escaped = _PUNCTUATION.sub(r"\\\1", line).strip()
        if escaped:
            paragraphs[-1].append(escaped)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("  \n".join(lines) for lines in paragraphs if lines)


def describe(stored: StoredDeployment) -> str:
    """The artifact, the runner, the schedule and the deployment's revision, for Airflow's DAG page."""
    spec = stored.spec
    artifact = spec.artifact
    rows = [
        ("Artifact source", artifact.source),
        ("Repository", artifact.repository),
        ("Group", artifact.group or "(none)"),
        ("Name", artifact.name),
        ("Version", artifact.version),
        ("Assets", ", ".join(artifact.assets) or "(the single runnable file)"),
        ("Executor", spec.executor),
        ("Runner image", spec.runner_image or "(none: runs on the Airflow worker)"),
        ("Schedule", _schedule(spec)),
        ("Deployed by", stored.deployed_by),
        ("Deployed at", stored.deployed_at.isoformat()),
        ("Revision", str(stored.revision)),
    ]
    parts = [f"### Deployment {escape_markdown(spec.name)}", ""]
    if spec.description:
        parts += [escape_markdown_lines(spec.description), ""]
    parts += [f"- **{label}**: {escape_markdown(value)}" for label, value in rows]
    parts += ["", FOOTER]
    return "\n".join(parts)


def _schedule(spec: DeploymentSpec) -> str:
    if spec.airflow_schedule is None:
        return "none (one-off: runs when triggered)"
    return f"{spec.schedule} ({spec.timezone})"
