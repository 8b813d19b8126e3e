"""Failure alerts: event patterns, the input transformer's message, the topic and key
policies (components/convert/alerts.py), and what the render registers for them."""

import json
import re

import pytest

from scheduled_jobs.components.convert import alerts
from scheduled_jobs.components.manifest.model import Alerts

ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:demo-dev-report"


@pytest.mark.parametrize(
    "on, statuses",
    [
        pytest.param(None, ["FAILED", "TIMED_OUT", "ABORTED"], id="default-all-three"),
        pytest.param(["failed"], ["FAILED"], id="failed-only"),
        pytest.param(["timed_out", "aborted"], ["TIMED_OUT", "ABORTED"], id="two"),
    ],
)
def test_event_pattern_matches_this_state_machine_and_statuses(on, statuses):
    settings = Alerts() if on is None else Alerts(on=on)
    pattern = alerts.event_pattern(ARN, settings)
    assert pattern == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"stateMachineArn": [ARN], "status": statuses},
    }


def _substitute(template: str, values: dict) -> str:
    """What EventBridge does: `<name>` inside quotes gets the raw text, outside quotes the
    value as JSON (strings quoted and escaped)."""

    def replace(match):
        return values[match.group(1)]

    quoted = re.sub(r'"([^"]*)"', lambda m: '"' + re.sub(
        r"<(\w+)>", lambda p: str(json.loads(values[p.group(1)]) if values[p.group(1)] != "null"
                                  else ""), m.group(1)) + '"', template)  # fmt: skip
    return re.sub(r"<(\w+)>", replace, quoted)


@pytest.mark.parametrize(
    "cause",
    [
        pytest.param('{"StopCode":"EssentialContainerExited","Containers":[{"ExitCode":3}]}',
                     id="task-json-cause"),
        pytest.param(None, id="no-cause"),
    ],
)  # fmt: skip
def test_the_message_is_json_a_person_can_act_on(cause):
    transformer = alerts.input_transformer(
        job="report", app="demo", env="dev", region="eu-west-1", partition="aws"
    )
    paths = transformer["inputPaths"]
    assert paths["cause"] == "$.detail.cause" and paths["status"] == "$.detail.status"
    values = {
        "status": json.dumps("FAILED"),
        "execution": json.dumps("manual-20301010T000000Z-abc"),
        "executionArn": json.dumps(ARN.replace("stateMachine", "execution") + ":x"),
        "error": json.dumps("States.TaskFailed"),
        "cause": json.dumps(cause),
        "time": json.dumps("2030-10-10T00:05:00Z"),
    }
    message = json.loads(_substitute(transformer["inputTemplate"], values))
    assert message["job"] == "report" and message["environment"] == "dev"
    assert message["status"] == "FAILED"
    assert message["cause"] == cause
    assert message["summary"] == "Job report (demo-dev) ended FAILED at 2030-10-10T00:05:00Z"
    assert message["console"].startswith(
        "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/"
        "details/arn:aws:states:eu-west-1:123456789012:execution:"
    )
    assert message["logs"].startswith("scheduled-jobs logs report --env dev --app demo")
    assert message["show"] == "scheduled-jobs show report --env dev --app demo"
    # The email filter policy reads the body's `job`.
    assert json.loads(alerts.subscription_filter("report")) == {"job": ["report"]}


def test_topic_policy_lets_only_this_environments_rules_and_alarms_publish():
    topic = "arn:aws:sns:eu-west-1:123456789012:demo-dev-job-failures"
    policy = alerts.topic_policy(topic, account="123456789012", partition="aws",
                                 region="eu-west-1", app="demo", env="dev")  # fmt: skip
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert all(s["Resource"] == topic for s in statements.values())
    rules = statements["EnvironmentRulesPublish"]
    assert rules["Principal"] == {"Service": "events.amazonaws.com"}
    assert rules["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/demo-dev-*"},
    }
    assert statements["EnvironmentAlarmsPublish"]["Condition"]["ArnLike"] == {
        "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:demo-dev-*"
    }


def test_key_policy_lets_eventbridge_use_the_key_for_this_account_only():
    policy = alerts.key_policy(account="123456789012", partition="aws")
    use = next(s for s in policy["Statement"] if s["Sid"] == "EventBridgeAndAlarmsPublish")
    assert "events.amazonaws.com" in use["Principal"]["Service"]
    assert use["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert use["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


# ---------------------------------------------------------------- rendered resources


def test_alerts_on_by_default_for_a_copilot_manifest(render_testdata):
    resources = render_testdata(["minimal.yml"])
    by_name = {r["name"]: r for r in resources}
    topic = by_name["dev-alerts-topic"]["inputs"]
    assert topic["name"] == "demo-dev-job-failures"
    assert topic["kmsMasterKeyId"] == by_name["dev-alerts-key"]["inputs"].get(
        "arn", topic["kmsMasterKeyId"]
    )
    assert topic["kmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert by_name["dev-alerts-key"]["inputs"]["enableKeyRotation"] is True
    rule = by_name["minimal-alerts-rule"]["inputs"]
    assert rule["name"] == "demo-dev-minimal-failures"
    assert json.loads(rule["eventPattern"])["detail"]["stateMachineArn"] == [
        "arn:aws:states:us-east-1:123456789012:stateMachine:demo-dev-minimal"
    ]
    target = by_name["minimal-alerts-target"]["inputs"]
    assert target["arn"] == "arn:aws:sns:us-east-1:123456789012:demo-dev-job-failures"
    alarm = by_name["minimal-start-failures-alarm"]["inputs"]
    assert alarm["dimensions"] == {"RuleName": "demo-dev-minimal"}
    assert alarm["alarmActions"] == [target["arn"]]
    # The job's existing resources are unchanged by the alerts: only new ones are added.
    assert by_name["minimal-rule"]["inputs"]["name"] == "demo-dev-minimal"


def test_alerts_email_topic_and_none_per_environment(render_testdata):
    dev = {r["name"]: r["inputs"] for r in render_testdata(["beyond-copilot.yml"], env="dev")}
    assert dev["beyond-alerts-target-topic"]["arn"] == "arn:aws:sns:us-east-1:123456789012:pager"
    email = dev["beyond-alerts-email-0"]
    assert (email["protocol"], email["endpoint"]) == ("email", "oncall@example.com")
    assert json.loads(email["filterPolicy"]) == {"job": ["beyond"]}
    assert email["filterPolicyScope"] == "MessageBody"
    assert json.loads(dev["beyond-alerts-rule"]["eventPattern"])["detail"]["status"] == [
        "FAILED",
        "TIMED_OUT",
    ]
    # A Scheduler job: dropped starts alarm on the environment's group, not a rule alarm.
    assert "beyond-start-failures-alarm" not in dev
    assert dev["dev-dropped-starts-alarm"]["dimensions"] == {"ScheduleGroup": "demo-dev"}
    prod = {r["name"] for r in render_testdata(["beyond-copilot.yml"], env="prod")}
    assert not [name for name in prod if "alerts" in name or "alarm" in name]
