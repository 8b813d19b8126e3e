"""Register plan data (components/convert/plan.py) as Pulumi resources: the one place where
plan values become `pulumi_aws` / `pulumi_docker_build` resources, Outputs and resource options.

Each resource type maps to its SDK class (so the provider's defaults, secrets and versions
apply as in any Pulumi program); top-level inputs become the class's keyword arguments, nested
maps are passed as the provider names their keys, which the SDK sends unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi

from scheduled_jobs.components.contract import IMAGE_TOKEN
from scheduled_jobs.components.convert.plan import Derived, FileAsset, Out, Resource, is_plain

# Type token -> (module, class) of the SDK; lookups -> (module, function).
_CLASSES = {
    "aws:cloudformation/stack:Stack": ("pulumi_aws.cloudformation", "Stack"),
    "aws:cloudwatch/logGroup:LogGroup": ("pulumi_aws.cloudwatch", "LogGroup"),
    "aws:cloudwatch/eventRule:EventRule": ("pulumi_aws.cloudwatch", "EventRule"),
    "aws:cloudwatch/eventTarget:EventTarget": ("pulumi_aws.cloudwatch", "EventTarget"),
    "aws:ecr/repository:Repository": ("pulumi_aws.ecr", "Repository"),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ("pulumi_aws.ecr", "LifecyclePolicy"),
    "aws:ecs/cluster:Cluster": ("pulumi_aws.ecs", "Cluster"),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": (
        "pulumi_aws.ecs",
        "ClusterCapacityProviders",
    ),
    "aws:ecs/taskDefinition:TaskDefinition": ("pulumi_aws.ecs", "TaskDefinition"),
    "aws:ec2/securityGroup:SecurityGroup": ("pulumi_aws.ec2", "SecurityGroup"),
    "aws:efs/accessPoint:AccessPoint": ("pulumi_aws.efs", "AccessPoint"),
    "aws:efs/fileSystem:FileSystem": ("pulumi_aws.efs", "FileSystem"),
    "aws:efs/mountTarget:MountTarget": ("pulumi_aws.efs", "MountTarget"),
    "aws:iam/role:Role": ("pulumi_aws.iam", "Role"),
    "aws:iam/rolePolicy:RolePolicy": ("pulumi_aws.iam", "RolePolicy"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("pulumi_aws.iam", "RolePolicyAttachment"),
    "aws:s3/bucket:Bucket": ("pulumi_aws.s3", "Bucket"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "pulumi_aws.s3",
        "BucketPublicAccessBlock",
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("pulumi_aws.s3", "BucketObjectv2"),
    "aws:s3/bucketPolicy:BucketPolicy": ("pulumi_aws.s3", "BucketPolicy"),
    "aws:s3/bucketVersioning:BucketVersioning": ("pulumi_aws.s3", "BucketVersioning"),
    "aws:sfn/stateMachine:StateMachine": ("pulumi_aws.sfn", "StateMachine"),
    "aws:kms/key:Key": ("pulumi_aws.kms", "Key"),
    "aws:sns/topic:Topic": ("pulumi_aws.sns", "Topic"),
    "aws:sns/topicPolicy:TopicPolicy": ("pulumi_aws.sns", "TopicPolicy"),
    "aws:sns/topicSubscription:TopicSubscription": ("pulumi_aws.sns", "TopicSubscription"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("pulumi_aws.cloudwatch", "MetricAlarm"),
    "aws:scheduler/schedule:Schedule": ("pulumi_aws.scheduler", "Schedule"),
    "aws:scheduler/scheduleGroup:ScheduleGroup": ("pulumi_aws.scheduler", "ScheduleGroup"),
    IMAGE_TOKEN: ("pulumi_docker_build", "Image"),
}
_LOOKUPS = {
    "aws:index/getCallerIdentity:getCallerIdentity": ("pulumi_aws", "get_caller_identity_output"),
    "aws:cloudformation/getExport:getExport": ("pulumi_aws.cloudformation", "get_export_output"),
    "aws:ec2/getSubnet:getSubnet": ("pulumi_aws.ec2", "get_subnet_output"),
    "aws:ec2/getSubnets:getSubnets": ("pulumi_aws.ec2", "get_subnets_output"),
    "aws:ec2/getVpc:getVpc": ("pulumi_aws.ec2", "get_vpc_output"),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (
        "pulumi_aws.ecr",
        "get_authorization_token_output",
    ),
}


def snake(name: str) -> str:
    """`retentionInDays` -> `retention_in_days`, the SDK's keyword for a provider input."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def sdk_class(token: str) -> type:
    module, attr = _CLASSES[token]
    return getattr(importlib.import_module(module), attr)


class Wiring:
    """Registers plan resources in order; later resources may refer to earlier ones."""

    def __init__(self, components: Mapping[str, pulumi.Resource]) -> None:
        self.objects: dict[str, Any] = dict(components)  # logical name -> resource or result

    def register(self, resources: Iterable[Resource]) -> None:
        for resource in resources:
            if resource.name in self.objects:
                continue  # the component itself, created by the caller
            self.objects[resource.name] = self._create(resource)

    def value(self, value: Any) -> Any:
        """A plan value as a Pulumi Input: plain data as it is, `Out` as the Output it names,
        `Derived` applied once its arguments are known."""
        if isinstance(value, Out):
            return getattr(self.objects[value.source], snake(value.attr))
        if isinstance(value, Derived):
            args = {key: self.value(arg) for key, arg in value.args.items()}
            if _known(args):
                return value.fn(**args)
            return pulumi.Output.from_input(args).apply(lambda plain: value.fn(**plain))
        if isinstance(value, FileAsset):
            return pulumi.FileAsset(value.path)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def _create(self, resource: Resource) -> Any:
        parent = self.objects.get(resource.parent) if resource.parent else None
        kwargs = {snake(key): self.value(value) for key, value in resource.inputs.items()}
        if resource.lookup:
            module, attr = _LOOKUPS[resource.type]
            call = getattr(importlib.import_module(module), attr)
            return call(**kwargs, opts=pulumi.InvokeOptions(parent=parent))
        opts = pulumi.ResourceOptions(
            parent=parent,
            depends_on=[self.objects[name] for name in resource.depends_on] or None,
            import_=resource.import_id,
        )
        return sdk_class(resource.type)(resource.name, **kwargs, opts=opts)


def _known(value: Any) -> bool:
    """True for a plain value: no Output or awaitable in it, however deep."""
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_known(v) for v in value)
    return not isinstance(value, pulumi.Output) and not inspect.isawaitable(value)


__all__ = ["Wiring", "is_plain", "sdk_class", "snake"]
