"""The manifest additions (not Copilot keys): on.timezone, on.window, one-time at() runs,
concurrency, capacity and alerts; validated with file:line messages, overridable per
environment, and absent from a Copilot manifest."""

import pytest

from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.load import load_manifest_text

BASE = """\
name: job
type: Scheduled Job
image:
  location: busybox
on:
  schedule: "{schedule}"
{extra}"""


def load(schedule="@daily", extra="", env=None):
    return load_manifest_text(BASE.format(schedule=schedule, extra=extra), env, file="m.yml")


@pytest.mark.parametrize(
    ("schedule", "extra", "zone", "window", "scheduler"),
    [
        pytest.param("@daily", "", None, None, False, id="copilot-keeps-the-rule"),
        pytest.param("@daily", "  timezone: Europe/London\n", "Europe/London", None, True,
                     id="timezone"),
        pytest.param("@daily", "  timezone: UTC\n", "UTC", None, True, id="explicit-utc"),
        pytest.param("@daily", "  window: 1h30m\n", None, 90, True, id="window"),
        pytest.param("@daily", "  window: 24h\n", None, 1440, True, id="window-max"),
        pytest.param("CRON_TZ=Asia/Tokyo 0 9 * * *", "", "Asia/Tokyo", None, True,
                     id="cron-tz-prefix"),
        pytest.param("CRON_TZ=Asia/Tokyo 0 9 * * *", "  timezone: Asia/Tokyo\n", "Asia/Tokyo",
                     None, True, id="prefix-and-key-agree"),
        pytest.param("at(2099-01-01T00:00:00)", "", None, None, True, id="one-time"),
        pytest.param("none", "  timezone: Europe/Paris\n", "Europe/Paris", None, True,
                     id="disabled-in-a-zone"),
    ],
)  # fmt: skip
def test_schedule_additions(schedule, extra, zone, window, scheduler):
    job = load(schedule, extra)
    assert (job.schedule_timezone, job.window_minutes, job.uses_scheduler) == (
        zone,
        window,
        scheduler,
    )


@pytest.mark.parametrize(
    ("schedule", "extra", "message"),
    [
        pytest.param("@daily", "  timezone: Europe/Londn\n",
                     "m.yml:7: on.timezone: 'Europe/Londn' is not an IANA time zone; did you "
                     "mean 'Europe/London'?", id="zone-typo"),
        pytest.param("@daily", "  window: 30s\n", "m.yml:7: on.window: '30s' must be whole minutes",
                     id="window-seconds"),
        pytest.param("@daily", "  window: 25h\n", "from 1m to 24h", id="window-too-long"),
        pytest.param("@daily", "  window: soon\n", "on.window:", id="window-not-a-duration"),
        pytest.param("CRON_TZ=UTC 0 9 * * *", "  timezone: Europe/Paris\n",
                     "m.yml:7: on.timezone: 'Europe/Paris' differs from the schedule's "
                     "CRON_TZ=UTC", id="prefix-and-key-differ"),
        pytest.param("at(2099-13-01T00:00:00)", "", "m.yml:6: on.schedule:", id="at-bad-month"),
        pytest.param("@daily", "  timzone: UTC\n", "did you mean 'timezone'?", id="key-typo"),
    ],
)  # fmt: skip
def test_schedule_addition_errors_name_file_line_and_field(schedule, extra, message):
    with pytest.raises(ManifestError) as caught:
        load(schedule, extra)
    assert message in str(caught.value)


def test_schedule_additions_are_overridable_per_environment():
    extra = (
        "  timezone: Europe/London\n"
        "environments:\n"
        "  prod:\n"
        "    on:\n"
        "      timezone: America/New_York\n"
        "      window: 10m\n"
    )
    assert load("@daily", extra, env="dev").schedule_timezone == "Europe/London"
    prod = load("@daily", extra, env="prod")
    assert (prod.schedule_timezone, prod.window_minutes, prod.on.schedule) == (
        "America/New_York",
        10,
        "@daily",
    )


