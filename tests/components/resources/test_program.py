"""The Pulumi program: manifests of the project -> one Environment and one ScheduledJob each."""

import shutil
from pathlib import Path

import pytest

from scheduled_jobs.components.errors import ManifestError
from tests.paths import TESTDATA


@pytest.fixture
def project(tmp_path) -> Path:
    """A project with three jobs in manifests/<job>/manifest.yml."""
    for file, job in [("minimal.yml", "minimal"), ("arm64.yml", "arm-job"),
                      ("none-schedule.yml", "migrate")]:  # fmt: skip
        (tmp_path / "manifests" / job).mkdir(parents=True)
        shutil.copy(TESTDATA / file, tmp_path / "manifests" / job / "manifest.yml")
    return tmp_path


def run_program(root: Path, config=None, only=None):
    import pulumi

    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    outputs = {}

    def main():
        built = program.run(root, only=only)
        return pulumi.Output.all(
            **{name: pulumi.Output.all(**job.outputs()) for name, job in built.items()}
        ).apply(outputs.update)

    resources = render(main, project="scheduled-jobs", stack="dev", config=config or {},
                       region="us-east-1")  # fmt: skip
    return resources, outputs


def components_of(resources):
    return sorted(r["name"] for r in resources if r["type"].startswith("scheduled-jobs:"))


def test_one_environment_and_one_job_per_manifest(project):
    resources, outputs = run_program(project)
    assert components_of(resources) == ["arm-job", "dev", "migrate", "minimal"]
    assert set(outputs) == {"arm-job", "migrate", "minimal"}
    assert outputs["minimal"] == {
        "state_machine_arn": "arn:aws:states:us-east-1:123456789012:stateMachine:demo-dev-minimal",
        "rule_name": "demo-dev-minimal",
        "log_group_name": "/copilot/demo-dev-minimal",
        "task_definition_arn": (
            "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-dev-minimal:1"
        ),
        "task_role_arn": "arn:aws:iam::123456789012:role/minimal-task-role-0000000",
        "execution_role_arn": "arn:aws:iam::123456789012:role/minimal-execution-role-0000000",
    }


def test_excluded_jobs_are_skipped(project):
    resources, _ = run_program(project, {"scheduled-jobs:excludedJobs": ["migrate", "arm-job"]})
    assert components_of(resources) == ["dev", "minimal"]


def test_only_limits_the_jobs(project):
    resources, _ = run_program(project, only=["arm-job"])
    assert components_of(resources) == ["arm-job", "dev"]


def test_stack_settings_reach_the_resources(project):
    config = {
        "aws:region": "eu-west-1",
        "scheduled-jobs:app": "shop",
        "scheduled-jobs:cluster": "arn:aws:ecs:eu-west-1:1:cluster/shared",
        "scheduled-jobs:subnets": ["subnet-a"],
        "scheduled-jobs:securityGroups": ["sg-1"],
    }
    resources, outputs = run_program(project, config, only=["minimal"])
    assert components_of(resources) == ["dev", "minimal"]  # nothing created for the env
    assert outputs["minimal"]["log_group_name"] == "/copilot/shop-dev-minimal"
    machine = next(r for r in resources if r["name"] == "minimal-state-machine")["inputs"]
    assert '"Cluster": "arn:aws:ecs:eu-west-1:1:cluster/shared"' in machine["definition"]
    assert '"subnet-a"' in machine["definition"] and '"sg-1"' in machine["definition"]


def test_problems_of_every_manifest_are_reported_together(project):
    for job in ("minimal", "migrate"):
        path = project / "manifests" / job / "manifest.yml"
        path.write_text(path.read_text().replace("Scheduled Job", "Scheduled Job\ncpu: 3"))
    with pytest.raises(ManifestError) as caught:
        run_program(project)
    files = {Path(p.file).parent.name for p in caught.value.problems if p.file}
    assert files == {"minimal", "migrate"}


def test_no_manifests_builds_only_the_environment(tmp_path):
    resources, outputs = run_program(tmp_path)
    assert components_of(resources) == ["dev"]
    assert outputs == {}


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        pytest.param("manifest", "invalid manifest:\nmanifests/minimal/", id="manifest"),
        pytest.param("settings", "invalid stack settings:\nPulumi.dev.yaml", id="settings"),
    ],
)
def test_main_reports_mistakes_as_run_errors(project, monkeypatch, broken, message):
    """A project's __main__.py (`main()`): Pulumi prints a RunError's message alone."""
    import pulumi

    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    config = {}
    if broken == "manifest":
        path = project / "manifests" / "minimal" / "manifest.yml"
        path.write_text(path.read_text().replace("Scheduled Job", "Scheduled Job\ncpu: 3"))
    else:
        config = {"scheduled-jobs:app": "Not_An_App"}
    monkeypatch.chdir(project)  # the program's root is its working directory, as under Pulumi
    with pytest.raises(pulumi.RunError) as caught:
        render(program.main, project="scheduled-jobs", stack="dev", config=config,
               region="us-east-1")  # fmt: skip
    assert str(caught.value).startswith(message), str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
