import json

import pytest

from scheduled_jobs.components.convert.state_machine import (
    CHOICE_STATE,
    RUN_STATE,
    RUN_WITH_BOTH,
    RUN_WITH_COMMAND,
    RUN_WITH_ENVIRONMENT,
    RunTaskSpec,
    definition,
    definition_json,
)

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev"
TASK = "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-dev-report:3"
TASK_STATES = (RUN_STATE, RUN_WITH_COMMAND, RUN_WITH_ENVIRONMENT, RUN_WITH_BOTH)


def spec(**changes) -> RunTaskSpec:
    base = dict(
        container="report",
        cluster=CLUSTER,
        task_definition=TASK,
        subnets=["subnet-a", "subnet-b"],
        security_groups=["sg-1"],
    )
    return RunTaskSpec(**{**base, **changes})


CASES = [
    pytest.param(spec(), None, None, "LATEST", "ENABLED", id="defaults-no-retry-no-timeout"),
    pytest.param(spec(retries=3), 3, None, "LATEST", "ENABLED", id="retries-3"),
    pytest.param(spec(timeout_seconds=5400), None, 5400, "LATEST", "ENABLED", id="timeout-1h30m"),
    pytest.param(spec(windows=True), None, None, "1.0.0", "ENABLED", id="windows-platform-1.0.0"),
    pytest.param(
        spec(assign_public_ip=False, retries=1, timeout_seconds=60),
        1, 60, "LATEST", "DISABLED",
        id="private-retry-1-timeout-60",
    ),
]  # fmt: skip


@pytest.mark.parametrize("run_spec, attempts, timeout, platform, public_ip", CASES)
def test_definition_follows_copilot(run_spec, attempts, timeout, platform, public_ip):
    doc = definition(run_spec)
    assert doc.get("TimeoutSeconds") == timeout
    for name in TASK_STATES:
        state = doc["States"][name]
        params = state["Parameters"]
        assert state["Resource"] == "arn:aws:states:::ecs:runTask.sync"
        assert params["LaunchType"] == "FARGATE"
        assert params["PlatformVersion"] == platform
        assert params["Cluster"] == CLUSTER
        assert params["TaskDefinition"] == TASK
        assert params["PropagateTags"] == "TASK_DEFINITION"
        assert params["Group.$"] == "$$.Execution.Name"
        network = params["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert network == {
            "Subnets": ["subnet-a", "subnet-b"],
            "AssignPublicIp": public_ip,
            "SecurityGroups": ["sg-1"],
        }
        if attempts is None:
            assert "Retry" not in state
        else:
            assert state["Retry"] == [
                {
                    "ErrorEquals": ["States.ALL"],
                    "IntervalSeconds": 10,
                    "MaxAttempts": attempts,
                    "BackoffRate": 1.5,
                }
            ]
        assert state["End"] is True


@pytest.mark.parametrize(
    "state, overrides",
    [
        pytest.param(RUN_STATE, None, id="scheduled-run-unchanged"),
        pytest.param(RUN_WITH_COMMAND, {"Command.$": "$.overrides.command"}, id="command"),
        pytest.param(
            RUN_WITH_ENVIRONMENT, {"Environment.$": "$.overrides.environment"}, id="environment"
        ),
        pytest.param(
            RUN_WITH_BOTH,
            {"Command.$": "$.overrides.command", "Environment.$": "$.overrides.environment"},
            id="command-and-environment",
        ),
    ],
)
def test_overrides_reach_the_main_container(state, overrides):
    params = definition(spec())["States"][state]["Parameters"]
    if overrides is None:
        assert "Overrides" not in params
    else:
        assert params["Overrides"] == {"ContainerOverrides": [{"Name": "report", **overrides}]}


def _route(doc: dict, execution_input: dict) -> str:
    """Evaluate the Choice state the way Step Functions does for IsPresent rules."""

    def present(path: str) -> bool:
        node = execution_input
        for part in path.removeprefix("$.").split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def matches(rule: dict) -> bool:
        if "And" in rule:
            return all(matches(r) for r in rule["And"])
        return present(rule["Variable"]) is rule["IsPresent"]

    choice = doc["States"][doc["StartAt"]]
    return next((r["Next"] for r in choice["Choices"] if matches(r)), choice["Default"])


@pytest.mark.parametrize(
    "execution_input, expected",
    [
        pytest.param({"source": "aws.events", "detail": {}}, RUN_STATE, id="eventbridge-event"),
        pytest.param({}, RUN_STATE, id="empty-input"),
        pytest.param({"overrides": {}}, RUN_STATE, id="empty-overrides"),
        pytest.param({"overrides": {"command": ["sh"]}}, RUN_WITH_COMMAND, id="command-only"),
        pytest.param(
            {"overrides": {"environment": [{"name": "K", "value": "V"}]}},
            RUN_WITH_ENVIRONMENT,
            id="environment-only",
        ),
        pytest.param(
            {"overrides": {"command": ["sh"], "environment": []}}, RUN_WITH_BOTH, id="both"
        ),
    ],
)
def test_choice_routes_each_input(execution_input, expected):
    doc = definition(spec())
    assert doc["StartAt"] == CHOICE_STATE
    assert _route(doc, execution_input) == expected


def test_partition_changes_the_integration_arn():
    doc = definition(spec(partition="aws-cn"))
    assert doc["States"][RUN_STATE]["Resource"] == "arn:aws-cn:states:::ecs:runTask.sync"


def test_json_form_round_trips():
    assert json.loads(definition_json(spec(retries=2))) == definition(spec(retries=2))


def test_asl_validator_accepts_every_variant(validate_asl):
    validate_asl({case.id: definition_json(case.values[0]) for case in CASES})


def test_asl_validator_catches_a_broken_definition(validate_asl):
    broken = definition(spec())
    broken["States"][CHOICE_STATE]["Default"] = "No Such State"
    with pytest.raises(AssertionError, match="No Such State"):
        validate_asl({"broken": json.dumps(broken)})
