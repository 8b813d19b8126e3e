"""What every job of one environment shares, as plan data (components/convert/plan.py).

A cluster (the stack's `cluster` setting, or one created for the environment), the subnets
tasks run in (the stack's, or the default VPC's), security groups (the stack's, or an
egress-only group created for the environment) and, when some job has an `env_file`, a private
bucket the files are uploaded to.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scheduled_jobs.components.contract import ENVIRONMENT_TOKEN
from scheduled_jobs.components.convert import alerts, naming
from scheduled_jobs.components.convert.arns import partition_of
from scheduled_jobs.components.convert.efs import uses_managed_efs
from scheduled_jobs.components.convert.plan import Out, Resource, derive
from scheduled_jobs.components.convert.scheduler import group_name
from scheduled_jobs.components.convert.settings import EnvironmentSettings
from scheduled_jobs.components.convert.tags import environment_tags
from scheduled_jobs.components.manifest.model import Job

GET_VPC = "aws:ec2/getVpc:getVpc"
GET_SUBNET = "aws:ec2/getSubnet:getSubnet"
GET_SUBNETS = "aws:ec2/getSubnets:getSubnets"

# Children are named `<env>-<role>`; these are all the roles a resource can have.
CHILD_ROLES = (
    "cluster",
    "security-group",
    "artifacts",
    "artifacts-public-access",
    "artifacts-versioning",
    "artifacts-policy",
    "efs",
    "efs-security-group",
    "efs-subnet",
    "schedule-group",
    "capacity-providers",
    "caller",
    "alerts-key",
    "alerts-topic",
    "alerts-topic-policy",
    "dropped-starts-alarm",
)
NFS_PORT = 2049


def environment_needs(jobs: Sequence[Job]) -> dict[str, bool]:
    """The optional parts of the environment the jobs use, as `environment_plan` keywords."""
    return {
        "needs_artifacts_bucket": any(
            job.env_file or job.logging.env_file or any(s.env_file for s in job.sidecars.values())
            for job in jobs
        ),
        "needs_file_system": any(uses_managed_efs(job) for job in jobs),
        "needs_schedule_group": any(job.uses_scheduler for job in jobs),
        "needs_spot": any(job.capacity == "spot" for job in jobs),
        "needs_alerts": any(job.alerts_or_default is not None for job in jobs),
    }


def environment_resource_names(env: str) -> set[str]:
    """Logical names the Environment component of `env` may register (itself included)."""
    return {env, *(f"{env}-{role}" for role in CHILD_ROLES)}


@dataclass(frozen=True)
class EnvironmentPlan:
    resources: list[Resource]
    cluster_arn: Any
    public_subnets: Any
    private_subnets: Any
    security_groups: Any
    artifacts_bucket: Any  # None when no job has an env file
    file_system: Any = None  # the EFS file system ID, when some job has `efs: true`
    schedule_group: Any = None  # None when no job uses EventBridge Scheduler
    alerts_topic: Any = None  # ARN of the failure topic; None when no job has alerts


def environment_plan(
    name: str,
    settings: EnvironmentSettings,
    *,
    needs_artifacts_bucket: bool = False,
    needs_file_system: bool = False,
    needs_schedule_group: bool = False,
    needs_spot: bool = False,
    needs_alerts: bool = False,
) -> EnvironmentPlan:
    tags = environment_tags(settings.app, settings.env, settings.tags)
    resources = [Resource(ENVIRONMENT_TOKEN, name, {})]

    def add(role: str, type_: str, inputs: dict, *, lookup: bool = False) -> str:
        child = f"{name}-{role}"
        resources.append(Resource(type_, child, inputs, parent=name, lookup=lookup))
        return child

    if settings.cluster:
        cluster_arn: Any = settings.cluster
    else:
        cluster = add(
            "cluster",
            "aws:ecs/cluster:Cluster",
            {
                "name": naming.cluster_name(settings.app, settings.env),
                "settings": [{"name": "containerInsights", "value": "enabled"}],
                "tags": tags,
            },
        )
        cluster_arn = Out(cluster, "arn")
        if needs_spot:
            # `capacity: spot` jobs name FARGATE_SPOT in RunTask, which only works for a
            # provider associated with the cluster; FARGATE stays the default for the others.
            add(
                "capacity-providers",
                "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
                {
                    "clusterName": Out(cluster, "name"),
                    "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                    "defaultCapacityProviderStrategies": [
                        {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
                    ],
                },
            )

    default_vpc = None
    if settings.subnets:
        public_subnets: Any = list(settings.subnets)
    elif settings.private_subnets:
        public_subnets = []
    else:
        default_vpc = Out(add("default-vpc", GET_VPC, {"default": True}, lookup=True), "id")
        found = add(
            "default-subnets",
            GET_SUBNETS,
            {
                "filters": [
                    {"name": "vpc-id", "values": [default_vpc]},
                    {"name": "default-for-az", "values": ["true"]},
                ]
            },
            lookup=True,
        )
        public_subnets = derive(lambda ids: sorted(ids), ids=Out(found, "ids"))

    if settings.security_groups:
        security_groups: Any = list(settings.security_groups)
    else:
        first = (settings.subnets or settings.private_subnets or (None,))[0]
        if first is not None:
            vpc_id = Out(add("subnet", GET_SUBNET, {"id": first}, lookup=True), "vpcId")
        else:
            vpc_id = Out(add("vpc", GET_VPC, {"default": True}, lookup=True), "id")
        group = add(
            "security-group",
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "description": f"Egress only, for the scheduled jobs of "
                f"{settings.app}-{settings.env}",
                "vpcId": vpc_id,
                "egress": [
                    {
                        "description": "Jobs reach anything; nothing reaches them",
                        "protocol": "-1",
                        "fromPort": 0,
                        "toPort": 0,
                        "cidrBlocks": ["0.0.0.0/0"],
                        "ipv6CidrBlocks": ["::/0"],
                    }
                ],
                "tags": {**tags, "Name": f"{settings.app}-{settings.env}-jobs"},
            },
        )
        security_groups = derive(lambda gid: [gid], gid=Out(group, "id"))

    artifacts_bucket = None
    if needs_artifacts_bucket:
        bucket = add(
            "artifacts",
            "aws:s3/bucket:Bucket",
            # Holds only files generated from the manifests, so destroying may empty it.
            {"forceDestroy": True, "tags": tags},
        )
        add(
            "artifacts-public-access",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            {
                "bucket": Out(bucket, "id"),
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
        )
        # Env files often hold secrets: versions let a replaced or deleted one be recovered,
        # and the policy refuses every request that does not use TLS.
        add(
            "artifacts-versioning",
            "aws:s3/bucketVersioning:BucketVersioning",
            {"bucket": Out(bucket, "id"), "versioningConfiguration": {"status": "Enabled"}},
        )
        add(
            "artifacts-policy",
            "aws:s3/bucketPolicy:BucketPolicy",
            {
                "bucket": Out(bucket, "id"),
                "policy": derive(
                    lambda arn: json.dumps(tls_only_policy(arn), indent=2), arn=Out(bucket, "arn")
                ),
            },
        )
        artifacts_bucket = Out(bucket, "bucket")

    file_system = None
    if needs_file_system:
        # What Copilot's environment stack makes for `efs: true` (EFSWorkloads): an encrypted
        # file system, a group admitting the jobs' tasks on NFS, a mount target per subnet.
        subnets = list(dict.fromkeys(settings.private_subnets or settings.subnets))
        if not subnets:
            from scheduled_jobs.components.errors import ManifestError, Problem

            raise ManifestError(
                [Problem(f"a job uses Copilot-managed EFS (efs: true), which needs the "
                         f"environment's subnets listed: set scheduled-jobs:subnets or "
                         f"scheduled-jobs:privateSubnets (one per Availability Zone) in "
                         f"Pulumi.{settings.env}.yaml", file=f"Pulumi.{settings.env}.yaml")]
            )  # fmt: skip
        fs = add(
            "efs",
            "aws:efs/fileSystem:FileSystem",
            {"encrypted": True, "tags": {**tags, "Name": f"{settings.app}-{settings.env}-jobs"}},
        )
        vpc = Out(add("efs-subnet", GET_SUBNET, {"id": subnets[0]}, lookup=True), "vpcId")
        nfs = add(
            "efs-security-group",
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "description": f"NFS from the scheduled jobs of {settings.app}-{settings.env}",
                "vpcId": vpc,
                "ingress": [
                    {
                        "description": "The jobs' tasks mount the file system",
                        "protocol": "tcp",
                        "fromPort": NFS_PORT,
                        "toPort": NFS_PORT,
                        "securityGroups": security_groups,
                    }
                ],
                "tags": tags,
            },
        )
        for subnet in subnets:
            add(
                f"efs-mount-{subnet}",
                "aws:efs/mountTarget:MountTarget",
                {"fileSystemId": Out(fs, "id"), "subnetId": subnet,
                 "securityGroups": [Out(nfs, "id")]},
            )  # fmt: skip
        file_system = Out(fs, "id")
    schedule_group = None
    if needs_schedule_group:
        # Schedules cannot be tagged; their group can, and names the environment.
        group = add(
            "schedule-group",
            "aws:scheduler/scheduleGroup:ScheduleGroup",
            {"name": group_name(settings.app, settings.env), "tags": tags},
        )
        schedule_group = Out(group, "name")

    alerts_topic = None
    if needs_alerts:
        alerts_topic = _alerts(add, settings, tags, schedule_group)

    return EnvironmentPlan(
        file_system=file_system,
        resources=resources,
        schedule_group=schedule_group,
        alerts_topic=alerts_topic,
        cluster_arn=cluster_arn,
        public_subnets=public_subnets,
        private_subnets=list(settings.private_subnets),
        security_groups=security_groups,
        artifacts_bucket=artifacts_bucket,
    )


def tls_only_policy(bucket_arn: str) -> dict:
    """Deny any request to the bucket or its objects made without TLS (AWS's own example for
    `aws:SecureTransport`: https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    security-best-practices.html, "Enforce encryption of data in transit"). A Deny, so `*` for
    the principal and every S3 action is what it needs."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyWithoutTLS",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


