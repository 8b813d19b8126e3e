"""The `Environment` component: what every job of one environment shares.

Its resources come from `components.convert.environment.environment_plan` (a cluster, the
subnets, an egress-only security group, an artifacts bucket: see there); this module only
registers them and exposes the values jobs need as Outputs.
"""

from __future__ import annotations

import pulumi

from scheduled_jobs.components.contract import ENVIRONMENT_TOKEN
from scheduled_jobs.components.convert.environment import (
    environment_plan,
    environment_resource_names,
)
from scheduled_jobs.components.convert.settings import EnvironmentSettings
from scheduled_jobs.components.resources.wiring import Wiring

__all__ = ["Environment", "environment_resource_names"]


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
    file_system: pulumi.Output[str] | None
    """EFS file system for `efs: true` volumes, when `needs_file_system` was set."""
    schedule_group: pulumi.Output[str] | None
    """EventBridge Scheduler group of the environment, when `needs_schedule_group` was set."""
    alerts_topic: pulumi.Output[str] | None
    """ARN of the environment's job failure topic, when `needs_alerts` was set."""

    def __init__(
        self,
        name: str,
        settings: EnvironmentSettings,
        *,
        needs_artifacts_bucket: bool = False,
        needs_file_system: bool = False,
        needs_schedule_group: bool = False,
        needs_spot: bool = False,
        needs_alerts: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(ENVIRONMENT_TOKEN, name, None, opts)
        self.settings = settings
        plan = environment_plan(
            name,
            settings,
            needs_artifacts_bucket=needs_artifacts_bucket,
            needs_file_system=needs_file_system,
            needs_schedule_group=needs_schedule_group,
            needs_spot=needs_spot,
            needs_alerts=needs_alerts,
        )
        wiring = Wiring({name: self})
        wiring.register(plan.resources)

        def output(value) -> pulumi.Output:
            return pulumi.Output.from_input(wiring.value(value))

        self.cluster_arn = output(plan.cluster_arn)
        self.public_subnets = output(plan.public_subnets)
        self.private_subnets = output(plan.private_subnets)
        self.security_groups = output(plan.security_groups)
        self.artifacts_bucket = (
            None if plan.artifacts_bucket is None else output(plan.artifacts_bucket)
        )
        self.file_system = None if plan.file_system is None else output(plan.file_system)
        self.schedule_group = None if plan.schedule_group is None else output(plan.schedule_group)
        self.alerts_topic = None if plan.alerts_topic is None else output(plan.alerts_topic)
        self.register_outputs(
            {
                "cluster_arn": self.cluster_arn,
                "public_subnets": self.public_subnets,
                "private_subnets": self.private_subnets,
                "security_groups": self.security_groups,
            }
        )
