"""The fast paths of printing logs hold to what the plain code did: JSON lines byte for byte
as `json.dumps`, the merge as `heapq.merge`, one colour pattern as the two it replaced, and
`--timestamps` in the viewer's zone."""

from __future__ import annotations

import heapq
import json
import random
import re
import time

import pytest

from scheduled_jobs.cli.ops.logreader import event, human_lines, json_lines, merge, render

STREAM = "copilot/report/0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def _dumps(e) -> str:
    """How a line was written before: one dict, json.dumps, ensure_ascii=False."""
    timestamp, stream, message, ingested = e
    return json.dumps(
        {
            "logStreamName": stream,
            "timestamp": timestamp,
            "ingestionTime": ingested,
            "message": message,
        },
        ensure_ascii=False,
    )


TRICKY = [
    pytest.param("", id="empty"),
    pytest.param("hello world", id="plain"),
    pytest.param("say \"hi\" and 'bye'", id="quotes"),
    pytest.param("C:\\path\\to\\file \\\\server", id="backslashes"),
    pytest.param('ends with a backslash \\" and quote \\', id="backslash-quote"),
    pytest.param("".join(chr(c) for c in range(32)), id="every-control-char"),
    pytest.param("tab\there\r\nline\n", id="tab-crlf-newline"),
    pytest.param("\x7f delete \x85 nel \xa0 nbsp", id="del-nel-nbsp"),
    pytest.param("Zürich, Ærøskøbing, naïve café", id="latin-1"),
    pytest.param("日本語のログ 😀 🚀 \U0010ffff", id="cjk-emoji-astral"),
    pytest.param("line\u2028separator\u2029paragraph", id="js-line-separators"),
    pytest.param("\ufeffbom and \ufffd replacement", id="bom"),
    pytest.param("lone \ud800 surrogate \udfff", id="lone-surrogates"),
    pytest.param('{"level": "error", "nested": {"a": [1, 2]}}', id="json-in-message"),
    pytest.param('}, {"logStreamName": "fake"', id="looks-like-a-record-boundary"),
    pytest.param("x" * 262_144 + 'é"\\\n' * 1000, id="very-long"),
]


@pytest.mark.parametrize("message", TRICKY)
@pytest.mark.parametrize(
    ("stream", "ingested"),
    [
        pytest.param(STREAM, 1714554000999, id="ingested"),
        pytest.param(STREAM, None, id="no-ingestion-time"),
        pytest.param('states/sm "quoted"/ünï/\\x', 0, id="tricky-stream"),
    ],
)
def test_json_lines_are_byte_identical_to_json_dumps(message, stream, ingested):
    e = event(1714554000123, stream, message, ingested)
    (line,) = json_lines([e])
    assert line == _dumps(e)
    assert line.encode("utf-8", "surrogatepass") == _dumps(e).encode("utf-8", "surrogatepass")
    assert json.loads(line) == {
        "logStreamName": stream,
        "timestamp": 1714554000123,
        "ingestionTime": ingested,
        "message": message,
    }


def test_json_lines_match_json_dumps_on_random_text():
    """Many random strings over an alphabet of every kind of character JSON treats apart."""
    rng = random.Random(14)
    alphabet = (
        [chr(c) for c in range(0, 0x80)]
        + list('"\\/\u2028\u2029\ufeff')
        + [
            "é",
            "ß",
            "€",
            "日",
            "😀",
            "\U0001f600",
            "\ud83d",
            "\udca9",
            "\x80",
            "\x9f",
        ]
    )
    events = [
        event(
            rng.randrange(0, 2**41),
            rng.choice([STREAM, "copilot/nginx/ab", "états/ø"]),
            "".join(rng.choices(alphabet, k=rng.randrange(0, 120))),
            rng.choice([None, rng.randrange(0, 2**41)]),
        )
        for _ in range(3000)
    ]
    assert json_lines(events) == [_dumps(e) for e in events]
    assert render(events, as_json=True, colour=True, timestamps=True) == "".join(
        _dumps(e) + "\n" for e in events
    )


def _interleaved(rng: random.Random, streams: int, per_stream: int) -> list[list]:
    """Streams each in time order, timestamps drawn from a small range so ties are common."""
    out = []
    for s in range(streams):
        stamps = sorted(rng.randrange(0, per_stream) for _ in range(per_stream))
        out.append([event(ts, f"copilot/c{s}/t", f"s{s} #{i}") for i, ts in enumerate(stamps)])
    return out


