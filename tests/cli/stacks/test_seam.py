"""The seam (cli/stacks/seam.py): targets, errors, and the real Automation API on a machine without
the Pulumi CLI."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("fake_stacks")
from scheduled_jobs.cli.output import UserError  # noqa: E402
from scheduled_jobs.cli.project import find_project  # noqa: E402
from scheduled_jobs.cli.stacks import seam as stacks  # noqa: E402
from tests.cli.fake_stacks import JOB_TYPE, child_urn, job_urn, jobs, write_env  # noqa: E402

TD = "aws:ecs/taskDefinition:TaskDefinition"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"


def test_descendants_follow_parents_exactly():
    component = job_urn("dev", "a")
    role = child_urn("dev", JOB_TYPE, ROLE, "a-role")
    policy = child_urn("dev", f"{JOB_TYPE}${ROLE}", POLICY, "a-role-policy")
    resources = [
        {"urn": "root"},
        {"urn": component, "parent": "root"},
        {"urn": role, "parent": component},
        {"urn": policy, "parent": role},
        {"urn": job_urn("dev", "a-b"), "parent": "root"},
    ]
    assert stacks.descendants(resources, component) == [component, role, policy]
    assert stacks.descendants(resources, job_urn("dev", "zzz")) == []


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        pytest.param(
            "error: the stack is currently locked by 1 lock(s). Either wait for the other "
            "process(es) to end or delete the lock file with `pulumi cancel`.\n"
            "  file:///s/.pulumi/locks/organization/p/dev/x.json: created by bo@laptop "
            "(pid 77) at 2026-03-01T08:00:00Z\n",
            "environment dev is locked by another update (started by bo@laptop, pid 77, at "
            "2026-03-01T08:00:00Z)",
            id="diy-backend",
        ),
        pytest.param(
            "error: [409] Conflict: Another update is currently in progress.\n",
            "environment dev is locked by another update",
            id="pulumi-cloud",
        ),
    ],
)
def test_lock_message(stderr, expected):
    error = stacks.lock_message("dev", stderr)
    assert error.message == expected
    # That update may be healthy: cancelling it would lose its changes in flight.
    assert "pulumi cancel" not in error.hint and "Wait for that update" in error.hint


def test_a_lock_left_by_a_dead_process_here_may_be_cancelled():
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    stderr = (
        f"  file:///s/x.json: created by me@{socket.gethostname()} (pid {gone}) at "
        "2026-03-01T08:00:00Z\n"
    )
    assert "pulumi cancel --stack dev" in stacks.lock_message("dev", stderr).hint


def test_error_lines_keep_pulumis_own_error_lines():
    text = "Updating\n    error: one\n  error: two\n  error: one\n warning: w\n"
    assert stacks.error_lines(text) == ["error: one", "error: two"]


# --- the real Automation API, without the Pulumi CLI ------------------------------------------


@pytest.fixture
def no_pulumi_on_path(monkeypatch, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_real_automation_api_without_cli(no_pulumi_on_path, project_dir):
    with pytest.raises(UserError) as raised:
        stacks.pulumi_command()
    assert raised.value.message == "the Pulumi CLI is not installed (no `pulumi` on PATH)"
    assert "3.158.0" in raised.value.hint
    project = find_project()
    with pytest.raises(UserError, match="not installed"):
        stacks.open_stack(project, "dev", env_vars={}, command=None, create=True)
    with pytest.raises(UserError, match="not installed"):
        stacks.list_stacks(project, env_vars={}, command=None)


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["deploy", "--env", "dev", "--yes"], id="deploy"),
        pytest.param(["package", "--env", "dev"], id="package"),
        pytest.param(["destroy", "--env", "dev", "--yes"], id="destroy"),
        pytest.param(["delete", "report", "--env", "dev", "--yes"], id="delete"),
        pytest.param(["env", "init", "qa", "--region", "us-east-1"], id="env-init"),
        pytest.param(["env", "ls"], id="env-ls"),
    ],
)
def test_every_stack_command_says_what_to_install(no_pulumi_on_path, project_dir, argv):
    write_env(project_dir, "dev")
    out = jobs(*argv)
    assert out.exit_code == 1
    assert "the Pulumi CLI is not installed (no `pulumi` on PATH)" in out.stderr
    assert "get.pulumi.com" in out.stderr
    assert "Traceback" not in out.output


def test_too_old_cli_through_the_sdk_check(automation):
    automation.cli_version = "3.150.2"
    with pytest.raises(UserError) as raised:
        stacks.pulumi_command()
    assert "minimum CLI version requirement is 3.158.0" in raised.value.message
    assert "3.150.2" in raised.value.message


def test_major_version_mismatch(automation):
    automation.cli_version = "4.0.0"
    with pytest.raises(UserError, match="Major version mismatch"):
        stacks.pulumi_command()


def test_preview_without_a_summary_is_one_message(automation):
    with (
        pytest.raises(UserError, match="stopped without a summary"),
        stacks.pulumi_errors("dev", action="preview"),
    ):
        raise RuntimeError("summary event never found")
    with pytest.raises(RuntimeError, match="a bug"), stacks.pulumi_errors("dev"):
        raise RuntimeError("a bug")
