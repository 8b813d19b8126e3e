"""`jobs deploy` through the Automation API stand-in (tests/cli/fake_stacks.py), with AWS
credentials checked against moto; plus the real deploy/run/destroy, skipped without the Pulumi
CLI and AWS credentials."""

from __future__ import annotations

import http.server
import os
import shutil
import threading

import pytest

pytest.register_assert_rewrite("fake_stacks")
from tests.cli.fake_stacks import (  # noqa: E402
    ENV_TYPE,
    JOB_TYPE,
    Step,
    child_urn,
    job_steps,
    job_urn,
    jobs,
    urn,
    write_env,
)

ROOT_URN = "urn:pulumi:dev::scheduled-jobs::pulumi:pulumi:Stack::scheduled-jobs-dev"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.fixture
def dev(project_dir, automation, aws):
    """An environment `dev` with a stack, and a plan that creates the report job."""
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    automation.steps = job_steps("dev", "report")
    automation.unchanged = 4
    automation.outputs = {
        "report": {"state_machine_arn": "arn:aws:states:us-east-1:1:stateMachine:demo-dev-report"},
        "cleanup": {"state_machine_arn": "arn:aws:states:us-east-1:1:stateMachine:x"},
    }
    return automation


def calls(fake, op):
    return [kwargs for name, kwargs in fake.stacks["dev"].calls if name == op]


def test_deploy_all_jobs(dev, project_dir):
    out = jobs("deploy", "--env", "dev", "--yes", "--tag", "v7")
    assert out.exit_code == 0, out.output
    opened = dev.opened[-1]
    assert opened["call"] == "create_or_select_stack"
    assert opened["stack_name"] == "dev"
    assert opened["work_dir"] == str(project_dir)
    assert opened["env_vars"]["SCHEDULED_JOBS_IMAGE_TAG"] == "v7"
    assert opened["env_vars"]["PULUMI_BACKEND_URL"] == (project_dir / ".pulumi-state").as_uri()
    preview, up = calls(dev, "preview")[0], calls(dev, "up")[0]
    assert preview["target"] is None and up["target"] is None
    assert "+ create   aws:ecs/taskDefinition:TaskDefinition  report-task-definition" in out.stderr
    assert "Plan: 4 create, 4 unchanged" in out.stderr
    assert "report-state-machine (aws:sfn/stateMachine:StateMachine) created" in out.stderr
    assert "Deployed to dev in" in out.stderr and "4 create, 4 unchanged" in out.stderr
    assert (
        "report:\n  state_machine_arn: arn:aws:states:us-east-1:1:stateMachine:demo-dev-report"
        in (out.stdout)
    )
    assert "cleanup:" in out.stdout
    assert "`scheduled-jobs run cleanup --env dev`" in out.stderr


def test_deploy_named_job_targets_it_and_the_environment_only(dev):
    out = jobs("deploy", "report", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    for op in ("preview", "up"):
        kwargs = calls(dev, op)[0]
        assert kwargs["target"][:2] == [ROOT_URN, urn("dev", ENV_TYPE, "dev")]
        assert job_urn("dev", "report") in kwargs["target"]
        assert child_urn("dev", JOB_TYPE, TASK_DEF, "report-task-definition") in kwargs["target"]
        # Exact URNs: report-daily (whose name starts with report-) is not caught by a glob.
        assert not any("*" in t or "report-daily" in t for t in kwargs["target"])
        assert "exclude" not in kwargs
    assert "report:" in out.stdout and "cleanup:" not in out.stdout


def test_deploy_default_tag_is_a_content_digest_outside_git(dev):
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert dev.opened[-1]["env_vars"]["SCHEDULED_JOBS_IMAGE_TAG"].startswith("sha-")


def test_deploy_refresh_is_passed_to_preview_and_up(dev):
    out = jobs("deploy", "--env", "dev", "--yes", "--refresh")
    assert out.exit_code == 0, out.output
    assert calls(dev, "preview")[0]["refresh"] is True
    assert calls(dev, "up")[0]["refresh"] is True


def test_deploy_without_changes_does_not_update(dev):
    dev.steps = []
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert "No changes: dev is up to date." in out.stderr
    assert calls(dev, "up") == []


def test_deploy_outside_a_terminal_needs_yes(dev):
    out = jobs("deploy", "--env", "dev")
    assert out.exit_code == 1
    assert "deploy needs confirmation and this is not a terminal" in out.stderr
    assert "--yes" in out.stderr
    assert dev.opened == []  # failed before any Pulumi call


@pytest.mark.parametrize(
    ("answer", "code", "updated"),
    [
        pytest.param("y\n", 0, True, id="confirmed"),
        pytest.param("n\n", 1, False, id="declined"),
    ],
)
def test_deploy_asks_in_a_terminal(dev, monkeypatch, answer, code, updated):
    monkeypatch.setattr("scheduled_jobs.cli.stacks.preflight.interactive", lambda: True)
    out = jobs("deploy", "--env", "dev", input=answer)
    assert out.exit_code == code, out.output
    assert "Deploy these changes to dev?" in out.stderr
    assert bool(calls(dev, "up")) is updated
    if not updated:
        assert "deploy cancelled; nothing was changed" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nope"], "unknown job: nope", id="unknown-job"),
        pytest.param(["--env", "Bad_Env"], "environment name 'Bad_Env' is invalid", id="env"),
    ],
)
def test_deploy_rejects_bad_names(dev, args, message):
    argv = ["deploy", "--env", "dev", "--yes", *args]
    if "--env" in args:
        argv = ["deploy", "--yes", *args]
    out = jobs(*argv)
    assert out.exit_code == 1
    assert message in out.stderr
    assert "Traceback" not in out.output


