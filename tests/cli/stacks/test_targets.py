"""Exact target URNs of a deploy of some jobs (cli/stacks/targets.py)."""

from __future__ import annotations

import pytest

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.project import find_project
from scheduled_jobs.cli.stacks import targets
from tests.cli.fake_stacks import ENV_TYPE, JOB_TYPE, child_urn, job_urn, urn, write_env

TD = "aws:ecs/taskDefinition:TaskDefinition"
POLICY = "aws:iam/rolePolicy:RolePolicy"
ROOT_URN = "urn:pulumi:dev::scheduled-jobs::pulumi:pulumi:Stack::scheduled-jobs-dev"


@pytest.fixture
def chosen(project_dir):
    write_env(project_dir, "dev")
    project = find_project()
    plan = targets.planned_resources(project, "dev", ["report"])
    stale = child_urn("dev", JOB_TYPE, "aws:s3/bucketObjectv2:BucketObjectv2", "report-env-file")
    state = [
        {"urn": job_urn("dev", "report")},
        {"urn": stale, "parent": job_urn("dev", "report")},  # dropped from the manifest
        {"urn": job_urn("dev", "report-daily")},
        {"urn": child_urn("dev", JOB_TYPE, TD, "report-daily-task-definition"),
         "parent": job_urn("dev", "report-daily")},
    ]  # fmt: skip
    return targets.job_targets("dev", "scheduled-jobs", ["report"], plan, state), stale


@pytest.mark.parametrize(
    ("candidate", "wanted"),
    [
        pytest.param(ROOT_URN, True, id="stack-outputs"),
        pytest.param(job_urn("dev", "report"), True, id="component"),
        pytest.param(child_urn("dev", JOB_TYPE, TD, "report-task-definition"), True, id="child"),
        pytest.param(
            child_urn("dev", JOB_TYPE, POLICY, "report-task-role-policy"), True, id="policy"
        ),  # fmt: skip
        pytest.param(urn("dev", ENV_TYPE, "dev"), True, id="environment"),
        pytest.param(
            child_urn("dev", ENV_TYPE, "aws:ecs/cluster:Cluster", "dev-cluster"),
            True,
            id="environment-child",
        ),  # fmt: skip
        pytest.param(job_urn("dev", "report-daily"), False, id="prefixed-job"),
        pytest.param(
            child_urn("dev", JOB_TYPE, TD, "report-daily-task-definition"),
            False,
            id="prefixed-job-child",
        ),
        pytest.param(job_urn("dev", "cleanup"), False, id="other-job"),
    ],
)
def test_targets_are_exact_urns_of_the_job_and_its_environment(chosen, candidate, wanted):
    found, _ = chosen
    assert (candidate in found) is wanted
    assert not any("*" in target for target in found)


def test_a_resource_only_in_the_state_is_targeted_so_it_is_deleted(chosen):
    found, stale = chosen
    assert stale in found


def test_an_invalid_other_job_blocks_a_named_deploy_and_says_why(project_dir):
    write_env(project_dir, "dev")
    (project_dir / "manifests" / "cleanup" / "manifest.yml").write_text("name: cleanup\ncpu: x\n")
    with pytest.raises(UserError) as raised:
        targets.check_every_job(find_project(), "dev", ["report"])
    assert "manifests/cleanup/manifest.yml is invalid" in raised.value.message
    assert "declares every job of the environment" in raised.value.message
    assert "excludedJobs" in raised.value.hint


def test_an_excluded_invalid_job_does_not_block(project_dir):
    write_env(project_dir, "dev", {"scheduled-jobs:excludedJobs": ["cleanup"]})
    (project_dir / "manifests" / "cleanup" / "manifest.yml").write_text("name: cleanup\ncpu: x\n")
    targets.check_every_job(find_project(), "dev", ["report"])
