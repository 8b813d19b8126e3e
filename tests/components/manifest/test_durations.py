from __future__ import annotations

import pytest

from scheduled_jobs.components.manifest.durations import format_seconds, parse_go_duration

S = 1_000_000_000


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        pytest.param("1h30m", 5400 * S, id="hours-minutes"),
        pytest.param("90s", 90 * S, id="seconds"),
        pytest.param("1.5h", 5400 * S, id="fraction"),
        pytest.param("500ms", S // 2, id="milliseconds"),
        pytest.param("0", 0, id="bare-zero"),
        pytest.param("-5m", -300 * S, id="negative"),
        pytest.param("1m0.5s", 60 * S + S // 2, id="mixed"),
    ],
)
def test_parse(text, ns):
    assert parse_go_duration(text) == ns


@pytest.mark.parametrize("text", ["", "5", "1 h", "1d", "h", "1h30", "abc"])
def test_parse_rejects(text):
    with pytest.raises(ValueError, match="duration"):
        parse_go_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(5400, "1h30m"), (45, "45s"), (0, "0s"), (3600, "1h")]
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text
