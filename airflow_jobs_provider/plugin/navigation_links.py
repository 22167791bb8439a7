"""Links to the team's neighbouring tools in Airflow's Browse menu.

The tool this project replaces linked to Nexus, the GitLab pipelines monitor and the Spark UI.
Airflow's plugin ``external_views`` without a ``url_route`` are exactly such links (they open
in a new tab); the admin lists them in ``[job_orchestrator] navigation_links``. Only absolute
http(s) URLs are taken: a ``javascript:`` URL in a menu would run inside Airflow's origin.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, TypeAdapter

from airflow_jobs_provider import settings
from airflow_jobs_provider.deployments.text import single_line
from airflow_jobs_provider.json_option import parse_json_option

log = logging.getLogger(__name__)

MENU = "browse"


class NavigationLinksError(ValueError):
    """The option cannot be read; the message names it and says what is wrong."""


def _web_url(value: str) -> str:
    single_line(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError(f"{value!r} is not an absolute http:// or https:// URL")
    return value


_LINKS = TypeAdapter(
    dict[
        Annotated[str, Field(min_length=1, max_length=60), AfterValidator(single_line)],
        Annotated[str, Field(max_length=2048), AfterValidator(_web_url)],
    ]
)


def parse_navigation_links(text: str) -> list[dict[str, str]]:
    """A JSON object, label → URL, as Airflow external views, in the order written."""
    links = parse_json_option(text, _LINKS, "navigation_links", NavigationLinksError) or {}
    return [
        {"name": label, "href": url, "destination": "nav", "category": MENU} for label, url in links.items()
    ]


@cache
def navigation_links() -> list[dict[str, str]]:
    """The plugin's ``external_views``, read once per process. A broken option costs the links
    (with an error in the API server's log), never the API server."""
    try:
        return parse_navigation_links(settings.navigation_links())
    except NavigationLinksError as exc:
        log.error("No links to other tools in the Browse menu: %s", exc)
        return []
