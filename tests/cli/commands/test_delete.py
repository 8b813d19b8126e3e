"""`jobs delete`: one job out of one environment, kept out of later deploys."""

from __future__ import annotations

import pytest
import yaml

pytest.register_assert_rewrite("fake_stacks")
from tests.cli.fake_stacks import (  # noqa: E402
    ENV_TYPE,
    JOB_TYPE,
    child_urn,
    job_steps,
    job_urn,
    jobs,
    running,
    start_tasks,
    urn,
    write_env,
)

ROOT = "urn:pulumi:dev::scheduled-jobs::pulumi:pulumi:Stack::scheduled-jobs-dev"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"


def state(*jobs_: str) -> list[dict]:
    """A stack export's resources: the environment and, per job, a component with a child
    and a grandchild (a nested component's child)."""
    resources = [
        {"urn": ROOT, "type": "pulumi:pulumi:Stack"},
        {"urn": urn("dev", ENV_TYPE, "dev"), "type": ENV_TYPE, "parent": ROOT},
    ]
    for job in jobs_:
        component = job_urn("dev", job)
        role = child_urn("dev", JOB_TYPE, ROLE, f"{job}-task-role")
        resources += [
            {"urn": component, "type": JOB_TYPE, "parent": ROOT},
            {"urn": role, "type": ROLE, "parent": component},
            {
                "urn": child_urn("dev", f"{JOB_TYPE}${ROLE}", POLICY, f"{job}-task-role-policy"),
                "type": POLICY,
                "parent": role,
            },
        ]
    return resources


@pytest.fixture
def dev(project_dir, automation, aws):
    write_env(project_dir, "dev", {"scheduled-jobs:tags": {"team": "data"}})
    (project_dir / "Pulumi.dev.yaml").write_text(
        "encryptionsalt: v1:abc\n" + (project_dir / "Pulumi.dev.yaml").read_text()
    )
    automation.add_stack("dev", project_dir)
    automation.resources = state("report", "report-daily", "cleanup")
    automation.destroy_steps = job_steps("dev", "report")
    return automation


def destroys(fake):
    return [kwargs for name, kwargs in fake.stacks["dev"].calls if name == "destroy"]


def test_delete_destroys_exactly_the_job(dev, project_dir):
    start_tasks("demo-dev-report", 2)
    start_tasks("demo-dev-report-daily", 1)
    out = jobs("delete", "report", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    target = destroys(dev)[0]["target"]
    assert target == [
        job_urn("dev", "report"),
        child_urn("dev", JOB_TYPE, ROLE, "report-task-role"),
        child_urn("dev", f"{JOB_TYPE}${ROLE}", POLICY, "report-task-role-policy"),
    ]
    # report-daily shares the prefix but is another job: neither its resources nor its tasks.
    assert running("demo-dev-report") == []
    assert len(running("demo-dev-report-daily")) == 1
    assert "Stopped 2 running task(s) of report." in out.stderr
    assert "Deleted job report from dev" in out.stderr


def test_delete_keeps_the_job_out_of_later_deploys(dev, project_dir):
    out = jobs("delete", "report", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    saved = yaml.safe_load((project_dir / "Pulumi.dev.yaml").read_text())
    assert saved["config"]["scheduled-jobs:excludedJobs"] == ["report"]
    # what was there is kept
    assert saved["encryptionsalt"] == "v1:abc"
    assert saved["config"]["scheduled-jobs:tags"] == {"team": "data"}
    assert "remove it from that list and run `scheduled-jobs deploy --env dev report`" in out.stderr
    again = jobs("delete", "report", "--env", "dev", "--yes")
    assert again.exit_code == 0, again.output
    saved = yaml.safe_load((project_dir / "Pulumi.dev.yaml").read_text())
    assert saved["config"]["scheduled-jobs:excludedJobs"] == ["report"]


def test_delete_of_a_job_never_deployed(dev):
    dev.resources = state("cleanup")
    out = jobs("delete", "report", "--env", "dev", "--yes")
    assert out.exit_code == 0, out.output
    assert destroys(dev) == []
    assert "Job report had no resources in dev; nothing to destroy." in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nope", "--env", "dev", "--yes"], "unknown job: nope", id="unknown-job"),
        pytest.param(
            ["report", "--env", "qa", "--yes"], "unknown environment 'qa'", id="unknown-env"
        ),
        pytest.param(["report", "--env", "dev"], "delete needs confirmation", id="no-yes"),
    ],
)
def test_delete_errors(dev, project_dir, args, message):
    out = jobs("delete", *args)
    assert out.exit_code == 1
    assert message in out.stderr
    assert destroys(dev) == []
    assert "excludedJobs" not in (project_dir / "Pulumi.dev.yaml").read_text()


def test_delete_failure_says_how_to_retry(dev):
    dev.fail("destroy", "error: destroy failed\n", stdout="  error: deleting IAM Role: conflict\n")
    out = jobs("delete", "report", "--env", "dev", "--yes")
    assert out.exit_code == 1
    assert "delete report from dev failed:" in out.stderr
    assert "error: deleting IAM Role: conflict" in out.stderr
    assert "run `scheduled-jobs delete report --env dev` again" in out.stderr
