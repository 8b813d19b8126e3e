import json
from pathlib import Path

import pytest

from scheduled_jobs.components.tools.mocked import _plain
from scheduled_jobs.components.tools.render import (
    DuplicateResourceError,
    check_unique,
    group_by_owner,
    job_summary,
)
from tests.paths import TESTDATA

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "pw"}


@pytest.mark.parametrize(
    "wire, plain",
    [
        pytest.param({"password": SECRET}, {"password": "[secret]"}, id="secret-hidden"),
        pytest.param({"cpu": 256.0, "ratio": 1.5}, {"cpu": 256, "ratio": 1.5}, id="floats"),
        pytest.param([{"n": 1.0}], [{"n": 1}], id="nested-in-list"),
    ],
)
def test_plain_undoes_wire_quirks(wire, plain):
    assert _plain(wire) == plain


def test_check_unique_names_duplicates():
    resources = [
        {"type": "aws:iam/role:Role", "name": "a-role"},
        {"type": "aws:iam/role:Role", "name": "a-role"},
        {"type": "aws:iam/rolePolicy:RolePolicy", "name": "a-role"},
    ]
    with pytest.raises(DuplicateResourceError, match=r"a-role \(aws:iam/role:Role\)"):
        check_unique(resources)
    check_unique(resources[1:])  # same name, different type: fine


def test_group_by_owner_prefers_the_longest_owner():
    names = ["dev", "dev-cluster", "dev-report", "dev-report-rule", "report", "report-rule"]
    resources = [{"name": n} for n in names]
    grouped = group_by_owner(resources, ["dev", "dev-report", "report"])
    assert {k: [r["name"] for r in v] for k, v in grouped.items()} == {
        "dev": ["dev", "dev-cluster"],
        "dev-report": ["dev-report", "dev-report-rule"],
        "report": ["report", "report-rule"],
    }


def test_job_summary_reads_the_rendered_settings():
    definition = {
        "TimeoutSeconds": 900,
        "States": {"A": {"Retry": [{"MaxAttempts": 2}]}, "B": {"Type": "Choice"}},
    }
    resources = [
        {
            "type": "aws:cloudwatch/eventRule:EventRule",
            "inputs": {"scheduleExpression": "rate(1 hour)", "state": "ENABLED"},
        },
        {
            "type": "aws:ecs/taskDefinition:TaskDefinition",
            "inputs": {
                "cpu": "512",
                "memory": "1024",
                "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
                "containerDefinitions": json.dumps(
                    [{"name": "j", "image": "img:1"}, {"name": "side", "image": "x"}]
                ),
            },
        },
        {
            "type": "aws:sfn/stateMachine:StateMachine",
            "inputs": {"definition": json.dumps(definition)},
        },
    ]
    assert job_summary(resources) == {
        "schedule": "rate(1 hour)",
        "size": "512 CPU units, 1024 MiB, LINUX/ARM64",
        "image": "img:1",
        "sidecars": "side",
        "retries": 2,
        "timeout": "900 s",
    }


def test_job_summary_of_a_disabled_rule():
    resources = [
        {
            "type": "aws:cloudwatch/eventRule:EventRule",
            "inputs": {"scheduleExpression": "rate(5 minutes)", "state": "DISABLED"},
        }
    ]
    assert job_summary(resources) == {"schedule": "none (rule disabled)"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Five jobs in manifests/<job>/manifest.yml, one of them with an env file."""
    import shutil

    testdata = TESTDATA
    shutil.copytree(testdata / "files", tmp_path / "files")
    jobs = {"minimal": "minimal", "arm64": "arm-job", "none-schedule": "migrate",
            "env-file": "env-file-job", "secrets": "secrets-job"}  # fmt: skip
    for file, job in jobs.items():
        (tmp_path / "manifests" / job).mkdir(parents=True)
        shutil.copy(testdata / f"{file}.yml", tmp_path / "manifests" / job / "manifest.yml")
    return tmp_path


SETTINGS = dict(project="scheduled-jobs", stack="dev", config={}, region="us-east-1")


def test_a_project_renders_every_job_and_the_environment_once(project):
    from scheduled_jobs.components.tools.render import render_jobs

    jobs = sorted(p.name for p in (project / "manifests").iterdir())
    resources = render_jobs(project, jobs, **SETTINGS)
    components = [r["name"] for r in resources if r["type"].startswith("scheduled-jobs:")]
    assert components == sorted(["dev", *jobs])
    assert [r["name"] for r in resources].count("dev-artifacts") == 1


def test_every_job_problem_reaches_the_caller_in_job_order(project):
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.tools.render import render_jobs

    for job in ("minimal", "secrets-job"):
        path = project / "manifests" / job / "manifest.yml"
        path.write_text(path.read_text() + "cpu: 3\n")
    with pytest.raises(ManifestError) as caught:
        render_jobs(project, ["minimal", "arm-job", "secrets-job"], **SETTINGS)
    files = [p.file for p in caught.value.problems]
    assert [Path(f).parent.name for f in dict.fromkeys(files)] == ["minimal", "secrets-job"]


def test_excluded_jobs_are_not_rendered(project):
    from scheduled_jobs.components.tools.render import render_jobs

    settings = {**SETTINGS, "config": {"scheduled-jobs:excludedJobs": "minimal,arm-job"}}
    names = {r["name"] for r in render_jobs(project, ["minimal", "arm-job", "migrate"], **settings)}
    assert "migrate" in names and "minimal" not in names and "arm-job" not in names


def test_the_render_imports_no_pulumi(project):
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; "
        "from scheduled_jobs.components.tools.render import render_jobs; "
        f"render_jobs(Path({str(project)!r}), ['minimal', 'env-file-job'], project='p', "
        "stack='dev', config={}, region='us-east-1'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pulumi', 'pulumi_aws', 'pulumi_docker_build', 'boto3', 'botocore')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_renamed_project_reads_its_own_namespace(project):
    """`name: payroll` in Pulumi.yaml: the settings are `payroll:*`, as pulumi.Config() reads."""
    from scheduled_jobs.components.tools.render import render_jobs

    resources = render_jobs(project, ["minimal"], project="payroll", stack="dev",
                            config={"payroll:app": "pay", "scheduled-jobs:app": "other"},
                            region="us-east-1")  # fmt: skip
    groups = [r["inputs"].get("name") for r in resources if r["type"].endswith("logGroup:LogGroup")]
    assert groups == ["/copilot/pay-dev-minimal"]
