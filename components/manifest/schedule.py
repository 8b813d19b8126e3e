"""Copilot `on.schedule` strings to EventBridge schedule expressions, and back to words.

Accepted forms (times are UTC unless `on.timezone` or a `CRON_TZ=<zone>` prefix names a zone):

| `on.schedule`           | EventBridge expression    | Notes                              |
|-------------------------|---------------------------|------------------------------------|
| `none` (any case)       | no schedule (`None`)      | run it with `jobs run`             |
| `@hourly`               | `cron(0 * * * ? *)`       |                                    |
| `@daily`, `@midnight`   | `cron(0 0 * * ? *)`       |                                    |
| `@weekly`               | `cron(0 0 ? * 1 *)`       | Sunday                             |
| `@monthly`              | `cron(0 0 1 * ? *)`       |                                    |
| `@yearly`, `@annually`  | `cron(0 0 1 1 ? *)`       |                                    |
| `@every 1h30m`          | `rate(90 minutes)`        | Go duration, whole minutes, >= 1m  |
| `0 9 * * 1-5`           | `cron(0 9 ? * 2-6 *)`     | 5-field cron, Sunday = 0 or SUN    |
| `0 0 */2 * *`           | `cron(0 0 */2 * ? *)`     | day-of-month steps kept            |
| `0 0 * * */2`           | `cron(0 0 ? * 1,3,5,7 *)` | day-of-week steps become a list    |
| `rate(5 minutes)`       | unchanged                 | checked as AWS checks it           |
| `cron(0 12 L * ? 2030)` | unchanged                 | 6-field AWS cron, checked likewise |
| `at(2030-01-31T09:00:00)` | unchanged               | one run (EventBridge Scheduler)    |
| `CRON_TZ=Europe/London 0 9 * * *` | `cron(0 9 * * ? *)` | in that zone (Kubernetes' form) |

A 5-field cron may restrict day-of-month or day-of-week, not both: standard cron runs on
either day, and AWS cannot express that.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.cron import (
    DAY_NAMES,
    MONTH,
    CronFieldError,
    Field,
    parse_aws_cron,
    parse_step,
)
from scheduled_jobs.components.manifest.durations import parse_go_duration
from scheduled_jobs.components.manifest.zones import check_zone, zone

ALLOWED = 'a cron expression, rate(), @preset or "none"'

PRESETS = {
    "@yearly": "cron(0 0 1 1 ? *)",
    "@annually": "cron(0 0 1 1 ? *)",
    "@monthly": "cron(0 0 1 * ? *)",
    "@weekly": "cron(0 0 ? * 1 *)",
    "@daily": "cron(0 0 * * ? *)",
    "@midnight": "cron(0 0 * * ? *)",
    "@hourly": "cron(0 * * * ? *)",
}

# Standard (robfig ParseStandard) fields; month and the day names are shared with AWS cron,
# but standard day-of-week counts Sunday as 0.
STD_MINUTE = Field("minute", 0, 59)
STD_HOUR = Field("hour", 0, 23)
STD_DAY_OF_MONTH = Field("day-of-month", 1, 31)
STD_DAY_OF_WEEK = Field("day-of-week", 0, 6, DAY_NAMES, first=0)

_RATE = re.compile(r"rate\((?P<value>\S+) (?P<unit>\S+)\)")
_AT = re.compile(r"at\((?P<when>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_ZONE_PREFIXES = ("CRON_TZ=", "TZ=")
_WRAPPED = re.compile(r"(?P<kind>rate|cron)\((?P<body>.*)\)", re.DOTALL)
_RATE_UNITS = {"minute", "minutes", "hour", "hours", "day", "days"}
_NS_PER_MINUTE = 60 * 1_000_000_000
_GO_MAX_NS = 2**63 - 1  # Go durations are int64 nanoseconds (about 292 years)


def _invalid(text: str, reason: str) -> ManifestError:
    return ManifestError(f'"{text}" {reason}')


def to_aws_schedule(text: str) -> str | None:
    """The EventBridge ScheduleExpression for a manifest schedule; None when it is disabled.

    >>> to_aws_schedule("@every 1h30m")
    'rate(90 minutes)'
    >>> to_aws_schedule("0 9 * * 1-5")
    'cron(0 9 ? * 2-6 *)'
    >>> to_aws_schedule(" None ") is None
    True

    Raises ManifestError saying what is allowed; the caller adds the file, line and field.
    """
    if not isinstance(text, str):
        raise ManifestError(f"{text!r} is not text: use {ALLOWED}")
    spec = text.strip()
    if not spec:
        raise ManifestError(f"is empty: use {ALLOWED}")
    if spec.lower() == "none":
        return None
    if spec.startswith(_ZONE_PREFIXES):
        name, rest = split_zone(spec)
        try:
            check_zone(name or "")
        except ValueError as exc:
            raise _invalid(spec, f"has a time zone prefix: {exc}") from None
        if not rest:
            raise _invalid(spec, "has a time zone but nothing to run on after it")
        if rest.startswith(_ZONE_PREFIXES) or rest.lower() == "none" or rest.startswith("at("):
            raise _invalid(spec, "needs a cron expression, rate() or @preset after the zone")
        return to_aws_schedule(rest)
    if spec.startswith("at("):
        return _check_at(spec)
    wrapped = _WRAPPED.fullmatch(spec)
    if wrapped:
        check = _check_rate if wrapped["kind"] == "rate" else _check_cron
        return check(spec, wrapped["body"])
    if spec.startswith("@every ") or spec == "@every":
        return _from_every(spec)
    if spec.startswith("@"):
        if spec in PRESETS:
            return PRESETS[spec]
        raise _invalid(
            spec,
            "is not a known preset: use @yearly, @annually, @monthly, @weekly, @daily, "
            "@midnight, @hourly or @every <duration>",
        )
    fields = spec.split()
    if len(fields) == 5:
        return _from_standard_cron(spec, fields)
    if len(fields) == 6 and all(_looks_like_cron_field(f) for f in fields):
        raise _invalid(
            spec,
            "has 6 fields: an AWS cron expression goes inside cron(...), e.g. "
            "cron(0 9 ? * MON-FRI *); a plain cron expression has 5 fields "
            "(minute hour day-of-month month day-of-week)",
        )
    raise _invalid(spec, f"is not {ALLOWED}")


def split_zone(text: str) -> tuple[str | None, str]:
    """(`<zone>`, the rest) of `CRON_TZ=<zone> <schedule>` (or `TZ=`); (None, text) without one.

    >>> split_zone("CRON_TZ=Europe/London 0 9 * * *")
    ('Europe/London', '0 9 * * *')
    """
    spec = text.strip()
    if not spec.startswith(_ZONE_PREFIXES):
        return None, spec
    head, _, rest = spec.partition(" ")
    return head.split("=", 1)[1], rest.strip()


def _check_at(spec: str) -> str:
    match = _AT.fullmatch(spec)
    form = "at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00)"
    if not match:
        raise _invalid(spec, f"is not a one-time schedule: use {form}")
    try:
        datetime.fromisoformat(match["when"])
    except ValueError:
        raise _invalid(spec, f"is not a date and time that exists: use {form}") from None
    return spec


def at_time(expression: str | None, zone_name: str | None = None) -> datetime | None:
    """The moment of a one-time `at(...)` expression (aware, in its zone); None otherwise."""
    match = _AT.fullmatch(expression or "")
    if not match:
        return None
    return datetime.fromisoformat(match["when"]).replace(tzinfo=zone(zone_name))


def _looks_like_cron_field(field: str) -> bool:
    return re.fullmatch(r"[0-9A-Za-z*?/,#-]+", field) is not None


def _check_rate(spec: str, body: str) -> str:
    """`rate(value unit)` as EventBridge accepts it: value >= 1, singular unit only for 1."""
    match = _RATE.fullmatch(f"rate({body})")
    form = "rate(<n> minutes|hours|days), e.g. rate(1 hour) or rate(15 minutes)"
    if not match:
        raise _invalid(spec, f"is not a rate expression: use {form}")
    value, unit = match["value"], match["unit"]
    if not value.isdigit() or int(value) == 0:
        raise _invalid(spec, f"needs a whole number of at least 1 (not {value}): use {form}")
    if unit not in _RATE_UNITS:
        raise _invalid(spec, f'has unknown unit "{unit}": use {form}')
    singular = unit.removesuffix("s")
    expected = singular if int(value) == 1 else singular + "s"
    if unit != expected:
        raise _invalid(spec, f"must say {value} {expected} (AWS wants the singular only for 1)")
    return spec


def _check_cron(spec: str, body: str) -> str:
    try:
        parse_aws_cron(body)
    except CronFieldError as error:
        raise _invalid(spec, f"is not a valid AWS cron expression: {error}") from None
    return f"cron({' '.join(body.split())})"


def _from_every(spec: str) -> str:
    """`@every <Go duration>` to a rate in whole minutes (`@every 1h30m` -> rate(90 minutes))."""
    duration = spec[len("@every") :].strip()
    try:
        nanoseconds = parse_go_duration(duration)
    except ValueError:
        raise _invalid(
            spec, "needs a Go duration after @every, such as @every 30m or @every 1h30m"
        ) from None
    if abs(nanoseconds) > _GO_MAX_NS:
        raise _invalid(spec, "is longer than a Go duration can hold (about 292 years)")
    if nanoseconds < _NS_PER_MINUTE:
        raise _invalid(spec, "must be at least 1 minute (the shortest AWS rate)")
    if nanoseconds % _NS_PER_MINUTE:
        raise _invalid(spec, "must be a whole number of minutes (AWS rates count in minutes)")
    minutes = nanoseconds // _NS_PER_MINUTE
    return "rate(1 minute)" if minutes == 1 else f"rate({minutes} minutes)"


def _std_items(text: str, field: Field) -> list[tuple[bool, int, int, int | None, str]]:
    """Items of a standard cron field as robfig reads them.

    Each is (star, start, end, step, text normalised for AWS: `?` as `*`, names upper case,
    numbers without leading zeros).
    """
    items = []
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        step = parse_step(step_text, field) if slash else None
        if base in {"*", "?"}:
            star, start, end, shown = True, field.low, field.high, "*"
        elif base:
            first, dash, last = base.partition("-")
            start = field.value(first)
            end = field.value(last) if dash else (field.high if slash else start)
            if start > end:
                raise CronFieldError(f'{field.label} range "{base}" runs backwards')
            shown = "-".join(_token(t) for t in base.split("-"))
            star = False
        else:
            raise CronFieldError(f'{field.label} "{text}" has an empty item')
        shown += f"/{step}" if slash else ""
        items.append((star, start, end, step, shown))
    return items


def _token(token: str) -> str:
    return str(int(token)) if token.isdigit() else token.upper()


def _is_unrestricted(items: list[tuple[bool, int, int, int | None, str]]) -> bool:
    # robfig treats a day field as unrestricted when an item is * or ? without a step above 1.
    return any(star and (step is None or step == 1) for star, _, _, step, _ in items)


def _aws_day_of_week(items: list[tuple[bool, int, int, int | None, str]]) -> str:
    """Sunday 0 -> 1 for each number; a stepped item becomes the exact list of its days."""
    parts = []
    for _star, start, end, step, shown in items:
        if step is not None:
            parts.extend(str(day + 1) for day in range(start, end + 1, step))
        else:
            parts.append("-".join(str(int(t) + 1) if t.isdigit() else t for t in shown.split("-")))
    return ",".join(parts)


def _from_standard_cron(spec: str, fields: list[str]) -> str:
    """5-field cron (robfig ParseStandard) to AWS 6-field cron.

    `0 9 * * 1-5` -> `cron(0 9 ? * 2-6 *)`; `0 0 */2 * *` -> `cron(0 0 */2 * ? *)`.
    """
    try:
        minute, hour, dom, month, dow = (
            _std_items(text, field)
            for text, field in zip(
                fields,
                (STD_MINUTE, STD_HOUR, STD_DAY_OF_MONTH, MONTH, STD_DAY_OF_WEEK),
                strict=True,
            )
        )
    except CronFieldError as error:
        raise _invalid(spec, f"is not a valid cron expression: {error}") from None
    if not _is_unrestricted(dom) and not _is_unrestricted(dow):
        raise _invalid(
            spec,
            f"restricts both day-of-month ({fields[2]}) and day-of-week ({fields[4]}): "
            "standard cron runs when either matches, which AWS cannot express; set one of "
            "them to *",
        )

    def shown(items: list[tuple[bool, int, int, int | None, str]]) -> str:
        texts = [item[4] for item in items]
        # AWS does not list * with other items; * alone already covers them.
        return "*" if "*" in texts else ",".join(texts)

    if _is_unrestricted(dow):
        days = ("*" if _is_unrestricted(dom) else shown(dom), "?")
    else:
        days = ("?", _aws_day_of_week(dow))
    body = " ".join((shown(minute), shown(hour), days[0], shown(month), days[1], "*"))
    parse_aws_cron(body)  # the conversion must always produce valid AWS cron
    return f"cron({body})"


def describe_schedule(expression: str | None, zone_name: str | None = None) -> str:
    """Plain English for an EventBridge expression.

    >>> describe_schedule("rate(90 minutes)")
    'every 90 minutes'
    >>> describe_schedule("cron(0 9 ? * MON-FRI *)")
    'at 09:00 UTC, Monday through Friday'
    >>> describe_schedule(None)
    'disabled'

    An expression it cannot read comes back unchanged, so listings never fail on it.
    """
    if expression is None or expression.strip().lower() == "none":
        return "disabled"
    spec = expression.strip()
    label = zone_name or "UTC"
    when = at_time(spec, zone_name)
    if when is not None:
        return f"once, at {when:%Y-%m-%d %H:%M} {label}"
    rate = _RATE.fullmatch(spec)
    if rate and rate["value"].isdigit():
        value, unit = int(rate["value"]), rate["unit"].rstrip("s")
        return f"every {unit}" if value == 1 else f"every {value} {unit}s"
    wrapped = _WRAPPED.fullmatch(spec)
    if not wrapped or wrapped["kind"] != "cron":
        return spec
    fields = wrapped["body"].split()
    try:
        parse_aws_cron(" ".join(fields))
        from cron_descriptor import ExpressionDescriptor, Options

        options = Options()
        options.day_of_week_start_index_zero = False  # AWS counts Sunday as 1
        options.use_24hour_time_format = True
        if fields[4] == "L":  # day-of-week L alone is Saturday; the describer lacks that form
            fields[4] = "7"
        # With a leading seconds field the describer reads the Quartz layout AWS uses.
        text = ExpressionDescriptor(" ".join(["0", *fields]), options).get_description()
    except Exception:  # describing is best effort: show the raw expression rather than fail
        return spec
    return _mark_zone(text[:1].lower() + text[1:], label)


def _mark_zone(text: str, label: str = "UTC") -> str:
    times = list(re.finditer(r"\b\d\d:\d\d\b", text))
    if times:
        end = times[-1].end()
        return f"{text[:end]} {label}{text[end:]}"
    return f"{text} ({label})" if "," in text else text


def next_runs(
    expression: str,
    count: int = 5,
    after: datetime | None = None,
    zone_name: str | None = None,
) -> list[datetime]:
    """The next `count` run times (timezone-aware UTC) of a cron() or at() expression,
    evaluated in `zone_name` (UTC by default) as EventBridge Scheduler evaluates it.

    `after` defaults to now; a naive `after` is taken as UTC. A `rate(...)` gives [] because
    EventBridge counts rates from when the rule was created, which is not known here. Fewer
    than `count` come back when the expression's years run out. In a zone with daylight
    saving, a wall time the clocks skip is skipped and a repeated one runs once (the first),
    as Scheduler does. Raises ValueError for text that is neither `cron(...)`, `rate(...)`
    nor `at(...)`.
    """
    spec = expression.strip()
    start = after or datetime.now(timezone.utc)
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    once = at_time(spec, zone_name)
    if once is not None:
        return [once.astimezone(timezone.utc)] if once > start and count > 0 else []
    wrapped = _WRAPPED.fullmatch(spec)
    if not wrapped:
        raise ValueError(f'"{expression}" is not an EventBridge cron(), rate() or at() expression')
    if wrapped["kind"] == "rate":
        return []
    cron = parse_aws_cron(wrapped["body"])
    local = zone(zone_name)
    # Walk wall-clock times of the zone (AwsCron counts in naive "UTC" wall time).
    wall_after = start.astimezone(local).replace(tzinfo=None).replace(tzinfo=timezone.utc)
    # A repeated hour (clocks going back) can put a later wall time before `start`: begin an
    # hour early and drop what is not after `start`.
    runs: list[datetime] = []
    for wall in cron.runs(wall_after - timedelta(hours=3)):
        if len(runs) == count:
            break
        naive = wall.replace(tzinfo=None)
        aware = naive.replace(tzinfo=local)  # fold=0: the first of a repeated wall time
        if aware.astimezone(timezone.utc).astimezone(local).replace(tzinfo=None) != naive:
            continue  # a wall time the clocks skip: Scheduler skips it too
        when = aware.astimezone(timezone.utc)
        if when > start:
            runs.append(when)
    return runs
