"""AWS CDK app for bench/bench_render.py: N `aws_ecs_patterns.ScheduledFargateTask`s in one stack.

Runs only in the benchmark's own venv (aws-cdk-lib, constructs), the way `cdk synth` runs an
app: `python cdk_app.py [N]` with CDK_OUTDIR and CDK_CONTEXT_JSON set by the caller.
Each task mirrors a generated bench job: an image from a registry, a schedule, 256 CPU units,
512 MiB, one variable and one SSM secret.
"""

import sys

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_ssm as ssm

IMAGE = "public.ecr.aws/docker/library/busybox:stable"


def main(tasks: int) -> None:
    app = cdk.App()  # reads CDK_OUTDIR and CDK_CONTEXT_JSON like under `cdk synth`
    stack = cdk.Stack(app, "BenchScheduledTasks")
    # One cluster (and so one VPC) for all tasks, as our jobs share one environment.
    cluster = ecs.Cluster(stack, "Cluster")
    for index in range(tasks):
        name = f"job-{index:03d}"
        token = ssm.StringParameter.from_secure_string_parameter_attributes(
            stack, f"{name}-token", parameter_name=f"/bench/{name}/token"
        )
        ecs_patterns.ScheduledFargateTask(
            stack,
            name,
            cluster=cluster,
            schedule=appscaling.Schedule.cron(minute=str(index % 60)),
            scheduled_fargate_task_image_options=ecs_patterns.ScheduledFargateTaskImageOptions(
                image=ecs.ContainerImage.from_registry(IMAGE),
                cpu=256,
                memory_limit_mib=512,
                environment={"INDEX": str(index)},
                secrets={"TOKEN": ecs.Secret.from_ssm_parameter(token)},
            ),
        )
    app.synth()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
