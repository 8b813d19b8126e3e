"""The task definition's inputs, without Pulumi."""

import pytest

from scheduled_jobs.components.convert.task_definition import task_definition_inputs
from scheduled_jobs.components.manifest.load import load_manifest_text

BASE = "name: report\ntype: Scheduled Job\nimage: {location: busybox}\non: {schedule: none}\n"


def _inputs(extra: str = "") -> dict:
    job = load_manifest_text(BASE + extra, "dev")
    return task_definition_inputs(job, family="demo-dev-report", execution_role_arn="exec",
                                  task_role_arn="task", container_definitions="[]",
                                  tags={"k": "v"})  # fmt: skip


def test_defaults_are_copilots_fargate_task():
    assert _inputs() == {
        "family": "demo-dev-report",
        "cpu": "256",
        "memory": "512",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "executionRoleArn": "exec",
        "taskRoleArn": "task",
        "containerDefinitions": "[]",
        "tags": {"k": "v"},
    }


@pytest.mark.parametrize(
    "storage, expected",
    [
        pytest.param("storage: {ephemeral: 20}\n", None, id="20-GiB-is-fargates-default"),
        pytest.param("storage: {ephemeral: 21}\n", {"sizeInGib": 21}, id="more-is-asked-for"),
        pytest.param("storage: {ephemeral: 200}\n", {"sizeInGib": 200}, id="the-maximum"),
    ],
)
def test_ephemeral_storage_only_above_the_default(storage, expected):
    assert _inputs(storage).get("ephemeralStorage") == expected


@pytest.mark.parametrize(
    "platform, expected",
    [
        pytest.param("", None, id="no-platform"),
        pytest.param("platform: linux/amd64\n", None, id="linux-x86-is-the-default"),
        pytest.param("platform: linux/arm64\n",
                     {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}, id="arm"),
        pytest.param("platform: windows/x86_64\ncpu: 1024\nmemory: 2048\n",
                     {"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE",
                      "cpuArchitecture": "X86_64"}, id="windows"),
    ],
)  # fmt: skip
def test_runtime_platform_only_for_windows_and_arm(platform, expected):
    assert _inputs(platform).get("runtimePlatform") == expected


def test_every_scratch_volume_is_declared():
    volumes = (
        "storage:\n  volumes:\n    scratch: {path: /scratch, efs: false}\n"
        "    cache: {path: /cache}\n"
    )
    # Sorted by name, as Copilot's convertVolumes renders them.
    assert _inputs(volumes)["volumes"] == [{"name": "cache"}, {"name": "scratch"}]
