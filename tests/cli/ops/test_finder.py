"""Finding a job's resources by tags, by Copilot's names, and by the rule's target."""

from __future__ import annotations

import boto3
import pytest

from scheduled_jobs.cli.ops.finder import find_job, find_log_group, tagged_jobs
from scheduled_jobs.cli.ops.session import connect
from scheduled_jobs.cli.output import UserError
from tests.cli.seed import copilot_job, project_job, write_project


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))


def test_tags_find_both_kinds_and_nothing_else(project):
    project_job(job="report")
    copilot_job(job="legacy")
    project_job(app="other", job="report")
    project_job(env="prod", job="nightly")
    jobs = tagged_jobs(connect("test", None), "demo", "test")
    assert sorted(jobs) == ["legacy", "report"]
    assert jobs["report"].state_machine_arn.endswith(":stateMachine:demo-test-report")
    assert jobs["report"].log_group == "/copilot/demo-test-report"


@pytest.mark.parametrize(
    ("seed", "job", "rule_prefix"),
    [
        pytest.param(project_job, "report", "demo-test-report", id="project-rule-by-name"),
        pytest.param(copilot_job, "legacy", "demo-test-legacy-Rule-", id="copilot-rule-by-target"),
    ],
)
def test_find_job_with_rule(project, seed, job, rule_prefix):
    seeded = seed(job=job)
    found = find_job(connect("test", None), job, with_rule=True)
    assert found.state_machine_arn == seeded.state_machine_arn
    assert found.rule is not None and found.rule.name.startswith(rule_prefix)
    assert found.found_by == "tags"


def test_untagged_job_is_found_by_copilot_names(project):
    seeded = project_job()
    sfn, logs = boto3.client("stepfunctions"), boto3.client("logs")
    sfn.untag_resource(
        resourceArn=seeded.state_machine_arn,
        tagKeys=["copilot-application", "copilot-environment", "copilot-service"],
    )
    logs.untag_log_group(
        logGroupName=seeded.log_group,
        tags=["copilot-application", "copilot-environment", "copilot-service"],
    )
    found = find_job(connect("test", None), "report", need_state_machine=True)
    assert found.found_by == "name"
    assert (found.state_machine_arn, found.log_group) == (
        seeded.state_machine_arn,
        seeded.log_group,
    )


def test_logs_only_job_cannot_be_run(project):
    boto3.client("logs").create_log_group(logGroupName="/copilot/demo-test-gone")
    aws = connect("test", None)
    assert find_job(aws, "gone").log_group == "/copilot/demo-test-gone"
    with pytest.raises(UserError, match="no state machine"):
        find_job(aws, "gone", need_state_machine=True)


def _services_asked(aws, monkeypatch) -> list[str]:
    asked: list[str] = []
    make = aws.client
    monkeypatch.setattr(aws, "client", lambda service: asked.append(service) or make(service))
    return asked


@pytest.mark.parametrize(
    "seed", [pytest.param(project_job, id="ours"), pytest.param(copilot_job, id="copilots")]
)
def test_a_log_group_by_its_name_needs_no_tag_search(project, monkeypatch, seed):
    seeded = seed(job="report")
    aws = connect("test", None)
    asked = _services_asked(aws, monkeypatch)
    assert find_log_group(aws, "report") == seeded.log_group
    assert set(asked) == {"logs"}


def test_no_group_of_that_name_falls_back_to_the_tags_and_names_the_unknown_job(
    project, monkeypatch
):
    project_job(job="nightly")
    aws = connect("test", None)
    asked = _services_asked(aws, monkeypatch)
    with pytest.raises(UserError) as raised:
        find_log_group(aws, "report")
    assert "nightly" in str(raised.value) + str(raised.value.hint or "")
    assert "resourcegroupstaggingapi" in asked
