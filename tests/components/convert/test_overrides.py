"""taskdef_overrides applied as Copilot applies them (override/rule.go), and refused with the
rule named when they cannot apply."""

from __future__ import annotations

import json

import pytest

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.convert.overrides import (
    apply_rules,
    from_cfn,
    overridden_inputs,
    to_cfn,
)
from scheduled_jobs.components.manifest.load import load_manifest_text

PROPS = {
    "Cpu": "256",
    "ContainerDefinitions": [
        {"Name": "job", "Ulimits": [{"Name": "core", "SoftLimit": 0, "HardLimit": 0}]},
        {"Name": "side"},
    ],
}


@pytest.mark.parametrize(
    ("path", "value", "read", "expected"),
    [
        pytest.param("Cpu", "512", lambda p: p["Cpu"], "512", id="replace-scalar"),
        pytest.param("PidMode", "task", lambda p: p["PidMode"], "task", id="add-missing-key"),
        pytest.param(
            "ContainerDefinitions[0].Ulimits[-]", {"Name": "nofile"},
            lambda p: p["ContainerDefinitions"][0]["Ulimits"][-1], {"Name": "nofile"},
            id="dash-last-appends",
        ),
        pytest.param(
            "ContainerDefinitions[1].Ulimits[-]", {"Name": "nofile"},
            lambda p: p["ContainerDefinitions"][1]["Ulimits"], [{"Name": "nofile"}],
            id="dash-last-creates-the-list",
        ),
        pytest.param(
            "ContainerDefinitions[1].PortMappings[-].ContainerPort", 80,
            lambda p: p["ContainerDefinitions"][1]["PortMappings"], [{"ContainerPort": 80}],
            id="dash-inside-appends-a-map",
        ),
        pytest.param(
            "ContainerDefinitions[0].Ulimits[0].SoftLimit", 10,
            lambda p: p["ContainerDefinitions"][0]["Ulimits"][0]["SoftLimit"], 10,
            id="index-descends",
        ),
        pytest.param(
            "ContainerDefinitions[0].Ulimits[0]", {"Name": "x"},
            lambda p: p["ContainerDefinitions"][0]["Ulimits"], [{"Name": "x"}],
            id="index-last-replaces",
        ),
        pytest.param(
            "ContainerDefinitions[0].LinuxParameters.Capabilities.Add[-]", "SYS_PTRACE",
            lambda p: p["ContainerDefinitions"][0]["LinuxParameters"],
            {"Capabilities": {"Add": ["SYS_PTRACE"]}}, id="maps-created-on-the-way",
        ),
    ],
)  # fmt: skip
def test_rule_semantics(path, value, read, expected):
    assert read(apply_rules(PROPS, [(path, value)])) == expected
    assert PROPS["Cpu"] == "256" and "PidMode" not in PROPS  # the input is not changed


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param("ContainerDefinitions[2].Cpu", "has 2 item(s), so [2] names nothing; use "
                     "[-] to append", id="index-past-the-end"),
        pytest.param("ContainerDefinitions[0].Ulimits[5]", "Ulimits has 1 item(s)",
                     id="nested-index-past-the-end"),
        pytest.param("Cpu.Units", "Cpu is not a map", id="into-a-scalar"),
        pytest.param("Cpu[0]", "Cpu is not a list", id="index-into-a-scalar"),
    ],
)  # fmt: skip
def test_rules_that_cannot_apply_name_the_rule(path, message):
    with pytest.raises(ValueError) as caught:
        apply_rules(PROPS, [("Cpu", "1"), (path, 1)])
    assert message in str(caught.value) and caught.value.index == 1


def test_cfn_shape_round_trips_the_provider_inputs():
    inputs = {
        "family": "f",
        "cpu": "256",
        "containerDefinitions": json.dumps(
            [{"name": "a", "dockerLabels": {"com.x": "1"}, "logConfiguration": {
                "logDriver": "awslogs", "options": {"awslogs-group": "g"}}}], indent=2
        ),
        "ephemeralStorage": {"sizeInGib": 30},
        "volumes": [{"name": "v", "hostPath": "/h", "efsVolumeConfiguration": {
            "fileSystemId": "fs-1", "authorizationConfig": {"iam": "ENABLED"}}}],
        "tags": {"a": "b"},
    }  # fmt: skip
    props = to_cfn(inputs)
    assert props["ContainerDefinitions"][0]["DockerLabels"] == {"com.x": "1"}  # data keys kept
    assert props["ContainerDefinitions"][0]["LogConfiguration"]["Options"] == {"awslogs-group": "g"}
    assert props["EphemeralStorage"] == {"SizeInGiB": 30}
    assert props["Volumes"][0] == {
        "Name": "v",
        "EFSVolumeConfiguration": {
            "FilesystemId": "fs-1",
            "AuthorizationConfig": {"IAM": "ENABLED"},
        },
        "Host": {"SourcePath": "/h"},
    }
    assert props["Tags"] == [{"Key": "a", "Value": "b"}]
    assert from_cfn(props) == inputs


