"""Addons templates read, merged and checked as Copilot does (internal/pkg/addon)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.manifest.addons import read_addons, to_snake_case

HEAD = """\
Parameters:
  App: {Type: String}
  Env: {Type: String}
  Name: {Type: String}
"""
TABLE = """\
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub ${App}-${Env}-${Name}
"""


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    where = tmp_path / "addons"
    where.mkdir()
    for name, text in files.items():
        (where / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return where


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        read_addons(folder(tmp_path, files), display="addons")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("myDDBTable", "MY_DDB_TABLE", id="acronym-in-the-middle"),
        pytest.param("my2ndDDBTable", "MY2ND_DDB_TABLE", id="digits"),
        pytest.param("myTableWithLSI", "MY_TABLE_WITH_LSI", id="acronym-at-the-end"),
        pytest.param("myddbtable", "MYDDBTABLE", id="no-capitals"),
        pytest.param("BucketName", "BUCKET_NAME", id="pascal-case"),
    ],
)
def test_snake_case_is_copilots(name, expected):
    assert to_snake_case(name) == expected


def test_no_folder_or_no_templates_means_no_addons(tmp_path):
    assert read_addons(tmp_path / "missing") is None
    assert read_addons(folder(tmp_path, {"README.md": "notes"})) is None


@pytest.mark.parametrize(
    ("resource", "kind", "becomes"),
    [
        pytest.param("AWS::IAM::ManagedPolicy", "policy", "managed policy attached to the task "
                     "role", id="managed-policy-to-task-role"),
        pytest.param("AWS::SecretsManager::Secret", "secret", "secret OUT of the main container",
                     id="secret-to-main-container"),
        pytest.param("AWS::EC2::SecurityGroup", "group", "security group of the task, and "
                     "variable OUT", id="security-group-to-task-and-variable"),
        pytest.param("AWS::SQS::Queue", "variable", "variable OUT in every container",
                     id="other-ref-to-variable"),
    ],
)  # fmt: skip
def test_outputs_are_classified_by_the_type_of_what_they_ref(tmp_path, resource, kind, becomes):
    text = HEAD + f"Resources:\n  X:\n    Type: {resource}\nOutputs:\n  out:\n    Value: !Ref X\n"
    addons = read_addons(folder(tmp_path, {"a.yml": text}))
    (output,) = addons.outputs
    assert output.becomes() == becomes
    assert (output.is_policy, output.is_secret, output.is_security_group) == (
        kind == "policy", kind == "secret", kind == "group"
    )  # fmt: skip


def test_get_att_and_sub_outputs_are_variables(tmp_path):
    text = HEAD + (
        "Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
        "Outputs:\n  A: {Value: !GetAtt S.Id}\n  B: {Value: !Sub '${S}'}\n"
    )
    addons = read_addons(folder(tmp_path, {"a.yml": text}))
    assert [o.is_variable and not o.is_secret for o in addons.outputs] == [True, True]


def test_templates_merge_and_short_tags_become_long_forms(tmp_path):
    addons = read_addons(
        folder(
            tmp_path,
            {
                "b.yml": HEAD + TABLE + "Mappings:\n  M:\n    a: {x: 1}\nTransform: T1\n",
                "a.yml": HEAD
                + "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                + "Mappings:\n  M:\n    b: {x: 2}\nTransform: [T1, T2]\n"
                + "Outputs:\n  Url: {Value: !GetAtt [Q, QueueUrl]}\n",
            },
        )
    )
    assert addons.files == ("a.yml", "b.yml")  # file-name order
    template = addons.template
    assert list(template["Resources"]) == ["Q", "Table"]
    assert template["Resources"]["Table"]["Properties"]["TableName"] == {
        "Fn::Sub": "${App}-${Env}-${Name}"
    }
    assert template["Mappings"] == {"M": {"b": {"x": 2}, "a": {"x": 1}}}
    assert template["Transform"] == ["T1", "T2"]
    assert template["Outputs"]["Url"]["Value"] == {"Fn::GetAtt": ["Q", "QueueUrl"]}


def test_parameters_file_values(tmp_path):
    addons = read_addons(
        folder(
            tmp_path,
            {
                "a.yml": HEAD + "  Size: {Type: Number}\n  Role: {Type: String}\n" + TABLE,
                "addons.parameters.yml": "Parameters:\n  Size: 10\n  Role: !GetAtt TaskRole.Arn\n",
            },
        )
    )
    assert addons.parameters == {"Size": 10, "Role": {"Fn::GetAtt": ["TaskRole", "Arn"]}}


def test_parameter_numbers_pass_on_as_written(tmp_path):
    from scheduled_jobs.components.convert.addons import stack_parameters

    addons = read_addons(
        folder(
            tmp_path,
            {
                "a.yml": HEAD + "  Mode: {Type: String}\n  Ratio: {Type: String}\n" + TABLE,
                "addons.parameters.yml": "Parameters:\n  Mode: 0755\n  Ratio: 2.50\n",
            },
        )
    )
    params = stack_parameters(addons, app="a", env="e", job="j", refs={})
    assert (params["Mode"], params["Ratio"]) == ("0755", "2.50")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"a.yml": HEAD + TABLE,
             "b.yml": HEAD + "Resources:\n  Table:\n    Type: AWS::SQS::Queue\n"},
            'addons/b.yml:6: resource "Table" is different than in addons/a.yml:6',
            id="conflicting-logical-id-refused",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE + "Outputs:\n  O: {Value: x}\n",
             "b.yml": HEAD + TABLE + "Outputs:\n  O: {Value: y}\n"},
            'addons/b.yml:11: output "O" is different than in addons/a.yml:11',
            id="conflicting-output-refused",
        ),
        pytest.param(
            {"a.yml": "Parameters:\n  App: {Type: String}\n  Env: {Type: String}\n" + TABLE},
            'addons/a.yml: required parameter "Name" is missing from the template',
            id="name-parameter-required",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE, "addons.parameters.yml": "Parameters:\n  App: x\n"},
            'addons/addons.parameters.yml:2: "App" is reserved',
            id="reserved-parameter-in-the-file",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE, "addons.parameters.yml": "Parameters:\n  Size: 1\n"},
            'addons/addons.parameters.yml:2: the template does not declare the parameter "Size"',
            id="parameter-the-template-lacks",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE, "addons.parameters.yml": "Size: 1\n"},
            "addons/addons.parameters.yml:1: must define a top-level 'Parameters' map",
            id="parameters-file-without-parameters",
        ),
        pytest.param(
            {"a.yml": HEAD + "  Size: {Type: Number}\n" + TABLE},
            'addons/a.yml:5: parameter "Size" needs a Default or a value in '
            "addons/addons.parameters.yml",
            id="parameter-without-default-or-value",
        ),
        pytest.param(
            {"a.yml": HEAD + "  Role: {Type: String}\n" + TABLE,
             "addons.parameters.yml": "Parameters:\n  Role: !GetAtt StateMachine.Arn\n"},
            'addons/addons.parameters.yml:2: "Role": use text, !Ref AppName',
            id="parameter-naming-what-the-stack-cannot-wait-for",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE + "Outputs:\n  O: {Value: !Ref Missing}\n"},
            'addons/a.yml:11: output "O" refers to Missing, which is not a resource or parameter',
            id="output-ref-to-nothing",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE + "Outputs:\n  O: {Value: !GetAtt Gone.Arn}\n"},
            'addons/a.yml:11: output "O" refers to Gone',
            id="output-getatt-to-nothing",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE + "Outputs:\n  O: {Value: !Sub '${Nope}-${AWS::Region}'}\n"},
            'addons/a.yml:11: output "O" refers to Nope',
            id="output-sub-to-nothing",
        ),
        pytest.param(
            {"a.yml": HEAD + TABLE + "Outputs:\n  O: {Description: no value}\n"},
            'addons/a.yml:11: output "O" needs a Value',
            id="output-without-value",
        ),
        pytest.param(
            {"a.yml": HEAD + "Resources:\n  T: {Properties: {}}\n"},
            'addons/a.yml:6: resource "T" needs a Type',
            id="resource-without-type",
        ),
        pytest.param(
            {"a.yml": HEAD + "Resources:\n  T:\n    Type: X\n    Name: !Bogus x\n"},
            "addons/a.yml:8: unknown CloudFormation tag !Bogus",
            id="unknown-tag",
        ),
        pytest.param(
            {"a.yml": HEAD + "Resources: [\n"},
            "addons/a.yml:6: not valid YAML",
            id="invalid-yaml-with-line",
        ),
        pytest.param(
            {"a.yml": HEAD + "Outputs:\n  O: {Value: x}\n"},
            'addons/a.yml: needs a "Resources" map with at least one resource',
            id="no-resources",
        ),
    ],
)  # fmt: skip
def test_problems_name_file_and_line(tmp_path, files, expected):
    found = problems(tmp_path, files)
    assert any(p.startswith(expected) for p in found), found


def test_identical_definitions_in_two_templates_merge(tmp_path):
    addons = read_addons(folder(tmp_path, {"a.yml": HEAD + TABLE, "b.yml": HEAD + TABLE}))
    assert list(addons.template["Resources"]) == ["Table"]


def test_every_problem_at_once(tmp_path):
    found = problems(
        tmp_path,
        {"a.yml": HEAD + TABLE + "Outputs:\n  A: {Value: !Ref X}\n  B: {Value: !Ref Y}\n"},
    )
    assert len(found) == 2


LAMBDA = (
    HEAD
    + """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: lambdas/cleanup
