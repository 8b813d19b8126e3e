"""Times and durations typed on the command line, and durations printed back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from scheduled_jobs.cli.output import UserError

# The earliest time a log event can have (CloudWatch Logs counts milliseconds since 1970).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The longest duration accepted: about 100 years, more than any log is kept.
MAX_DURATION = timedelta(days=36_500)

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")


def parse_duration(text: str, flag: str = "--since") -> timedelta:
    """`1h`, `90m`, `2h30m`, `1d`, `45s`, `1.5h` -> timedelta; anything else is a UserError.

    >>> parse_duration("2h30m")
    datetime.timedelta(seconds=9000)
    """
    value = text.strip().lower()
    pos, seconds = 0, 0.0
    for match in _DURATION.finditer(value):
        if match.start() != pos:
            break
        seconds += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if not value or pos != len(value):
        raise UserError(
            f"{flag}: {text!r} is not a duration",
            hint="Use a number and a unit: 30s, 15m, 1h, 2h30m, 1d.",
        )
    if seconds <= 0:
        raise UserError(f"{flag} must be greater than 0")
    if seconds > MAX_DURATION.total_seconds():
        raise UserError(
            f"{flag} {text} is out of range: at most {MAX_DURATION.days}d (about 100 years)"
        )
    return timedelta(seconds=round(seconds))


def since(text: str, now: datetime | None = None, flag: str = "--since") -> datetime:
    """The moment `--since DURATION` means: now less the duration, never before 1970."""
    moment = (now or datetime.now(timezone.utc)) - parse_duration(text, flag)
    return max(moment, EPOCH)


def parse_time(text: str, flag: str) -> datetime:
    """An RFC 3339 / ISO 8601 time (`2024-05-01T09:00:00Z`, `2024-05-01 09:00+02:00`,
    `2024-05-01`); without an offset it is UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"{flag}: {text!r} is not a time", hint="Use RFC 3339, e.g. 2024-05-01T09:00:00Z."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        before_epoch = parsed < EPOCH
    except OverflowError:  # an offset that pushes the time out of datetime's range
        before_epoch = True
    if before_epoch:
        raise UserError(
            f"{flag} {text} is out of range: logs have no events before 1970-01-01T00:00:00Z"
        )
    return parsed


def to_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def format_duration(seconds: float | None) -> str:
    """42 -> `42s`, 3723 -> `1h02m03s`; None -> `-`. The one duration format of the CLI
    (run results, `show`, deploy progress and summaries)."""
    if seconds is None:
        return "-"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a `Z`, second precision: the form every --json output uses."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_moment(millis: int) -> str:
    """A moment for a person, in the viewer's own zone (TZ, else the system's):
    `2024-05-01 11:00:00 CEST (UTC+02:00)`, or `... UTC`."""
    moment = datetime.fromtimestamp(millis // 1000, timezone.utc).astimezone()
    offset = moment.isoformat()[19:]  # `+02:00`
    zone = moment.tzname() or ""
    if zone.upper() == "UTC" and offset in ("+00:00", ""):
        return f"{moment:%Y-%m-%d %H:%M:%S} UTC"
    named = zone and zone[0] not in "+-"
    return f"{moment:%Y-%m-%d %H:%M:%S} {zone + ' ' if named else ''}(UTC{offset})"
