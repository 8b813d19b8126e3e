from __future__ import annotations

import json

import pytest

from scheduled_jobs.cli.migrate import template
from tests.cli.migrate.copilot_app import ENV_TEMPLATE, JOB_TEMPLATE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("!Ref LogRetention", {"Ref": "LogRetention"}, id="ref"),
        pytest.param("!GetAtt Role.Arn", {"Fn::GetAtt": ["Role", "Arn"]}, id="getatt-dotted"),
        pytest.param("!GetAtt [Role, Arn]", {"Fn::GetAtt": ["Role", "Arn"]}, id="getatt-list"),
        pytest.param("!Sub '${A}-x'", {"Fn::Sub": "${A}-x"}, id="sub"),
        pytest.param("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}, id="join"),
        pytest.param("!Condition HasAddons", {"Condition": "HasAddons"}, id="condition"),
        pytest.param(
            "!Not [!Equals [!Ref X, '']]",
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "X"}, ""]}]},
            id="nested",
        ),
    ],
)
def test_short_form_tags_become_long_form(text, expected):
    loaded = template.load(f"Resources: {{}}\nValue: {text}\n")
    assert loaded["Value"] == expected


def test_copilot_templates_load_and_keep_the_version_date_a_string():
    for text in (ENV_TEMPLATE, JOB_TEMPLATE):
        loaded = template.load(text)
        assert loaded["AWSTemplateFormatVersion"] == "2010-09-09"
    job = template.load(JOB_TEMPLATE)
    assert job["Resources"]["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetention"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: [", id="not-yaml"),
        pytest.param("- 1\n- 2\n", id="a-list"),
        pytest.param("Parameters: {}\n", id="no-resources"),
    ],
)
def test_not_a_template(text):
    with pytest.raises(ValueError, match="not a CloudFormation template"):
        template.load(text)


def test_with_retain_adds_both_policies_and_nothing_else():
    original = template.load(JOB_TEMPLATE)
    changed = template.with_retain(original, ["LogGroup"])
    assert template.retained(original) == set()
    assert template.retained(changed) == {"LogGroup"}
    assert changed["Resources"]["LogGroup"]["DeletionPolicy"] == "Retain"
    assert changed["Resources"]["LogGroup"]["UpdateReplacePolicy"] == "Retain"
    del changed["Resources"]["LogGroup"]["DeletionPolicy"]
    del changed["Resources"]["LogGroup"]["UpdateReplacePolicy"]
    assert changed == original  # and the input is not modified


def test_one_policy_alone_is_not_retained():
    data = {"Resources": {"A": {"Type": "T", "DeletionPolicy": "Retain"}}}
    assert template.retained(data) == set()


def test_dump_is_compact_json():
    body = template.dump(template.load(JOB_TEMPLATE))
    assert json.loads(body)["Resources"]["Rule"]["Type"] == "AWS::Events::Rule"
    assert ": " not in body.split('"DefinitionString"')[0]
