"""The state machine's additions: size overrides, concurrency (forbid/replace, --force),
Fargate Spot with on-demand fallback and `run_overrides: false`, for every combination,
through asl-validator."""

import itertools
import json

import pytest

from scheduled_jobs.components.convert.policies import StateMachineGrants, state_machine_role_policy
from scheduled_jobs.components.convert.state_machine import (
    CHOICE_STATE,
    FORCE_STATE,
    RUN_STATE,
    RUN_WITH_SIZE,
    SKIPPED_OUTPUT,
    SKIPPED_STATE,
    SPOT_FAILED,
    RunTaskSpec,
    definition,
    definition_json,
    override_sets,
)

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev"
TASK = "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-dev-report:3"


def spec(**changes) -> RunTaskSpec:
    base = dict(container="report", cluster=CLUSTER, task_definition=TASK, subnets=["subnet-a"])
    return RunTaskSpec(**{**base, **changes})


COMBINATIONS = [
    pytest.param(
        spec(concurrency=c, capacity=cap, retries=r, timeout_seconds=t, windows=w, run_overrides=o),
        id=f"{c}-{cap}-retries{r}-timeout{t or 0}{'-windows' if w else ''}"
        f"{'' if o else '-no-run-overrides'}",
    )
    for c, cap, r, t, w, o in itertools.product(
        ("allow", "forbid", "replace"),
        ("on-demand", "spot"),
        (0, 3),
        (None, 3600),
        (False,),
        (True, False),
    )
] + [
    pytest.param(spec(windows=True, retries=1), id="windows"),
    pytest.param(spec(windows=True, run_overrides=False), id="windows-no-run-overrides"),
]
# fmt: skip


def test_asl_validator_accepts_every_combination(validate_asl):
    # One asl-validator run for all of them (each definition holds every override combination).
    validate_asl({case.id: definition_json(case.values[0]) for case in COMBINATIONS})


@pytest.mark.parametrize("run_spec", COMBINATIONS)
def test_every_combination_is_consistent(run_spec):
    doc = definition(run_spec)
    states = doc["States"]
    # Every Next/Default names a state; every state is reachable from StartAt.
    reachable, todo = set(), [doc["StartAt"]]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        state = states[name]
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])]
        targets += [c["Next"] for c in state.get("Catch", [])]
        todo += [t for t in targets if t]
    assert reachable == set(states)
    assert doc.get("TimeoutSeconds") == run_spec.timeout_seconds
    tasks = [s for s in states.values() if s.get("Resource", "").endswith("runTask.sync")]
    per_combination = 2 if run_spec.capacity == "spot" else 1
    sets = 8 if run_spec.run_overrides else 2  # without command/environment: size or nothing
    assert len(tasks) == len(override_sets(run_spec.run_overrides)) * per_combination
    assert len(tasks) == sets * per_combination
    # Off means off: no task state reads a command or an environment from the input.
    read = json.dumps([t["Parameters"] for t in tasks])
    assert ("$.overrides.command" in read) is run_spec.run_overrides
    assert ("$.overrides.environment" in read) is run_spec.run_overrides
    assert "$.overrides.cpu" in read


# --------------------------------------------------------------------- routing


def _get(document, path):
    node = document
    for part in path.removeprefix("$.").split("."):
        if not isinstance(node, dict) or part not in node:
            return None, False
        node = node[part]
    return node, True


def _matches(rule, data) -> bool:
    if "And" in rule:
        return all(_matches(r, data) for r in rule["And"])
    value, present = _get(data, rule["Variable"])
    if "IsPresent" in rule:
        return present is rule["IsPresent"]
    if "IsBoolean" in rule:
        return isinstance(value, bool) is rule["IsBoolean"]
    if "BooleanEquals" in rule:
        return value is rule["BooleanEquals"]
    raise AssertionError(rule)


def _choose(state, data) -> str:
    return next((r["Next"] for r in state["Choices"] if _matches(r, data)), state["Default"])


def first_task(doc: dict, execution_input: dict, others_running: bool = False) -> str:
    """Walk the definition as Step Functions would, up to the first task or end state; the
    SDK steps (list, map) are simulated: `others_running` says whether another run exists."""
    states, name = doc["States"], doc["StartAt"]
    data = dict(execution_input)
    while True:
        state = states[name]
        if state["Type"] == "Choice":
            if name == "Is Another Execution Running":
                name = _choose(state, {"running": {"check": {"busy": others_running}}})
            else:
                name = _choose(state, data)
        elif state.get("Resource", "").endswith("runTask.sync") or state.get("End"):
            return name
        else:
            name = state["Next"]


