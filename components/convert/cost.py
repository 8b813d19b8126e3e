"""What a job costs a month on Fargate: runs per month x billed seconds per run x the hourly
rates of its size, platform and capacity, from the table in fargate_prices.json.

Pure (stdlib + the manifest's calendar code): `jobs render` estimates from the manifest (the
duration is the timeout, an upper bound), `jobs show` from what is deployed (the median of the
recent runs). Only Fargate compute is counted: not Step Functions transitions, logs, image
storage or data transfer.

Runs per month:
- cron(...): counted run by run with the calendar code (schedule.next_runs) over the twelve
  calendar months that start at `start` (default: the next month), divided by 12, so that
  weekday schedules and leap years come out exact for that year.
- rate(...): an average month of 730 hours (AWS's own pricing convention) divided by the rate.
- no schedule: 0 (runs only on demand).
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).with_name("fargate_prices.json")
HOURS_PER_MONTH = 730  # AWS's pricing pages and calculator count a month as 730 hours
MINUTES_PER_MONTH = HOURS_PER_MONTH * 60
_RATE = re.compile(r"rate\((\d+) (minute|hour|day)s?\)")
_RATE_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
_BATCH = 10_000  # next_runs page size while counting a year of runs


class NoPriceError(ValueError):
    """The table has no price for this region, platform and capacity."""


@dataclass(frozen=True)
class Rates:
    vcpu_hour: float
    gb_hour: float
    storage_gb_hour: float
    os_license_vcpu_hour: float
    minimum_seconds: int
    included_storage_gb: int


@lru_cache(maxsize=1)
def price_table() -> dict[str, Any]:
    return json.loads(PRICES_FILE.read_text(encoding="utf-8"))


def platform_key(os_family: str, architecture: str) -> str:
    """`linux/x86_64`, `linux/arm64` or `windows/x86_64`, from manifest or ECS spellings."""
    os_name = "windows" if os_family.lower().startswith("windows") else "linux"
    arm = architecture.lower() in ("arm", "arm64")
    return f"{os_name}/{'arm64' if arm else 'x86_64'}"


def rates(region: str, platform: str, *, spot: bool = False) -> Rates:
    table = price_table()
    prices = table["regions"].get(region)
    if prices is None:
        raise NoPriceError(
            f"no Fargate prices for {region} in {PRICES_FILE.name} (it has "
            f"{', '.join(sorted(table['regions']))})"
        )
    kind = "spot" if spot else "onDemand"
    row = prices[kind].get(platform)
    if row is None:
        capacity = "Spot" if spot else "on-demand"
        raise NoPriceError(f"no {capacity} Fargate price for {platform} in {region}")
    return Rates(
        vcpu_hour=row["vcpuHour"],
        gb_hour=row["gbHour"],
        storage_gb_hour=prices["storageGbHour"],
        os_license_vcpu_hour=row.get("osLicenseVcpuHour", 0.0),
        minimum_seconds=table["minimumSeconds"][platform.split("/")[0]],
        included_storage_gb=table["includedStorageGb"],
    )


# ------------------------------------------------------------------------ runs per month

_WALK_LIMIT = 50_000


def _calendar_count(cron: Any, start: datetime, end: datetime) -> int:
    """Runs in [start, end) for whole months, counted on the calendar (UTC wall time)."""
    per_day = len(cron.hours) * len(cron.minutes)
    total = 0
    year, month = start.year, start.month
    while (year, month) < (end.year, end.month):
        if year in cron.years and month in cron.months:
            total += len(cron.days(year, month)) * per_day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return total


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def count_runs(expression: str, start: datetime, end: datetime, zone: str | None = None) -> int:
    """How many times a cron() expression runs in [start, end).

    In UTC (no zone) the calendar gives it directly: for each month, the days the expression
    matches (AwsCron.days) x its hours x its minutes. In a zone with daylight saving, runs in a
    skipped hour do not happen, so the runs are walked with next_runs instead (unless there
    are so many that the hour a year it changes is noise).
    """
    from scheduled_jobs.components.manifest.cron import parse_aws_cron
    from scheduled_jobs.components.manifest.schedule import next_runs

    cron = parse_aws_cron(expression.strip()[len("cron(") : -1])
    if not zone or _calendar_count(cron, start, end) > _WALK_LIMIT:
        return _calendar_count(cron, start, end)
    # Only pass a zone when there is one: schedules without a zone run in UTC.
    extra = {"zone_name": zone} if zone else {}
    after = start - timedelta(minutes=1)  # next_runs gives runs strictly after `after`
    total = 0
    while True:
        batch = next_runs(expression, _BATCH, after=after, **extra)
        for when in batch:
            if when >= end:
                return total
            total += 1
        if len(batch) < _BATCH:
            return total
        after = batch[-1]


def runs_per_month(
    expression: str | None, *, start: datetime | None = None, zone: str | None = None
) -> tuple[float, str]:
    """(runs in an average month, how that was counted)."""
    if expression is None:
        return 0.0, "no schedule: runs only when started by hand"
    rate = _RATE.fullmatch(expression.strip())
    if rate:
        minutes = int(rate[1]) * _RATE_MINUTES[rate[2]]
        runs = MINUTES_PER_MONTH / minutes
        return runs, f"{expression}: {HOURS_PER_MONTH} h a month / {minutes} min = {runs:.2f}"
    if expression.strip().startswith("at("):
        return 0.0, f"{expression}: runs once; the estimate is per run"
    if start is None:
        start = _next_month(datetime.now(timezone.utc))
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    start = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)  # whole months
    if zone:
        from zoneinfo import ZoneInfo

        start = start.replace(tzinfo=ZoneInfo(zone))  # the month as the job's zone counts it
    end = start.replace(year=start.year + 1)
    total = count_runs(expression, start, end, zone)
    runs = total / 12
    where = f" in {zone}" if zone else " UTC"
    return runs, (
        f"{expression}: {total} runs from {start:%Y-%m-%d}{where} to {end:%Y-%m-%d} / 12 "
        f"= {runs:.2f}"
    )


# ------------------------------------------------------------------------------ duration


def median_duration(durations: Iterable[float | int | None]) -> float | None:
    """The median of the runs that have a duration (finished runs); None when there are none."""
    known = [float(d) for d in durations if d is not None]
    return statistics.median(known) if known else None


# ------------------------------------------------------------------------------ estimate


@dataclass(frozen=True)
class Estimate:
    """A month's estimated Fargate cost and every figure it was computed from."""

    monthly_usd: float | None  # None: no duration to multiply by (no timeout, no runs)
    upper_bound: bool  # True when the duration is the timeout
    per_run_usd: float | None
    hourly_usd: float  # one task running for an hour
    runs_per_month: float
    runs_basis: str
    duration_seconds: float | None
    duration_basis: str
    billed_seconds: int | None
    region: str
    platform: str
    capacity: str
    vcpu: float
    memory_gb: float
    extra_storage_gb: int
    rates: dict[str, float]
    formula: str
    source: str
    retrieved: str

    def to_json(self) -> dict[str, Any]:
        """camelCase, as the other `--json` outputs."""
        return {_camel(key): value for key, value in asdict(self).items()}

    def summary(self) -> str:
        """One line: the figure, then how it was computed."""
        capacity = f"{self.capacity}, {self.platform}, {self.region} prices of {self.retrieved}"
        if self.monthly_usd is None:
            return (
                f"${self.hourly_usd:.4f} per hour of running ({capacity}); "
                f"{self.runs_per_month:.2f} runs a month, {self.duration_basis}"
            )
        bound = "at most " if self.upper_bound else "about "
        return f"{bound}${self.monthly_usd:.2f}/month ({capacity}): {self.formula}"


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def estimate(
    *,
    expression: str | None,
    cpu_units: int,
    memory_mib: int,
    region: str,
    os_family: str = "linux",
    architecture: str = "x86_64",
    ephemeral_gib: int | None = None,
    spot: bool = False,
    median_seconds: float | None = None,
    runs_measured: int = 0,
    timeout_seconds: int | None = None,
    zone: str | None = None,
    start: datetime | None = None,
) -> Estimate:
    """The monthly estimate. The duration is `median_seconds` (of `runs_measured` recent runs)
    when known, else the timeout (an upper bound: the execution is stopped then), else none."""
    platform = platform_key(os_family, architecture)
    price = rates(region, platform, spot=spot)
    vcpu = cpu_units / 1024
    memory_gb = memory_mib / 1024
    extra_storage = max(0, (ephemeral_gib or price.included_storage_gb) - price.included_storage_gb)
    hourly = (
        vcpu * (price.vcpu_hour + price.os_license_vcpu_hour)
        + memory_gb * price.gb_hour
        + extra_storage * price.storage_gb_hour
    )
    runs, runs_basis = runs_per_month(expression, start=start, zone=zone)
    upper = False
    if median_seconds is not None:
        duration: float | None = median_seconds
        plural = "" if runs_measured == 1 else "s"
        duration_basis = f"median of the last {runs_measured} run{plural}"
    elif timeout_seconds is not None:
        duration, upper = float(timeout_seconds), True
        duration_basis = "timeout, an upper bound"
    else:
        duration = None
        duration_basis = "no timeout and no finished runs to measure"
    billed = None if duration is None else max(price.minimum_seconds, math.ceil(duration))
    per_run = None if billed is None else billed / 3600 * hourly
    monthly = None if per_run is None else runs * per_run
    terms = [f"{vcpu:g} vCPU x ${price.vcpu_hour:g}"]
    if price.os_license_vcpu_hour:
        terms[0] = f"{vcpu:g} vCPU x (${price.vcpu_hour:g} + ${price.os_license_vcpu_hour:g} OS)"
    terms.append(f"{memory_gb:g} GB x ${price.gb_hour:g}")
    if extra_storage:
        terms.append(f"{extra_storage} GB storage x ${price.storage_gb_hour:g}")
    rate_text = f"({' + '.join(terms)}) per hour"
    if billed is None:
        formula = f"{rate_text}; {runs_basis}"
    else:
        below = duration < price.minimum_seconds
        minimum = f", billed at least {price.minimum_seconds} s" if below else ""
        formula = (
            f"{runs:.2f} runs x {billed} s ({duration_basis}{minimum}) x {rate_text}; "
            f"runs: {runs_basis}"
        )
    table = price_table()
    return Estimate(
        monthly_usd=None if monthly is None else round(monthly, 10),
        upper_bound=upper,
        per_run_usd=None if per_run is None else round(per_run, 10),
        hourly_usd=round(hourly, 10),
        runs_per_month=round(runs, 4),
        runs_basis=runs_basis,
        duration_seconds=duration,
        duration_basis=duration_basis,
        billed_seconds=billed,
        region=region,
        platform=platform,
        capacity="spot" if spot else "on-demand",
        vcpu=vcpu,
        memory_gb=memory_gb,
        extra_storage_gb=extra_storage,
        rates={
            "vcpuHour": price.vcpu_hour,
            "gbHour": price.gb_hour,
            "storageGbHour": price.storage_gb_hour,
            "osLicenseVcpuHour": price.os_license_vcpu_hour,
            "minimumSeconds": price.minimum_seconds,
        },
        formula=formula,
        source=table["source"],
        retrieved=table["retrieved"],
    )


