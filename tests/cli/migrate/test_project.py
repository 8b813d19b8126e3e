"""Writing manifests/ and Pulumi.<env>.yaml from a discovered application."""

from __future__ import annotations

import pytest
import yaml

from scheduled_jobs.cli.migrate.discover import Clients, discover
from scheduled_jobs.cli.migrate.project import planned_changes, write_project
from scheduled_jobs.cli.migrate.workspace import read_workspace
from scheduled_jobs.components.convert.settings import settings_from_config
from scheduled_jobs.components.errors import ManifestError
from tests.cli.migrate import copilot_app as c


@pytest.fixture
def found(seeded):
    return discover(read_workspace(seeded.root / "copilot"), Clients())


def test_writes_every_file(project, found):
    changes = write_project(project, found)
    root = project.root
    assert sorted((ch.path.relative_to(root).as_posix(), ch.state) for ch in changes) == [
        ("Pulumi.test.yaml", "create"),
        ("manifests/report/addons/bucket.yml", "create"),
        ("manifests/report/manifest.yml", "create"),
    ]
    # Byte for byte, comments included.
    assert (root / "manifests/report/manifest.yml").read_text() == c.JOB_MANIFEST
    assert (root / "manifests/report/addons/bucket.yml").read_text() == c.ADDON
    assert not (root / "manifests" / "api").exists()  # the service is left alone
    env = found.environments["test"]
    config = yaml.safe_load((root / "Pulumi.test.yaml").read_text())["config"]
    assert config == {
        "aws:region": "us-east-1",
        "scheduled-jobs:app": "shop",
        "scheduled-jobs:cluster": env.outputs["ClusterId"],
        "scheduled-jobs:subnets": env.outputs["PublicSubnets"].split(","),
        "scheduled-jobs:privateSubnets": env.outputs["PrivateSubnets"].split(","),
        "scheduled-jobs:securityGroups": [env.outputs["EnvironmentSecurityGroup"]],
        "scheduled-jobs:tags": {"team": "data"},
    }
    settings = settings_from_config("test", config)  # what the program will read
    assert settings.cluster == env.outputs["ClusterId"]
    assert settings.subnets == tuple(env.outputs["PublicSubnets"].split(","))
    assert settings.tags == {"team": "data"} and settings.app == "shop"
    assert not list(root.rglob("*.tmp"))


def test_running_again_changes_nothing(project, found):
    write_project(project, found)
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    changes = write_project(project, found)
    assert {ch.state for ch in changes} == {"unchanged"}
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_other_settings_in_the_stack_file_are_kept(project, found):
    path = project.root / "Pulumi.test.yaml"
    path.write_text("encryptionsalt: v1:abc\nconfig:\n  scheduled-jobs:excludedJobs: [x]\n")
    write_project(project, found)
    data = yaml.safe_load(path.read_text())
    assert data["encryptionsalt"] == "v1:abc"
    assert data["config"]["scheduled-jobs:excludedJobs"] == ["x"]
    assert data["config"]["scheduled-jobs:app"] == "shop"


def test_files_that_differ_are_kept_and_said(project, found):
    manifest = project.root / "manifests/report/manifest.yml"
    manifest.parent.mkdir(parents=True)
    fixed = c.JOB_MANIFEST.replace("retries: 2", "retries: 3")  # a fix after the first run
    manifest.write_text(fixed)
    path = project.root / "Pulumi.test.yaml"
    path.write_text("config:\n  aws:region: us-east-1\n  scheduled-jobs:tags: {team: ops}\n")
    changes = {ch.path.name: ch for ch in write_project(project, found)}
    assert changes["manifest.yml"].state == "kept"
    assert changes["manifest.yml"].note == "differs from Copilot's"
    assert manifest.read_text() == fixed
    assert changes["Pulumi.test.yaml"].note == "keeps its own scheduled-jobs:tags"
    config = yaml.safe_load(path.read_text())["config"]
    assert config["scheduled-jobs:tags"] == {"team": "ops"}
    assert config["scheduled-jobs:app"] == "shop"  # what it did not set is added
    assert (project.root / "manifests/report/addons/bucket.yml").is_file()


def test_force_overwrites(project, found):
    manifest = project.root / "manifests/report/manifest.yml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("name: report\n")
    states = {ch.path.name: ch.state for ch in planned_changes(project, found, force=True)}
    assert states["manifest.yml"] == "update"
    write_project(project, found, force=True)
    assert manifest.read_text() == c.JOB_MANIFEST


def test_what_was_written_is_validated(project, seeded):
    bad = c.JOB_MANIFEST.replace("retries: 2", "retries: 99").replace("cpu: 256", "cpuu: 256")
    (seeded.root / "copilot/report/manifest.yml").write_text(bad)
    found = discover(read_workspace(seeded.root / "copilot"), Clients())
    with pytest.raises(ManifestError) as caught:
        write_project(project, found)
    text = str(caught.value)
    assert "manifests/report/manifest.yml" in text
    assert "retries" in text and "cpuu" in text  # every problem at once


def test_tags_come_from_the_job_stacks_when_they_agree(project, found):
    from dataclasses import replace

    from scheduled_jobs.cli.migrate.project import environment_tags

    stack = found.stacks[("test", "report")]
    tagged = replace(stack, tags={**stack.tags, "cost-center": "42"})
    found = replace(found, stacks={("test", "report"): tagged})
    assert environment_tags(found, "test") == {"team": "data", "cost-center": "42"}
    gone = replace(found, stacks={("test", "report"): replace(stack, status=None)})
    assert environment_tags(gone, "test") == {"team": "data"}  # the application's


def test_our_log_group_matches_the_one_copilot_created(project, found):
    """An import is exact only when the program's inputs equal the resource: what `render`
    registers for the job's log group, from the files the migration wrote, against the log
    group in moto as Copilot's stack left it."""
    import json

    import boto3

    from tests.cli.fake_stacks import jobs

    write_project(project, found)
    out = jobs("render", "--env", "test", "--json", "report")
    assert out.exit_code == 0, out.output
    (group,) = [
        r for r in json.loads(out.stdout)["resources"] if r["type"].endswith("logGroup:LogGroup")
    ]
    assert group["name"] == "report-log-group"  # role `log-group` in <project>:imports
    logs = boto3.client("logs", region_name=c.REGION)
    (existing,) = logs.describe_log_groups(logGroupNamePrefix="/copilot/shop-test-report")[
        "logGroups"
    ]
    tags = logs.list_tags_for_resource(resourceArn=existing["logGroupArn"])["tags"]
    inputs = group["inputs"]
    assert inputs["name"] == existing["logGroupName"]
    assert inputs["retentionInDays"] == existing["retentionInDays"]
    assert inputs["tags"] == tags
    assert "kmsKeyId" not in inputs and "kmsKeyId" not in existing
