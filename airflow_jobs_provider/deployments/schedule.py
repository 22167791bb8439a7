"""When a deployment runs: ``none`` (one-off, started by "run now"), a cron expression or a preset.

``@once`` is refused: after a redeploy the DAG already has its one run and would never run the
new version; a one-off deployment is ``none`` plus a triggered run. ``@continuous`` is refused
too: it would start a pod again the moment the last one ends, forever.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import CroniterBadDateError, croniter

from airflow_jobs_provider.deployments.text import single_line

ONE_OFF = "none"
PRESETS = ("@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly")
_REFUSED = {
    "@once": "use 'none' and run it now: @once never runs again after a redeploy",
    "@continuous": "it would restart the job the moment it ends, forever; use a cron expression",
}
# Names a host's zoneinfo folder may hold that mean something else, or nothing, on another
# host: its own clock setting, tzdata's placeholder zone, and the posix/ and right/ copies.
_HOST_DEPENDENT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_HOST_DEPENDENT_FOLDERS = ("posix/", "right/")


@lru_cache(maxsize=1024)  # every DAG parse checks every spec's schedule again
def check_schedule(value: str) -> str:
    """``none``, one of ``PRESETS``, or a five-field cron expression that fires at some point."""
    if value == ONE_OFF or value in PRESETS:
        return value
    single_line(value)  # croniter reads "0 3 * * *\n" and tabs as blanks
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
    """An IANA time zone name, like ``Europe/Berlin``; cron times are read in it.

    Only names every host knows: the scheduler, the workers and the API server may each read
    another zoneinfo folder (or Python's ``tzdata``), so a host's ``localtime`` is refused.
    """
    if value in _HOST_DEPENDENT_ZONES or value.startswith(_HOST_DEPENDENT_FOLDERS):
        raise ValueError(
            f"{value!r} depends on the host's time zone files; name the zone itself, like UTC or Europe/Berlin"
        )
    if value not in _known_zones() or not _zone_exists(value):
        raise ValueError(f"{value!r} is not an IANA time zone name, like UTC or Europe/Berlin")
    return value


@cache
def _known_zones() -> frozenset[str]:
    """The zones of the ``tzdata`` package, which ``zoneinfo`` falls back on on every host.

    Airflow installs it (through pendulum). Without it, the names this host's database holds.
    Read from its ``zones`` file: ``available_timezones()`` walks the system's folder too, 13 ms
    in each fresh DAG-parsing process.
    """
    try:
        import tzdata

        text = (Path(tzdata.__file__).parent / "zones").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset(available_timezones())
    return frozenset(text.split())


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True