"""
)


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param(LAMBDA, 'addons/a.yml:12: resource "Fn" (AWS::Lambda::Function): Code is '
                     "the local path 'lambdas/cleanup'. Copilot uploads local files",
                     id="lambda-code-folder"),
        pytest.param(HEAD + "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                     "    Type: AWS::Serverless::Function\n    Properties:\n"
                     "      CodeUri: ./src\n      Handler: a.b\n      Runtime: python3.12\n",
                     'addons/a.yml:10: resource "Fn" (AWS::Serverless::Function): CodeUri is '
                     "the local path './src'", id="serverless-code-uri"),
        pytest.param(HEAD + "Resources:\n  Nested:\n    Type: AWS::CloudFormation::Stack\n"
                     "    Properties:\n      TemplateURL: nested/child.yml\n",
                     'addons/a.yml:9: resource "Nested" (AWS::CloudFormation::Stack): '
                     "TemplateURL is the local path 'nested/child.yml'", id="nested-stack"),
        pytest.param(HEAD + "Resources:\n  Job:\n    Type: AWS::Glue::Job\n    Properties:\n"
                     "      Role: r\n      Command:\n        Name: glueetl\n"
                     "        ScriptLocation: scripts/etl.py\n",
                     'addons/a.yml:12: resource "Job" (AWS::Glue::Job): Command.ScriptLocation is '
                     "the local path 'scripts/etl.py'", id="glue-nested-property"),
        pytest.param(TABLE.replace("Resources:\n", "Resources:\n  Fn::Transform:\n"
                                   "    Name: AWS::Include\n    Parameters:\n"
                                   "      Location: snippets/more.yml\n", 1) + "",
                     "AWS::Include names the local file 'snippets/more.yml'",
                     id="include-transform"),
    ],
)  # fmt: skip
def test_local_files_copilot_would_package_are_refused_with_file_and_line(
    tmp_path, resource, expected
):
    text = resource if resource.startswith("Parameters") else HEAD + resource
    found = problems(tmp_path, {"a.yml": text})
    assert any(expected in p for p in found), found
    assert len(found) == 1, found  # nothing else is wrong with these templates


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("{S3Bucket: my-bucket, S3Key: code.zip}", id="s3-object"),
        pytest.param("{ZipFile: 'def handler(e, c): pass'}", id="inline"),
    ],
)
def test_code_already_in_s3_or_inline_is_fine(tmp_path, code):
    text = LAMBDA.replace("Code: lambdas/cleanup", f"Code: {code}")
    addons = read_addons(folder(tmp_path, {"a.yml": text}), display="addons")
    assert addons is not None


def test_the_hint_says_what_to_write(tmp_path):
    with pytest.raises(ManifestError) as caught:
        read_addons(folder(tmp_path, {"a.yml": LAMBDA}), display="addons")
    (problem,) = caught.value.problems
    assert "{S3Bucket: ..., S3Key: ...}" in problem.hint and "ZipFile" in problem.hint


CONDITIONAL = (
    HEAD
    + """\
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Condition: IsProd
    Properties:
      TableName: t
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Condition: IsProd
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: []}
  Secret:
    Type: AWS::SecretsManager::Secret
