"""Riding out outages in the commands that poll: `logs --follow`, `run --wait` / `--follow`.

Each AWS call is already bounded (timeouts, botocore's retry mode: cli/ops/session.py). When a
call still fails with a fault that may pass (no connection, a timeout, throttling, HTTP 5xx),
a polling command does not end: it says so on stderr, waits with a growing delay, and polls
again, from where it was (the caller commits its position only after a round succeeded, so
nothing is skipped or printed twice). It gives up only on Ctrl-C or when the service has not
answered for `--give-up-after`, and then exits with EXIT_UNAVAILABLE.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

from scheduled_jobs.cli.output import UserError

T = TypeVar("T")

# Exit status when AWS did not answer for the whole `--give-up-after` (sysexits' EX_TEMPFAIL:
# "try again later"). The CLI's own run results are 0, 1, 124, 125 and 130.
EXIT_UNAVAILABLE = 75

# Error codes of a service that is there but cannot answer now.
_TRANSIENT_CODES = {
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalFailure",
    "InternalServerError",
    "InternalServiceError",
    "RequestTimeout",
    "RequestTimeoutException",
}


def poll_interval(default: float) -> float:
    """The polling interval, `JOBS_POLL_INTERVAL` seconds when set (tests shorten it)."""
    raw = os.environ.get("JOBS_POLL_INTERVAL", "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"JOBS_POLL_INTERVAL={raw!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise UserError(f"JOBS_POLL_INTERVAL={raw!r} must be between 0 and 600 seconds")
    return value


def is_transient(exc: BaseException) -> bool:
    """Whether a failed call may succeed later unchanged: network faults, throttling, 5xx."""
    import botocore.exceptions as bex

    from scheduled_jobs.cli.ops.session import error_code

    if isinstance(
        exc,
        (bex.ConnectionError, bex.ReadTimeoutError, bex.ConnectionClosedError, bex.HTTPClientError),
    ):
        return True
    if isinstance(exc, bex.ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return error_code(exc) in _TRANSIENT_CODES or status == 429 or status >= 500
    return False


class Patience:
    """Runs one round of a polling loop at a time, through outages.

    `attempt(round)` returns the round's value, or None when a transient fault stopped it (the
    caller polls again later); any other error propagates. While the service does not answer,
    `delay()` grows from the interval up to `max_delay`; `expired()` says when the outage has
    lasted `give_up_after` seconds (None: never).
    """

    def __init__(
        self,
        what: str,
        *,
        interval: float,
        give_up_after: float | None = None,
        max_delay: float | None = None,
        say: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        from scheduled_jobs.cli.output import warn

        self.what = what  # "CloudWatch Logs", "Step Functions": what did not answer
        self.interval = interval
        self.give_up_after = give_up_after
        self.max_delay = max_delay if max_delay is not None else max(interval * 20, interval)
        self.say = say or warn
        self.clock = clock
        self.down_since: float | None = None
        self.faults = 0  # rounds lost to faults in all, for the curious and the tests
        self._delay = interval

    def attempt(self, round_: Callable[[], T]) -> T | None:
        try:
            value = round_()
        except UserError:
            raise
        except Exception as exc:
            if not (type(exc).__module__.startswith("botocore") and is_transient(exc)):
                raise
            self._fault(exc)
            return None
        if self.down_since is not None:
            lasted = self.clock() - self.down_since
            self.say(f"{self.what} answers again after {lasted:.0f}s; going on from where it was")
            self.down_since = None
        self._delay = self.interval
        return value

    def _fault(self, exc: BaseException) -> None:
        from scheduled_jobs.cli.ops.session import endpoint_of, fault_text

        self.faults += 1
        now = self.clock()
        first = self.down_since is None
        if first:
            self.down_since = now
        if self.expired():
            return
        limit = (
            f", giving up after {self.give_up_after:.0f}s"
            if self.give_up_after is not None
            else " (Ctrl-C to stop)"
        )
        self.say(
            f"{self.what} ({endpoint_of(exc)}) does not answer: {fault_text(exc)}; "
            f"{'still ' if not first else ''}trying again in {self._delay:.1f}s{limit}"
        )

    def expired(self) -> bool:
        return (
            self.give_up_after is not None
            and self.down_since is not None
            and self.clock() - self.down_since >= self.give_up_after
        )

    def delay(self) -> float:
        """How long to wait before the next round: the interval, or while down a growing
        delay with jitter (so many followers do not poll in step)."""
        if self.down_since is None:
            return self.interval
        delay = random.uniform(self._delay / 2, self._delay)
        self._delay = min(self.max_delay, self._delay * 2)
        if self.give_up_after is not None:  # never sleep past the deadline
            left = self.give_up_after - (self.clock() - self.down_since)
            delay = max(0.0, min(delay, left))
        return delay

    def call(self, fn: Callable[[], T], *, what_happens: str, sleep: Callable[[float], None]) -> T:
        """`fn()` once it succeeds: polled again through transient faults, until it does or
        the outage lasts `give_up_after`."""
        while True:
            done = self.attempt(lambda: (fn(),))
            if done is not None:
                return done[0]
            if self.expired():
                raise self.gave_up(what_happens)
            sleep(self.delay())

    def gave_up(self, what_happens: str) -> UserError:
        """The error to raise once `expired()`: says how long and what is left behind."""
        return UserError(
            f"{self.what} did not answer for {self.give_up_after:.0f}s; gave up",
            hint=what_happens,
            code=EXIT_UNAVAILABLE,
        )


def duration_option(text: str | None, flag: str = "--give-up-after") -> float | None:
    """`--give-up-after 10m` -> 600.0 seconds; None when not given."""
    if text is None:
        return None
    from scheduled_jobs.cli.ops.times import parse_duration

    return parse_duration(text, flag).total_seconds()
