"""Seed a moto server with jobs as they exist in AWS once deployed.

Two shapes, so the operating commands are tested on both:
- `project_job`: as this project deploys it (rule named `{app}-{env}-{job}`, the state
  machine definition from components.convert.state_machine, which reads manual-run overrides);
- `copilot_job`: as Copilot's CloudFormation stack leaves it (rule named by CloudFormation,
  `<stack>-Rule-<random>`, and Copilot's definition, which takes no overrides).
Both carry the three Copilot tags on the state machine and the log group, as CloudFormation
stack tags and this project's components put them there.

moto cannot run an `ecs:runTask.sync` task, so tests that need an execution to end use
`definition=` with Pass/Fail states moto does run (see `ending_definition`).
"""

from __future__ import annotations

import contextlib
import json
import queue
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass

import boto3

from scheduled_jobs.components import contract
from scheduled_jobs.components.contract import log_stream
from scheduled_jobs.components.convert import naming
from scheduled_jobs.components.convert.state_machine import RunTaskSpec, definition_json
from tests.cli.fake_stacks import write_env
from tests.cli.project_factory import VALID, make_project

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
SUBNETS = ["subnet-0a1b2c3d"]


@dataclass
class Seeded:
    app: str
    env: str
    job: str
    state_machine_arn: str
    log_group: str
    rule_name: str | None
    task_definition_arn: str


def _tags(app: str, env: str, job: str) -> dict[str, str]:
    return naming.job_tags(app, env, job)


def _task_definition(ecs, app: str, env: str, job: str) -> str:
    return ecs.register_task_definition(
        family=naming.task_family(app, env, job),
        containerDefinitions=[
            {
                "name": job,
                "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{app}/{job}:latest",
                "memory": 512,
                "essential": True,
            }
        ],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        tags=[{"key": k, "value": v} for k, v in _tags(app, env, job).items()],
    )["taskDefinition"]["taskDefinitionArn"]


def _cluster(ecs, app: str, env: str) -> str:
    return ecs.create_cluster(clusterName=f"{app}-{env}")["cluster"]["clusterArn"]


def copilot_definition(cluster: str, task_definition: str) -> str:
    """Copilot's state machine definition (reference/copilot-scheduled-job.md, 3.2)."""
    return json.dumps(
        {
            "Version": "1.0",
            "Comment": "Run AWS Fargate task",
            "StartAt": "Run Fargate Task",
            "States": {
                "Run Fargate Task": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::ecs:runTask.sync",
                    "Parameters": {
                        "LaunchType": "FARGATE",
                        "PlatformVersion": "LATEST",
                        "Cluster": cluster,
                        "TaskDefinition": task_definition,
                        "PropagateTags": "TASK_DEFINITION",
                        "Group.$": "$$.Execution.Name",
                        "NetworkConfiguration": {
                            "AwsvpcConfiguration": {
                                "Subnets": SUBNETS,
                                "AssignPublicIp": "ENABLED",
                                "SecurityGroups": ["sg-0123456789abcdef0"],
                            }
                        },
                    },
                    "End": True,
                }
            },
        }
    )


def ecs_task_document(
    job: str, exit_code: int, task_id: str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
) -> dict:
    """An ECS task as `ecs:runTask.sync` reports it (DescribeTasks shape, capitalised)."""
    return {
        "TaskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/demo-test/{task_id}",
        "LastStatus": "STOPPED",
        "StopCode": "EssentialContainerExited",
        "StoppedReason": "Essential container in task exited",
        "Containers": [{"Name": job, "ExitCode": exit_code, "LastStatus": "STOPPED"}],
    }


def ending_definition(
    job: str, *, exit_code: int | None = None, reads_overrides: bool = True
) -> str:
    """A definition moto runs to the end: SUCCEEDED, or FAILED (with `exit_code`) the way an
    execution fails when its ECS task exits non-zero (the task as the cause). When
    `reads_overrides`, a Choice state on `$.overrides.command` comes first, like the project's."""
    if exit_code is None:
        end: dict = {"Type": "Pass", "End": True}
    else:
        end = {
            "Type": "Fail",
            # moto refuses custom errors named States.*; AWS would say States.TaskFailed.
            "Error": "TaskFailed",
            "Cause": json.dumps(ecs_task_document(job, exit_code)),
        }
    states: dict = {"Run": end}
    start = "Run"
    if reads_overrides:
        states["Check Overrides"] = {
            "Type": "Choice",
            "Choices": [
                {
                    "Variable": f"$.{contract.OVERRIDES_KEY}.command",
                    "IsPresent": True,
                    "Next": "Run",
                }
            ],
            "Default": "Run",
        }
        start = "Check Overrides"
    return json.dumps({"StartAt": start, "States": states})


