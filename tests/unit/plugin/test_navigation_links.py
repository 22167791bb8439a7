"""The Browse menu's links to other tools: http(s) only, in the order the admin wrote them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from airflow_jobs_provider.plugin.airflow_plugin import JobOrchestratorPlugin
from airflow_jobs_provider.plugin.navigation_links import (
    NavigationLinksError,
    navigation_links,
    parse_navigation_links,
)

OPTION = "AIRFLOW__JOB_ORCHESTRATOR__NAVIGATION_LINKS"


@pytest.fixture
def fresh_links() -> Iterator[None]:
    navigation_links.cache_clear()
    yield
    navigation_links.cache_clear()


def test_links_become_browse_menu_entries_in_the_order_written():
    text = json.dumps(
        {
            "Spark UI": "http://spark.example.org:4040/",
            "Nexus": "https://nexus.example.org/#browse/browse:talend",
            "GitLab pipelines": "https://gitlab.example.org/groups/data/-/pipelines?scope=all",
        }
    )
    assert parse_navigation_links(text) == [
        {
            "name": "Spark UI",
            "href": "http://spark.example.org:4040/",
            "destination": "nav",
            "category": "browse",
        },
        {
            "name": "Nexus",
            "href": "https://nexus.example.org/#browse/browse:talend",
            "destination": "nav",
            "category": "browse",
        },
        {
            "name": "GitLab pipelines",
            "href": "https://gitlab.example.org/groups/data/-/pipelines?scope=all",
            "destination": "nav",
            "category": "browse",
        },
    ]


@pytest.mark.parametrize("text", ["", "  ", "{}"])
def test_no_option_no_links(text):
    assert parse_navigation_links(text) == []


@pytest.mark.parametrize(
    ("links", "problem"),
    [
        ('{"Nexus": "javascript:alert(document.cookie)"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "JavaScript:alert(1)"}', "is not an absolute http:// or https:// URL"),
        (
            '{"Nexus": "data:text/html,<script>alert(1)</script>"}',
            "is not an absolute http:// or https:// URL",
        ),
        ('{"Nexus": "//nexus.example.org"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "/job-orchestrator"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "ftp://files.example.org"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "https://"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "https://nexus.example.org/a b"}', "is not an absolute http:// or https:// URL"),
        ('{"Nexus": "https://nexus.example.org/\\n"}', "one line"),
        ('{"": "https://nexus.example.org"}', "at least 1 character"),
        ('{"Nex\\nus": "https://nexus.example.org"}', "one line"),
        ('{" Nexus": "https://nexus.example.org"}', "blanks"),
        ('{"Nexus": 443}', "valid string"),
        ('["https://nexus.example.org"]', "should be an object"),
        ('{"Nexus": "https://nexus.example.org",}', "Invalid JSON"),
    ],
)
def test_a_bad_option_is_refused_with_what_is_wrong(links, problem):
    with pytest.raises(NavigationLinksError) as caught:
        parse_navigation_links(links)
    message = str(caught.value)
    assert message.startswith("[job_orchestrator] navigation_links is not valid: ")
    assert problem in message


def test_the_plugin_reads_the_option_when_its_views_are_first_read(monkeypatch, fresh_links):
    monkeypatch.setenv(OPTION, '{"Nexus": "https://nexus.example.org"}')
    assert [view["href"] for view in JobOrchestratorPlugin.external_views] == ["https://nexus.example.org"]
    monkeypatch.setenv(OPTION, '{"Other": "https://other.example.org"}')
    assert [view["name"] for view in JobOrchestratorPlugin().external_views] == ["Nexus"], "read once"


def test_a_bad_option_costs_the_links_not_the_api_server(monkeypatch, fresh_links, caplog):
    monkeypatch.setenv(OPTION, '{"Nexus": "javascript:alert(1)"}')
    with caplog.at_level(logging.ERROR):
        assert JobOrchestratorPlugin.external_views == []
    assert "No links to other tools in the Browse menu: [job_orchestrator] navigation_links" in caplog.text
