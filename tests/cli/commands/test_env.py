"""`jobs env init` and `jobs env ls` through the Automation API stand-in."""

from __future__ import annotations

import json

import pytest
import yaml

pytest.register_assert_rewrite("fake_stacks")
from tests.cli.fake_stacks import jobs, write_env  # noqa: E402


def settings(root, env):
    return yaml.safe_load((root / f"Pulumi.{env}.yaml").read_text())


def test_env_init_creates_the_stack_and_writes_the_settings(project_dir, automation):
    out = jobs(
        "env", "init", "dev",
        "--region", "eu-west-1",
        "--cluster", "shared",
        "--subnets", "subnet-a,subnet-b",
        "--subnets", "subnet-c",
        "--private-subnets", "subnet-p",
        "--security-groups", "sg-1",
        "--app", "billing",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    opened = automation.opened[-1]
    assert opened["call"] == "create_or_select_stack"
    assert opened["stack_name"] == "dev" and opened["work_dir"] == str(project_dir)
    assert "dev" in automation.stacks
    data = settings(project_dir, "dev")
    assert data["config"] == {
        "aws:region": "eu-west-1",
        "scheduled-jobs:app": "billing",
        "scheduled-jobs:cluster": "shared",
        "scheduled-jobs:subnets": ["subnet-a", "subnet-b", "subnet-c"],
        "scheduled-jobs:privateSubnets": ["subnet-p"],
        "scheduled-jobs:securityGroups": ["sg-1"],
    }
    assert data["encryptionsalt"].startswith("v1:")  # written by `stack init`, kept
    assert "Created environment dev" in out.stderr
    assert "`scheduled-jobs deploy --env dev`" in out.stderr


def test_env_init_region_defaults(project_dir, automation, monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    out = jobs("env", "init", "dev")
    assert out.exit_code == 0, out.output
    assert settings(project_dir, "dev")["config"] == {"aws:region": "us-east-1"}
    assert "using us-east-1" in out.stderr
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    out = jobs("env", "init", "prod")
    assert settings(project_dir, "prod")["config"] == {"aws:region": "ap-south-1"}


def test_env_init_tells_once_about_the_local_backend(project_dir, automation):
    first = jobs("env", "init", "dev", "--region", "us-east-1")
    second = jobs("env", "init", "prod", "--region", "us-east-1")
    assert first.exit_code == 0 and second.exit_code == 0
    assert "The Pulumi CLI has no backend here" in first.stderr
    assert "empty passphrase" in first.stderr
    assert "has no backend here" not in second.stderr
    backend = (project_dir / ".pulumi-state").as_uri()
    assert automation.opened[-1]["env_vars"] == {
        "PULUMI_BACKEND_URL": backend,
        "PULUMI_CONFIG_PASSPHRASE": "",
    }


def test_env_init_refuses_to_overwrite_without_force(project_dir, automation):
    write_env(project_dir, "dev", {"scheduled-jobs:cluster": "old"})
    out = jobs("env", "init", "dev", "--cluster", "new")
    assert out.exit_code == 1
    assert "environment dev already has settings in Pulumi.dev.yaml" in out.stderr
    assert automation.opened == []
    forced = jobs("env", "init", "dev", "--cluster", "new", "--force")
    assert forced.exit_code == 0, forced.output
    config = settings(project_dir, "dev")["config"]
    assert config["scheduled-jobs:cluster"] == "new"
    assert config["aws:region"] == "us-east-1"  # kept
    assert "Updated environment dev" in forced.stderr


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Dev", id="uppercase"),
        pytest.param("1dev", id="digit-first"),
        pytest.param("dev_1", id="underscore"),
        pytest.param("a" * 41, id="too-long"),
        pytest.param("dev-", id="trailing-hyphen"),
        pytest.param("a", id="one-letter"),
    ],
)
def test_env_init_rejects_bad_names(project_dir, automation, name):
    out = jobs("env", "init", name)
    assert out.exit_code == 1
    assert f"environment name {name!r} is invalid" in out.stderr
    assert not (project_dir / f"Pulumi.{name}.yaml").exists()


def test_env_init_on_a_shared_backend_needs_a_passphrase(project_dir, automation, monkeypatch):
    out = jobs("env", "init", "dev", "--backend", "s3://team-state")
    assert out.exit_code == 1
    assert "the backend s3://team-state keeps secrets with a passphrase" in out.stderr
    assert "PULUMI_CONFIG_PASSPHRASE" in out.stderr
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "s3cret")
    out = jobs("env", "init", "dev", "--backend", "s3://team-state")
    assert out.exit_code == 0, out.output
    assert automation.opened[-1]["env_vars"] == {"PULUMI_BACKEND_URL": "s3://team-state"}


def test_env_ls(project_dir, automation):
    write_env(project_dir, "dev")
    write_env(project_dir, "prod", {"aws:region": "eu-west-1"})
    write_env(project_dir, "qa")
    automation.add_stack("dev", project_dir)
    automation.add_stack("prod", project_dir)
    automation.add_stack("old", project_dir)  # a stack without a settings file
    automation.deployed.add("dev")
    automation.updating.add("prod")
    out = jobs("env", "ls")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["NAME", "REGION", "LAST", "UPDATE", "RESOURCES"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert "us-east-1" in rows["dev"] and "2026-01-02T03:04:05" in rows["dev"]
    assert "eu-west-1" in rows["prod"] and "update in progress" in rows["prod"]
    assert "no stack yet" in rows["qa"]
    assert "never deployed" in rows["old"]
    assert automation.opened[-1]["call"] == "list_stacks"


def test_env_ls_json(project_dir, automation):
    write_env(project_dir, "dev")
    automation.add_stack("dev", project_dir)
    automation.deployed.add("dev")
    out = jobs("env", "ls", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {
        "environments": [
            {
                "name": "dev",
                "region": "us-east-1",
                "stack": True,
                "lastUpdate": "2026-01-02T03:04:05",
                "resourceCount": None,
                "updateInProgress": False,
            }
        ]
    }


def test_env_ls_needs_no_passphrase(project_dir, automation):
    out = jobs("env", "ls", "--backend", "s3://team-state")
    assert out.exit_code == 0, out.output
    assert "No environments yet" in out.stderr


def test_env_ls_without_the_pulumi_cli(project_dir, automation):
    automation.cli_installed = False
    out = jobs("env", "ls")
    assert out.exit_code == 1
    assert "the Pulumi CLI is not installed" in out.stderr


def test_env_init_without_the_cli_still_writes_the_settings(project_dir, automation):
    automation.cli_installed = False
    out = jobs("env", "init", "qa", "--region", "eu-west-1")
    assert out.exit_code == 1
    assert "wrote the settings of qa to Pulumi.qa.yaml" in out.stderr
    assert "creating its stack needs the Pulumi CLI" in out.stderr
    text = (project_dir / "Pulumi.qa.yaml").read_text()
    assert "aws:region: eu-west-1" in text
    assert automation.stacks == {}
