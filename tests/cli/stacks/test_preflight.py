"""The environment checks before a deploy (cli/stacks/preflight.py check_environment), against
moto's EC2 and ECS: capacity providers for `capacity: spot`, one subnet per Availability Zone
for the environment's EFS file system, NFS egress in the task's groups."""

from __future__ import annotations

import boto3
import pytest

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.stacks.preflight import (
    allows_nfs_egress,
    check_environment,
    same_zone_subnets,
)
from tests.cli.project_factory import VALID, make_project

# Block style: make_project formats the text ({name}), so no flow maps here.
MANAGED = VALID + "storage:\n  volumes:\n    data:\n      path: /data\n      efs: true\n"
OWN_EFS = (
    VALID + "storage:\n  volumes:\n    data:\n      path: /data\n      efs:\n        id: fs-1\n"
)


@pytest.mark.parametrize(
    ("described", "expected"),
    [
        pytest.param([{"SubnetId": "a", "AvailabilityZone": "z1"},
                      {"SubnetId": "b", "AvailabilityZone": "z2"}], {}, id="one-per-zone"),
        pytest.param([{"SubnetId": "a", "AvailabilityZone": "z1"},
                      {"SubnetId": "b", "AvailabilityZone": "z1"},
                      {"SubnetId": "c", "AvailabilityZone": "z2"}], {"z1": ["a", "b"]},
                     id="two-in-one-zone"),
    ],
)  # fmt: skip
def test_same_zone_subnets(described, expected):
    assert same_zone_subnets(described) == expected


@pytest.mark.parametrize(
    ("rules", "allowed"),
    [
        pytest.param([{"IpProtocol": "-1"}], True, id="all-traffic"),
        pytest.param([{"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}], True, id="nfs"),
        pytest.param([{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535}], True, id="all-tcp"),
        pytest.param([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}], False, id="https"),
        pytest.param([{"IpProtocol": "udp", "FromPort": 2049, "ToPort": 2049}], False, id="udp"),
        pytest.param([], False, id="no-egress"),
    ],
)
def test_allows_nfs_egress(rules, allowed):
    assert allows_nfs_egress([{"IpPermissionsEgress": rules}]) is allowed


@pytest.fixture
def network(aws):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]

    def subnet(cidr: str, zone: str) -> str:
        return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]

    def group(name: str, egress_port: int | None) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.revoke_security_group_egress(
            GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )
        if egress_port is not None:
            ec2.authorize_security_group_egress(
                GroupId=gid,
                IpPermissions=[{"IpProtocol": "tcp", "FromPort": egress_port,
                                "ToPort": egress_port, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}],
            )  # fmt: skip
        return gid

    return {
        "a1": subnet("10.9.1.0/24", "us-east-1a"),
        "a2": subnet("10.9.2.0/24", "us-east-1a"),
        "b1": subnet("10.9.3.0/24", "us-east-1b"),
        "https": group("https-only", 443),
        "nfs": group("nfs", 2049),
    }


def project_with(tmp_path, jobs: dict[str, str], settings: str):
    from scheduled_jobs.cli.project import find_project

    root = make_project(tmp_path, jobs)
    (root / "Pulumi.test.yaml").write_text(
        "config:\n  aws:region: us-east-1\n"
        + "".join(f"  {line}\n" for line in settings.splitlines())
    )
    return find_project(root)


def test_two_subnets_in_one_zone_are_refused_for_managed_efs(network, tmp_path):
    n = network
    project = project_with(
        tmp_path, {"writer": MANAGED},
        f"scheduled-jobs:privateSubnets: {n['a1']},{n['a2']},{n['b1']}",
    )  # fmt: skip
    with pytest.raises(UserError) as caught:
        check_environment(project, "test", [])
    message = str(caught.value)
    assert "writer uses the environment's EFS file system" in message
    assert f"{n['a1']}, {n['a2']} are all in us-east-1a" in message
    assert "one mount target per Availability Zone" in message
    assert "scheduled-jobs:privateSubnets" in caught.value.hint


def test_one_subnet_per_zone_passes(network, tmp_path):
    n = network
    project = project_with(tmp_path, {"writer": MANAGED},
                           f"scheduled-jobs:privateSubnets: {n['a1']},{n['b1']}")  # fmt: skip
    check_environment(project, "test", [])


@pytest.mark.parametrize(
    ("group", "refused"),
    [pytest.param("https", True, id="https-only-group"), pytest.param("nfs", False, id="nfs")],
)
def test_deny_default_groups_must_allow_nfs_egress(network, tmp_path, group, refused):
    gid = network[group]
    job = (
        OWN_EFS
        + f"network:\n  vpc:\n    security_groups:\n      groups: [{gid}]\n"
        + ("      deny_default: true\n")
    )
    project = project_with(tmp_path, {"reader": job}, f"scheduled-jobs:subnets: {network['a1']}")
    if not refused:
        check_environment(project, "test", ["reader"])
        return
    with pytest.raises(UserError) as caught:
        check_environment(project, "test", ["reader"])
    assert f"reader mounts EFS, and none of its security groups ({gid}) allows outbound TCP " in (
        str(caught.value)
    )


def test_the_environments_own_groups_are_checked_too(network, tmp_path):
    project = project_with(
        tmp_path, {"reader": OWN_EFS},
        f"scheduled-jobs:subnets: {network['a1']}\nscheduled-jobs:securityGroups: "
        f"{network['https']}",
    )  # fmt: skip
    with pytest.raises(UserError, match="allows outbound TCP 2049"):
        check_environment(project, "test", [])


def test_every_problem_at_once(network, tmp_path):
    n = network
    job = MANAGED + "capacity: spot\n"
    project = project_with(
        tmp_path, {"writer": job},
        f"scheduled-jobs:privateSubnets: {n['a1']},{n['a2']}\nscheduled-jobs:cluster: shared\n"
        f"scheduled-jobs:securityGroups: {n['https']}",
    )  # fmt: skip
    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName="shared")
    with pytest.raises(UserError) as caught:
        check_environment(project, "test", [])
    message = str(caught.value)
    assert message.startswith("environment test is not ready for these jobs:")
    assert "lacks the capacity provider(s) FARGATE, FARGATE_SPOT" in message
    assert "are all in us-east-1a" in message
    assert "allows outbound TCP 2049" in message


def test_jobs_without_efs_or_spot_ask_nothing_of_aws(tmp_path):
    # No `aws` fixture: any AWS call would fail, so passing means none was made.
    project = project_with(tmp_path, {"plain": VALID}, "scheduled-jobs:subnets: subnet-1")
    check_environment(project, "test", [])