@pytest.mark.parametrize(
    "concurrency, execution_input, others, expected",
    [
        pytest.param("allow", {}, True, RUN_STATE, id="allow-runs-alongside"),
        pytest.param("forbid", {}, False, RUN_STATE, id="forbid-nothing-running"),
        pytest.param("forbid", {}, True, SKIPPED_STATE, id="forbid-skips"),
        pytest.param("forbid", {"force": True}, True, RUN_STATE, id="forbid-forced"),
        pytest.param("forbid", {"force": "yes"}, True, SKIPPED_STATE, id="force-must-be-true"),
        pytest.param("forbid", {"force": False}, True, SKIPPED_STATE, id="force-false"),
        pytest.param("replace", {}, True, RUN_STATE, id="replace-runs-after-stopping"),
        pytest.param("replace", {"force": True, "overrides": {"cpu": "1024", "memory": "2048"}},
                     True, RUN_WITH_SIZE, id="replace-forced-with-size"),
        pytest.param("forbid", {"scheduled": {"time": "2030-01-01T09:00:00Z"}}, True,
                     SKIPPED_STATE, id="scheduler-input-is-checked"),
    ],
)  # fmt: skip
def test_concurrency_routes(concurrency, execution_input, others, expected):
    doc = definition(spec(concurrency=concurrency))
    assert doc["StartAt"] == (CHOICE_STATE if concurrency == "allow" else FORCE_STATE)
    assert first_task(doc, execution_input, others) == expected


def test_forbid_skips_successfully_with_a_readable_output():
    states = definition(spec(concurrency="forbid"))["States"]
    assert states[SKIPPED_STATE] == {"Type": "Pass", "Result": SKIPPED_OUTPUT, "End": True}
    listing = states["Find Running Executions"]
    assert listing["Resource"] == "arn:aws:states:::aws-sdk:sfn:listExecutions"
    assert listing["Parameters"] == {
        "StateMachineArn.$": "$$.StateMachine.Id",
        "StatusFilter": "RUNNING",
    }
    # The current execution is listed too: it is told apart by its ARN, not counted.
    processor = states["Check Each Running Execution"]["ItemProcessor"]["States"]
    assert processor["Is It This Execution"]["Choices"][0]["StringEqualsPath"] == "$.self"


def test_replace_stops_the_others():
    states = definition(spec(concurrency="replace", partition="aws-us-gov"))["States"]
    processor = states["Check Each Running Execution"]["ItemProcessor"]["States"]
    stop = processor["Another One"]
    assert stop["Resource"] == "arn:aws-us-gov:states:::aws-sdk:sfn:stopExecution"
    assert stop["Parameters"]["ExecutionArn.$"] == "$.arn"
    assert stop["Catch"][0]["ErrorEquals"] == ["Sfn.ExecutionDoesNotExistException"]
    assert SKIPPED_STATE not in states


@pytest.mark.parametrize(
    "concurrency, overrides, expected",
    [
        pytest.param("allow", {}, RUN_STATE, id="none"),
        pytest.param("allow", {"command": ["sh", "-c", "env"]}, RUN_STATE, id="command-ignored"),
        pytest.param("allow", {"environment": [{"name": "A", "value": "1"}]}, RUN_STATE,
                     id="environment-ignored"),
        pytest.param("allow", {"command": ["sh"], "cpu": "1024", "memory": "2048"}, RUN_WITH_SIZE,
                     id="size-kept-command-dropped"),
        pytest.param("forbid", {"force": True, "command": ["sh"]}, RUN_STATE,
                     id="forced-still-ignores-command"),
    ],
)  # fmt: skip
def test_run_overrides_off_runs_what_the_manifest_says(concurrency, overrides, expected):
    doc = definition(spec(run_overrides=False, concurrency=concurrency))
    execution_input = {"overrides": {k: v for k, v in overrides.items() if k != "force"}}
    if "force" in overrides:
        execution_input["force"] = True
    name = first_task(doc, execution_input)
    assert name == expected
    container = doc["States"][name]["Parameters"].get("Overrides", {})
    assert "ContainerOverrides" not in container


@pytest.mark.parametrize(
    "overrides, expected",
    [
        pytest.param({}, RUN_STATE, id="none"),
        pytest.param({"cpu": "1024", "memory": "2048"}, RUN_WITH_SIZE, id="size"),
        pytest.param({"cpu": "1024"}, RUN_STATE, id="cpu-alone-is-no-size"),
        pytest.param({"command": ["sh"], "cpu": "1024", "memory": "2048"},
                     "Run Fargate Task With Command And Size", id="command-and-size"),
        pytest.param({"command": ["sh"], "environment": [], "cpu": "512", "memory": "1024"},
                     "Run Fargate Task With Command And Environment And Size", id="all"),
    ],
)  # fmt: skip
def test_size_overrides(overrides, expected):
    doc = definition(spec())
    name = first_task(doc, {"overrides": overrides})
    assert name == expected
    if "Size" in name:
        task = doc["States"][name]["Parameters"]["Overrides"]
        assert (task["Cpu.$"], task["Memory.$"]) == ("$.overrides.cpu", "$.overrides.memory")


