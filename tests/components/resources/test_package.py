"""The component as a Pulumi package: the SDK's own analyzer and provider accept it, its
schema carries the args other languages pass and the outputs they read, and under mocks the
package's Job builds one ScheduledJob from a manifest path or text."""

from __future__ import annotations

import json

import pytest

from scheduled_jobs.components.contract import JOB_TOKEN, PACKAGE_JOB_TOKEN, PACKAGE_NAME
from scheduled_jobs.components.resources.package import Job, scheduled_job_args
from tests.paths import ROOT

TESTDATA = ROOT / "tests" / "testdata"
INPUTS = {
    "manifestPath",
    "manifest",
    "app",
    "env",
    "region",
    "cluster",
    "subnets",
    "securityGroups",
    "assignPublicIp",
    "account",
    "tags",
    "imageTag",
    "root",
    "artifactsBucket",
}
OUTPUTS = {
    "stateMachineArn",
    "ruleName",
    "logGroupName",
    "taskDefinitionArn",
    "taskRoleArn",
    "executionRoleArn",
}


@pytest.fixture(scope="module")
def schema() -> dict:
    """The schema as the SDK's component provider host serves it (its analyzer, its
    generator, through the ComponentProvider that component_provider_host starts)."""
    from pulumi.provider.experimental.component import ComponentProvider

    provider = ComponentProvider([Job], PACKAGE_NAME, version="0.1.0")
    return json.loads(provider.schema)


def test_schema_names_the_component(schema):
    assert schema["name"] == PACKAGE_NAME
    assert set(schema["resources"]) == {PACKAGE_JOB_TOKEN}
    assert schema["resources"][PACKAGE_JOB_TOKEN]["isComponent"] is True


def test_schema_inputs(schema):
    job = schema["resources"][PACKAGE_JOB_TOKEN]
    inputs = job["inputProperties"]
    assert set(inputs) == INPUTS
    assert sorted(job["requiredInputs"]) == ["app", "cluster", "env", "region", "subnets"]
    # What decides which resources exist is plain; the placement may come from other resources.
    for key in ("manifestPath", "manifest", "app", "env", "region", "imageTag", "root"):
        assert inputs[key] == {**inputs[key], "type": "string", "plain": True}, key
    assert not inputs["cluster"].get("plain")
    assert inputs["subnets"]["type"] == "array" and not inputs["subnets"].get("plain")
    assert inputs["tags"]["additionalProperties"]["type"] == "string"
    assert all(inputs[key].get("description") for key in INPUTS)


def test_schema_outputs(schema):
    job = schema["resources"][PACKAGE_JOB_TOKEN]
    assert set(job["properties"]) == OUTPUTS
    assert set(job["required"]) == OUTPUTS
    assert all(job["properties"][key]["type"] == "string" for key in OUTPUTS)


def _settings(**extra) -> dict:
    return {
        "app": "demo",
        "env": "dev",
        "region": "us-east-1",
        "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev",
        "subnets": ["subnet-0public00000000a"],
        "account": "123456789012",
        **extra,
    }


@pytest.mark.parametrize(
    "source",
    [
        pytest.param({"manifest_path": str(TESTDATA / "minimal.yml")}, id="path"),
        pytest.param({"manifest": (TESTDATA / "minimal.yml").read_text()}, id="text"),
    ],
)
def test_job_builds_a_scheduled_job_under_mocks(source):
    from scheduled_jobs.components.tools.mocked import render

    def program():
        Job("nightly", _settings(root=str(TESTDATA), **source))

    resources = render(
        program,
        project="scheduled-jobs",
        stack="dev",
        config={"aws:region": "us-east-1"},
        region="us-east-1",
        relations=True,
    )
    by_name = {(r["type"], r["name"]): r for r in resources}
    assert (PACKAGE_JOB_TOKEN, "nightly") in by_name
    inner = by_name[(JOB_TOKEN, "minimal")]
    assert inner["parent"] == "nightly"
    machine = next(r for r in resources if r["type"] == "aws:sfn/stateMachine:StateMachine")
    assert machine["name"] == "minimal-state-machine" or machine["name"].startswith("minimal-")
    assert machine["inputs"]["name"] == "demo-dev-minimal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({}, "exactly one of manifestPath and manifest", id="no-manifest"),
        pytest.param(
            {"manifest_path": "a.yml", "manifest": "name: a"},
            "exactly one",
            id="both",
        ),
        pytest.param({"manifest": "x", "app": ""}, "app must be", id="empty-app"),
    ],
)
def test_bad_args_are_said(args, message):
    with pytest.raises(ValueError, match=message):
        scheduled_job_args({**_settings(), **args})


def test_public_ip_follows_the_manifest_placement():
    args = scheduled_job_args(_settings(manifest=(TESTDATA / "minimal.yml").read_text()))
    assert args.assign_public_ip is True and args.job.name == "minimal"
    private = (TESTDATA / "private-placement.yml").read_text()
    assert scheduled_job_args(_settings(manifest=private)).assign_public_ip is False
