"""`jobs package`: a preview through the Automation API stand-in."""

from __future__ import annotations

import json

import pytest

pytest.register_assert_rewrite("fake_stacks")
from tests.cli.fake_stacks import JOB_TYPE, Step, child_urn, job_steps, job_urn, jobs, write_env  # noqa: E402

TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.fixture
def dev(project_dir, automation, aws):
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    automation.steps = [
        *job_steps("dev", "cleanup"),
        Step(
            "replace",
            child_urn("dev", JOB_TYPE, TASK_DEF, "report-task-definition"),
            TASK_DEF,
            diffs=["containerDefinitions", "cpu"],
            keys=["containerDefinitions"],
        ),
    ]
    automation.unchanged = 7
    return automation


def previews(fake):
    return [kwargs for name, kwargs in fake.stacks["dev"].calls if name == "preview"]


def test_package_prints_each_change_and_counts(dev):
    out = jobs("package", "--env", "dev", "--tag", "abc1234")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert " + create   scheduled-jobs:index:ScheduledJob  cleanup" in lines
    assert (
        "+- replace  aws:ecs/taskDefinition:TaskDefinition  report-task-definition  "
        "[containerDefinitions, cpu]  (replaced because of containerDefinitions)"
    ) in lines
    assert lines[-1] == "dev: 4 create, 1 replace, 7 unchanged"
    assert previews(dev)[0]["target"] is None
    assert dev.opened[-1]["env_vars"]["SCHEDULED_JOBS_IMAGE_TAG"] == "abc1234"
    assert [k for k, _ in dev.stacks["dev"].calls] == ["preview"]  # nothing changed


def test_package_json(dev):
    out = jobs("package", "--env", "dev", "--json", "--tag", "t1")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["environment"] == "dev" and doc["imageTag"] == "t1"
    assert doc["hasChanges"] is True
    assert doc["summary"] == {"create": 4, "replace": 1, "same": 7}
    replaced = doc["changes"][-1]
    assert replaced == {
        "op": "replace",
        "type": TASK_DEF,
        "name": "report-task-definition",
        "urn": child_urn("dev", JOB_TYPE, TASK_DEF, "report-task-definition"),
        "diffs": ["containerDefinitions", "cpu"],
        "replaceKeys": ["containerDefinitions"],
    }


def test_package_named_job_is_targeted(dev):
    out = jobs("package", "cleanup", "--env", "dev")
    assert out.exit_code == 0, out.output
    kwargs = previews(dev)[0]
    assert job_urn("dev", "cleanup") in kwargs["target"]
    assert job_urn("dev", "report") not in kwargs["target"]
    assert "exclude" not in kwargs  # exact URNs (cli/stacks/targets.py)


def test_package_output_dir_saves_the_preview(dev, tmp_path):
    target = tmp_path / "out" / "ci"
    out = jobs("package", "--env", "dev", "--output-dir", str(target))
    assert out.exit_code == 0, out.output
    saved = json.loads((target / "preview-dev.json").read_text())
    assert saved["summary"]["replace"] == 1
    assert (target / "preview-dev.txt").read_text().startswith("Previewing update (dev):")
    assert previews(dev)[0]["diff"] is True


@pytest.mark.parametrize(
    ("steps", "code"),
    [
        pytest.param([], 0, id="no-changes-0"),
        pytest.param(job_steps("dev", "cleanup"), 2, id="changes-2"),
    ],
)
def test_package_detailed_exitcode(dev, steps, code):
    dev.steps = steps
    out = jobs("package", "--env", "dev", "--detailed-exitcode")
    assert out.exit_code == code, out.output


def test_package_detailed_exitcode_error_is_1(dev):
    dev.fail("preview", "error: preview failed\n", stdout="error: invalid manifest\n")
    out = jobs("package", "--env", "dev", "--detailed-exitcode")
    assert out.exit_code == 1
    assert "preview failed:" in out.stderr
    assert "Traceback" not in out.output


def test_package_unknown_environment(project_dir, automation, aws):
    out = jobs("package", "--env", "staging")
    assert out.exit_code == 1
    assert "unknown environment 'staging'" in out.stderr


def test_package_without_the_pulumi_cli(dev):
    dev.cli_installed = False
    out = jobs("package", "--env", "dev")
    assert out.exit_code == 1
    assert "the Pulumi CLI is not installed" in out.stderr