GET_CALLER = "aws:index/getCallerIdentity:getCallerIdentity"


def _alerts(add, settings: EnvironmentSettings, tags: dict, schedule_group: Any) -> Any:
    """The failure topic, its key and policy (components/convert/alerts.py); its ARN."""
    app, env, region = settings.app, settings.env, settings.region
    partition = partition_of(region)
    account = Out(add("caller", GET_CALLER, {}, lookup=True), "accountId")
    key = add(
        "alerts-key",
        "aws:kms/key:Key",
        {
            "description": f"Encrypts the job failure alerts of {app}-{env}",
            "enableKeyRotation": True,
            "policy": derive(
                lambda account: json.dumps(alerts.key_policy(account=account, partition=partition),
                                           indent=2),
                account=account,
            ),
            "tags": tags,
        },
    )  # fmt: skip
    topic = add(
        "alerts-topic",
        "aws:sns/topic:Topic",
        {"name": alerts.topic_name(app, env), "kmsMasterKeyId": Out(key, "arn"), "tags": tags},
    )
    topic_arn = Out(topic, "arn")
    add(
        "alerts-topic-policy",
        "aws:sns/topicPolicy:TopicPolicy",
        {
            "arn": topic_arn,
            "policy": derive(
                lambda arn, account: json.dumps(
                    alerts.topic_policy(arn, account=account, partition=partition,
                                        region=region, app=app, env=env), indent=2),
                arn=topic_arn,
                account=account,
            ),
        },
    )  # fmt: skip
    if schedule_group is not None:
        add(
            "dropped-starts-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            alerts.start_failures_alarm(
                name=f"{app}-{env}-scheduler-dropped-starts",
                description=f"EventBridge Scheduler could not start a job of {app}-{env} after "
                "its retries (see the schedule group's metrics, then `scheduled-jobs ls`)",
                namespace="AWS/Scheduler",
                metric="InvocationDroppedCount",
                dimensions={"ScheduleGroup": schedule_group},
                topic_arn=topic_arn,
                tags=tags,
            ),
        )
    return topic_arn
