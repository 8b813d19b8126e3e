"""Schedules: Copilot's conversion table, the bugs we do not copy, AWS checks, words, run times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduled_jobs.components import ManifestError, to_aws_schedule
from scheduled_jobs.components.manifest.schedule import describe_schedule, next_runs

UTC = timezone.utc

# Copilot's own examples (reference section 2.1), which must convert exactly as Copilot does.
COPILOT_EXAMPLES = [
    pytest.param("@every 1h30m", "rate(90 minutes)", id="every-1h30m"),
    pytest.param("@every 1m", "rate(1 minute)", id="every-1m-singular"),
    pytest.param("@every 60000ms", "rate(1 minute)", id="every-60000ms"),
    pytest.param("@every 24h", "rate(1440 minutes)", id="every-24h-in-minutes"),
    pytest.param("@hourly", "cron(0 * * * ? *)", id="hourly"),
    pytest.param("@daily", "cron(0 0 * * ? *)", id="daily"),
    pytest.param("@midnight", "cron(0 0 * * ? *)", id="midnight"),
    pytest.param("@weekly", "cron(0 0 ? * 1 *)", id="weekly-sunday"),
    pytest.param("@monthly", "cron(0 0 1 * ? *)", id="monthly"),
    pytest.param("@yearly", "cron(0 0 1 1 ? *)", id="yearly"),
    pytest.param("@annually", "cron(0 0 1 1 ? *)", id="annually"),
    pytest.param("* * * * *", "cron(* * * * ? *)", id="every-minute"),
    pytest.param("* * ? * ?", "cron(* * * * ? *)", id="question-marks-as-star"),
    pytest.param("* * 1 * *", "cron(* * 1 * ? *)", id="dom-specified"),
    pytest.param("* * * * MON-FRI", "cron(* * ? * MON-FRI *)", id="dow-names-kept"),
    pytest.param("* * * * 2-6", "cron(* * ? * 3-7 *)", id="dow-range-renumbered"),
    pytest.param("0 12 * * MON", "cron(0 12 ? * MON *)", id="noon-monday"),
    pytest.param("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)", id="weekdays-at-nine"),
    pytest.param("rate(5 minutes)", "rate(5 minutes)", id="rate-passthrough"),
    pytest.param("cron(0 12 L * ? 2021)", "cron(0 12 L * ? 2021)", id="cron-passthrough"),
]

# Where Copilot is wrong or silent, and what we do instead.
FIXED = [
    pytest.param("none", None, id="none"),
    pytest.param("None", None, id="none-capitalised"),
    pytest.param("NONE", None, id="none-upper"),
    pytest.param("  none \n", None, id="none-with-spaces"),
    pytest.param("0 0 */2 * *", "cron(0 0 */2 * ? *)", id="dom-step-kept"),
    pytest.param("0 0 1-15/2 * *", "cron(0 0 1-15/2 * ? *)", id="dom-range-step-kept"),
    pytest.param("0 0 * * */2", "cron(0 0 ? * 1,3,5,7 *)", id="dow-star-step-expanded"),
    pytest.param("0 0 * * 1/2", "cron(0 0 ? * 2,4,6 *)", id="dow-start-step-expanded"),
    pytest.param("0 0 * * 1-5/2", "cron(0 0 ? * 2,4,6 *)", id="dow-range-step-expanded"),
    pytest.param("0 0 * * mon-fri/2", "cron(0 0 ? * 2,4,6 *)", id="dow-name-step-expanded"),
    pytest.param("0 0 * * */1", "cron(0 0 * * ? *)", id="dow-step-one-is-every-day"),
    pytest.param("0 0 * * 0,6", "cron(0 0 ? * 1,7 *)", id="dow-list-renumbered"),
    pytest.param("0 0 * * sun", "cron(0 0 ? * SUN *)", id="dow-name-lower-case"),
    pytest.param("0 0 1 jan *", "cron(0 0 1 JAN ? *)", id="month-name-lower-case"),
    pytest.param("0 0 ? * ?", "cron(0 0 * * ? *)", id="both-days-question-mark"),
    pytest.param("0 0 */1 * 1", "cron(0 0 ? * 2 *)", id="dom-step-one-unrestricted"),
    pytest.param("5/20 */3 * * *", "cron(5/20 */3 * * ? *)", id="minute-start-step"),
    pytest.param("?/15 * * * *", "cron(*/15 * * * ? *)", id="question-step-as-star"),
    pytest.param("00 09 05 * *", "cron(0 9 5 * ? *)", id="leading-zeros-dropped"),
    pytest.param("*,5 1,* * * *", "cron(* * * * ? *)", id="star-in-list-is-star"),
    pytest.param("  0   9 * *  1 ", "cron(0 9 ? * 2 *)", id="extra-whitespace"),
    pytest.param("cron(0  12 * * ? *)", "cron(0 12 * * ? *)", id="cron-spaces-normalised"),
    pytest.param("rate(1 hour)", "rate(1 hour)", id="rate-hour"),
    pytest.param("rate(2 days)", "rate(2 days)", id="rate-days"),
    pytest.param("cron(0 18 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)", id="cron-weekdays"),
    pytest.param("cron(0/15 * * * ? *)", "cron(0/15 * * * ? *)", id="cron-minute-step"),
    pytest.param("cron(0 0 LW * ? *)", "cron(0 0 LW * ? *)", id="cron-last-weekday"),
    pytest.param("cron(0 0 15W * ? *)", "cron(0 0 15W * ? *)", id="cron-nearest-weekday"),
    pytest.param("cron(0 0 ? * 6L *)", "cron(0 0 ? * 6L *)", id="cron-last-friday"),
    pytest.param("cron(0 0 ? * MON#3 *)", "cron(0 0 ? * MON#3 *)", id="cron-third-monday"),
    pytest.param("cron(0 0 ? * FRI-MON *)", "cron(0 0 ? * FRI-MON *)", id="cron-wrapping-range"),
    pytest.param("cron(0 0 1 */3 ? 2025-2030)", "cron(0 0 1 */3 ? 2025-2030)", id="cron-years"),
    pytest.param("cron(0 0 1 1 ? 2024/2)", "cron(0 0 1 1 ? 2024/2)", id="cron-year-step"),
]


@pytest.mark.parametrize(("text", "expected"), COPILOT_EXAMPLES + FIXED)
def test_to_aws_schedule(text, expected):
    assert to_aws_schedule(text) == expected


INVALID = [
    pytest.param("", "is empty", id="empty"),
    pytest.param("every day", 'is not a cron expression, rate(), @preset or "none"', id="words"),
    pytest.param("nonesuch", "is not a cron expression", id="contains-none-not-special"),
    pytest.param("none rate(5 minutes)", "is not a cron expression", id="unanchored-match"),
    pytest.param("@every 89s", "whole number of minutes", id="every-89s"),
    pytest.param("@every 0m", "at least 1 minute", id="every-zero"),
    pytest.param("@every -5m", "at least 1 minute", id="every-negative"),
    pytest.param("@every 402 seconds", "needs a Go duration", id="every-not-go-duration"),
    pytest.param("@every", "needs a Go duration", id="every-without-duration"),
    pytest.param("@every 3000000h", "longer than a Go duration", id="every-overflows-go"),
    pytest.param("@minutely", "is not a known preset", id="unknown-preset"),
    pytest.param(
        "* * 1 * SUN", "restricts both day-of-month (1) and day-of-week (SUN)", id="dom-and-dow"
    ),
    pytest.param("0 0 */2 * 1", "AWS cannot express", id="dom-step-and-dow"),
    pytest.param("0 9 * * 7", "day-of-week 7 is out of range 0-6", id="dow-seven"),
    pytest.param("60 * * * *", "minute 60 is out of range 0-59", id="minute-60"),
    pytest.param("0 24 * * *", "hour 24 is out of range 0-23", id="hour-24"),
    pytest.param("0 0 0 * *", "day-of-month 0 is out of range 1-31", id="dom-zero"),
    pytest.param("0 0 1 13 *", "month 13 is out of range 1-12", id="month-13"),
    pytest.param("0 0 1 foo *", 'month "foo" is not a number', id="month-bad-name"),
    pytest.param("0 5-1 * * *", 'hour range "5-1" runs backwards', id="std-range-backwards"),
    pytest.param("*/0 * * * *", "step", id="std-step-zero"),
    pytest.param("0 0 L * *", 'day-of-month "L" is not a number', id="std-no-L"),
    pytest.param("0 0 * * 1#2", "is not a number", id="std-no-hash"),
    pytest.param("0 0 1,,2 * *", "empty item", id="std-empty-item"),
    pytest.param("* * * * * *", "has 6 fields", id="six-fields-unwrapped"),
    pytest.param("0 9 * *", "is not a cron expression", id="four-fields"),
    pytest.param(
        "CRON_TZ=Europe/Londn 0 9 * * *", "did you mean 'Europe/London'?", id="cron-tz-typo"
    ),
    pytest.param("CRON_TZ=Europe/Paris", "nothing to run on after it", id="cron-tz-alone"),
    pytest.param("TZ=UTC none", "after the zone", id="tz-none"),
    pytest.param("CRON_TZ=UTC at(2030-01-01T00:00:00)", "after the zone", id="tz-at"),
    pytest.param("at(2030-01-01 09:00:00)", "at(yyyy-mm-ddThh:mm:ss)", id="at-space"),
    pytest.param("at(2030-02-30T09:00:00)", "date and time that exists", id="at-no-such-day"),
    pytest.param("at(2030-01-01T25:00:00)", "date and time that exists", id="at-hour-25"),
    pytest.param("rate(1 minutes)", "must say 1 minute", id="rate-plural-for-one"),
    pytest.param("rate(5 minute)", "must say 5 minutes", id="rate-singular-for-many"),
    pytest.param("rate(0 minutes)", "at least 1", id="rate-zero"),
    pytest.param("rate(-5 minutes)", "at least 1", id="rate-negative"),
    pytest.param("rate(1.5 hours)", "at least 1", id="rate-fraction"),
    pytest.param("rate(5 seconds)", 'unknown unit "seconds"', id="rate-seconds"),
    pytest.param("rate(5 weeks)", 'unknown unit "weeks"', id="rate-weeks"),
    pytest.param("rate(5minutes)", "is not a rate expression", id="rate-no-space"),
    pytest.param("RATE(5 minutes)", "is not a cron expression", id="rate-upper-case"),
    pytest.param("cron(0 9 * * *)", "needs exactly 6 fields", id="cron-five-fields"),
    pytest.param(
        "cron(0 9 * * * *)", "exactly one of day-of-month and day-of-week", id="cron-no-q"
    ),
    pytest.param(
        "cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week", id="cron-two-q"
    ),
    pytest.param("cron(75 * * * ? *)", "minute 75 is out of range 0-59", id="cron-minute"),
    pytest.param("cron(0 24 * * ? *)", "hour 24 is out of range 0-23", id="cron-hour"),
    pytest.param("cron(0 0 32 * ? *)", "day-of-month 32 is out of range", id="cron-dom"),
    pytest.param("cron(0 0 ? * 0 *)", "day-of-week 0 is out of range 1-7", id="cron-dow-zero"),
    pytest.param("cron(0 0 ? * 8 *)", "day-of-week 8 is out of range 1-7", id="cron-dow-eight"),
    pytest.param("cron(0 0 ? * */2 *)", "cannot have a step", id="cron-dow-step"),
    pytest.param("cron(0 0 ? * 2#6 *)", "after # must be 1-5", id="cron-hash-six"),
    pytest.param("cron(0 0 1 1 ? 1969)", "year 1969 is out of range 1970-2199", id="cron-year-low"),
    pytest.param("cron(0 0 1 1 ? 2200)", "year 2200 is out of range", id="cron-year-high"),
    pytest.param(
        "cron(0 0 1 1 ? 2030-2025)", 'range "2030-2025" runs backwards', id="cron-years-back"
    ),
    pytest.param("cron(*/0 * * * ? *)", "at least 1", id="cron-step-zero"),
    pytest.param("cron(*,5 * * * ? *)", "cannot be listed", id="cron-star-in-list"),
    pytest.param("cron(0 0 L-3 * ? *)", "is not a number", id="cron-l-minus-unsupported"),
    pytest.param("cron(0 0 32W * ? *)", "out of range", id="cron-w-out-of-range"),
]


@pytest.mark.parametrize(("text", "fragment"), INVALID)
def test_invalid_schedules_say_what_is_wrong(text, fragment):
    with pytest.raises(ManifestError) as caught:
        to_aws_schedule(text)
    message = str(caught.value)
    assert fragment in message
    assert "schedule" not in message.split(":")[0]  # the caller adds the field name


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        pytest.param("CRON_TZ=Asia/Tokyo 0 9 * * *", "cron(0 9 * * ? *)", "Asia/Tokyo",
                     id="cron-tz"),
        pytest.param("TZ=UTC 0 9 * * 1-5", "cron(0 9 ? * 2-6 *)", "UTC", id="tz"),
        pytest.param("CRON_TZ=Europe/London @daily", "cron(0 0 * * ? *)", "Europe/London",
                     id="cron-tz-preset"),
        pytest.param("at(2030-01-31T09:00:00)", "at(2030-01-31T09:00:00)", None, id="at"),
        pytest.param("0 9 * * *", "cron(0 9 * * ? *)", None, id="no-zone"),
    ],
)  # fmt: skip
def test_zones_and_one_time_runs(text, expected, zone):
    from scheduled_jobs.components.manifest.schedule import split_zone

    assert to_aws_schedule(text) == expected
    assert split_zone(text)[0] == zone


def test_importing_components_schedule_needs_no_pulumi_or_pydantic():
    import subprocess
    import sys

    code = (
        "import sys, scheduled_jobs.components as components; "
        "components.to_aws_schedule('@daily'); "
        "import scheduled_jobs.components.manifest.schedule; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pulumi', 'pulumi_aws', 'pydantic', 'cron_descriptor'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


DESCRIPTIONS = [
    pytest.param(None, "disabled", id="none"),
    pytest.param("rate(90 minutes)", "every 90 minutes", id="rate-minutes"),
    pytest.param("rate(1 minute)", "every minute", id="rate-one-minute"),
    pytest.param("rate(1 hour)", "every hour", id="rate-one-hour"),
    pytest.param("rate(2 days)", "every 2 days", id="rate-days"),
    pytest.param("cron(0 9 ? * MON-FRI *)", "at 09:00 UTC, Monday through Friday", id="weekdays"),
    pytest.param("cron(0 9 ? * 2-6 *)", "at 09:00 UTC, Monday through Friday", id="weekdays-num"),
    pytest.param("cron(0 0 ? * 1 *)", "at 00:00 UTC, only on Sunday", id="sunday-is-one"),
    pytest.param("cron(0 0 ? * 7 *)", "at 00:00 UTC, only on Saturday", id="saturday-is-seven"),
    pytest.param("cron(0 0 ? * L *)", "at 00:00 UTC, only on Saturday", id="dow-L-saturday"),
    pytest.param("cron(*/15 * * * ? *)", "every 15 minutes", id="every-15-minutes"),
    pytest.param("cron(0 0 LW * ? *)", "at 00:00 UTC, on the last weekday of the month", id="lw"),
    pytest.param(
        "cron(0 12 L * ? 2021)",
        "at 12:00 UTC, on the last day of the month, only in 2021",
        id="year-field",
    ),
    pytest.param("cron(0 * ? * 1 *)", "every hour, only on Sunday (UTC)", id="no-time-utc-note"),
    pytest.param("cron(bad)", "cron(bad)", id="unreadable-shown-raw"),
    pytest.param("at(2030-01-01)", "at(2030-01-01)", id="other-shown-raw"),
]


@pytest.mark.parametrize(("expression", "expected"), DESCRIPTIONS)
def test_describe_schedule(expression, expected):
    assert describe_schedule(expression) == expected


START = datetime(2024, 1, 15, 10, 7, 30, tzinfo=UTC)  # a Monday


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


NEXT_RUNS = [
    pytest.param(
        "cron(0 9 ? * 2-6 *)",
        [_at(2024, 1, 16, 9), _at(2024, 1, 17, 9), _at(2024, 1, 18, 9)],
        id="weekdays-next-day",
    ),
    pytest.param(
        "cron(*/15 * * * ? *)",
        [_at(2024, 1, 15, 10, 15), _at(2024, 1, 15, 10, 30), _at(2024, 1, 15, 10, 45)],
        id="quarter-hours",
    ),
    pytest.param(
        "cron(0 0 L * ? *)",
        [_at(2024, 1, 31), _at(2024, 2, 29), _at(2024, 3, 31)],
        id="last-day-leap-february",
    ),
    pytest.param(
        # Mar 31 2024 is a Sunday, Jun 30 2024 a Sunday, Aug 31 2024 a Saturday.
        "cron(0 0 LW 3,6,8 ? *)",
        [_at(2024, 3, 29), _at(2024, 6, 28), _at(2024, 8, 30)],
        id="last-weekday",
    ),
    pytest.param(
        # Jun 1 2024 is a Saturday (no Friday before it in June), Sep 1 2024 a Sunday.
        "cron(0 0 1W 6,9 ? *)",
        [_at(2024, 6, 3), _at(2024, 9, 2), _at(2025, 6, 2)],
        id="nearest-weekday-stays-in-month",
    ),
    pytest.param(
        "cron(0 0 31W * ? 2024)",
        [_at(2024, 1, 31), _at(2024, 3, 29), _at(2024, 5, 31)],
        id="nearest-weekday-skips-short-months",
    ),
    pytest.param(
        "cron(0 0 ? * 6L *)",
        [_at(2024, 1, 26), _at(2024, 2, 23), _at(2024, 3, 29)],
        id="last-friday",
    ),
    pytest.param(
        "cron(0 0 ? * MON#1 *)",
        [_at(2024, 2, 5), _at(2024, 3, 4), _at(2024, 4, 1)],
        id="first-monday",
    ),
    pytest.param(
        "cron(0 0 ? 2 1#5 *)",
        [_at(2032, 2, 29), _at(2060, 2, 29), _at(2088, 2, 29), _at(2128, 2, 29)],
        id="fifth-sunday-of-february-sparse",
    ),
    pytest.param(
        "cron(0 0 ? * L *)",
        [_at(2024, 1, 20), _at(2024, 1, 27)],
        id="dow-L-is-saturday",
    ),
    pytest.param(
        "cron(0 0 ? * FRI-MON *)",
        [_at(2024, 1, 19), _at(2024, 1, 20), _at(2024, 1, 21), _at(2024, 1, 22)],
        id="wrapping-day-range",
    ),
]


@pytest.mark.parametrize(("expression", "expected"), NEXT_RUNS)
def test_next_runs(expression, expected):
    assert next_runs(expression, count=len(expected), after=START) == expected


# Schedules whose runs end (or never start): every remaining run, asking for more.
FINAL_RUNS = [
    pytest.param(
        "cron(30 22-1 15 1 ? 2024)",
        [_at(2024, 1, 15, 22, 30), _at(2024, 1, 15, 23, 30)],
        id="wrapping-hour-range",
    ),
    pytest.param("cron(0 12 L * ? 2021)", [], id="past-year-none"),
    pytest.param("cron(0 0 1 1 ? 2030)", [_at(2030, 1, 1)], id="one-run-left"),
    pytest.param("cron(0 0 30 2 ? *)", [], id="impossible-date"),
    pytest.param(
        "cron(7 10 15 1 ? 2024,2025)",
        [_at(2025, 1, 15, 10, 7)],
        id="strictly-after-start-minute",
    ),
    pytest.param(
        # Jun 30 2024 is a Sunday: the nearest weekday inside June is Friday the 28th.
        "cron(0 0 30W 6 ? 2024)",
        [_at(2024, 6, 28)],
        id="nearest-weekday-month-end",
    ),
    pytest.param("rate(5 minutes)", [], id="rate-has-no-base-time"),
]


@pytest.mark.parametrize(("expression", "expected"), FINAL_RUNS)
def test_next_runs_stop_when_the_schedule_ends(expression, expected):
    assert next_runs(expression, count=10, after=START) == expected


def test_next_runs_default_start_is_now_and_aware():
    before = datetime.now(UTC)
    runs = next_runs("cron(* * * * ? *)", count=2)
    after = datetime.now(UTC)
    assert all(run.tzinfo is UTC for run in runs)
    assert before < runs[0] <= after + timedelta(minutes=1)
    assert runs[1] - runs[0] == timedelta(minutes=1)


def test_next_runs_takes_naive_after_as_utc():
    naive = datetime(2024, 1, 15, 8, 59)
    assert next_runs("cron(0 9 * * ? *)", count=1, after=naive) == [_at(2024, 1, 15, 9)]


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("every day", id="words"),
        pytest.param("cron(0 0 * * * *)", id="bad-cron"),
        pytest.param("none", id="none"),
        pytest.param("at(2030-01-01)", id="at-without-time"),
    ],
)
def test_next_runs_rejects_non_expressions(expression):
    with pytest.raises(ValueError):
        next_runs(expression)


# --- properties -------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text())
def test_any_text_gives_expression_none_or_manifest_error(text):
    _assert_expression_none_or_manifest_error(text)


def _assert_expression_none_or_manifest_error(text: str) -> None:
    try:
        result = to_aws_schedule(text)
    except ManifestError:
        return
    assert result is None or (isinstance(result, str) and result[:5] in {"rate(", "cron("})


_CRONISH = st.text(alphabet="0123456789*?/,-#LW @ JANMONFRIDECSUrate()ynvhx", max_size=40)


@settings(max_examples=500)
@given(_CRONISH)
def test_cron_like_text_gives_expression_none_or_manifest_error(text):
    _assert_expression_none_or_manifest_error(text)


def _std_item(draw, low: int, high: int) -> str:
    kind = draw(
        st.sampled_from(["star", "value", "range", "star-step", "value-step", "range-step"])
    )
    a = draw(st.integers(low, high - 1))
    # b > a: croniter 7 reads a one-value range such as `3-3` as `*` (robfig reads it as 3).
    b = draw(st.integers(a + 1, high))
    step = draw(st.integers(1, high - low + 1))
    return {
        "star": "*",
        "value": f"{a}",
        "range": f"{a}-{b}",
        "star-step": f"*/{step}",
        "value-step": f"{a}/{step}",
        "range-step": f"{a}-{b}/{step}",
    }[kind]


@st.composite
def standard_cron(draw) -> str:
    def field(low: int, high: int) -> str:
        size = draw(st.integers(1, 3))
        return ",".join(_std_item(draw, low, high) for _ in range(size))

    dom, dow = field(1, 31), field(0, 6)
    restricted = draw(st.sampled_from(["dom", "dow", "neither"]))
    dom = dom if restricted == "dom" else "*"
    dow = dow if restricted == "dow" else "*"
    return " ".join([field(0, 59), field(0, 23), dom, field(1, 12), dow])


@settings(max_examples=300, deadline=None)
@given(standard_cron())
def test_converted_cron_runs_when_standard_cron_does(spec):
    """Same run times as croniter (standard cron, Sunday 0) and valid for an AWS validator."""
    from aws_cron_expression_validator.validator import AWSCronExpressionValidator
    from croniter import croniter

    converted = to_aws_schedule(spec)
    AWSCronExpressionValidator.validate(converted[len("cron(") : -1])
    from croniter import CroniterBadDateError

    reference = croniter(spec, START)
    try:
        expected = [reference.get_next(datetime) for _ in range(5)]
    except CroniterBadDateError:  # a date that never comes (`30 2`, February 30th)
        expected = []
    assert next_runs(converted, count=5, after=START) == expected


# AWS cron cases on which this module and the aws-cron-expression-validator library agree.
AWS_VALIDITY = [
    pytest.param("0 9 ? * MON-FRI *", True, id="weekdays"),
    pytest.param("0/5 8-17 ? * MON-FRI *", True, id="business-hours"),
    pytest.param("0 0 L * ? *", True, id="last-day"),
    pytest.param("0 0 LW * ? *", True, id="last-weekday"),
    pytest.param("0 0 ? * 6L *", True, id="last-friday"),
    pytest.param("0 0 ? * 2#3 *", True, id="third-monday"),
    pytest.param("0 0 1 JAN,jul ? 2030", True, id="month-names"),
    pytest.param("0 0 ? * 1,7 *", True, id="weekend-list"),
    pytest.param("0 0 * * * *", False, id="no-question-mark"),
    pytest.param("0 0 ? * ? *", False, id="two-question-marks"),
    pytest.param("60 0 * * ? *", False, id="minute-60"),
    pytest.param("0 0 ? * 0 *", False, id="dow-zero"),
    pytest.param("0 0 ? * 8 *", False, id="dow-eight"),
    pytest.param("0 0 ? * */2 *", False, id="dow-step"),
    pytest.param("0 0 1 1 ? 1969", False, id="year-1969"),
    pytest.param("0 0 L-3 * ? *", False, id="l-minus-n"),
    pytest.param("0 0 * * ?", False, id="five-fields"),
    pytest.param("*,5 0 * * ? *", False, id="star-in-list"),
    pytest.param("*/5,7 0 * * ? *", True, id="step-in-list"),
]


@pytest.mark.parametrize(("body", "valid"), AWS_VALIDITY)
def test_aws_cron_check_agrees_with_validator_library(body, valid):
    from aws_cron_expression_validator.validator import (
        AWSCronExpressionError,
        AWSCronExpressionValidator,
    )

    try:
        AWSCronExpressionValidator.validate(body)
        library_valid = True
    except AWSCronExpressionError:
        library_valid = False
    try:
        to_aws_schedule(f"cron({body})")
        ours_valid = True
    except ManifestError:
        ours_valid = False
    assert (ours_valid, library_valid) == (valid, valid)


# --- time zones (EventBridge Scheduler) ----------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "zone", "after", "expected"),
    [
        pytest.param("cron(0 9 ? * 2-6 *)", "Europe/London", datetime(2024, 1, 15, 10, tzinfo=UTC),
                     [_at(2024, 1, 16, 9), _at(2024, 1, 17, 9)], id="london-winter-is-utc"),
        pytest.param("cron(0 9 * * ? *)", "Europe/London", datetime(2024, 7, 1, 0, tzinfo=UTC),
                     [_at(2024, 7, 1, 8), _at(2024, 7, 2, 8)], id="london-summer-is-utc+1"),
        # Clocks go forward at 01:00 UTC on 2024-03-31: 01:30 local does not exist that day.
        pytest.param("cron(30 1 * * ? *)", "Europe/London", datetime(2024, 3, 30, 2, tzinfo=UTC),
                     [_at(2024, 4, 1, 0, 30), _at(2024, 4, 2, 0, 30)], id="spring-gap-skipped"),
        # Clocks go back at 02:00 BST on 2024-10-27: 01:30 happens twice, the job runs once.
        pytest.param("cron(30 1 * * ? *)", "Europe/London", datetime(2024, 10, 26, 12, tzinfo=UTC),
                     [_at(2024, 10, 27, 0, 30), _at(2024, 10, 28, 1, 30)], id="autumn-repeat-once"),
        pytest.param("cron(0 9 * * ? *)", "Asia/Tokyo", datetime(2024, 1, 15, 0, 30, tzinfo=UTC),
                     [_at(2024, 1, 16, 0), _at(2024, 1, 17, 0)], id="tokyo-next-day"),
        pytest.param("cron(0 9 * * ? *)", "Asia/Tokyo", datetime(2024, 1, 14, 23, 59, tzinfo=UTC),
                     [_at(2024, 1, 15, 0), _at(2024, 1, 16, 0)], id="tokyo-same-day"),
        pytest.param("at(2030-01-31T09:00:00)", "America/New_York", START,
                     [_at(2030, 1, 31, 14)], id="at-in-zone"),
        pytest.param("at(2020-01-31T09:00:00)", None, START, [], id="at-in-the-past"),
    ],
)  # fmt: skip
def test_next_runs_in_a_zone(expression, zone, after, expected):
    assert next_runs(expression, count=2, after=after, zone_name=zone) == expected


@pytest.mark.parametrize(
    ("expression", "zone", "expected"),
    [
        pytest.param("cron(0 9 * * ? *)", "Europe/London", "at 09:00 Europe/London", id="cron"),
        pytest.param("at(2030-01-31T09:00:00)", "Asia/Tokyo",
                     "once, at 2030-01-31 09:00 Asia/Tokyo", id="at"),
        pytest.param("at(2030-01-31T09:00:00)", None, "once, at 2030-01-31 09:00 UTC", id="at-utc"),
    ],
)  # fmt: skip
def test_describe_schedule_in_a_zone(expression, zone, expected):
    assert describe_schedule(expression, zone) == expected


def test_unknown_zone_suggests_the_close_one():
    from scheduled_jobs.components.manifest.zones import check_zone

    with pytest.raises(ValueError, match="did you mean 'America/New_York'"):
        check_zone("America/NewYork")
    with pytest.raises(ValueError, match="such as Europe/London"):
        check_zone("Nowhere")