def test_deploy_unknown_environment(project_dir, automation, aws):
    out = jobs("deploy", "--env", "qa", "--yes")
    assert out.exit_code == 1
    assert "unknown environment 'qa'" in out.stderr
    assert "`scheduled-jobs env init qa`" in out.stderr
    # Without Pulumi.qa.yaml the stack is only selected, never created by a deploy.
    assert automation.opened[-1]["call"] == "select_stack"
    assert "qa" not in automation.stacks


def test_deploy_creates_the_stack_of_an_environment_with_settings(project_dir, automation, aws):
    write_env(project_dir, "qa")
    automation.steps = job_steps("qa", "report")
    out = jobs("deploy", "--env", "qa", "--yes")
    assert out.exit_code == 0, out.output
    assert automation.opened[-1]["call"] == "create_or_select_stack"
    assert "qa" in automation.stacks


def test_deploy_refuses_an_excluded_job(dev, project_dir):
    write_env(project_dir, "dev", {"scheduled-jobs:excludedJobs": ["report"]})
    out = jobs("deploy", "report", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "report is excluded from dev" in out.stderr
    assert "remove it from scheduled-jobs:excludedJobs in Pulumi.dev.yaml" in out.stderr


def test_deploy_without_the_pulumi_cli(dev):
    dev.cli_installed = False
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "the Pulumi CLI is not installed" in out.stderr
    assert "get.pulumi.com" in out.stderr and "3.158.0" in out.stderr


def test_deploy_with_a_too_old_pulumi_cli(dev):
    dev.cli_version = "3.100.0"
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "minimum CLI version requirement is 3.158.0" in out.stderr
    assert "3.100.0" in out.stderr


def test_deploy_to_a_locked_stack(dev):
    dev.fail(
        "preview",
        "error: the stack is currently locked by 1 lock(s). Either wait for the other "
        "process(es) to end or delete the lock file with `pulumi cancel`.\n"
        "  s3://state/.pulumi/locks/organization/scheduled-jobs/dev/1f.json: created by "
        "ana@ci-runner (pid 4242) at 2026-01-01T10:00:00Z\n",
    )
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert (
        "environment dev is locked by another update (started by ana@ci-runner, pid 4242, "
        "at 2026-01-01T10:00:00Z)"
    ) in out.stderr
    assert "pulumi cancel" not in out.stderr  # that update may be running
    assert calls(dev, "up") == []


def test_deploy_failure_shows_the_engine_errors(dev):
    task_def = child_urn("dev", JOB_TYPE, TASK_DEF, "report-task-definition")
    dev.fail(
        "up",
        "error: update failed\n",
        stdout="Updating (dev):\n ... \nDiagnostics:\n  error: update failed\n",
        events=[
            {
                "diagnosticEvent": {
                    "urn": task_def,
                    "prefix": "error: ",
                    "message": "creating ECS Task Definition (demo-dev-report): ClientException:"
                    " Invalid 'cpu' setting for task.\n",
                    "color": "never",
                    "severity": "error",
                }
            },
            {
                "resOpFailedEvent": {
                    "metadata": Step("create", task_def, TASK_DEF).metadata(),
                    "status": 2,
                    "steps": 1,
                }
            },
            {
                "diagnosticEvent": {
                    "urn": ROOT_URN,
                    "message": "update failed",
                    "color": "never",
                    "severity": "error",
                }
            },
        ],
    )
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "error: deploy to dev failed:" in out.stderr
    assert (
        "aws:ecs/taskDefinition:TaskDefinition report-task-definition: creating ECS Task "
        "Definition (demo-dev-report): ClientException: Invalid 'cpu' setting for task."
    ) in out.stderr
    assert "report-task-definition (aws:ecs/taskDefinition:TaskDefinition) failed" in out.stderr
    assert "run `scheduled-jobs deploy --env dev` again" in out.stderr
    assert "Traceback" not in out.output


def test_ctrl_c_during_deploy_lets_pulumi_finish_and_reports_the_state(dev):
    dev.interrupt.add("up")
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 130
    assert ("cancel", {}) not in dev.stacks["dev"].calls
    assert "Pulumi stopped the update of dev after the operations in flight" in out.stderr
    assert "last recorded result is 'failed'" in out.stderr
    assert "scheduled-jobs deploy --env dev --refresh" in out.stderr


def test_two_ctrl_c_during_deploy_cancel_it(dev):
    dev.interrupt.add("up")
    dev.ctrl_c = 2
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 130
    assert ("cancel", {}) in dev.stacks["dev"].calls
    assert "interrupted twice" in out.stderr


# --- credentials ---------------------------------------------------------------------------


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


def test_deploy_without_aws_credentials(project_dir, automation, no_aws_credentials):
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "no AWS credentials found" in out.stderr
    assert automation.stacks["dev"].calls == []  # no preview, no update


class _ExpiredSts(http.server.BaseHTTPRequestHandler):
    """Answers every call as STS does for an expired session token."""

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = (
            b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
            b"<Type>Sender</Type><Code>ExpiredToken</Code>"
            b"<Message>The security token included in the request is expired</Message>"
            b"</Error><RequestId>1</RequestId></ErrorResponse>"
        )
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_deploy_with_expired_aws_credentials(project_dir, automation, monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), _ExpiredSts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "old")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "old")
        monkeypatch.setenv("AWS_SESSION_TOKEN", "old")
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        write_env(project_dir, "dev")
        automation.add_stack("dev", project_dir)
        out = jobs("deploy", "--env", "dev", "--yes")
    finally:
        server.shutdown()
    assert out.exit_code == 1
    assert "The security token included in the request is expired" in out.stderr
    assert automation.stacks["dev"].calls == []