def job_estimate(job: Any, region: str, *, start: datetime | None = None) -> Estimate:
    """The estimate for a loaded manifest (components.manifest.model.Job), before deploying."""
    platform = job.platform_or_default
    return estimate(
        expression=job.schedule_expression,
        cpu_units=job.cpu,
        memory_mib=job.memory,
        region=region,
        os_family=platform.osfamily,
        architecture=platform.architecture,
        ephemeral_gib=job.storage.ephemeral,
        # Fields other branches add to the model (capacity: spot, on.timezone): read when there.
        spot=getattr(job, "capacity", None) == "spot",
        timeout_seconds=job.timeout_seconds,
        zone=getattr(job, "schedule_timezone", None),
        start=start,
    )


def job_estimates(jobs: Iterable[Any], region: str) -> dict[str, dict[str, Any]]:
    """`{job: estimate as JSON}` for `jobs render --json`; a job the table cannot price gets
    `{"unavailable": why}` instead, so the render never fails over an estimate."""
    estimates: dict[str, dict[str, Any]] = {}
    for job in jobs:
        try:
            estimates[job.name] = job_estimate(job, region).to_json()
        except NoPriceError as exc:
            estimates[job.name] = {"unavailable": str(exc)}
    return estimates


def summary_of(data: dict[str, Any]) -> str:
    """The one-line summary of an estimate's JSON (or why there is none)."""
    if "unavailable" in data:
        return f"not estimated: {data['unavailable']}"
    fields = {key: data[_camel(key)] for key in Estimate.__dataclass_fields__}
    return Estimate(**fields).summary()
