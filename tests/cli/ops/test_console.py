"""Console links to a job's resources."""

from __future__ import annotations

import pytest

from scheduled_jobs.cli.ops import console as consolelinks

EXEC = "arn:aws:states:eu-west-1:123456789012:execution:demo-test-report:manual-1"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param(
            consolelinks.execution("eu-west-1", EXEC),
            f"https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/{EXEC}",
            id="execution",
        ),
        pytest.param(
            consolelinks.log_group("eu-west-1", "/copilot/demo-test-report"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
            "#logsV2:log-groups/log-group/$252Fcopilot$252Fdemo-test-report",
            id="log-group",
        ),
        pytest.param(
            consolelinks.log_stream("eu-west-1", "/copilot/x", "copilot/x/abc"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
            "#logsV2:log-groups/log-group/$252Fcopilot$252Fx/log-events/copilot$252Fx$252Fabc",
            id="log-stream",
        ),
        pytest.param(
            consolelinks.rule("eu-west-1", "demo-test-report"),
            "https://eu-west-1.console.aws.amazon.com/events/home?region=eu-west-1"
            "#/eventbus/default/rules/demo-test-report",
            id="rule",
        ),
        pytest.param(
            consolelinks.task_definition(
                "eu-west-1", "arn:aws:ecs:eu-west-1:123456789012:task-definition/demo-test-report:7"
            ),
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/demo-test-report/7"
            "?region=eu-west-1",
            id="task-definition",
        ),
        pytest.param(
            consolelinks.ecs_task(
                "eu-west-1", "arn:aws:ecs:eu-west-1:123456789012:task/demo-test/abc123"
            ),
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/demo-test/tasks/abc123?region=eu-west-1",
            id="ecs-task",
        ),
        pytest.param(
            consolelinks.rule("cn-north-1", "r"),
            "https://console.amazonaws.cn/events/home?region=cn-north-1#/eventbus/default/rules/r",
            id="china-partition",
        ),
    ],
)
def test_links(link, expected):
    assert link == expected