def project_job(
    app: str = "demo",
    env: str = "test",
    job: str = "report",
    *,
    schedule: str | None = "cron(0 9 ? * MON-FRI *)",
    enabled: bool = True,
    definition: str | None = None,
    with_rule: bool = True,
) -> Seeded:
    ecs, sfn, logs, events = (boto3.client(s) for s in ("ecs", "stepfunctions", "logs", "events"))
    cluster = _cluster(ecs, app, env)
    task_definition = _task_definition(ecs, app, env, job)
    group = naming.log_group_name(app, env, job)
    logs.create_log_group(logGroupName=group, tags=_tags(app, env, job))
    if definition is None:
        definition = definition_json(
            RunTaskSpec(
                container=job, cluster=cluster, task_definition=task_definition, subnets=SUBNETS
            )
        )
    arn = sfn.create_state_machine(
        name=naming.state_machine_name(app, env, job),
        definition=definition,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{app}-{env}-{job}-sfn",
        tags=[{"key": k, "value": v} for k, v in _tags(app, env, job).items()],
    )["stateMachineArn"]
    rule = None
    if with_rule:
        rule = naming.rule_name(app, env, job)
        events.put_rule(
            Name=rule,
            # A disabled schedule is kept as a disabled rule, as Copilot does for `none`.
            ScheduleExpression=schedule or "rate(5 minutes)",
            State="ENABLED" if enabled and schedule else "DISABLED",
            Tags=[{"Key": k, "Value": v} for k, v in _tags(app, env, job).items()],
        )
        events.put_targets(
            Rule=rule,
            Targets=[
                {
                    "Id": "statemachine",
                    "Arn": arn,
                    "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/{rule}-events",
                }
            ],
        )
    return Seeded(app, env, job, arn, group, rule, task_definition)


def copilot_job(
    app: str = "demo",
    env: str = "test",
    job: str = "legacy",
    *,
    schedule: str = "rate(1 hour)",
    definition: str | None = None,
) -> Seeded:
    ecs, sfn, logs, events = (boto3.client(s) for s in ("ecs", "stepfunctions", "logs", "events"))
    cluster = _cluster(ecs, app, env)
    task_definition = _task_definition(ecs, app, env, job)
    group = naming.log_group_name(app, env, job)
    logs.create_log_group(logGroupName=group, tags=_tags(app, env, job))
    arn = sfn.create_state_machine(
        name=f"{app}-{env}-{job}",
        definition=definition or copilot_definition(cluster, task_definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{app}-{env}-{job}-StateMachineRole",
        tags=[{"key": k, "value": v} for k, v in _tags(app, env, job).items()],
    )["stateMachineArn"]
    # CloudFormation names the rule `<stack name>-<logical id>-<random>`.
    rule = f"{app}-{env}-{job}-Rule-{secrets.token_hex(6).upper()}"
    events.put_rule(Name=rule, ScheduleExpression=schedule, State="ENABLED")
    events.put_targets(
        Rule=rule,
        Targets=[
            {"Id": "statemachine", "Arn": arn, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/{rule}"}
        ],
    )
    return Seeded(app, env, job, arn, group, rule, task_definition)


def container_stream(job: str, task_id: str, container: str | None = None) -> str:
    return log_stream(container or job, task_id)


def put_logs(group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """Write `(timestamp ms, message)` events to a stream, creating it when needed."""
    logs = boto3.client("logs")
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    events = sorted(events)
    for i in range(0, len(events), 10_000):
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": ts, "message": msg} for ts, msg in events[i : i + 10_000]],
        )


def moto_config(endpoint: str, *, execute: bool) -> None:
    """Switch moto's Step Functions between running definitions and leaving them RUNNING."""
    import urllib.request

    body = json.dumps({"stepfunctions": {"execute_state_machine": execute}}).encode()
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()


def write_project(
    root, *, app: str = "demo", env: str = "test", jobs: tuple[str, ...] = ()
) -> None:
    """A project checkout as the operating commands see it: Pulumi.yaml, manifests and a
    stack file for `env` in the seeded region."""
    make_project(root, {job: VALID for job in jobs}, app=app)
    write_env(root, env, {"aws:region": REGION})


HEAVY = ("pulumi", "pulumi_aws", "pulumi_docker_build")


def run_without_pulumi(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    """Run `jobs ARGS` (or, given `code`, those Python lines) in a fresh interpreter and fail
    if it loaded pulumi, pulumi_aws or pulumi_docker_build, whether or not it succeeded."""
    if code is None:
        code = (
            f"from scheduled_jobs.cli.main import main\n"
            f"sys.argv = ['jobs', *{list(args)!r}]\nmain()"
        )
    script = (
        "import sys\n"
        "status = 0\n"
        "try:\n"
        f"    exec({code!r})\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert "HEAVY []" in done.stderr, done.stderr
    return done


class Lines:
    """The lines of a subprocess pipe, read by a thread so a test waits with a timeout
    instead of hanging when an expected line never comes."""

    def __init__(self, pipe):
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(pipe,), daemon=True).start()

    def _pump(self, pipe) -> None:
        for line in pipe:
            self._queue.put(line)
        self._queue.put(None)

    def next(self, timeout: float = 30) -> str:
        line = self._queue.get(timeout=timeout)
        assert line is not None, "the process closed its output"
        return line

    def rest(self, timeout: float = 30) -> str:
        """Everything until the pipe closes."""
        chunks = []
        while (line := self._queue.get(timeout=timeout)) is not None:
            chunks.append(line)
        return "".join(chunks)
