import json
from pathlib import Path

import pytest

from components.tools.render import (
    DuplicateResourceError,
    _plain,
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


@pytest.fixture(params=["fork", "spawn"])
def start(request, monkeypatch):
    """Run the test with forked workers (Linux) and with fresh-interpreter ones (elsewhere)."""
    from components.tools import render

    if request.param == "fork" and not render._can_fork():
        pytest.skip("no fork on this platform")
    if request.param == "spawn":
        monkeypatch.setattr(render, "_can_fork", lambda: False)
    return request.param


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_render_exactly_what_one_process_renders(project, start, workers):
    from components.tools.render import render_jobs

    jobs = sorted(p.name for p in (project / "manifests").iterdir())
    serial = render_jobs(project, jobs, workers=1, **SETTINGS)
    parallel = render_jobs(project, jobs, workers=workers, **SETTINGS)
    assert parallel == serial
    # The environment (and its bucket, needed by one worker's job only) appears once.
    assert [r["name"] for r in parallel].count("dev-artifacts") == 1


def test_worker_problems_reach_the_caller(project, start):
    from components.errors import ManifestError
    from components.tools.render import render_jobs

    for job in ("minimal", "secrets-job"):
        path = project / "manifests" / job / "manifest.yml"
        path.write_text(path.read_text() + "cpu: 3\n")
    with pytest.raises(ManifestError) as caught:
        # Shares: [minimal, arm-job] here, [secrets-job] in the worker; problems in job order.
        render_jobs(project, ["minimal", "arm-job", "secrets-job"], workers=2, **SETTINGS)
    files = [p.file for p in caught.value.problems]
    assert [Path(f).parent.name for f in dict.fromkeys(files)] == ["minimal", "secrets-job"]


def test_a_crashed_forked_worker_is_an_error_with_its_traceback(project, monkeypatch):
    from components.tools import render

    if not render._can_fork():
        pytest.skip("no fork on this platform")
    real = render._render_chunk

    def crash_in_worker(request):
        if "secrets-job" in request["jobs"]:
            raise RuntimeError("boom in the worker")
        return real(request)

    monkeypatch.setattr(render, "_render_chunk", crash_in_worker)
    with pytest.raises(RuntimeError, match="(?s)render worker failed.*boom in the worker"):
        render.render_jobs(project, ["minimal", "secrets-job"], workers=2, **SETTINGS)


@pytest.mark.parametrize(
    "config, ec2",
    [
        pytest.param({}, True, id="default-vpc"),
        pytest.param({"scheduled-jobs:subnets": ["subnet-1"]}, True, id="own-subnets-no-groups"),
        pytest.param(
            {"scheduled-jobs:subnets": ["subnet-1"], "scheduled-jobs:securityGroups": ["sg-1"]},
            False,
            id="own-network",
        ),
    ],
)
def test_ec2_is_loaded_before_forking_only_when_the_environment_needs_it(config, ec2, tmp_path):
    from components.tools.render import _shared_modules

    assert ("pulumi_aws.ec2" in _shared_modules("dev", config, tmp_path, [])) is ec2


@pytest.mark.parametrize(
    "image, docker",
    [
        pytest.param("build: Dockerfile", True, id="a-job-builds"),
        pytest.param("location: busybox", False, id="no-job-builds"),
    ],
)
def test_docker_is_loaded_before_forking_only_when_a_job_builds(image, docker, tmp_path):
    from components.tools.render import _shared_modules

    manifest = tmp_path / "manifests" / "one" / "manifest.yml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(f"name: one\nimage:\n  {image}\n")
    modules = _shared_modules("dev", {}, tmp_path, ["one"])
    assert ("pulumi_docker" in modules) is docker
