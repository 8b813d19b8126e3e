"""The Step Functions definition (Amazon States Language) that runs a job's task once.

A pure function of plain values. It follows Copilot's definition (one `ecs:runTask.sync`
task on Fargate, Retry and TimeoutSeconds from the manifest) and adds:

- Manual-run overrides (the shared contract): a Choice state looks for `$.overrides.command`,
  `$.overrides.environment` and the task size `$.overrides.cpu` + `$.overrides.memory` in the
  execution input and routes to a task state that passes the ones present. ASL paths fail on
  missing keys, so each combination gets its own task state; scheduled runs (input = the
  EventBridge event, or Scheduler's `{"scheduled": ...}`) have no `overrides` key and run the
  task unchanged.
- `concurrency: forbid | replace` (an addition): first steps list this state machine's running
  executions through the SDK integration. `forbid` ends at once, successfully, with the output
  `{"skipped": "previous run still running"}` when another one runs; `replace` stops the others
  (Step Functions stops a `.sync` task with its execution) and then runs. `"force": true` in the
  input (`jobs run --force`) skips the check.
- `run_overrides: false` (an addition): the definition reads no command or environment from
  the input, so whoever may start an execution can no longer run another command, or the
  same one differently configured, as the job's task role; only the task size override stays
  (it changes what a run costs, not what it does).
- `capacity: spot` (an addition): the task runs on FARGATE_SPOT; when Spot has no capacity (the
  RunTask call fails with `ECS.AmazonECSException`: "Capacity is unavailable at this time",
  https://repost.aws/knowledge-center/ecs-fargate-runtask-capacity) or the task is reclaimed
  (stop code `SpotInterruption` in the failed task's description), the same execution runs it
  again on on-demand Fargate.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from scheduled_jobs.components.contract import FORCE_KEY, OVERRIDES_KEY

CHOICE_STATE = "Check Overrides"
RUN_STATE = "Run Fargate Task"
RUN_WITH_COMMAND = "Run Fargate Task With Command"
RUN_WITH_ENVIRONMENT = "Run Fargate Task With Environment"
RUN_WITH_BOTH = "Run Fargate Task With Command And Environment"
RUN_WITH_SIZE = "Run Fargate Task With Size"

# Concurrency states.
FORCE_STATE = "Check Force"
LIST_STATE = "Find Running Executions"
EACH_STATE = "Check Each Running Execution"
BUSY_STATE = "Count Other Executions"
DECIDE_STATE = "Is Another Execution Running"
SKIPPED_STATE = "Skipped: previous run still running"
SKIPPED_OUTPUT = {"skipped": "previous run still running"}
REPLACED_CAUSE = "replaced by a newer run (concurrency: replace)"

# Spot states.
SPOT_PREFIX = "Run Fargate Spot Task"
SPOT_CHECK_SUFFIX = " Failure"
SPOT_FAILED = "Run Failed"
SPOT_INTERRUPTION = "*SpotInterruption*"  # the stop code in the failed task's description
SPOT_RESULT = "$.spot"

RETRY_INTERVAL_SECONDS = 10
RETRY_BACKOFF_RATE = 1.5

# Override kinds in the order their names read; `size` is task-level cpu + memory.
OVERRIDE_KINDS = ("command", "environment", "size")
# What `run_overrides: false` keeps: the size changes what a run costs, not what it runs.
SAFE_KINDS = ("size",)
CONCURRENCY = ("allow", "forbid", "replace")
CAPACITY = ("on-demand", "spot")


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
    concurrency: str = "allow"
    capacity: str = "on-demand"
    run_overrides: bool = True  # False: `run_overrides: false`, no command/environment


def _state_name(prefix: str, kinds: tuple[str, ...]) -> str:
    if not kinds:
        return prefix
    return f"{prefix} With " + " And ".join(kind.capitalize() for kind in kinds)


def override_kinds(run_overrides: bool = True) -> tuple[str, ...]:
    """The overrides a definition reads: all of them, or with `run_overrides: false` only the
    task size (what a run costs, not what it runs)."""
    return OVERRIDE_KINDS if run_overrides else tuple(k for k in OVERRIDE_KINDS if k in SAFE_KINDS)


def override_sets(run_overrides: bool = True) -> list[tuple[str, ...]]:
    """Every combination of overrides, the most specific first (the Choice order)."""
    kinds = override_kinds(run_overrides)
    sets = [
        combo for size in range(len(kinds), -1, -1) for combo in itertools.combinations(kinds, size)
    ]
    return sets


def _present(kind: str) -> list[dict]:
    paths = ("cpu", "memory") if kind == "size" else (kind,)
    return [{"Variable": f"$.{OVERRIDES_KEY}.{p}", "IsPresent": True} for p in paths]


def _choice_rule(kinds: tuple[str, ...], target: str) -> dict:
    conditions = [c for kind in kinds for c in _present(kind)]
    if len(conditions) == 1:
        return {**conditions[0], "Next": target}
    return {"And": conditions, "Next": target}


def definition(spec: RunTaskSpec) -> dict:
    """The state machine definition as a dict (see `definition_json` for the wire form)."""
    if spec.concurrency not in CONCURRENCY:
        raise ValueError(f"concurrency {spec.concurrency!r} is not one of {CONCURRENCY}")
    if spec.capacity not in CAPACITY:
        raise ValueError(f"capacity {spec.capacity!r} is not one of {CAPACITY}")
    spot = spec.capacity == "spot"
    states: dict[str, dict] = {}
    if spec.concurrency != "allow":
        states.update(_concurrency_states(spec))
    choices = []
    task_states: dict[str, dict] = {}
    for kinds in override_sets(spec.run_overrides):
        name = _state_name(RUN_STATE, kinds)
        task_states[name] = _task_state(spec, kinds)
        first = name
        if spot:
            first = _state_name(SPOT_PREFIX, kinds)
            task_states.update(_spot_states(spec, kinds, fallback=name))
        if kinds:
            choices.append(_choice_rule(kinds, first))
        else:
            default = first
    states[CHOICE_STATE] = {"Type": "Choice", "Choices": choices, "Default": default}
    states.update(task_states)
    if spot:
        states[SPOT_FAILED] = {
            "Type": "Fail",
            "ErrorPath": f"{SPOT_RESULT}.Error",
            "CausePath": f"{SPOT_RESULT}.Cause",
        }
    doc: dict = {
        "Version": "1.0",
        "Comment": "Run the job's AWS Fargate task once",
    }
    if spec.timeout_seconds:
        # Covers the whole execution, retries included, as in Copilot.
        doc["TimeoutSeconds"] = int(spec.timeout_seconds)
    doc["StartAt"] = FORCE_STATE if spec.concurrency != "allow" else CHOICE_STATE
    doc["States"] = states
    return doc


def definition_json(spec: RunTaskSpec) -> str:
    """The definition as the JSON text Step Functions stores."""
    return json.dumps(definition(spec), indent=2)


def _concurrency_states(spec: RunTaskSpec) -> dict[str, dict]:
    """Check Force -> list running executions -> per other execution: mark it (forbid) or stop
    it (replace) -> forbid: skip when any other one runs.

    AWS SDK integrations take and return PascalCase names even where the service's own API is
    camelCase (`StateMachineArn`, `Executions[].ExecutionArn`), and raise `<Service>.<Error>`
    (`Sfn.ExecutionDoesNotExistException`): docs.aws.amazon.com/step-functions/latest/dg/
    supported-services-awssdk.html. ListExecutions returns up to 100 running executions per
    call, far more than a job that has a concurrency policy runs at once."""
    sdk = f"arn:{spec.partition}:states:::aws-sdk:sfn"
    force = f"$.{FORCE_KEY}"
    if spec.concurrency == "forbid":
        other: dict = {"Type": "Pass", "Result": True, "End": True}
    else:
        other = {
            "Type": "Task",
            "Resource": f"{sdk}:stopExecution",
            "Parameters": {"ExecutionArn.$": "$.arn", "Cause": REPLACED_CAUSE},
            # It may have ended meanwhile: nothing left to stop.
            "Catch": [{"ErrorEquals": ["Sfn.ExecutionDoesNotExistException"], "Next": "Ended"}],
            "Next": "Stopped",
        }
    processor_states: dict[str, dict] = {
        "Is It This Execution": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.arn", "StringEqualsPath": "$.self", "Next": "This One"}],
            "Default": "Another One",
        },
        "This One": {"Type": "Pass", "Result": False, "End": True},
        "Another One": other,
    }
    if spec.concurrency == "replace":
        processor_states["Stopped"] = {"Type": "Pass", "Result": True, "End": True}
        processor_states["Ended"] = {"Type": "Pass", "Result": False, "End": True}
    states: dict[str, dict] = {
        FORCE_STATE: {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": force, "IsPresent": True},
                        {"Variable": force, "IsBoolean": True},
                        {"Variable": force, "BooleanEquals": True},
                    ],
                    "Next": CHOICE_STATE,
                }
            ],
            "Default": LIST_STATE,
        },
        LIST_STATE: {
            "Type": "Task",
            "Resource": f"{sdk}:listExecutions",
            "Parameters": {"StateMachineArn.$": "$$.StateMachine.Id", "StatusFilter": "RUNNING"},
            "ResultSelector": {"executions.$": "$.Executions"},
            "ResultPath": "$.running",
            "Next": EACH_STATE,
        },
        EACH_STATE: {
            "Type": "Map",
            "ItemsPath": "$.running.executions",
            "ItemSelector": {
                "arn.$": "$$.Map.Item.Value.ExecutionArn",
                "self.$": "$$.Execution.Id",
            },
            "MaxConcurrency": 10,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Is It This Execution",
                "States": processor_states,
            },
            "ResultPath": "$.running.others",
            "Next": BUSY_STATE if spec.concurrency == "forbid" else CHOICE_STATE,
        },
    }
    if spec.concurrency == "forbid":
        states[BUSY_STATE] = {
            "Type": "Pass",
            "Parameters": {"busy.$": "States.ArrayContains($.running.others, true)"},
            "ResultPath": "$.running.check",
            "Next": DECIDE_STATE,
        }
        states[DECIDE_STATE] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.running.check.busy", "BooleanEquals": True, "Next": SKIPPED_STATE}
            ],
            "Default": CHOICE_STATE,
        }
        # Not a failure: the execution succeeds with this output, and no alert is sent.
        states[SKIPPED_STATE] = {"Type": "Pass", "Result": SKIPPED_OUTPUT, "End": True}
    return states


def _overrides(spec: RunTaskSpec, kinds: tuple[str, ...]) -> dict:
    container: dict = {}
    if "command" in kinds:
        container["Command.$"] = f"$.{OVERRIDES_KEY}.command"
    if "environment" in kinds:
        container["Environment.$"] = f"$.{OVERRIDES_KEY}.environment"
    overrides: dict = {}
    if container:
        overrides["ContainerOverrides"] = [{"Name": spec.container, **container}]
    if "size" in kinds:
        overrides["Cpu.$"] = f"$.{OVERRIDES_KEY}.cpu"
        overrides["Memory.$"] = f"$.{OVERRIDES_KEY}.memory"
    return overrides


def _parameters(spec: RunTaskSpec, kinds: tuple[str, ...], *, spot: bool) -> dict:
    placement: dict = (
        {"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]}
        if spot
        else {"LaunchType": "FARGATE"}
    )
    parameters: dict = {
        **placement,
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
    overrides = _overrides(spec, kinds)
    if overrides:
        parameters["Overrides"] = overrides
    return parameters


def _retry(spec: RunTaskSpec, errors: list[str], attempts: int) -> list[dict]:
    return [
        {
            "ErrorEquals": errors,
            "IntervalSeconds": RETRY_INTERVAL_SECONDS,
            "MaxAttempts": int(attempts),
            "BackoffRate": RETRY_BACKOFF_RATE,
        }
    ]


def _task_state(spec: RunTaskSpec, kinds: tuple[str, ...]) -> dict:
    state: dict = {
        "Type": "Task",
        "Resource": f"arn:{spec.partition}:states:::ecs:runTask.sync",
        "Parameters": _parameters(spec, kinds, spot=False),
    }
    if spec.retries > 0:
        state["Retry"] = _retry(spec, ["States.ALL"], spec.retries)
    state["End"] = True
    return state


def _spot_states(spec: RunTaskSpec, kinds: tuple[str, ...], *, fallback: str) -> dict:
    """The Spot attempt of one override combination, and where its failures go: capacity
    errors and reclamations to the on-demand `fallback`, other failures (after the job's
    retries, on Spot) to the Fail state."""
    name = _state_name(SPOT_PREFIX, kinds)
    check = name + SPOT_CHECK_SUFFIX
    state: dict = {
        "Type": "Task",
        "Resource": f"arn:{spec.partition}:states:::ecs:runTask.sync",
        "Parameters": _parameters(spec, kinds, spot=True),
    }
    if spec.retries > 0:
        # Only failed tasks are retried on Spot; a RunTask error (no Spot capacity) is not.
        state["Retry"] = _retry(spec, ["States.TaskFailed"], spec.retries)
    state["Catch"] = [
        {"ErrorEquals": ["States.TaskFailed"], "ResultPath": SPOT_RESULT, "Next": check},
        {"ErrorEquals": ["States.ALL"], "ResultPath": SPOT_RESULT, "Next": fallback},
    ]
    state["End"] = True
    return {
        name: state,
        check: {
            "Type": "Choice",
            "Choices": [
                {
                    "Variable": f"{SPOT_RESULT}.Cause",
                    "StringMatches": SPOT_INTERRUPTION,
                    "Next": fallback,
                }
            ],
            "Default": SPOT_FAILED,
        },
    }
