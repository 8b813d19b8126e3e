"""Addons templates read, merged and checked as Copilot does (internal/pkg/addon)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from components import ManifestError
from components.manifest.addons import read_addons, to_snake_case

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
    from components.convert.addons import stack_parameters

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