# --- the real thing ------------------------------------------------------------------------


def _aws_credentials_resolve() -> bool:
    if os.environ.get("AWS_ENDPOINT_URL"):
        return False  # pointed at a stand-in: not a real account
    import boto3

    return boto3.session.Session().get_credentials() is not None


@pytest.mark.skipif(
    shutil.which("pulumi") is None or not _aws_credentials_resolve(),
    reason="needs the Pulumi CLI on PATH and AWS credentials (see docs/deploying.md)",
)
def test_real_deploy_run_destroy(project_root, tmp_path, monkeypatch):
    """Deploys the example job to a throw-away environment, runs it, destroys everything.

    Uses a file backend in a temporary folder, so no Pulumi account is touched.
    """
    env = f"t{os.getpid()}"
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(project_root))
    monkeypatch.setenv("PULUMI_BACKEND_URL", (tmp_path / "state").as_uri())
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "test")
    (tmp_path / "state").mkdir()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    stack_file = project_root / f"Pulumi.{env}.yaml"
    try:
        created = jobs("env", "init", env, "--region", region)
        assert created.exit_code == 0, created.output
        deployed = jobs("deploy", "hello", "--env", env, "--yes")
        assert deployed.exit_code == 0, deployed.output
        ran = jobs("run", "hello", "--env", env, "--wait")
        assert ran.exit_code == 0, ran.output
    finally:
        destroyed = jobs("destroy", "--env", env, "--yes", "--remove-stack")
        stack_file.unlink(missing_ok=True)
    assert destroyed.exit_code == 0, destroyed.output


@pytest.mark.parametrize(
    ("builds", "docker_answers", "count"),
    [
        pytest.param(False, False, 2, id="nothing-builds"),
        pytest.param(True, True, 2, id="builds-docker-answers"),
        pytest.param(True, False, 3, id="builds-docker-down-too"),
    ],
)
def test_every_missing_prerequisite_at_once(
    dev, project_dir, no_aws_credentials, tmp_path, monkeypatch, builds, docker_answers, count
):
    import socket

    dev.cli_installed = False
    if builds:
        manifest = project_dir / "manifests" / "report" / "manifest.yml"
        manifest.write_text(
            manifest.read_text().replace(
                "location: public.ecr.aws/docker/library/busybox:latest", "build: Dockerfile"
            )
        )
        (project_dir / "Dockerfile").write_text("FROM busybox\n")
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker CLI: the socket is asked
    path = tmp_path / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if docker_answers:
        listener.bind(str(path))
        listener.listen(1)
    try:
        out = jobs("deploy", "--env", "dev", "--yes")
    finally:
        listener.close()
    assert out.exit_code == 1
    assert f"{count} prerequisites are missing" in out.stderr
    assert "the Pulumi CLI is not installed" in out.stderr
    assert "credentials" in out.stderr.lower()
    assert ("Docker cannot build" in out.stderr) is (builds and not docker_answers)


def test_a_deploy_that_builds_needs_docker_and_says_so_before_changing_anything(
    dev, tmp_path, monkeypatch
):
    from tests.cli.fake_stacks import Step

    monkeypatch.setenv("PATH", str(tmp_path))  # no docker CLI: the socket is asked
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    image = child_urn("dev", JOB_TYPE, "docker-build:index:Image", "report-image")
    dev.steps = [Step("create", image, "docker-build:index:Image")]
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "builds report-image, and Docker cannot build" in out.stderr
    assert calls(dev, "up") == []


def test_a_deploy_that_builds_nothing_needs_no_docker(dev, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    out = jobs("deploy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert calls(dev, "up")
