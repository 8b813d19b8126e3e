"""Durations and times typed on the command line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scheduled_jobs.cli.ops.times import format_duration, iso, parse_duration, parse_time
from scheduled_jobs.cli.output import UserError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("45s", 45, id="seconds"),
        pytest.param("15m", 900, id="minutes"),
        pytest.param("1h", 3600, id="hour"),
        pytest.param("2h30m", 9000, id="compound"),
        pytest.param("1.5h", 5400, id="fraction"),
        pytest.param("1d", 86400, id="day"),
        pytest.param("1w", 604800, id="week"),
        pytest.param(" 10M ", 600, id="case-and-spaces"),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is not a duration", id="empty"),
        pytest.param("10", "is not a duration", id="no-unit"),
        pytest.param("1h x", "is not a duration", id="trailing-junk"),
        pytest.param("-1h", "is not a duration", id="negative"),
        pytest.param("0s", "must be greater than 0", id="zero"),
    ],
)
def test_parse_duration_rejects(text, message):
    with pytest.raises(UserError, match=message):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2024-05-01T09:00:00Z", datetime(2024, 5, 1, 9, tzinfo=timezone.utc), id="utc-z"
        ),
        pytest.param(
            "2024-05-01T11:00:00+02:00", datetime(2024, 5, 1, 9, tzinfo=timezone.utc), id="offset"
        ),
        pytest.param(
            "2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc), id="date-only-is-utc"
        ),
        pytest.param(
            "2024-05-01 09:00:00.250Z",
            datetime(2024, 5, 1, 9, 0, 0, 250000, tzinfo=timezone.utc),
            id="space-and-millis",
        ),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text, "--start-time") == expected


def test_parse_time_rejects_words():
    with pytest.raises(UserError, match="--end-time: 'tomorrow' is not a time"):
        parse_time("tomorrow", "--end-time")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(None, "-", id="unknown"),
        pytest.param(0.4, "0s", id="under-a-second"),
        pytest.param(4.4, "4s", id="rounded"),
        pytest.param(42, "42s", id="seconds"),
        pytest.param(62, "1m02s", id="minutes"),
        pytest.param(125, "2m05s", id="minutes-padded"),
        pytest.param(3723, "1h02m03s", id="hours"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_iso_is_utc_with_z():
    moment = datetime(2024, 5, 1, 11, 0, 0, 999, tzinfo=timezone(timedelta(hours=2)))
    assert iso(moment) == "2024-05-01T09:00:00Z"
    assert iso(None) is None


def test_since_reaches_back_no_further_than_1970():
    from datetime import datetime, timezone

    from scheduled_jobs.cli.ops.times import EPOCH, since

    now = datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert since("1h", now) == datetime(2024, 4, 30, 23, tzinfo=timezone.utc)
    assert since("36500d", now) == EPOCH


@pytest.mark.parametrize("text", ["99999999d", "36501d", "1" + "0" * 30 + "s"])
def test_durations_out_of_range(text):
    from scheduled_jobs.cli.ops.times import parse_duration

    with pytest.raises(UserError, match="out of range"):
        parse_duration(text)
