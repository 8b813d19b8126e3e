"""`jobs destroy`: running tasks stopped (moto), then the stack destroyed (stand-in)."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("fake_stacks")
from tests.cli.fake_stacks import (  # noqa: E402
    job_steps,
    jobs,
    running,
    start_tasks,
    write_env,
)


@pytest.fixture
def dev(project_dir, automation, aws):
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    automation.destroy_steps = job_steps("dev", "report") + job_steps("dev", "cleanup")
    automation.outputs = {
        "report": {"cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev"}
    }
    return automation


def destroys(fake):
    return [kwargs for name, kwargs in fake.stacks["dev"].calls if name == "destroy"]


def test_destroy_stops_running_tasks_then_destroys(dev, project_dir):
    start_tasks("demo-dev-report", 2)
    start_tasks("demo-dev-cleanup", 1)
    start_tasks("demo-prod-report", 1)  # another environment: left alone
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert running("demo-dev-report") == [] and running("demo-dev-cleanup") == []
    assert len(running("demo-prod-report")) == 1
    assert "Stopped 3 running task(s)." in out.stderr
    opened = dev.opened[-1]
    assert opened["call"] == "select_stack" and opened["stack_name"] == "dev"
    assert opened["work_dir"] == str(project_dir)
    kwargs = destroys(dev)[0]
    assert kwargs.get("target") is None and kwargs["remove"] is None
    assert "report-task-definition (aws:ecs/taskDefinition:TaskDefinition) deleted" in out.stderr
    assert "Destroyed dev in" in out.stderr and "8 delete" in out.stderr
    assert (project_dir / "Pulumi.dev.yaml").exists()


def test_destroy_finds_the_cluster_from_the_setting(dev, project_dir):
    write_env(project_dir, "dev", {"scheduled-jobs:cluster": "shared"})
    start_tasks("demo-dev-report", 1, cluster="shared")
    dev.outputs = {}
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert running("demo-dev-report", cluster="shared") == []


def test_destroy_searches_every_cluster_without_a_known_one(dev):
    start_tasks("demo-dev-report", 1, cluster="elsewhere")
    dev.outputs = {}
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert running("demo-dev-report", cluster="elsewhere") == []


def test_destroy_remove_stack(dev, project_dir):
    stack = dev.stacks["dev"]
    out = jobs("destroy", "--env", "dev", "--yes", "--remove-stack")
    assert out.exit_code == 0, out.output
    assert [kwargs["remove"] for name, kwargs in stack.calls if name == "destroy"] == [True]
    assert "dev" not in dev.stacks
    assert not (project_dir / "Pulumi.dev.yaml").exists()
    assert "Removed the stack dev and Pulumi.dev.yaml." in out.stderr


def test_destroy_needs_yes_outside_a_terminal(dev):
    out = jobs("destroy", "--env", "dev")
    assert out.exit_code == 1
    assert "destroy needs confirmation" in out.stderr
    assert destroys(dev) == []


def test_destroy_declined_in_a_terminal(dev, monkeypatch):
    monkeypatch.setattr("scheduled_jobs.cli.stacks.preflight.interactive", lambda: True)
    start_tasks("demo-dev-report", 1)
    out = jobs("destroy", "--env", "dev", input="n\n")
    assert out.exit_code == 1
    assert "Destroy every job and shared resource in dev?" in out.stderr
    assert destroys(dev) == []
    assert len(running("demo-dev-report")) == 1  # nothing stopped either


def test_destroy_unknown_environment(project_dir, automation, aws):
    write_env(project_dir, "qa")  # a settings file alone does not make a stack to destroy
    out = jobs("destroy", "--env", "qa", "--yes")
    assert out.exit_code == 1
    assert "unknown environment 'qa'" in out.stderr
    assert automation.opened[-1]["call"] == "select_stack"


def test_destroy_failure(dev):
    dev.fail("destroy", "error: destroy failed\n", stdout="  error: deleting ECS Cluster: busy\n")
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "destroy dev failed:" in out.stderr
    assert "error: deleting ECS Cluster: busy" in out.stderr
    assert "run `scheduled-jobs destroy --env dev` again" in out.stderr


def test_ctrl_c_during_destroy(dev):
    dev.interrupt.add("destroy")
    out = jobs("destroy", "--env", "dev", "--yes")
    assert out.exit_code == 130
    assert "destroy interrupted" in out.stderr
    assert "scheduled-jobs destroy --env dev" in out.stderr