@pytest.mark.parametrize(
    ("streams", "per_stream"),
    [
        pytest.param(1, 50, id="one-stream"),
        pytest.param(3, 40, id="three-streams-many-ties"),
        pytest.param(20, 200, id="twenty-streams"),
    ],
)
def test_merge_is_heapq_merge_by_timestamp_ties_in_stream_order(streams, per_stream):
    per = _interleaved(random.Random(streams), streams, per_stream)
    expected = list(heapq.merge(*per, key=lambda e: e[0]))
    assert merge(per) == expected
    assert merge([[], *per, []]) == expected


def test_merge_ties_keep_stream_order():
    a = [event(1, "a", "a1"), event(2, "a", "a2"), event(2, "a", "a3")]
    b = [event(2, "b", "b1"), event(2, "b", "b2")]
    assert [e[2] for e in merge([b, a])] == ["a1", "b1", "b2", "a2", "a3"]
    assert merge([]) == [] and merge([[], []]) == []


# The two patterns, applied one after the other, that one pattern replaced.
_OLD_RED = re.compile(r"\b(FATA|FATAL|fatal|ERR|ERROR|error)\b")
_OLD_YELLOW = re.compile(r"\b(WARN|warn|WARNING|warning)\b")


def _old_human(e) -> str:
    message = e[2].rstrip("\n")
    message = _OLD_RED.sub("\x1b[31m\\1\x1b[0m", message)
    message = _OLD_YELLOW.sub("\x1b[33m\\1\x1b[0m", message)
    return f"\x1b[90mreport/0f1e2d3c\x1b[0m {message}"


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("ERROR: disk full, WARNING: retrying", id="both"),
        pytest.param("FATAL FATA fatal ERR error", id="every-red-word"),
        pytest.param("WARN warn WARNING warning", id="every-yellow-word"),
        pytest.param("ERRORWARN error-warn warn_error", id="adjacent"),
        pytest.param("terrors forewarned Error Warn", id="not-words-or-case"),
        pytest.param("no levels here\n", id="none"),
    ],
)
def test_one_colour_pattern_paints_as_the_two_did(message):
    e = event(1, STREAM, message)
    assert human_lines([e], colour=True) == [_old_human(e)]


def test_one_colour_pattern_on_random_words():
    rng = random.Random(7)
    words = ["ERROR", "error", "ERR", "FATAL", "FATA", "fatal", "WARN", "warning", "WARNING"]
    words += ["warn", "ok", "-", "_", ":", " ", "\t", "x", "Error", "ERRORS"]
    events = [event(1, STREAM, "".join(rng.choices(words, k=12))) for _ in range(2000)]
    assert human_lines(events, colour=True) == [_old_human(e) for e in events]


@pytest.fixture
def zone(monkeypatch):
    """Set the viewer's zone (TZ) for this process, and put it back afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        pytest.param("UTC", "2024-05-01T09:00:00.007+00:00", id="utc"),
        pytest.param("Europe/Paris", "2024-05-01T11:00:00.007+02:00", id="paris-summer"),
        pytest.param("Asia/Kolkata", "2024-05-01T14:30:00.007+05:30", id="half-hour-offset"),
        pytest.param("America/Sao_Paulo", "2024-05-01T06:00:00.007-03:00", id="west"),
    ],
)
def test_timestamps_are_in_the_viewers_zone(zone, tz, expected):
    zone(tz)
    e = event(1714554000007, STREAM, "hello\n")
    assert human_lines([e], colour=False, timestamps=True) == [f"{expected} report/0f1e2d3c hello"]
    coloured = human_lines([e], colour=True, timestamps=True)
    assert coloured == [f"\x1b[90m{expected} report/0f1e2d3c\x1b[0m hello"]


def test_timestamps_follow_the_zones_changes(zone):
    """Each event's own offset: winter and summer time in one read."""
    zone("Europe/Paris")
    winter, summer = event(1704100000000, STREAM, "w"), event(1714554000000, STREAM, "s")
    lines = human_lines([winter, summer], colour=False, timestamps=True)
    assert lines[0].startswith("2024-01-01T10:06:40.000+01:00 ")
    assert lines[1].startswith("2024-05-01T11:00:00.000+02:00 ")


def test_timestamps_leave_json_alone(zone):
    zone("Asia/Kolkata")
    e = event(1714554000007, STREAM, "hi", 1714554000100)
    assert render([e], as_json=True, colour=False, timestamps=True) == _dumps(e) + "\n"
