"""The pictures of a job's runs, drawn from plain execution dictionaries (newest first)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from scheduled_jobs.cli.ops.pictures import (
    Style,
    compact,
    picture,
    sparkline,
    strip,
    style_for,
    success_rate,
    week_grid,
)

PLAIN = Style(colour=False, unicode=True)
ASCII = Style(colour=False, unicode=False)
COLOUR = Style(colour=True, unicode=True)


def runs(*items: tuple[str, float | None]) -> list[dict]:
    """Executions newest first, as cli/ops/status.py gives them."""
    return [{"status": status, "durationSeconds": seconds} for status, seconds in items]


# Newest first: running now, then a success, a timeout, a failure, a stop, the oldest success.
HISTORY = runs(
    ("RUNNING", None),
    ("SUCCEEDED", 60),
    ("TIMED_OUT", 900),
    ("FAILED", 30),
    ("ABORTED", 10),
    ("SUCCEEDED", 120),
)


@pytest.mark.parametrize(
    ("style", "width", "expected"),
    [
        pytest.param(PLAIN, 10, "✓⏸✗⏱✓▶", id="plain-symbols-oldest-left"),
        pytest.param(ASCII, 10, "+-xT+>", id="ascii"),
        pytest.param(PLAIN, 3, "⏱✓▶", id="narrow-keeps-the-newest"),
        pytest.param(PLAIN, 0, "", id="no-room"),
    ],
)
def test_strip(style, width, expected):
    assert strip(HISTORY, width, style) == expected


def test_colour_strip_is_one_coloured_block_per_run():
    drawn = strip(runs(("SUCCEEDED", 1), ("FAILED", 1)), 10, COLOUR)
    assert drawn == "\x1b[31m■\x1b[0m\x1b[32m■\x1b[0m"  # oldest (failed, red) first


@pytest.mark.parametrize(
    ("durations", "style", "expected"),
    [
        pytest.param([0, 3, 7], PLAIN, "▁▄█", id="scaled-min-to-max"),
        pytest.param([5, 5], PLAIN, "▁▁", id="all-equal"),
        pytest.param([1, None, 8], PLAIN, "▁ █", id="gap-for-running"),
        pytest.param([0, 7], ASCII, "_@", id="ascii"),
        pytest.param([None], PLAIN, "", id="nothing-finished"),
    ],
)
def test_sparkline(durations, style, expected):
    assert sparkline(durations, style) == expected


def test_success_rate_counts_finished_runs_only():
    assert success_rate(HISTORY) == (2, 5)
    assert success_rate(runs(("RUNNING", None))) == (0, 0)


def test_picture_keeps_to_the_terminal_width():
    many = runs(*[("SUCCEEDED", float(n)) for n in range(200)])
    for width in (20, 80, 200):
        lines = picture(many, width, PLAIN)
        assert all(len(line) <= width for line in lines[:2]), (width, lines)
        assert len(lines[0].removeprefix("  runs     ")) == width - 12


def test_picture_lines():
    lines = picture(HISTORY, 80, PLAIN)
    assert lines[0] == "  runs     ✓⏸✗⏱✓▶"
    assert lines[1] == "  duration ▂▁▁█▁ "  # 120 10 30 900 60, then the running one
    assert "10s" in lines[2] and "15m" in lines[2]
    assert lines[3] == "  40% succeeded (2 of 5 finished)"
    assert "✗ failed" in lines[4] and "⏱ timed out" in lines[4]
    assert picture([], 80, PLAIN) == []


def test_compact():
    assert compact(HISTORY, PLAIN) == "✓⏸✗⏱✓▶ 40%"
    assert compact(HISTORY, ASCII, cells=2) == "+> 100%"
    assert compact([], PLAIN) == "-"


@pytest.mark.parametrize(
    ("encoding", "tty", "environ", "expected"),
    [
        pytest.param("utf-8", True, {}, COLOUR, id="terminal"),
        pytest.param("utf-8", True, {"NO_COLOR": ""}, PLAIN, id="no-color"),
        pytest.param("utf-8", True, {"TERM": "dumb"}, PLAIN, id="dumb-terminal"),
        pytest.param("utf-8", False, {}, PLAIN, id="pipe"),
        pytest.param("ascii", True, {}, ASCII, id="ascii-terminal"),
        pytest.param("latin-1", False, {}, ASCII, id="latin-1-pipe"),
    ],
)
def test_style_for(encoding, tty, environ, expected):
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    assert style_for(stream, environ) == expected


def test_week_grid_marks_runs_in_the_zone():
    start = datetime(2027, 1, 4, 10, 0, tzinfo=timezone.utc)  # a Monday
    weekday_nines = [datetime(2027, 1, d, 9, 0, tzinfo=timezone.utc) for d in range(5, 9)]
    lines = week_grid(weekday_nines, start, None, PLAIN)
    assert lines[0].endswith("(UTC)")
    assert lines[1].startswith("  Mon 01-04  ") and lines[1].endswith("  0")
    tuesday = lines[2]
    assert tuesday.startswith("  Tue 01-05  ")
    hours = tuesday.split("  ")[2]
    assert len(hours) == 24 and hours[9] == "█" and hours.count("·") == 23
    # 09:00 UTC is 04:00 in New York in January.
    zoned = week_grid(weekday_nines, start, "America/New_York", ASCII)
    assert zoned[0].endswith("(America/New_York)")
    assert zoned[2].split("  ")[2][4] == "#"


def test_week_grid_counts_several_runs_an_hour():
    start = datetime(2027, 1, 4, tzinfo=timezone.utc)
    quarter_hours = [datetime(2027, 1, 4, 3, m, tzinfo=timezone.utc) for m in (0, 15, 30, 45)]
    line = week_grid(quarter_hours, start, None, PLAIN)[1]
    assert line.split("  ")[2][3] == "4" and line.endswith("  4")
