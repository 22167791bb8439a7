"""Cron schedules in French words, as Airflow says them in English."""

from __future__ import annotations

import calendar

import pytest

from airflow_jobs_provider.plugin.schedule_words import describe_cron


@pytest.mark.parametrize(
    ("expression", "french"),
    [
        ("30 6 * * 1-5", "À 06:30, de lundi à vendredi"),
        ("@daily", "À 00:00"),
        ("@weekly", "À 00:00, uniquement le dimanche"),
        ("*/15 * * * *", "Toutes les 15 minutes"),
        ("0 9 * 1,8 MON", "À 09:00, uniquement le lundi, uniquement en janvier et août"),
        ("0 0 13 * 5", "À 00:00, le 13 du mois (ou) À 00:00, uniquement le vendredi"),
    ],
)
def test_french_words(expression: str, french: str) -> None:
    assert describe_cron(expression, "fr") == french


def test_english_words_are_airflows() -> None:
    """The same words Airflow's cron timetable gives the DAG (which the API shows in English)."""
    from airflow.timetables.trigger import CronTriggerTimetable

    for expression in ("30 6 * * 1-5", "@weekly", "0 0 13 * 5", "0 9 * 1,8 MON"):
        assert describe_cron(expression, "en") == CronTriggerTimetable(expression, timezone="UTC").description


def test_day_names_follow_the_process_locale_into_french(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever names the server's locale gives the days, the French words hold French names."""
    describe_cron.cache_clear()
    german = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
    monkeypatch.setattr(calendar, "day_name", german)
    try:
        assert describe_cron("0 8 * * 2", "fr") == "À 08:00, uniquement le mardi"
    finally:
        describe_cron.cache_clear()


def test_an_expression_it_cannot_describe() -> None:
    assert describe_cron("not a cron", "fr") is None
