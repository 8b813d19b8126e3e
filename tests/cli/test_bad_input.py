"""Every command, fed bad arguments and bad environments: one clean message, a non-zero exit,
no traceback (issue 11). In-process with Typer's CliRunner against moto and the Automation
API stand-in; a few cases in a real subprocess, where the process environment matters."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.cli.fake_stacks import jobs, write_env
from tests.cli.seed import project_job


@pytest.fixture
def project(aws, automation, project_dir, monkeypatch):
    """A project (jobs report, report-daily, cleanup) with a `test` environment, and `report`
    deployed in it (moto)."""
    write_env(project_dir, "test", {"aws:region": "us-east-1"})
    monkeypatch.chdir(project_dir)
    project_job(app="demo", job="report")
    return project_dir


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens once closed


NO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
}

# (arguments, environment changes (None: unset), a fragment of the message)
CASES = [
    # --- init, validate, schema, render ---------------------------------------------------
    pytest.param(
        ["init", "-n", "Bad_Name", "-i", "busybox", "-s", "@daily"],
        {},
        "--name:",
        id="init-bad-name",
    ),
    pytest.param(
        ["init", "-n", "x", "-i", "a", "-d", "b", "-s", "@daily"],
        {},
        "cannot be used together",
        id="init-both-sources",
    ),
    pytest.param(
        ["init", "-n", "x1", "-i", "busybox", "-s", "every day"],
        {},
        "--schedule:",
        id="init-bad-schedule",
    ),
    pytest.param(
        ["init", "-n", "x1", "-i", "busybox", "-s", "@daily", "--retries", "many"],
        {},
        "Invalid value for '--retries'",
        id="init-retries-not-a-number",
    ),
    pytest.param(["init", "-n", "x"], {}, "not asking: no terminal", id="init-no-terminal"),
    pytest.param(
        ["init", "-n", "report", "-i", "busybox", "-s", "@daily"],
        {},
        "already exists",
        id="init-exists",
    ),
    pytest.param(["validate", "nosuch"], {}, "unknown job: nosuch", id="validate-unknown-job"),
    pytest.param(
        ["validate"],
        {"JOBS_PROJECT_DIR": "/"},
        "no Pulumi.yaml found",
        id="validate-outside-project",
    ),
    pytest.param(
        ["schema", "-o", "/nonexistent/dir/x.json"], {}, "does not exist", id="schema-no-folder"
    ),
    pytest.param(["schema", "-o", ""], {}, "must not be empty", id="schema-empty-path"),
    pytest.param(["schema", "-o", "/"], {}, "is a folder", id="schema-folder"),
    pytest.param(
        ["render", "--env", "dev", "-o", "/proc/nope"],
        {},
        "cannot create the folder",
        id="render-proc",
    ),
    pytest.param(
        ["render", "--env", "dev", "nosuch"], {}, "unknown job: nosuch", id="render-unknown-job"
    ),
    pytest.param(["render"], {}, "--env", id="render-no-env"),
    # --- stack commands -------------------------------------------------------------------
    pytest.param(["deploy", "--env", "BAD_Env", "--yes"], {}, "BAD_Env", id="deploy-bad-env-name"),
    pytest.param(
        ["deploy", "--env", "dev", "nosuch", "--yes"],
        {},
        "unknown job: nosuch",
        id="deploy-unknown-job",
    ),
    pytest.param(
        ["package", "--env", "dev", "nosuch"], {}, "unknown job: nosuch", id="package-unknown-job"
    ),
    pytest.param(
        ["destroy", "--env", "BAD_Env", "--yes"], {}, "BAD_Env", id="destroy-bad-env-name"
    ),
    pytest.param(
        ["delete", "nosuch", "--env", "test", "--yes"], {}, "nosuch", id="delete-unknown-job"
    ),
    pytest.param(["env", "init", "BAD_Env"], {}, "BAD_Env", id="env-init-bad-name"),
    pytest.param(["nosuchcommand"], {}, "nosuchcommand", id="unknown-command"),
    # --- operating commands: arguments ----------------------------------------------------
    pytest.param(
        ["run", "report", "--env", "test", "--env-var", "oops"],
        {},
        "is not NAME=VALUE",
        id="run-bad-env-var",
    ),
    pytest.param(
        ["run", "report", "--env", "test", "--command", "echo 'x"],
        {},
        "No closing quotation",
        id="run-bad-command",
    ),
    pytest.param(
        ["run", "report", "--env", "test", "--give-up-after", "1m"],
        {},
        "only for --wait",
        id="run-give-up-alone",
    ),
    pytest.param(
        ["run", "report", "--env", "test", "--wait", "--give-up-after", "0s"],
        {},
        "greater than 0",
        id="run-give-up-zero",
    ),
    pytest.param(
        ["run", "nosuch", "--env", "test"], {}, 'job "nosuch" not found', id="run-unknown-job"
    ),
    pytest.param(
        ["logs", "report", "--env", "test", "--since", "99999999d"],
        {},
        "out of range",
        id="logs-since-too-long",
    ),
    pytest.param(
        ["logs", "report", "--env", "test", "--start-time", "0001-01-01"],
        {},
        "before 1970",
        id="logs-start-before-1970",
    ),
    pytest.param(
        ["logs", "report", "--env", "test", "--limit", "0"],
        {},
        "out-of-bounds",
        id="logs-limit-zero",
    ),
    pytest.param(
        ["logs", "report", "--env", "test", "--limit", "x"],
        {},
        "Invalid value for '--limit'",
        id="logs-limit-not-a-number",
    ),
    pytest.param(
        ["logs", "nosuch", "--env", "test"], {}, 'job "nosuch" not found', id="logs-unknown-job"
    ),
    pytest.param(
        ["show", "nosuch", "--env", "test"], {}, 'job "nosuch" not found', id="show-unknown-job"
    ),
    pytest.param(["ls", "--env", "prdo"], {}, 'unknown environment "prdo"', id="ls-unknown-env"),
    pytest.param(
        ["ls", "--env", "test", "--app", "nosuchapp"],
        {},
        'application "nosuchapp" has nothing deployed',
        id="ls-unknown-app",
    ),
    pytest.param(["ls", "--env", " "], {}, "--env must not be empty", id="ls-blank-env"),
    # --- operating commands: environments -------------------------------------------------
    pytest.param(
        ["ls", "--env", "test"],
        {"AWS_ENDPOINT_URL": "not-a-url"},
        "AWS_ENDPOINT_URL='not-a-url' is not an endpoint URL",
        id="endpoint-not-a-url",
    ),
    pytest.param(
        ["logs", "report", "--env", "test"],
        {"AWS_ENDPOINT_URL_LOGS": "ftp://x"},
        "is not an endpoint URL",
        id="service-endpoint-not-http",
    ),
    pytest.param(
        ["ls", "--env", "test"],
        {"AWS_MAX_ATTEMPTS": "many"},
        "AWS_MAX_ATTEMPTS",
        id="attempts-not-a-number",
    ),
    pytest.param(
        ["ls", "--env", "test"],
        {"JOBS_AWS_READ_TIMEOUT": "-1"},
        "JOBS_AWS_READ_TIMEOUT",
        id="read-timeout-negative",
    ),
    pytest.param(
        ["logs", "report", "--env", "test", "--follow"],
        {"JOBS_POLL_INTERVAL": "soon"},
        "JOBS_POLL_INTERVAL",
        id="poll-interval-words",
    ),
    pytest.param(
        ["run", "report", "--env", "test"],
        NO_CREDENTIALS,
        "no AWS credentials found",
        id="no-credentials",
    ),
    pytest.param(
        ["show", "report", "--env", "test"],
        {"AWS_PROFILE": "nosuchprofile"},
        "nosuchprofile",
        id="unknown-profile",
    ),
]


@pytest.mark.parametrize(("args", "environ", "message"), CASES)
def test_bad_input_is_one_clean_message(project, monkeypatch, args, environ, message):
    for key, value in environ.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    result = jobs(*args)
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert message in " ".join(result.output.split()), result.output


@pytest.mark.parametrize(
    ("args", "environ", "message"),
    [
        pytest.param(
            ["ls", "--env", "test"],
            {"AWS_ENDPOINT_URL": "not-a-url"},
            "is not an endpoint URL",
            id="not-a-url",
        ),
        pytest.param(
            ["ls", "--env", "test"],
            {"AWS_ENDPOINT_URL": "closed"},
            "did not answer: cannot connect",
            id="closed-port",
        ),
        pytest.param(
            ["schema", "-o", "/nonexistent/dir/x.json"], {}, "does not exist", id="schema-no-folder"
        ),
    ],
)
def test_bad_input_in_a_real_process(project, args, environ, message):
    env = {**os.environ, **environ, "AWS_MAX_ATTEMPTS": "2", "JOBS_AWS_CONNECT_TIMEOUT": "1"}
    if env.get("AWS_ENDPOINT_URL") == "closed":
        env["AWS_ENDPOINT_URL"] = _closed_port()
    done = subprocess.run(
        [sys.executable, "-m", "scheduled_jobs", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert message in " ".join(done.stderr.split())
    if env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1") and "closed" in str(environ):
        assert env["AWS_ENDPOINT_URL"] in done.stderr  # says which endpoint did not answer
