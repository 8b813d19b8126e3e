"""IANA time zone names, as EventBridge Scheduler's `ScheduleExpressionTimezone` takes them.

Scheduler evaluates a cron expression in the zone (daylight saving included); names are the
IANA database's, which Python's `zoneinfo` reads (from the system, or the `tzdata` package
where the system has none).
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo

EXAMPLES = " (such as Europe/London or America/New_York)"


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_zone(name: str) -> str:
    """`name` when it is an IANA zone, else ValueError with a did-you-mean.

    >>> check_zone("Europe/London")
    'Europe/London'
    """
    zones = known_zones()
    if name in zones:
        return name
    by_lower = {zone.lower(): zone for zone in zones}
    if name.lower() in by_lower:
        close = [by_lower[name.lower()]]
    else:
        close = difflib.get_close_matches(name, sorted(zones), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else EXAMPLES
    raise ValueError(f"{name!r} is not an IANA time zone{hint}")


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called `name` (UTC for None)."""
    return zoneinfo.ZoneInfo(name or "UTC")
