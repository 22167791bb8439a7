from __future__ import annotations

import pytest

from airflow_jobs_provider.deployments.image_reference import check_image_reference

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    "image",
    [
        "python",
        "python:3.12-slim",
        "library/python:3.12",
        "registry.example.org/talend-runner:17",
        "registry.example.org:5000/team/sub/runner:v1.2_3",
        "localhost:5000/runner",
        f"python@{DIGEST}",
        f"registry.example.org/runner:17@{DIGEST}",
        "[::1]:5000/runner:1",
        "a__b/c--d/e.f:latest",
    ],
)
def test_valid_image_references(image: str) -> None:
    assert check_image_reference(image) == image


@pytest.mark.parametrize(
    "image",
    [
        "",
        "Python:3",
        "python:",
        "python:-bad",
        "python@sha256:abc",
        "python:3.12 slim",
        "python;rm -rf /",
        "-python",
        "registry.example.org/Team/runner",
        "python:" + "x" * 129,
        "a" * 256,
        "python\n",
        "https://registry.example.org/runner",
    ],
)
def test_invalid_image_references(image: str) -> None:
    with pytest.raises(ValueError, match="is not an image reference"):
        check_image_reference(image)
