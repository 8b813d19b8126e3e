"""Go duration strings (`1h30m`, `90s`, `500ms`), the format Copilot uses for timeouts and
health checks, parsed exactly (as integer nanoseconds) so whole-second rules are exact."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_UNITS_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
NS_PER_SECOND = 1_000_000_000


def parse_go_duration(text: str) -> int:
    """Nanoseconds in a Go duration string, as Go's time.ParseDuration reads it.

    >>> parse_go_duration("1h30m")
    5400000000000
    >>> parse_go_duration("0")
    0

    Raises ValueError with a message saying what the format is.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration")
    s = text.strip()
    sign = 1
    if s[:1] in "+-" and s:
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(f'"{text}" is not a duration such as 90s, 15m or 1h30m')
    total = Decimal(0)
    pos = 0
    while pos < len(s):
        match = _PART.match(s, pos)
        if not match:
            raise ValueError(
                f'"{text}" is not a duration such as 90s, 15m or 1h30m (units: h, m, s, ms, us, ns)'
            )
        try:
            total += Decimal(match.group(1)) * _UNITS_NS[match.group(2)]
        except InvalidOperation:  # pragma: no cover - the regex only admits numbers
            raise ValueError(f'"{text}" is not a duration') from None
        pos = match.end()
    return sign * int(total)


def format_seconds(seconds: int) -> str:
    """A short human form: 5400 -> "1h30m", 45 -> "45s"."""
    if seconds == 0:
        return "0s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts)
