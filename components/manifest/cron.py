"""The AWS EventBridge cron dialect: parse the six fields, list the days a month matches, and
walk forward to upcoming run times.

    minute  hour  day-of-month  month    day-of-week  year
    0-59    0-23  1-31 L LW nW  1-12     1-7 (SUN=1)  1970-2199
                  ?             JAN-DEC  SUN-SAT ? L nL n#k

Lists `,`, ranges `-` and steps `/` work in every field except that day-of-week takes no step;
exactly one of day-of-month and day-of-week is `?`. Ranges whose start is after their end wrap
around (`FRI-MON`, `22-2`), as in Quartz, which EventBridge's dialect comes from.

Written here rather than taken from a library because the AWS cron libraries on PyPI checked
for this project each fail part of the dialect: aws-croniter crashes on `LW`, finds nothing for
day-of-week `L` and gives up after ten months or years without a match; pyawscron also fails on
days 29-31; croniter and cronsim have no year field and lack `nW` or `L-n`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
FIRST_YEAR, LAST_YEAR = 1970, 2199


class CronFieldError(ValueError):
    """One field of an AWS cron expression is invalid; the message names the field."""


@dataclass(frozen=True)
class Field:
    """Bounds and names of one cron field. `first` is the value name index 0 stands for."""

    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first: int = 0
    cyclic: bool = True  # whether a range like 22-2 wraps around (not for years)

    def value(self, token: str) -> int:
        upper = token.upper()
        if upper in self.names:
            return self.names.index(upper) + self.first
        if not token.isdigit():
            allowed = f"{self.low}-{self.high}"
            if self.names:
                allowed += f" or {self.names[0]}-{self.names[-1]}"
            raise CronFieldError(f'{self.label} "{token}" is not a number ({allowed})')
        number = int(token)
        if not self.low <= number <= self.high:
            raise CronFieldError(f"{self.label} {number} is out of range {self.low}-{self.high}")
        return number


MINUTE = Field("minute", 0, 59)
HOUR = Field("hour", 0, 23)
DAY_OF_MONTH = Field("day-of-month", 1, 31)
MONTH = Field("month", 1, 12, MONTH_NAMES, first=1)
DAY_OF_WEEK = Field("day-of-week", 1, 7, DAY_NAMES, first=1)
YEAR = Field("year", FIRST_YEAR, LAST_YEAR, cyclic=False)


def parse_step(text: str, field: Field) -> int:
    """The number after `/`: a whole number of at least 1."""
    if not text.isdigit() or int(text) == 0:
        raise CronFieldError(f'{field.label} step "/{text}" must be a whole number of at least 1')
    return int(text)


def expand(text: str, field: Field, *, steps: bool = True) -> frozenset[int]:
    """The values a list of `*`, `n`, `a-b`, each optionally `/step`, stands for.

    >>> sorted(expand("0-10/5,30", MINUTE))
    [0, 5, 10, 30]
    >>> sorted(expand("FRI-MON", DAY_OF_WEEK))
    [1, 2, 6, 7]
    """
    values: set[int] = set()
    items = text.split(",")
    if "*" in items and len(items) > 1:
        raise CronFieldError(f'{field.label} "{text}": * cannot be listed with other items')
    for item in items:
        base, slash, step_text = item.partition("/")
        if slash and not steps:
            raise CronFieldError(f'{field.label} "{item}" cannot have a step (/) in AWS cron')
        step = parse_step(step_text, field) if slash else 1
        if base == "*":
            start, end = field.low, field.high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = field.value(first), field.value(last)
            if start > end and not field.cyclic:
                raise CronFieldError(f'{field.label} range "{base}" runs backwards')
        elif base:
            start = field.value(base)
            end = field.high if slash else start
        else:
            raise CronFieldError(f'{field.label} "{text}" has an empty item')
        span = end - start if start <= end else end - start + field.high - field.low + 1
        for offset in range(0, span + 1, step):
            values.add(field.low + (start - field.low + offset) % (field.high - field.low + 1))
    return frozenset(values)


def aws_weekday(day: date) -> int:
    """AWS numbering: Sunday 1 ... Saturday 7 (Python's weekday() is Monday 0)."""
    return (day.weekday() + 1) % 7 + 1


DayRule = Callable[[int, int], frozenset[int]]  # (year, month) -> matching days of that month


def _month_days(year: int, month: int) -> range:
    return range(1, calendar.monthrange(year, month)[1] + 1)


def _weekday_near(year: int, month: int, target: int) -> int | None:
    """Quartz `nW`: the weekday nearest day n, without leaving the month."""
    last = calendar.monthrange(year, month)[1]
    if target > last:
        return None
    weekday = date(year, month, target).weekday()  # Monday 0 ... Sunday 6
    if weekday == 5:  # Saturday: Friday before, or Monday after when the 1st is a Saturday
        return target - 1 if target > 1 else target + 2
    if weekday == 6:  # Sunday: Monday after, or Friday before when it is the month's last day
        return target + 1 if target < last else target - 2
    return target


def parse_day_of_month(text: str) -> DayRule:
    if text == "L":
        return lambda y, m: frozenset({calendar.monthrange(y, m)[1]})
    if text == "LW":

        def last_weekday(y: int, m: int) -> frozenset[int]:
            last = calendar.monthrange(y, m)[1]
            weekday = date(y, m, last).weekday()
            return frozenset({last - max(0, weekday - 4)})

        return last_weekday
    if text.endswith("W"):
        target = DAY_OF_MONTH.value(text[:-1])
        return lambda y, m: frozenset(
            {d} if (d := _weekday_near(y, m, target)) is not None else set()
        )
    days = expand(text, DAY_OF_MONTH)
    return lambda y, m: days.intersection(_month_days(y, m))


def parse_day_of_week(text: str) -> DayRule:
    if "#" in text:
        day_text, _, nth_text = text.partition("#")
        weekday = DAY_OF_WEEK.value(day_text)
        if nth_text not in {"1", "2", "3", "4", "5"}:
            raise CronFieldError(f'day-of-week "{text}": the number after # must be 1-5')
        nth = int(nth_text)

        def nth_weekday(y: int, m: int) -> frozenset[int]:
            matches = [d for d in _month_days(y, m) if aws_weekday(date(y, m, d)) == weekday]
            return frozenset(matches[nth - 1 : nth])

        return nth_weekday
    if text.endswith("L") and text != "L" and "," not in text:
        weekday = DAY_OF_WEEK.value(text[:-1])
        return lambda y, m: frozenset(
            {max(d for d in _month_days(y, m) if aws_weekday(date(y, m, d)) == weekday)}
        )
    # `L` alone is the last day of the week, Saturday (Quartz).
    weekdays = frozenset({7}) if text == "L" else expand(text, DAY_OF_WEEK, steps=False)
    return lambda y, m: frozenset(
        d for d in _month_days(y, m) if aws_weekday(date(y, m, d)) in weekdays
    )


@dataclass(frozen=True)
class AwsCron:
    """A parsed AWS cron expression (the text inside `cron(...)`)."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days: DayRule

    def runs(self, after: datetime) -> Iterator[datetime]:
        """Run times strictly after `after` (UTC), earliest first, until the year 2199."""
        if after.tzinfo is None:  # naive times are taken as UTC, never as local time
            after = after.replace(tzinfo=timezone.utc)
        start = after.astimezone(timezone.utc).replace(second=0, microsecond=0, tzinfo=None)
        start += timedelta(minutes=1)
        for year in self.years:
            if year < start.year:
                continue
            for month in self.months:
                if (year, month) < (start.year, start.month):
                    continue
                for day in sorted(self.days(year, month)):
                    if date(year, month, day) < start.date():
                        continue
                    for hour in self.hours:
                        for minute in self.minutes:
                            when = datetime(year, month, day, hour, minute)
                            if when >= start:
                                yield when.replace(tzinfo=timezone.utc)


def parse_aws_cron(body: str) -> AwsCron:
    """Parse the six fields of an AWS cron expression; CronFieldError says what is wrong.

    >>> parse_aws_cron("0 9 ? * MON-FRI *").hours
    (9,)
    """
    fields = body.split()
    if len(fields) != 6:
        raise CronFieldError(
            f"AWS cron needs exactly 6 fields (minute hour day-of-month month day-of-week "
            f"year), found {len(fields)}"
        )
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise CronFieldError(
            f'exactly one of day-of-month and day-of-week must be ?, found "{dom}" and "{dow}"'
        )
    days = parse_day_of_week(dow) if dom == "?" else parse_day_of_month(dom)
    return AwsCron(
        minutes=tuple(sorted(expand(minute, MINUTE))),
        hours=tuple(sorted(expand(hour, HOUR))),
        months=tuple(sorted(expand(month, MONTH))),
        years=tuple(sorted(expand(year, YEAR))),
        days=days,
    )
