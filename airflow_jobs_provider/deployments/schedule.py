"""When a deployment runs: ``none`` (one-off, started by "run now"), a cron expression or a preset.

``@once`` is refused: after a redeploy the DAG already has its one run and would never run the
new version; a one-off deployment is ``none`` plus a triggered run. ``@continuous`` is refused
too: it would start a pod again the moment the last one ends, forever.
"""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

ONE_OFF = "none"
PRESETS = ("@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly")
_REFUSED = {
    "@once": "use 'none' and run it now: @once never runs again after a redeploy",
    "@continuous": "it would restart the job the moment it ends, forever; use a cron expression",
}
_TIMEZONE = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


@lru_cache(maxsize=1024)  # every DAG parse checks every spec's schedule again
def check_schedule(value: str) -> str:
    """``none``, one of ``PRESETS``, or a five-field cron expression that fires at some point."""
    if value == ONE_OFF or value in PRESETS:
        return value
    if value in _REFUSED:
        raise ValueError(f"{value} is not offered: {_REFUSED[value]}")
    if len(value.split()) != 5 or not croniter.is_valid(value):
        raise ValueError(
            f"{value!r} is not a schedule: use 'none', a preset ({', '.join(PRESETS)}) or a cron "
            "expression of five fields (minute hour day-of-month month day-of-week), like '0 3 * * *'"
        )
    try:
        croniter(value).get_next()
    except CroniterBadDateError:
        raise ValueError(f"{value!r} never fires (a date that does not exist, like 31 February)") from None
    return value


def airflow_schedule(value: str) -> str | None:
    """The DAG's ``schedule``: None for a one-off deployment."""
    return None if value == ONE_OFF else value


@lru_cache(maxsize=1024)
def check_timezone(value: str) -> str:
    """An IANA time zone name, like ``Europe/Berlin``; cron times are read in it."""
    if len(value) > 64 or not _TIMEZONE.fullmatch(value) or not _zone_exists(value):
        raise ValueError(f"{value!r} is not an IANA time zone name, like UTC or Europe/Berlin")
    return value


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True
