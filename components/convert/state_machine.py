"""The Step Functions definition (Amazon States Language) that runs a job's task once.

A pure function of plain values. It follows Copilot's definition (one `ecs:runTask.sync`
task on Fargate, Retry and TimeoutSeconds from the manifest) and adds the manual-run overrides
of the shared contract: a Choice state looks for `$.overrides.command` and
`$.overrides.environment` in the execution input and routes to a task state that passes the
ones present as the main container's overrides. ASL paths fail on missing keys, so each
combination gets its own task state; scheduled runs (input = the EventBridge event, which has
no `overrides` key) take the default branch and run the task unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from components.contract import OVERRIDES_KEY

CHOICE_STATE = "Check Overrides"
RUN_STATE = "Run Fargate Task"
RUN_WITH_COMMAND = "Run Fargate Task With Command"
RUN_WITH_ENVIRONMENT = "Run Fargate Task With Environment"
RUN_WITH_BOTH = "Run Fargate Task With Command And Environment"

RETRY_INTERVAL_SECONDS = 10
RETRY_BACKOFF_RATE = 1.5


@dataclass(frozen=True)
class RunTaskSpec:
    """Everything the definition needs, as plain values."""

    container: str  # the main container's name (= the job's name)
    cluster: str  # cluster ARN (or name)
    task_definition: str  # task definition ARN
    subnets: Sequence[str]
    security_groups: Sequence[str] = field(default_factory=tuple)
    assign_public_ip: bool = True
    retries: int = 0
    timeout_seconds: int | None = None
    windows: bool = False
    partition: str = "aws"
    enable_execute_command: bool = False  # `exec: true` (components/convert/exec.py)


def definition(spec: RunTaskSpec) -> dict:
    """The state machine definition as a dict (see `definition_json` for the wire form)."""
    command = f"$.{OVERRIDES_KEY}.command"
    environment = f"$.{OVERRIDES_KEY}.environment"
    states: dict[str, dict] = {
        CHOICE_STATE: {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": command, "IsPresent": True},
                        {"Variable": environment, "IsPresent": True},
                    ],
                    "Next": RUN_WITH_BOTH,
                },
                {"Variable": command, "IsPresent": True, "Next": RUN_WITH_COMMAND},
                {"Variable": environment, "IsPresent": True, "Next": RUN_WITH_ENVIRONMENT},
            ],
            "Default": RUN_STATE,
        },
        RUN_STATE: _task_state(spec, {}),
        RUN_WITH_COMMAND: _task_state(spec, {"Command.$": command}),
        RUN_WITH_ENVIRONMENT: _task_state(spec, {"Environment.$": environment}),
        RUN_WITH_BOTH: _task_state(spec, {"Command.$": command, "Environment.$": environment}),
    }
    doc: dict = {
        "Version": "1.0",
        "Comment": "Run the job's AWS Fargate task once",
    }
    if spec.timeout_seconds:
        # Covers the whole execution, retries included, as in Copilot.
        doc["TimeoutSeconds"] = int(spec.timeout_seconds)
    doc["StartAt"] = CHOICE_STATE
    doc["States"] = states
    return doc


def definition_json(spec: RunTaskSpec) -> str:
    """The definition as the JSON text Step Functions stores."""
    return json.dumps(definition(spec), indent=2)


def _task_state(spec: RunTaskSpec, overrides: dict) -> dict:
    parameters: dict = {
        "LaunchType": "FARGATE",
        # Windows tasks need Fargate platform 1.0.0; Linux takes the latest.
        "PlatformVersion": "1.0.0" if spec.windows else "LATEST",
        "Cluster": spec.cluster,
        "TaskDefinition": spec.task_definition,
        "PropagateTags": "TASK_DEFINITION",
        # Groups the ECS tasks of one execution (retries included) under the execution's name.
        "Group.$": "$$.Execution.Name",
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": list(spec.subnets),
                "AssignPublicIp": "ENABLED" if spec.assign_public_ip else "DISABLED",
                "SecurityGroups": list(spec.security_groups),
            }
        },
    }
    if spec.enable_execute_command:
        parameters["EnableExecuteCommand"] = True
    if overrides:
        parameters["Overrides"] = {
            "ContainerOverrides": [{"Name": spec.container, **overrides}],
        }
    state: dict = {
        "Type": "Task",
        "Resource": f"arn:{spec.partition}:states:::ecs:runTask.sync",
        "Parameters": parameters,
    }
    if spec.retries > 0:
        state["Retry"] = [
            {
                "ErrorEquals": ["States.ALL"],
                "IntervalSeconds": RETRY_INTERVAL_SECONDS,
                "MaxAttempts": int(spec.retries),
                "BackoffRate": RETRY_BACKOFF_RATE,
            }
        ]
    state["End"] = True
    return state
