"""The delayed spinner (cli/spinner.py): on a terminal only, only once the work has taken more
than DELAY_SECONDS, erased afterwards; and `jobs render` showing it (never with --json). The
consoles write to a StringIO; nothing asserts how long anything took."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from rich.console import Console
from typer.testing import CliRunner

from scheduled_jobs.cli.main import app
from scheduled_jobs.cli.spinner import after_a_second
from tests.paths import TESTDATA


def console_on(monkeypatch, *, terminal: bool) -> io.StringIO:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=terminal, color_system=None, width=100)
    monkeypatch.setattr("scheduled_jobs.cli.output.stderr", lambda: console)
    return screen


def test_a_terminal_shows_it_once_the_delay_has_passed_then_erases_it(monkeypatch):
    screen = console_on(monkeypatch, terminal=True)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    with after_a_second("Rendering [3] jobs ...") as shown:
        assert shown is not None and shown.wait(10)
    drawn = screen.getvalue()
    assert "Rendering [3] jobs ..." in drawn  # as is: not rich markup
    # Transient: the cursor is shown again and the spinner's line erased.
    assert "\x1b[?25h" in drawn and drawn.endswith("\x1b[2K")


def test_quick_work_shows_nothing(monkeypatch):
    screen = console_on(monkeypatch, terminal=True)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 600.0)
    with after_a_second("Rendering ...") as shown:
        pass
    assert not shown.is_set()
    assert screen.getvalue() == ""


@pytest.mark.parametrize(
    ("terminal", "enabled"),
    [
        pytest.param(False, True, id="not-a-terminal"),
        pytest.param(True, False, id="disabled"),
    ],
)
def test_never_without_a_terminal_or_when_disabled(monkeypatch, terminal, enabled):
    screen = console_on(monkeypatch, terminal=terminal)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    with after_a_second("Rendering ...", enabled=enabled) as shown:
        assert shown is None
    assert screen.getvalue() == ""


def test_dumb_terminal_gets_none(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    screen = console_on(monkeypatch, terminal=True)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    with after_a_second("Rendering ...") as shown:
        assert shown is None
    assert screen.getvalue() == ""


# --- `jobs render` ---------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: scheduled-jobs\nruntime: python\nconfig:\n  app:\n    default: demo\n"
    )
    (tmp_path / "manifests" / "minimal").mkdir(parents=True)
    shutil.copy(TESTDATA / "minimal.yml", tmp_path / "manifests" / "minimal" / "manifest.yml")
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "v7")
    return tmp_path


@pytest.fixture
def slow_render(monkeypatch):
    """render_jobs that starts only once the spinner is on the screen (or after 10 s)."""
    import scheduled_jobs.components.tools.render as tools

    real = tools.render_jobs
    seen: dict[str, bool] = {}

    def render_jobs(*args, **kwargs):
        from scheduled_jobs.cli import output

        screen = output.stderr().file
        for _ in range(200):
            if "Rendering 1 job(s) for dev" in screen.getvalue():
                seen["spinner"] = True
                break
            import time

            time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(tools, "render_jobs", render_jobs)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    return seen


def test_render_on_a_terminal_shows_the_spinner_on_stderr_only(project, monkeypatch, slow_render):
    screen = console_on(monkeypatch, terminal=True)
    done = CliRunner().invoke(app, ["render", "--env", "dev"])
    assert done.exit_code == 0, done.output
    assert slow_render == {"spinner": True}
    assert "Rendering 1 job(s) for dev under Pulumi's mocks ..." in screen.getvalue()
    assert "Rendering" not in done.stdout and "Job minimal:" in done.stdout


@pytest.mark.parametrize(
    "terminal", [pytest.param(True, id="terminal"), pytest.param(False, id="pipe")]
)
def test_render_json_never_shows_it(project, monkeypatch, terminal):
    screen = console_on(monkeypatch, terminal=terminal)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    done = CliRunner().invoke(app, ["render", "--env", "dev", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["resources"]
    assert "Rendering" not in screen.getvalue()


def test_render_outside_a_terminal_never_shows_it(project, monkeypatch):
    screen = console_on(monkeypatch, terminal=False)
    monkeypatch.setattr("scheduled_jobs.cli.spinner.DELAY_SECONDS", 0.0)
    done = CliRunner().invoke(app, ["render", "--env", "dev"])
    assert done.exit_code == 0, done.output
    assert "Rendering" not in screen.getvalue() + done.stderr
