"""A deployment's cron schedule in words, in the language of the pages asking.

English is Airflow's own description of the DAG's timetable (``DagModel.timetable_description``):
the words Airflow's UI shows for the same DAG. For French the same library Airflow uses,
``cron_descriptor``, describes the expression with its French catalogue, the way Airflow's
``CronMixin`` calls it (24-hour times, a day of the month *or* a day of the week when both are
restricted). Its day and month names come from the process's locale (``calendar``,
``strftime``), which cannot be switched per request (``setlocale`` is process-wide and not
thread-safe), so they are replaced by French names afterwards.
"""

from __future__ import annotations

import calendar
import datetime
import re
from functools import lru_cache
from typing import Literal, get_args

from cron_descriptor import CasingTypeEnum, ExpressionDescriptor, FormatException, MissingFieldException

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

_FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_OR = {"en": "or", "fr": "ou"}
_LOCALE_CODES = {"en": "en_US", "fr": "fr_FR"}


@lru_cache(maxsize=2048)  # a list page asks for the same few schedules every few seconds
def describe_cron(expression: str, language: Language) -> str | None:
    """The expression (or Airflow preset) in words; None if the library cannot describe it."""
    from airflow.utils.dates import cron_presets

    fields = cron_presets.get(expression, expression).split()
    try:
        if len(fields) == 5 and fields[2] != "*" and fields[4] != "*":
            on_day_of_month = _words([*fields[:4], "*"], language)
            on_day_of_week = _words([*fields[:2], "*", *fields[3:]], language)
            return f"{on_day_of_month} ({_OR[language]}) {on_day_of_week}"
        return _words(fields, language)
    except (FormatException, MissingFieldException, ValueError, IndexError):
        return None


def _words(fields: list[str], language: Language) -> str:
    described = ExpressionDescriptor(
        " ".join(fields),
        casing_type=CasingTypeEnum.Sentence,
        use_24hour_time_format=True,
        locale_code=_LOCALE_CODES[language],
    ).get_description()
    return _with_french_names(described) if language == "fr" else described


def _with_french_names(text: str) -> str:
    """The process locale's day and month names (as the library wrote them) in French."""
    year = datetime.date.today().year
    names = {calendar.day_name[day]: french for day, french in enumerate(_FRENCH_DAYS)}
    names |= {
        datetime.date(year, month, 1).strftime("%B"): french
        for month, french in enumerate(_FRENCH_MONTHS, start=1)
    }
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return pattern.sub(lambda match: names[match.group(1)], text)
