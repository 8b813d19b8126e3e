"""The `Environment` component: what every job of one environment shares.

A cluster (the stack's `scheduled-jobs:cluster`, or one created for the environment), the
subnets tasks run in (the stack's, or the default VPC's), security groups (the stack's, or an
egress-only group created for the environment) and, when some job has an `env_file`, a private
bucket the files are uploaded to.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.convert.settings import EnvironmentSettings
from components.convert.tags import environment_tags

TOKEN = "scheduled-jobs:index:Environment"
# Children are named `<env>-<role>`; these are all the roles there are.
CHILD_ROLES = ("cluster", "security-group", "artifacts", "artifacts-public-access")


def environment_resource_names(env: str) -> set[str]:
    """Logical names the Environment component of `env` may register (itself included)."""
    return {env, *(f"{env}-{role}" for role in CHILD_ROLES)}


class Environment(pulumi.ComponentResource):
    cluster_arn: pulumi.Output[str]
    """ARN of the cluster jobs run in."""
    public_subnets: pulumi.Output[list[str]]
    """Subnets for `placement: public` (the default VPC's when none are configured)."""
    private_subnets: pulumi.Output[list[str]]
    """Subnets for `placement: private` (empty when none are configured)."""
    security_groups: pulumi.Output[list[str]]
    """Security groups every task gets first."""
    artifacts_bucket: pulumi.Output[str] | None
    """Bucket for env files, when `needs_artifacts_bucket` was set."""

    def __init__(
        self,
        name: str,
        settings: EnvironmentSettings,
        *,
        needs_artifacts_bucket: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = environment_tags(settings.app, settings.env, settings.tags)
        self.settings = settings

        if settings.cluster:
            self.cluster_arn = pulumi.Output.from_input(settings.cluster)
        else:
            cluster = aws.ecs.Cluster(
                f"{name}-cluster",
                name=f"{settings.app}-{settings.env}",
                settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
                tags=tags,
                opts=child,
            )
            self.cluster_arn = cluster.arn

        if settings.subnets:
            self.public_subnets = pulumi.Output.from_input(list(settings.subnets))
        elif settings.private_subnets:
            self.public_subnets = pulumi.Output.from_input([])
        else:
            vpc = aws.ec2.get_vpc_output(default=True, opts=pulumi.InvokeOptions(parent=self))
            subnets = aws.ec2.get_subnets_output(
                filters=[
                    aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id]),
                    aws.ec2.GetSubnetsFilterArgs(name="default-for-az", values=["true"]),
                ],
                opts=pulumi.InvokeOptions(parent=self),
            )
            self.public_subnets = subnets.ids.apply(sorted)
        self.private_subnets = pulumi.Output.from_input(list(settings.private_subnets))

        if settings.security_groups:
            self.security_groups = pulumi.Output.from_input(list(settings.security_groups))
        else:
            group = aws.ec2.SecurityGroup(
                f"{name}-security-group",
                description=f"Egress only, for the scheduled jobs of {settings.app}-{settings.env}",
                vpc_id=self._vpc_id(settings),
                egress=[
                    aws.ec2.SecurityGroupEgressArgs(
                        description="Jobs reach anything; nothing reaches them",
                        protocol="-1",
                        from_port=0,
                        to_port=0,
                        cidr_blocks=["0.0.0.0/0"],
                        ipv6_cidr_blocks=["::/0"],
                    )
                ],
                tags={**tags, "Name": f"{settings.app}-{settings.env}-jobs"},
                opts=child,
            )
            self.security_groups = group.id.apply(lambda gid: [gid])

        self.artifacts_bucket = None
        if needs_artifacts_bucket:
            bucket = aws.s3.Bucket(
                f"{name}-artifacts",
                # Holds only files generated from the manifests, so destroying may empty it.
                force_destroy=True,
                tags=tags,
                opts=child,
            )
            aws.s3.BucketPublicAccessBlock(
                f"{name}-artifacts-public-access",
                bucket=bucket.id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
                opts=child,
            )
            self.artifacts_bucket = bucket.bucket

        self.register_outputs(
            {
                "cluster_arn": self.cluster_arn,
                "public_subnets": self.public_subnets,
                "private_subnets": self.private_subnets,
                "security_groups": self.security_groups,
            }
        )

    def _vpc_id(self, settings: EnvironmentSettings) -> pulumi.Output[str]:
        invoke = pulumi.InvokeOptions(parent=self)
        first = (settings.subnets or settings.private_subnets or (None,))[0]
        if first is None:
            return aws.ec2.get_vpc_output(default=True, opts=invoke).id
        return aws.ec2.get_subnet_output(id=first, opts=invoke).vpc_id
