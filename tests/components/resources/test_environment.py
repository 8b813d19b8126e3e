"""The Environment component under mocks: what it creates for each kind of stack settings."""

import pytest

from scheduled_jobs.components.convert.settings import EnvironmentSettings


def render_environment(settings: EnvironmentSettings, needs_bucket=False):
    import pulumi

    from scheduled_jobs.components.resources.environment import Environment
    from scheduled_jobs.components.tools.mocked import render

    seen = {}

    def program():
        environment = Environment(settings.env, settings, needs_artifacts_bucket=needs_bucket)
        return pulumi.Output.all(
            environment.cluster_arn,
            environment.public_subnets,
            environment.private_subnets,
            environment.security_groups,
        ).apply(lambda v: seen.update(cluster=v[0], public=v[1], private=v[2], groups=v[3]))

    resources = render(program, project="scheduled-jobs", stack=settings.env, config={},
                       region=settings.region)  # fmt: skip
    return {r["name"]: r for r in resources}, seen


def test_defaults_create_a_cluster_and_an_egress_only_group_in_the_default_vpc():
    resources, seen = render_environment(EnvironmentSettings(env="dev", tags={"team": "x"}))
    assert set(resources) == {"dev", "dev-cluster", "dev-security-group"}
    cluster = resources["dev-cluster"]["inputs"]
    assert cluster["name"] == "demo-dev"
    assert cluster["tags"] == {
        "team": "x",
        "copilot-application": "demo",
        "copilot-environment": "dev",
    }
    group = resources["dev-security-group"]["inputs"]
    assert "ingress" not in group or group["ingress"] == []
    assert [e["cidrBlocks"] for e in group["egress"]] == [["0.0.0.0/0"]]
    assert group["vpcId"] == "vpc-00000000default"
    assert seen["cluster"] == "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev"
    assert seen["public"] == ["subnet-0000defaulta", "subnet-0000defaultb"]
    assert seen["private"] == []
    assert seen["groups"] == [group_id(resources)]


def group_id(resources):
    import hashlib

    return "sg-" + hashlib.sha256(b"dev-security-group").hexdigest()[:17]


def test_configured_network_and_cluster_create_nothing():
    settings = EnvironmentSettings(
        env="prod",
        cluster="arn:aws:ecs:eu-west-1:1:cluster/shared",
        subnets=("subnet-a",),
        private_subnets=("subnet-p",),
        security_groups=("sg-1", "sg-2"),
        region="eu-west-1",
    )
    resources, seen = render_environment(settings)
    assert set(resources) == {"prod"}
    assert seen == {
        "cluster": "arn:aws:ecs:eu-west-1:1:cluster/shared",
        "public": ["subnet-a"],
        "private": ["subnet-p"],
        "groups": ["sg-1", "sg-2"],
    }


def test_configured_subnets_without_groups_get_a_group_in_their_vpc():
    resources, _ = render_environment(EnvironmentSettings(env="dev", private_subnets=("p-1",)))
    assert resources["dev-security-group"]["inputs"]["vpcId"] == "vpc-00000000placeholder"


@pytest.mark.parametrize(
    "needs, expected",
    [pytest.param(True, True, id="env-file-job"), pytest.param(False, False, id="no-env-files")],
)
def test_artifacts_bucket_only_when_needed(needs, expected):
    resources, _ = render_environment(EnvironmentSettings(env="dev"), needs_bucket=needs)
    assert ("dev-artifacts" in resources) is expected
    assert ("dev-artifacts-public-access" in resources) is expected
    assert ("dev-artifacts-versioning" in resources) is expected
    assert ("dev-artifacts-policy" in resources) is expected