Outputs:
"""
)


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        pytest.param("  TableName:\n    Value: !Ref Table\n",
                     'addons/a.yml:21: output "TableName" refers to "Table", which exists only '
                     'when condition "IsProd" holds', id="output-without-its-resources-condition"),
        pytest.param("  PolicyArn:\n    Condition: IsProd\n    Value: !Ref Policy\n",
                     'addons/a.yml:21: output "PolicyArn" is a managed policy that exists only '
                     "under a condition", id="conditional-policy-output"),
        pytest.param("  PolicyArn:\n    Value: !Ref Policy\n",
                     'output "PolicyArn" is a managed policy that exists only under a condition',
                     id="policy-output-of-a-conditional-policy"),
        pytest.param("  T:\n    Condition: IsStaging\n    Value: !Ref Secret\n",
                     'addons/a.yml:21: output "T": condition "IsStaging" is not in Conditions',
                     id="unknown-output-condition"),
    ],
)  # fmt: skip
def test_conditions_the_job_cannot_follow_are_refused(tmp_path, outputs, expected):
    found = problems(tmp_path, {"a.yml": CONDITIONAL + outputs})
    assert any(expected in p for p in found), found


def test_conditional_outputs_that_work(tmp_path):
    outputs = (
        "  TableName:\n    Condition: IsProd\n    Value: !Ref Table\n"
        "  Maybe:\n    Value: !If [IsProd, !Ref Table, none]\n"
    )
    addons = read_addons(folder(tmp_path, {"a.yml": CONDITIONAL + outputs}), display="addons")
    assert [o.env_name for o in addons.outputs if o.is_variable] == ["TABLE_NAME", "MAYBE"]
    assert addons.warnings == ()


def test_an_if_over_a_typed_resource_is_a_variable_with_a_warning(tmp_path):
    outputs = "  Choice:\n    Value: !If [IsProd, !Ref Secret, !Ref AWS::NoValue]\n"
    addons = read_addons(folder(tmp_path, {"a.yml": CONDITIONAL + outputs}), display="addons")
    (output,) = addons.outputs
    assert output.is_variable and not output.is_secret  # Copilot's classification
    (warning,) = addons.warnings
    assert str(warning).startswith('addons/a.yml:21: output "Choice" chooses with !If')
    assert "variable CHOICE, not a secret" in str(warning)
