"""The check the French browser tests rely on: it must find English, and only English."""

from __future__ import annotations

import pytest

from tests.browser.french import is_english


@pytest.mark.parametrize(
    "text",
    [
        "Deploy the latest release of sync-job-01",  # a catalogue message around data
        "Load more",
        "3 components so far",
        "Chargement des files",  # a common English word amid French
    ],
)
def test_english_is_found(text: str) -> None:
    assert is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "Déployer la dernière version publiée de deploy-job",  # a name is data, not a word
        "Version",  # the same word in both languages
        "Fichiers de hello-python 1.1.0",
        "Rien dans releases ne correspond à « zzz ».",
        "Dossier local · examples · job_x.py",
    ],
)
def test_french_and_data_are_not(text: str) -> None:
    assert not is_english(text)