HEAD = "name: report\ntype: Scheduled Job\nimage:\n  location: x\non:\n  schedule: '@daily'\n"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param("  - path: Family\n    value: x\n", '"Family" cannot be overridden',
                     id="family-forbidden"),
        pytest.param("  - path: ContainerDefinitions[0].Name\n    value: x\n",
                     '"ContainerDefinitions[0].Name" cannot be overridden',
                     id="container-name-forbidden"),
        pytest.param("  - path: Containers[0].Cpu\n    value: 1\n",
                     "Containers is not a property of AWS::ECS::TaskDefinition",
                     id="unknown-task-property"),
        pytest.param("  - path: ContainerDefinitions[0].Ulimit[-]\n    value: 1\n",
                     "Ulimit is not a property of a ContainerDefinitions item",
                     id="unknown-container-property"),
        pytest.param("  - path: ContainerDefinitions.Cpu\n    value: 1\n",
                     "ContainerDefinitions is a list", id="list-without-index"),
        pytest.param("  - path: \"ContainerDefinitions[0].DockerLabels.a.b'\"\n    value: 1\n",
                     "must be Key, Key[N] or Key[-]", id="bad-segment"),
    ],
)  # fmt: skip
def test_paths_are_checked_when_the_manifest_loads(rule, expected):
    with pytest.raises(ManifestError) as caught:
        load_manifest_text(HEAD + "taskdef_overrides:\n" + rule, file="m.yml")
    assert any(expected in str(p) and "taskdef_overrides[0].path" in str(p)
               for p in caught.value.problems), caught.value.problems  # fmt: skip


def test_plan_problem_names_the_rule_and_file():
    inputs = {"cpu": "256", "containerDefinitions": json.dumps([{"name": "a"}])}
    with pytest.raises(ManifestError) as caught:
        overridden_inputs(inputs, [("Cpu", "512"), ("ContainerDefinitions[3].Cpu", 1)],
                          file="manifests/a/manifest.yml")  # fmt: skip
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        'manifests/a/manifest.yml: taskdef_overrides[1].path: "ContainerDefinitions[3].Cpu": '
        "ContainerDefinitions has 1 item(s)"
    )


def test_manifest_numbers_are_sent_as_plain_numbers():
    job = load_manifest_text(
        HEAD
        + "taskdef_overrides:\n  - path: ContainerDefinitions[0].StopTimeout\n    value: 0120\n",
        file="m.yml",
    )
    props = apply_rules(
        {"ContainerDefinitions": [{}]}, [(r.path, r.value) for r in job.taskdef_overrides]
    )
    assert props["ContainerDefinitions"][0]["StopTimeout"] == 80 and json.dumps(props)


def test_property_names_are_the_ecs_apis_and_the_providers():
    import inspect

    import botocore.session
    import pulumi_aws

    from scheduled_jobs.components.manifest.taskdef_paths import (
        CONTAINER_PROPERTIES,
        TASK_DEFINITION_PROPERTIES,
        VOLUME_PROPERTIES,
    )
    from scheduled_jobs.components.resources.wiring import snake

    ecs = botocore.session.get_session().get_service_model("ecs")
    container = set(ecs.shape_for("ContainerDefinition").members)
    assert {p[0].lower() + p[1:] for p in CONTAINER_PROPERTIES} <= container
    volume = {m.lower() for m in ecs.shape_for("Volume").members}
    assert {p.lower() for p in VOLUME_PROPERTIES} <= volume
    args = set(inspect.signature(pulumi_aws.ecs.TaskDefinitionArgs.__init__).parameters)
    assert {snake(p[0].lower() + p[1:]) for p in TASK_DEFINITION_PROPERTIES} <= args
