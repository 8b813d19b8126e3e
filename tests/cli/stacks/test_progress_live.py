"""Live progress of `jobs deploy` / `destroy` through the Automation API stand-in: on a terminal
(a rich Console forced to be one, writing to a StringIO) each resource in flight with its
elapsed time and the build's last output line, then the summary; outside a terminal one plain
line per event. The wall clock is fixed, so the elapsed times are exact; nothing here waits."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

pytest.register_assert_rewrite("fake_stacks")
from scheduled_jobs.components.contract import IMAGE_TOKEN  # noqa: E402
from tests.cli.fake_stacks import (  # noqa: E402
    JOB_TYPE,
    START_TIMESTAMP,
    Step,
    child_urn,
    job_steps,
    jobs,
    write_env,
)

IMAGE = child_urn("dev", JOB_TYPE, IMAGE_TOKEN, "report-image")
BUILD_OUTPUT = [
    "#1 [internal] load build definition from Dockerfile",
    "#4 [1/3] FROM docker.io/library/python:3.12-slim",
    "#5 [2/3] RUN pip install -r requirements.txt",
]
# The image's step starts with the second event (the prelude is the first).
IMAGE_STARTED = START_TIMESTAMP + 2
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


@pytest.fixture
def dev(project_dir, automation, aws, monkeypatch):
    """`dev`, whose deploy builds an image for 90 s (printing BUILD_OUTPUT) before the rest."""
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    automation.steps = [
        Step("create", IMAGE, IMAGE_TOKEN, output=BUILD_OUTPUT, seconds=90),
        *job_steps("dev", "report"),
    ]
    automation.destroy_steps = job_steps("dev", "report")
    monkeypatch.setattr("scheduled_jobs.cli.stacks.preflight.docker_problem", lambda: None)
    return automation


@pytest.fixture
def terminal(monkeypatch):
    """stderr is a terminal 65 s after the image build started, redrawn at every event."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system=None, width=200, height=40)
    monkeypatch.setattr("scheduled_jobs.cli.output.stderr", lambda: console)
    monkeypatch.setattr("scheduled_jobs.cli.stacks.live.wall_clock", lambda: IMAGE_STARTED + 65)
    monkeypatch.setattr("scheduled_jobs.cli.stacks.live.MIN_REFRESH", 0.0)
    return screen


def drawn(screen: io.StringIO) -> list[str]:
    """Every line the terminal was sent, without cursor movements."""
    return [line.rstrip() for line in CONTROL.sub("\n", screen.getvalue()).split("\n")]


def test_deploy_on_a_terminal_shows_the_build_in_flight_with_its_last_line(dev, terminal):
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    lines = drawn(terminal)
    image = " + creating report-image (Image)  1m05s"
    assert any(line.endswith(f"{image}  {BUILD_OUTPUT[0]}") for line in lines)
    # The build is drawn from its first event, before it printed anything ...
    assert any(line.endswith(image) for line in lines)
    # ... and with each newer output line in its place, the last one included.
    assert any(line.endswith(f"{image}  {BUILD_OUTPUT[-1]}") for line in lines)
    assert any(re.search(r"\d+s elapsed, \d+ done, 1 in flight$", line) for line in lines)
    # What finished stays, with how long it took; then the summary.
    finished = "[    0s]  + report-image (docker-build:index:Image) created in 1m30s"
    assert finished in lines
    summary = next(i for i, line in enumerate(lines) if line.startswith("Deployed to dev in"))
    assert lines.index(finished) < summary
    # The drawing never reaches stdout, and no plain start/output lines are printed.
    assert "creating" not in out.stdout
    assert not any(line.startswith("[") and "creating" in line for line in lines)


def test_destroy_on_a_terminal_shows_deletes_in_flight(dev, terminal):
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    lines = drawn(terminal)
    assert any(" - deleting report-task-definition (TaskDefinition)  " in line for line in lines)
    assert any(line.startswith("Destroyed dev in") for line in lines)


def test_deploy_outside_a_terminal_prints_one_plain_line_per_event(dev):
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert "\x1b" not in out.stderr  # no drawing, no cursor movement
    events = [line for line in out.stderr.splitlines() if re.match(r"\[ *\w+\] ", line)]
    shown = [re.sub(r"^\[ *\w+\] ", "", line) for line in events]
    assert shown[:5] == [
        " + report-image (docker-build:index:Image) creating",
        "   report-image: #1 [internal] load build definition from Dockerfile",
        "   report-image: #4 [1/3] FROM docker.io/library/python:3.12-slim",
        "   report-image: #5 [2/3] RUN pip install -r requirements.txt",
        " + report-image (docker-build:index:Image) created in 1m30s",
    ]
    # A start and a finish per resource, a line per line of build output: one per event.
    assert len(events) == 2 * len(dev.steps) + len(BUILD_OUTPUT)
    assert out.stderr.index(shown[-1]) < out.stderr.index("Deployed to dev in")


def test_ctrl_c_on_a_terminal_ends_the_drawing_before_the_message(dev, terminal):
    dev.interrupt.add("up")
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 130, out.output
    screen = terminal.getvalue()
    lines = drawn(terminal)
    assert any("Press Ctrl-C again" in line for line in lines)
    # The operation in flight finished and its line stayed.
    assert any("report-image (docker-build:index:Image) created" in line for line in lines)
    # The drawing stopped (cursor shown again) before the error was printed.
    assert screen.rindex("\x1b[?25h") < screen.index("deploy interrupted")
