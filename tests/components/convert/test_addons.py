"""What the addons stack's outputs become (components/convert/addons.py)."""

from __future__ import annotations

from scheduled_jobs.components.convert import addons as convert
from scheduled_jobs.components.manifest.addons import AddonOutput, Addons

ADDONS = Addons(
    folder="manifests/job/addons",
    files=("a.yml",),
    template={},
    parameters={"Size": 3, "Debug": True, "Role": {"Fn::GetAtt": ["TaskRole", "Arn"]}},
    outputs=(
        AddonOutput("tableName", "AWS::DynamoDB::Table"),
        AddonOutput("policy", "AWS::IAM::ManagedPolicy"),
        AddonOutput("apiKey", "AWS::SecretsManager::Secret"),
        AddonOutput("clientGroup", "AWS::EC2::SecurityGroup"),
        AddonOutput("onlyInProd", None),
    ),
)
OUTPUTS = {"tableName": "t", "policy": "arn:p", "apiKey": "arn:s", "clientGroup": "sg-1"}


def test_outputs_become_variables_secrets_and_groups():
    assert convert.variables(ADDONS, OUTPUTS) == [("TABLE_NAME", "t"), ("CLIENT_GROUP", "sg-1")]
    assert convert.secrets(ADDONS, OUTPUTS) == [("API_KEY", "arn:s")]
    assert convert.security_groups(ADDONS, OUTPUTS) == ["sg-1"]
    assert convert.policy_outputs(ADDONS) == ["policy"]


def test_an_output_its_condition_left_out_is_left_out():
    assert "ONLY_IN_PROD" not in dict(convert.variables(ADDONS, OUTPUTS))


def test_stack_parameters_text_and_job_references():
    params = convert.stack_parameters(ADDONS, app="a", env="e", job="j",
                                      refs={"task_role_arn": "arn:role"})  # fmt: skip
    assert params == {"App": "a", "Env": "e", "Name": "j", "Size": "3", "Debug": "true",
                      "Role": "arn:role"}  # fmt: skip


def test_stack_name_fits_cloudformation():
    assert convert.stack_name("demo", "dev", "report") == "demo-dev-report-AddonsStack"
    assert len(convert.stack_name("a" * 60, "b" * 60, "c" * 60)) == 128
