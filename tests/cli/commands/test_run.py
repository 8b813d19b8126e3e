"""`jobs run` against moto: inputs, overrides, wait, follow, Ctrl-C, and mistakes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import boto3
import pytest

from scheduled_jobs.cli.ops.executions import EXIT_ABORTED, EXIT_INTERRUPTED
from tests.cli.fake_stacks import jobs
from tests.cli.seed import (
    Lines,
    container_stream,
    copilot_job,
    ecs_task_document,
    ending_definition,
    moto_config,
    project_job,
    put_logs,
    run_without_pulumi,
    write_project,
)


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report", "notyet"))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def executing(aws):
    """moto runs Pass/Fail/Choice definitions to the end while this fixture is active."""
    moto_config(aws, execute=True)
    yield
    moto_config(aws, execute=False)


def _executions(arn: str) -> list[dict]:
    return boto3.client("stepfunctions").list_executions(stateMachineArn=arn)["executions"]


def _input(arn: str) -> dict:
    sfn = boto3.client("stepfunctions")
    (execution,) = _executions(arn)
    return json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])


@pytest.mark.parametrize(
    ("args", "expected_input"),
    [
        pytest.param([], {}, id="no-overrides"),
        pytest.param(
            ["--command", "sh -c 'echo hi'"],
            {"overrides": {"command": ["sh", "-c", "echo hi"]}},
            id="command",
        ),
        pytest.param(
            ["--env-var", "K=V", "--env-var", "DRY_RUN=1"],
            {
                "overrides": {
                    "environment": [{"name": "K", "value": "V"}, {"name": "DRY_RUN", "value": "1"}]
                }
            },
            id="environment",
        ),
        pytest.param(
            ["--command", "python migrate.py", "--env-var", "K=V"],
            {
                "overrides": {
                    "command": ["python", "migrate.py"],
                    "environment": [{"name": "K", "value": "V"}],
                }
            },
            id="both",
        ),
    ],
)
def test_run_starts_execution_with_overrides_in_input(project, args, expected_input):
    job = project_job()
    result = jobs("run", "report", "--env", "test", *args)
    assert result.exit_code == 0, result.output
    (execution,) = _executions(job.state_machine_arn)
    assert execution["name"] in result.stdout
    assert f"#/v2/executions/details/{execution['executionArn']}" in result.stdout
    assert _input(job.state_machine_arn) == expected_input
    assert execution["status"] == "RUNNING"  # returned at once, did not wait


def test_run_copilot_job_without_overrides(project):
    job = copilot_job()
    result = jobs("run", "legacy", "--env", "test")
    assert result.exit_code == 0, result.output
    assert _input(job.state_machine_arn) == {}


def test_run_copilot_job_refuses_overrides_it_would_ignore(project):
    job = copilot_job()
    result = jobs("run", "legacy", "--env", "test", "--command", "echo hi")
    assert result.exit_code == 1
    assert "does not read overrides" in result.stderr
    assert _executions(job.state_machine_arn) == []


def test_run_touches_only_its_own_app(project):
    ours = project_job(app="demo")
    theirs = project_job(app="other")
    assert jobs("run", "report", "--env", "test").exit_code == 0
    assert len(_executions(ours.state_machine_arn)) == 1
    assert _executions(theirs.state_machine_arn) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--env-var", "oops"], "is not NAME=VALUE", id="bad-env-var"),
        pytest.param(["--command", "echo 'x"], "No closing quotation", id="bad-command"),
        pytest.param(["--command", ""], "must not be empty", id="empty-command"),
    ],
)
def test_run_rejects_bad_flags(project, args, message):
    job = project_job()
    result = jobs("run", "report", "--env", "test", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert _executions(job.state_machine_arn) == []


def test_run_wait_success_exits_0(project, executing):
    project_job(definition=ending_definition("report"))
    result = jobs("run", "report", "--env", "test", "--wait")
    assert result.exit_code == 0, result.output
    assert "SUCCEEDED" in result.stderr


def test_run_wait_failure_exits_with_container_code(project, executing):
    project_job(definition=ending_definition("report", exit_code=3))
    result = jobs("run", "report", "--env", "test", "--wait", "--command", "false")
    assert result.exit_code == 3, result.output
    assert "FAILED" in result.stderr
    assert "container exit code 3" in result.stderr
    assert "Essential container in task exited" in result.stderr


def test_run_wait_aborted_exits_non_zero(project):
    job = project_job()
    sfn = boto3.client("stepfunctions")

    def stop_when_started():
        for _ in range(100):
            running = _executions(job.state_machine_arn)
            if running:
                sfn.stop_execution(executionArn=running[0]["executionArn"], error="Stopped")
                return
            time.sleep(0.05)

    stopper = threading.Thread(target=stop_when_started)
    stopper.start()
    result = jobs("run", "report", "--env", "test", "--wait")
    stopper.join()
    assert result.exit_code == EXIT_ABORTED, result.output
    assert "ABORTED" in result.stderr


def test_run_follow_prints_the_runs_logs(project, executing):
    """The failed task's ARN (from the history) leads to its log streams, sidecar included;
    another run's stream is not printed."""
    job = project_job(definition=ending_definition("report", exit_code=2))
    task_id = ecs_task_document("report", 2)["TaskArn"].rsplit("/", 1)[1]
    later = int(time.time() * 1000) + 5_000
    put_logs(
        job.log_group,
        container_stream("report", task_id),
        [(later, "migrating"), (later + 2, "boom")],
    )
    put_logs(job.log_group, container_stream("report", task_id, "proxy"), [(later + 1, "proxy up")])
    put_logs(job.log_group, container_stream("report", "f" * 32), [(later, "another run")])
    result = jobs("run", "report", "--env", "test", "--follow")
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(("report/", "proxy/"))]
    assert lines == [
        f"report/{task_id[:8]} migrating",
        f"proxy/{task_id[:8]} proxy up",
        f"report/{task_id[:8]} boom",
    ]


