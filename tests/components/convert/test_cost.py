"""The monthly Fargate estimate against cases worked out by hand from fargate_prices.json."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scheduled_jobs.components.convert.cost import (
    NoPriceError,
    estimate,
    median_duration,
    price_table,
    runs_per_month,
)

JAN_2027 = datetime(2027, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("expression", "start", "runs"),
    [
        # 2027 has 365 days and 261 weekdays; 2028 is a leap year (366 days).
        pytest.param("cron(0 6 * * ? *)", JAN_2027, 365 / 12, id="daily-2027"),
        pytest.param("cron(0 6 * * ? *)", datetime(2028, 1, 1), 366 / 12, id="daily-leap-year"),
        pytest.param("cron(0 9 ? * MON-FRI *)", JAN_2027, 261 / 12, id="weekdays-2027"),
        pytest.param("cron(0,30 8-9 ? * 2-6 *)", JAN_2027, 261 * 4 / 12, id="weekdays-4-a-day"),
        pytest.param("cron(0 0 1 * ? *)", datetime(2027, 3, 15), 1.0, id="monthly-from-mid-march"),
        pytest.param("cron(0 0 1 1 ? 2027)", JAN_2027, 1 / 12, id="once-in-2027"),
        pytest.param("cron(* * * * ? *)", JAN_2027, 525_600 / 12, id="every-minute"),
        pytest.param("rate(1 hour)", None, 730.0, id="hourly-rate-730h"),
        pytest.param("rate(90 minutes)", None, 43_800 / 90, id="rate-90-minutes"),
        pytest.param("rate(2 days)", None, 730 / 48, id="rate-2-days"),
        pytest.param(None, None, 0.0, id="no-schedule"),
    ],
)
def test_runs_per_month(expression, start, runs):
    counted, basis = runs_per_month(expression, start=start)
    assert counted == pytest.approx(runs)
    if expression:
        assert expression in basis


# Each case: (inputs, hourly rate, billed seconds, runs a month, monthly USD), computed by hand:
#   hourly = vCPU x (vCPU rate + OS fee) + GB x GB rate + (ephemeral - 20) x storage rate
#   monthly = runs x billed / 3600 x hourly
CASES = [
    pytest.param(
        {"expression": "cron(0 6 * * ? *)", "cpu_units": 256, "memory_mib": 512},
        {"timeout_seconds": 900},
        # 0.25 x 0.04048 + 0.5 x 0.004445 = 0.0123425; 365/12 x 900/3600 x 0.0123425
        (0.0123425, 900, 365 / 12, 0.0938544271, True),
        id="linux-x86-daily-timeout-upper-bound",
    ),
    pytest.param(
        {
            "expression": "rate(1 hour)",
            "cpu_units": 1024,
            "memory_mib": 2048,
            "architecture": "arm64",
        },
        {"median_seconds": 30, "runs_measured": 5},
        # 0.03238 + 2 x 0.00356 = 0.0395; 30 s is billed as the 60 s minimum; 730 x 60/3600
        (0.0395, 60, 730.0, 0.4805833333, False),
        id="linux-arm-hourly-minimum-minute",
    ),
    pytest.param(
        {
            "expression": "cron(0 9 ? * MON-FRI *)",
            "cpu_units": 1024,
            "memory_mib": 2048,
            "os_family": "windows_server_2022_core",
        },
        {"median_seconds": 120, "runs_measured": 3},
        # (0.09148 + 0.046 licence) + 2 x 0.01005 = 0.15758; 120 s billed as the 300 s minimum
        (0.15758, 300, 21.75, 0.28561375, False),
        id="windows-weekdays-licence-and-5-minute-minimum",
    ),
    pytest.param(
        {
            "expression": "rate(30 minutes)",
            "cpu_units": 2048,
            "memory_mib": 4096,
            "ephemeral_gib": 50,
            "spot": True,
        },
        {"median_seconds": 1800.4, "runs_measured": 10},
        # 2 x 0.01334053 + 4 x 0.00146489 + 30 x 0.000111 = 0.03587062; 1800.4 s -> 1801 s
        (0.03587062, 1801, 1460.0, 26.2001001292, False),
        id="spot-with-50-gib-storage-rounded-up-second",
    ),
    pytest.param(
        {"expression": None, "cpu_units": 256, "memory_mib": 512},
        {"timeout_seconds": 600},
        (0.0123425, 600, 0.0, 0.0, True),
        id="no-schedule-costs-nothing-scheduled",
    ),
]


@pytest.mark.parametrize(("inputs", "duration", "expected"), CASES)
def test_estimate_matches_hand_computation(inputs, duration, expected):
    hourly, billed, runs, monthly, upper = expected
    result = estimate(region="us-east-1", start=JAN_2027, **inputs, **duration)
    assert result.hourly_usd == pytest.approx(hourly)
    assert result.billed_seconds == billed
    assert result.runs_per_month == pytest.approx(runs, abs=1e-4)
    assert result.monthly_usd == pytest.approx(monthly, rel=1e-6)
    assert result.upper_bound is upper
    # The explanation names what the figure came from.
    assert str(billed) in result.formula
    assert ("at most" in result.summary()) is upper


def test_no_duration_gives_an_hourly_rate_only():
    result = estimate(expression="rate(1 day)", cpu_units=512, memory_mib=1024, region="us-east-1")
    assert result.monthly_usd is None and result.billed_seconds is None
    assert result.hourly_usd == pytest.approx(0.5 * 0.04048 + 1 * 0.004445)
    assert "per hour of running" in result.summary()
    assert "no timeout" in result.summary()


def test_json_is_camel_case_with_source():
    data = estimate(
        expression="rate(1 hour)",
        cpu_units=256,
        memory_mib=512,
        region="us-east-1",
        timeout_seconds=60,
    ).to_json()
    assert data["monthlyUsd"] == pytest.approx(730 * 60 / 3600 * 0.0123425, rel=1e-6)
    assert data["source"] == price_table()["source"]
    assert {"runsPerMonth", "durationBasis", "billedSeconds", "rates", "formula"} <= set(data)


@pytest.mark.parametrize(
    ("region", "kwargs", "message"),
    [
        pytest.param("mars-north-1", {}, "no Fargate prices for mars-north-1", id="region"),
        pytest.param("us-east-1", {"spot": True, "architecture": "arm64"}, "Spot", id="arm-spot"),
    ],
)
def test_missing_prices_are_said(region, kwargs, message):
    with pytest.raises(NoPriceError, match=message):
        estimate(expression=None, cpu_units=256, memory_mib=512, region=region, **kwargs)


@pytest.mark.parametrize(
    ("durations", "median"),
    [
        pytest.param([30, 10, 20], 20, id="odd"),
        pytest.param([10, 20, 30, None, 40], 25, id="even-skips-running"),
        pytest.param([None], None, id="none-finished"),
        pytest.param([], None, id="empty"),
    ],
)
def test_median_duration(durations, median):
    assert median_duration(durations) == median


def test_table_says_its_source_date_and_what_is_confirmed():
    table = price_table()
    assert table["source"].startswith("https://aws.amazon.com/fargate/pricing")
    datetime.strptime(table["retrieved"], "%Y-%m-%d")
    assert table["confirmed"]
    for region in table["regions"].values():
        assert region["onDemand"]["linux/x86_64"]["vcpuHour"] > 0


def test_a_one_time_run_is_not_counted_as_a_monthly_schedule():
    from scheduled_jobs.components.convert.cost import runs_per_month

    runs, how = runs_per_month("at(2099-01-04T06:30:00)")
    assert runs == 0.0 and "runs once" in how