# ------------------------------------------------------------------------ Spot


def test_spot_runs_on_fargate_spot_and_falls_back_to_on_demand():
    states = definition(spec(capacity="spot", retries=2))["States"]
    assert first_task(definition(spec(capacity="spot")), {}) == "Run Fargate Spot Task"
    attempt = states["Run Fargate Spot Task"]
    assert "LaunchType" not in attempt["Parameters"]
    assert attempt["Parameters"]["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 1}
    ]
    # Failed tasks are retried on Spot; a failed RunTask (no capacity) goes on-demand at once.
    assert attempt["Retry"][0]["ErrorEquals"] == ["States.TaskFailed"]
    assert attempt["Retry"][0]["MaxAttempts"] == 2
    task_failed, anything = attempt["Catch"]
    assert task_failed["ErrorEquals"] == ["States.TaskFailed"]
    assert anything == {"ErrorEquals": ["States.ALL"], "ResultPath": "$.spot",
                        "Next": RUN_STATE}  # fmt: skip
    check = states[task_failed["Next"]]
    assert check["Choices"] == [
        {"Variable": "$.spot.Cause", "StringMatches": "*SpotInterruption*", "Next": RUN_STATE}
    ]
    assert check["Default"] == SPOT_FAILED
    assert states[SPOT_FAILED] == {"Type": "Fail", "ErrorPath": "$.spot.Error",
                                   "CausePath": "$.spot.Cause"}  # fmt: skip
    fallback = states[RUN_STATE]
    assert fallback["Parameters"]["LaunchType"] == "FARGATE"
    assert fallback["Retry"][0]["ErrorEquals"] == ["States.ALL"]


def test_spot_keeps_the_overrides_on_both_attempts():
    states = definition(spec(capacity="spot"))["States"]
    spot = states["Run Fargate Spot Task With Command"]["Parameters"]["Overrides"]
    fallback = states["Run Fargate Task With Command"]["Parameters"]["Overrides"]
    assert (
        spot
        == fallback
        == {"ContainerOverrides": [{"Name": "report", "Command.$": "$.overrides.command"}]}
    )
    assert states["Run Fargate Spot Task With Command Failure"]["Choices"][0]["Next"] == (
        "Run Fargate Task With Command"
    )


@pytest.mark.parametrize("bad", [{"concurrency": "skip"}, {"capacity": "cheap"}])
def test_unknown_policy_values_are_programming_errors(bad):
    with pytest.raises(ValueError):
        definition(spec(**bad))


# -------------------------------------------------------------------- policies


def grants(**changes) -> StateMachineGrants:
    base = dict(region="us-east-1", account="123456789012", partition="aws",
                task_family="demo-dev-report", cluster_arn=CLUSTER, cluster_name="demo-dev",
                execution_role_arn="arn:aws:iam::123456789012:role/x",
                task_role_arn="arn:aws:iam::123456789012:role/t",
                state_machine_name="demo-dev-report")  # fmt: skip
    return StateMachineGrants(**{**base, **changes})


@pytest.mark.parametrize(
    "concurrency, expected",
    [
        pytest.param("allow", {}, id="allow-needs-nothing"),
        pytest.param("forbid", {"ListOwnExecutions": (
            "states:ListExecutions",
            "arn:aws:states:us-east-1:123456789012:stateMachine:demo-dev-report")},
            id="forbid-lists-its-own"),
        pytest.param("replace", {
            "ListOwnExecutions": (
                "states:ListExecutions",
                "arn:aws:states:us-east-1:123456789012:stateMachine:demo-dev-report"),
            "StopOwnExecutions": (
                "states:StopExecution",
                "arn:aws:states:us-east-1:123456789012:execution:demo-dev-report:*")},
            id="replace-stops-its-own"),
    ],
)  # fmt: skip
def test_concurrency_permissions_name_this_state_machine(concurrency, expected):
    statements = state_machine_role_policy(grants(concurrency=concurrency))["Statement"]
    found = {
        s["Sid"]: (s["Action"], s["Resource"])
        for s in statements
        if s["Sid"] in ("ListOwnExecutions", "StopOwnExecutions")
    }
    assert found == expected
    json.dumps(statements)