def test_ctrl_c_stops_waiting_not_the_job(project):
    job = project_job()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduled_jobs", "run", "report", "--env", "test", "--wait"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err_lines = Lines(proc.stderr)
    Lines(proc.stdout)  # drained so the child never blocks on a full pipe
    try:
        assert "Waiting" in err_lines.next()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        err = err_lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED
    assert "still running" in err
    assert "Traceback" not in err
    (execution,) = _executions(job.state_machine_arn)
    assert execution["status"] == "RUNNING"


@pytest.mark.parametrize(
    ("job", "env", "hint"),
    [
        pytest.param("nope", "test", "Jobs deployed there: report", id="unknown-job"),
        pytest.param("report", "prod", "Jobs deployed there: (none)", id="wrong-environment"),
        pytest.param(
            "notyet",
            "test",
            "Deploy it with `scheduled-jobs deploy --env test`",
            id="local-only",
        ),
    ],
)
def test_run_unknown_job_lists_what_exists(project, job, env, hint):
    project_job()
    result = jobs("run", job, "--env", env)
    assert result.exit_code == 1
    assert "not found" in result.stderr
    assert hint in result.stderr
    assert "Manifests in this project: notyet, report" in result.stderr


def test_run_without_credentials_is_one_clear_error(project, monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    result = jobs("run", "report", "--env", "test")
    assert result.exit_code == 1
    assert "no AWS credentials found" in result.stderr
    assert "Traceback" not in result.output


def test_run_never_imports_pulumi(project):
    project_job()
    done = run_without_pulumi("run", "report", "--env", "test", "--command", "echo hi")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("args", "expected_input"),
    [
        pytest.param(["--cpu", "1024", "--memory", "2048"],
                     {"overrides": {"cpu": "1024", "memory": "2048"}}, id="size"),
        pytest.param(["--force"], {"force": True}, id="force"),
        pytest.param(["--force", "--cpu", "512", "--memory", "1024", "--env-var", "K=V"],
                     {"overrides": {"environment": [{"name": "K", "value": "V"}], "cpu": "512",
                                    "memory": "1024"}, "force": True}, id="force-size-env"),
    ],
)  # fmt: skip
def test_run_size_and_force_reach_the_execution_input(project, args, expected_input):
    job = project_job()
    result = jobs("run", "report", "--env", "test", *args)
    assert result.exit_code == 0, result.output
    assert _input(job.state_machine_arn) == expected_input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--cpu", "1024"], "--cpu and --memory go together", id="cpu-alone"),
        pytest.param(["--memory", "2048"], "--cpu and --memory go together", id="memory-alone"),
        pytest.param(["--cpu", "1000", "--memory", "2048"], "1000 is not a Fargate CPU size",
                     id="not-a-cpu"),
        pytest.param(["--cpu", "256", "--memory", "4096"],
                     "4096 MiB does not fit cpu 256 on Fargate; use 512, 1024, 2048 MiB",
                     id="not-a-pair"),
    ],
)  # fmt: skip
def test_run_checks_the_size_as_a_fargate_pair(project, args, message):
    job = project_job()
    result = jobs("run", "report", "--env", "test", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert _executions(job.state_machine_arn) == []


def test_run_force_on_a_copilot_job_is_harmless(project):
    job = copilot_job()
    assert jobs("run", "legacy", "--env", "test", "--force").exit_code == 0
    assert _input(job.state_machine_arn) == {"force": True}
    result = jobs("run", "legacy", "--env", "test", "--cpu", "512", "--memory", "1024")
    assert result.exit_code == 1 and "does not read overrides" in result.stderr


def test_help_says_overrides_are_kept_and_what_start_execution_allows():
    result = jobs("run", "--help")
    text = " ".join(result.stdout.split())
    assert "travel in the execution input" in text
    assert "execution history" in text and "logging level ALL" in text
    assert "secrets" in text
    assert "states:StartExecution" in text and "any command with the job's task role" in text


def _no_run_overrides_job():
    """A job deployed from a manifest with `run_overrides: false` (definition as rendered)."""
    from scheduled_jobs.components.convert.state_machine import RunTaskSpec, definition_json

    cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/demo-test"
    task = "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-test-report:1"
    spec = RunTaskSpec(container="report", cluster=cluster, task_definition=task,
                       subnets=["subnet-0a"], run_overrides=False)  # fmt: skip
    return project_job(definition=definition_json(spec))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--command", "sh -c env"], id="command"),
        pytest.param(["--env-var", "K=V"], id="env-var"),
        pytest.param(["--env-var", "K=V", "--cpu", "1024", "--memory", "2048"],
                     id="env-var-with-size"),
    ],
)  # fmt: skip
def test_run_refuses_command_and_env_for_a_job_with_run_overrides_off(project, args):
    job = _no_run_overrides_job()
    result = jobs("run", "report", "--env", "test", *args)
    assert result.exit_code == 1
    assert "does not take --command or --env-var" in result.stderr
    assert "run_overrides: false" in result.stderr
    assert "Traceback" not in result.output
    assert _executions(job.state_machine_arn) == []  # nothing started


def test_run_with_run_overrides_off_still_takes_size_and_force(project):
    job = _no_run_overrides_job()
    result = jobs("run", "report", "--env", "test", "--cpu", "1024", "--memory", "2048")
    assert result.exit_code == 0, result.output
    assert _input(job.state_machine_arn) == {"overrides": {"cpu": "1024", "memory": "2048"}}


def test_help_names_the_boundary_and_the_manifest_key():
    text = " ".join(jobs("run", "--help").stdout.split())
    assert "run_overrides: false" in text
    assert "log group" in text