def test_an_environment_override_error_points_into_its_block():
    extra = "environments:\n  prod:\n    on:\n      timezone: Mars/Olympus\n"
    with pytest.raises(ManifestError, match=r"m.yml:10: environments.prod.on.timezone: "):
        load("@daily", extra)


def test_a_one_time_run_in_the_past_warns_at_validate():
    from datetime import datetime, timezone

    from scheduled_jobs.components.manifest.rules import past_one_time_run

    job = load("at(2030-06-01T09:00:00)", "  timezone: Europe/London\n")  # loads: no error
    before = datetime(2030, 6, 1, 7, 59, tzinfo=timezone.utc)  # 08:59 in London (BST)
    after = datetime(2030, 6, 1, 8, 0, tzinfo=timezone.utc)
    assert past_one_time_run(job, before) is None
    assert "is in the past (2030-06-01T09:00:00+01:00)" in past_one_time_run(job, after)
    assert past_one_time_run(load("@daily")) is None


@pytest.mark.parametrize(
    ("extra", "concurrency", "capacity"),
    [
        pytest.param("", None, None, id="copilot-defaults"),
        pytest.param("concurrency: forbid\n", "forbid", None, id="forbid"),
        pytest.param("concurrency: replace\ncapacity: spot\n", "replace", "spot", id="both"),
        pytest.param("capacity: spot\nplatform: linux/amd64\n", None, "spot", id="spot-x86"),
    ],
)
def test_concurrency_and_capacity(extra, concurrency, capacity):
    job = load(extra=extra)
    assert (job.concurrency, job.capacity) == (concurrency, capacity)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param("concurrency: skip\n", "m.yml:7: concurrency: 'skip' is not allowed",
                     id="unknown-concurrency"),
        pytest.param("capacity: cheap\n", "m.yml:7: capacity: 'cheap' is not allowed",
                     id="unknown-capacity"),
        pytest.param("capacity: spot\nplatform: linux/arm64\n",
                     "m.yml:7: capacity: Fargate Spot does not run ARM tasks", id="spot-arm"),
        pytest.param("capacity: spot\nplatform: windows/x86_64\ncpu: 1024\nmemory: 2048\n",
                     "capacity: Fargate Spot does not run Windows tasks", id="spot-windows"),
    ],
)  # fmt: skip
def test_concurrency_and_capacity_errors(extra, message):
    with pytest.raises(ManifestError) as caught:
        load(extra=extra)
    assert message in str(caught.value)


def test_concurrency_and_capacity_per_environment():
    extra = (
        "concurrency: forbid\nenvironments:\n  prod:\n    concurrency: replace\n"
        "    capacity: spot\n"
    )
    dev = load(extra=extra, env="dev")
    assert (dev.concurrency, dev.capacity) == ("forbid", None)
    prod = load(extra=extra, env="prod")
    assert (prod.concurrency, prod.capacity) == ("replace", "spot")


@pytest.mark.parametrize(
    ("extra", "env", "expected"),
    [
        pytest.param("", None, None, id="copilot-default-on"),
        pytest.param("run_overrides: false\n", None, False, id="off"),
        pytest.param("run_overrides: true\n", None, True, id="on"),
        pytest.param("run_overrides: false\nenvironments:\n  dev:\n    run_overrides: true\n",
                     "dev", True, id="on-again-in-dev"),
        pytest.param("environments:\n  prod:\n    run_overrides: false\n", "prod", False,
                     id="off-in-prod-only"),
    ],
)  # fmt: skip
def test_run_overrides(extra, env, expected):
    assert load(extra=extra, env=env).run_overrides is expected


@pytest.mark.parametrize(
    "value",
    [pytest.param("maybe", id="word"), pytest.param("2", id="number"),
     pytest.param("[false]", id="list"), pytest.param("{off: true}", id="map")],
)  # fmt: skip
def test_run_overrides_takes_only_a_boolean(value):
    # Read like the manifest's other booleans (true/false in any case, as Copilot's YAML
    # decoder does); anything else is refused with file and line.
    with pytest.raises(ManifestError) as caught:
        load(extra=f"run_overrides: {value}\n")
    assert "m.yml:7: run_overrides:" in str(caught.value)
