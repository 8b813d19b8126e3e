"""Pictures of a job's runs, as pure functions of its executions (the dictionaries of
cli/ops/status.py, newest first): a strip with one cell per run coloured by how it ended, a
sparkline of the durations, the success rate, and a week's calendar of the next runs.

Three looks, chosen by `Style`: colour (a coloured block per run), plain (the symbols
✓ ✗ ⏱ ⏸ ▶ that read without colour, for NO_COLOR or a pipe) and ASCII (when the output's
encoding cannot carry those symbols).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TextIO

# status -> (plain symbol, ASCII symbol, ANSI colour)
_CELLS = {
    "SUCCEEDED": ("✓", "+", "32"),
    "FAILED": ("✗", "x", "31"),
    "TIMED_OUT": ("⏱", "T", "33"),
    "ABORTED": ("⏸", "-", "90"),
    "RUNNING": ("▶", ">", "36"),
}
_OTHER = ("?", "?", "35")
_BLOCK = "■"
_BARS = "▁▂▃▄▅▆▇█"
_ASCII_BARS = "_.-=+*#@"
_PROBE = "✓✗⏱⏸▶■▁█·"


@dataclass(frozen=True)
class Style:
    colour: bool = False
    unicode: bool = True


def style_for(stream: TextIO, environ: Mapping[str, str] | None = None) -> Style:
    """Colour on a terminal unless NO_COLOR or TERM=dumb; symbols only if the encoding has
    them."""
    env = os.environ if environ is None else environ
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        _PROBE.encode(encoding)
        unicode = True
    except (UnicodeEncodeError, LookupError):
        unicode = False
    tty = bool(getattr(stream, "isatty", lambda: False)())
    colour = tty and "NO_COLOR" not in env and env.get("TERM") != "dumb" and unicode
    return Style(colour=colour, unicode=unicode)


def cell(status: str, style: Style) -> str:
    plain, ascii_symbol, colour = _CELLS.get(status, _OTHER)
    if style.colour:
        return f"\x1b[{colour}m{_BLOCK}\x1b[0m"
    return plain if style.unicode else ascii_symbol


def strip(executions: Sequence[Mapping[str, Any]], width: int, style: Style) -> str:
    """One cell per run, oldest on the left; the newest `width` runs when there are more."""
    runs = list(reversed(executions[: max(0, width)]))
    return "".join(cell(run["status"], style) for run in runs)


def sparkline(durations: Sequence[float | None], style: Style) -> str:
    """A bar per duration scaled between the shortest and the longest; a gap for a run with
    no duration yet (still running)."""
    bars = _BARS if style.unicode else _ASCII_BARS
    known = [d for d in durations if d is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for value in durations:
        if value is None:
            out.append(" ")
        else:
            index = 0 if span == 0 else round((value - low) / span * (len(bars) - 1))
            out.append(bars[index])
    return "".join(out)


def success_rate(executions: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(succeeded, finished): running executions have not ended, so they do not count."""
    finished = [e for e in executions if e["status"] != "RUNNING"]
    return sum(e["status"] == "SUCCEEDED" for e in finished), len(finished)


def _legend(style: Style) -> str:
    names = {
        "SUCCEEDED": "succeeded",
        "FAILED": "failed",
        "TIMED_OUT": "timed out",
        "ABORTED": "stopped",
        "RUNNING": "running",
    }
    return "  ".join(f"{cell(status, style)} {label}" for status, label in names.items())


def picture(executions: Sequence[Mapping[str, Any]], width: int, style: Style) -> list[str]:
    """The lines `jobs show` prints: the strip, the durations' sparkline under it, the rate.
    `width` is the terminal's; the drawing keeps to it."""
    if not executions:
        return []
    from scheduled_jobs.cli.ops.times import format_duration

    label = 11  # "  runs     " / "  duration "
    cells = max(1, width - label - 1)
    shown = list(executions[:cells])
    durations = [e.get("durationSeconds") for e in reversed(shown)]
    known = [d for d in durations if d is not None]
    lines = [f"  runs     {strip(shown, cells, style)}"]
    if known:
        spark = sparkline(durations, style)
        lines.append(f"  duration {spark}")
        lines.append(
            f"           {format_duration(min(known))} to {format_duration(max(known))}, "
            "oldest on the left"
        )
    ok, finished = success_rate(shown)
    if finished:
        lines.append(f"  {round(100 * ok / finished)}% succeeded ({ok} of {finished} finished)")
    lines.append(f"  {_legend(style)}")
    return lines


def compact(executions: Sequence[Mapping[str, Any]], style: Style, cells: int = 10) -> str:
    """The short strip of `jobs ls`: the last `cells` runs and the success rate."""
    if not executions:
        return "-"
    ok, finished = success_rate(executions[:cells])
    rate = f" {round(100 * ok / finished)}%" if finished else ""
    return strip(executions, cells, style) + rate


# ---------------------------------------------------------------------------- calendar

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def week_grid(
    runs: Sequence[datetime], start: datetime, zone_name: str | None, style: Style
) -> list[str]:
    """The next seven days from `start` as a grid in the job's zone (UTC when None): a row per
    day, a column per hour, a mark where the job runs (the count when it runs more than once
    in that hour, `+` beyond 9)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name) if zone_name else timezone.utc
    first = start.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [(first + timedelta(days=n)).date() for n in range(7)]
    counts: dict[tuple[Any, int], int] = {}
    for when in runs:
        local = when.astimezone(zone)
        counts[(local.date(), local.hour)] = counts.get((local.date(), local.hour), 0) + 1
    mark, empty = ("█", "·") if style.unicode else ("#", ".")
    label = zone_name or "UTC"
    lines = [f"  {'':10} " + "".join(f"{h:<3}" for h in range(0, 24, 3)) + f"  ({label})"]
    for day in days:
        cells = []
        for hour in range(24):
            n = counts.get((day, hour), 0)
            cells.append(empty if n == 0 else mark if n == 1 else (str(n) if n < 10 else "+"))
        total = sum(counts.get((day, h), 0) for h in range(24))
        lines.append(f"  {_DAYS[day.weekday()]} {day:%m-%d}  {''.join(cells)}  {total}")
    return lines
