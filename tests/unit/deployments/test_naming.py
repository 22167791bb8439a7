from __future__ import annotations

import random

import pytest

from airflow_jobs_provider.deployments.naming import (
    DAG_ID_PREFIX,
    MAX_NAME_LENGTH,
    check_name,
    dag_id_for,
    name_from_dag_id,
    suggest_name,
)


def test_a_name_leaves_room_for_the_pod_suffix() -> None:
    # KubernetesPodOperator appends "-" and 8 random characters; pod hostnames stop at 63.
    assert MAX_NAME_LENGTH + 1 + 8 <= 63


@pytest.mark.parametrize("name", ["a", "customer-sync-2-0-1", "a1", "a--b", "x" * MAX_NAME_LENGTH])
def test_valid_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "1job",
        "-job",
        "job-",
        "Job",
        "job_1",
        "job.1",
        "jöb",
        "../etc",
        "a/b",
        "x" * (MAX_NAME_LENGTH + 1),
        "job\n",
    ],
)
def test_invalid_names_say_the_rule(name: str) -> None:
    with pytest.raises(ValueError, match="must be a DNS-1123 label of at most 40 characters"):
        check_name(name)


@pytest.mark.parametrize(
    ("artifact", "version", "expected"),
    [
        ("customer_sync", "2.0.1", "customer-sync-2-0-1"),
        ("Customer_Sync", "2.0.1-SNAPSHOT", "customer-sync-2-0-1-snapshot"),
        ("jobs/etl/load.orders", "1.0", "jobs-etl-load-orders-1-0"),
        ("a__b..c//d", "1__0", "a-b-c-d-1-0"),
        ("7zip_export", "1.0", "job-7zip-export-1-0"),
        ("Überweisung", "1", "uberweisung-1"),
        ("___", "...", "job"),
        ("job", "latest", "job-latest"),
    ],
)
def test_suggest_name_as_the_original_tool(artifact: str, version: str, expected: str) -> None:
    assert suggest_name(artifact, version) == expected


def test_long_names_keep_their_version() -> None:
    name = suggest_name("a_very_long_talend_job_name_that_goes_on_and_on", "12.3.4")
    assert name == "a-very-long-talend-job-name-that-12-3-4"
    assert len(name) <= MAX_NAME_LENGTH


def test_suggest_name_is_always_valid() -> None:
    rng = random.Random(7)
    alphabet = "aZ9_-./ éß😀\n\t:@" + "x" * 5
    for _ in range(3000):
        artifact = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        version = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert check_name(suggest_name(artifact, version))


def test_dag_ids_map_back_to_names() -> None:
    assert dag_id_for("customer-sync") == f"{DAG_ID_PREFIX}customer-sync" == "job_customer-sync"
    assert name_from_dag_id("job_customer-sync") == "customer-sync"
    assert name_from_dag_id("example_local_jobs") is None
    assert name_from_dag_id("job_Not_A_Name") is None
    with pytest.raises(ValueError):
        dag_id_for("../x")
