from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scheduled_jobs.cli.main import app
from tests.cli.project_factory import VALID, make_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


def test_all_valid(project):
    make_project(project, {"alpha": VALID, "beta": VALID})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "ok  alpha" in result.stdout and "ok  beta" in result.stdout


def test_every_problem_printed_and_exit_1(project):
    make_project(project, {"good": VALID, "bad": VALID + "retries: -1\nmemry: 1\n"})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "manifests/bad/manifest.yml:7: retries: cannot be negative" in result.stderr
    assert "did you mean 'memory'?" in result.stderr
    assert "ok  good" in result.stdout
    assert "1 of 2 manifest(s) have problems" in result.stderr


def test_named_jobs_and_environment(project):
    make_project(project, {"alpha": VALID + "environments:\n  prod:\n    cpu: 3\n", "beta": VALID})
    assert runner.invoke(app, ["validate", "beta", "--env", "prod"]).exit_code == 0
    result = runner.invoke(app, ["validate", "alpha", "--env", "prod"])
    assert result.exit_code == 1
    assert "environments.prod.cpu: 3 is not a Fargate CPU size" in result.stderr
    assert runner.invoke(app, ["validate", "alpha", "--env", "dev"]).exit_code == 0


@pytest.mark.parametrize(
    ("jobs", "args", "message"),
    [
        pytest.param({"alpha": VALID}, ["validate", "zzz"], "unknown job: zzz", id="unknown-job"),
        pytest.param({}, ["validate"], "no manifests found", id="no-manifests"),
    ],
)
def test_user_errors_are_one_line(project, jobs, args, message):
    make_project(project, jobs)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "no Pulumi.yaml found" in result.stderr


def test_an_entry_that_cannot_be_read_is_a_problem_not_skipped(tmp_path, monkeypatch):
    """manifests/<job>/manifest.yaml (Copilot reads only manifest.yml) fails validate; a deploy
    would otherwise drop that job without a word."""
    from typer.testing import CliRunner

    from scheduled_jobs.cli.main import app

    (tmp_path / "Pulumi.yaml").write_text("name: scheduled-jobs\nruntime: python\n")
    job = tmp_path / "manifests" / "report"
    job.mkdir(parents=True)
    (job / "manifest.yaml").write_text("name: report\n")
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    done = CliRunner().invoke(app, ["validate"])
    assert done.exit_code == 1
    assert "manifests/report/manifest.yaml" in done.output and "manifest.yml" in done.output


ADDON = """\
Parameters:
  App: {Type: String}
  Env: {Type: String}
  Name: {Type: String}
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Access: {Type: AWS::IAM::ManagedPolicy}
  Key: {Type: AWS::SecretsManager::Secret}
Outputs:
  TableName: {Value: !Ref Table}
  Access: {Value: !Ref Access}
  Key: {Value: !Ref Key}
"""


def test_addon_outputs_and_what_each_becomes(project):
    make_project(project, {"alpha": VALID})
    (project / "manifests" / "alpha" / "addons").mkdir()
    (project / "manifests" / "alpha" / "addons" / "table.yml").write_text(ADDON)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "addons: manifests/alpha/addons/ (table.yml), outputs:" in lines
    assert "TableName  -> variable TABLE_NAME in every container" in lines
    assert "Access     -> managed policy attached to the task role" in lines
    assert "Key        -> secret KEY of the main container" in lines


def test_addon_problems_fail_validate_with_file_and_line(project):
    make_project(project, {"alpha": VALID})
    (project / "manifests" / "alpha" / "addons").mkdir()
    broken = ADDON.replace("Value: !Ref Key", "Value: !Ref Nothing")
    (project / "manifests" / "alpha" / "addons" / "table.yml").write_text(broken)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert 'manifests/alpha/addons/table.yml:12: output "Key" refers to Nothing' in result.stderr


def test_addon_warnings_and_local_files(project):
    make_project(project, {"alpha": VALID})
    folder = project / "manifests" / "alpha" / "addons"
    folder.mkdir()
    chosen = ADDON + "Conditions:\n  On: !Equals [!Ref Env, prod]\n"
    chosen = chosen.replace("Key: {Value: !Ref Key}", "Key: {Value: !If [On, !Ref Key, x]}")
    (folder / "table.yml").write_text(chosen)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert 'manifests/alpha/addons/table.yml:12: output "Key" chooses with !If' in result.stderr

    (folder / "fn.yml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Code: lambdas/fn\n"
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert 'manifests/alpha/addons/fn.yml:5: resource "Fn" (AWS::Lambda::Function): Code is ' in (
        result.stderr
    )


def test_a_past_one_time_run_is_a_warning(project):
    past = VALID.replace("@daily", "at(2001-01-01T00:00:00)")
    assert "at(2001" in past
    make_project(project, {"once": past})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "ok  once" in result.stdout
    assert "on.schedule: 'at(2001-01-01T00:00:00)' is in the past" in result.stderr
    assert "deploy refuses it" in result.stderr


def test_json_one_object_per_problem(project):
    import json

    make_project(project, {"good": VALID, "bad": VALID + "retries: -1\nmemry: 1\n"})
    result = runner.invoke(app, ["validate", "--json"])
    assert result.exit_code == 1
    problems = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(problems) == 2
    assert all(set(p) == {"file", "line", "path", "message", "hint"} for p in problems)
    retries = next(p for p in problems if p["path"] == "retries")
    assert retries["file"] == "manifests/bad/manifest.yml"
    assert retries["line"] == 7
    assert "cannot be negative" in retries["message"]
    assert "ok  good" not in result.stdout  # stdout is only problems


def test_json_all_valid_prints_nothing(project):
    make_project(project, {"alpha": VALID})
    result = runner.invoke(app, ["validate", "--json"])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_json_settings_problems(project):
    import json

    make_project(project, {"alpha": VALID})
    (project / "Pulumi.prod.yaml").write_text("config:\n  scheduled-jobs:app: BAD_App\n")
    result = runner.invoke(app, ["validate", "--json", "--env", "prod"])
    assert result.exit_code == 1
    (problem,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert problem["file"] == "Pulumi.prod.yaml"


def test_problem_as_dict():
    from scheduled_jobs.components.errors import Problem

    assert Problem(
        "bad", path="on.schedule", file="m.yml", line=3, hint="use @daily"
    ).as_dict() == {
        "file": "m.yml",
        "line": 3,
        "path": "on.schedule",
        "message": "bad",
        "hint": "use @daily",
    }
    assert Problem("bad").as_dict()["path"] is None


@pytest.fixture
def spot_cluster_project(project):
    make_project(project, {"cheap": VALID + "capacity: spot\n", "plain": VALID})
    (project / "Pulumi.test.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  scheduled-jobs:cluster: shared\n"
    )
    return project


def test_validate_env_checks_the_clusters_capacity_providers(aws, spot_cluster_project):
    import boto3

    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName="shared")
    result = runner.invoke(app, ["validate", "--env", "test"])
    assert result.exit_code == 1, result.output
    assert "ok  cheap (test)" in result.stdout
    assert "cheap has capacity: spot, but cluster shared" in result.stderr
    assert "lacks the capacity provider(s) FARGATE, FARGATE_SPOT" in result.stderr
    assert "aws ecs put-cluster-capacity-providers --cluster shared" in result.stderr

    as_json = runner.invoke(app, ["validate", "--env", "test", "--json"])
    assert as_json.exit_code == 1
    item = json.loads(as_json.stdout.strip().splitlines()[-1])
    assert item["file"] == "Pulumi.test.yaml" and "capacity: spot" in item["message"]


def test_validate_env_passes_a_ready_cluster(aws, spot_cluster_project):
    import boto3

    boto3.client("ecs", region_name="us-east-1").create_cluster(
        clusterName="shared", capacityProviders=["FARGATE", "FARGATE_SPOT"]
    )
    result = runner.invoke(app, ["validate", "--env", "test"])
    assert result.exit_code == 0, result.output
    assert "ok  cluster shared has FARGATE and FARGATE_SPOT" in result.stdout


def test_validate_without_credentials_says_the_cluster_was_not_checked(
    spot_cluster_project, monkeypatch, tmp_path
):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = runner.invoke(app, ["validate", "--env", "test"])
    assert result.exit_code == 0, result.output
    assert "cluster shared not checked for capacity: spot: no AWS credentials found" in (
        result.stderr
    )


def test_validate_without_env_or_spot_asks_nothing_of_aws(spot_cluster_project):
    # No `aws` fixture: a call would fail or hang, so passing means none was made.
    assert runner.invoke(app, ["validate"]).exit_code == 0
    assert runner.invoke(app, ["validate", "plain", "--env", "test"]).exit_code == 0


def test_validate_env_checks_the_subnets_of_the_managed_file_system(aws, project):
    import boto3

    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    a1, a2 = (
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"][
            "SubnetId"
        ]
        for cidr in ("10.8.1.0/24", "10.8.2.0/24")
    )
    managed = VALID + "storage:\n  volumes:\n    data:\n      path: /data\n      efs: true\n"
    make_project(project, {"writer": managed})
    (project / "Pulumi.test.yaml").write_text(
        f"config:\n  aws:region: us-east-1\n  scheduled-jobs:privateSubnets: {a1},{a2}\n"
    )
    result = runner.invoke(app, ["validate", "--env", "test"])
    assert result.exit_code == 1, result.output
    assert f"{a1}, {a2} are all in us-east-1a: EFS allows one mount target per Availability" in (
        result.stderr.replace("\n", " ")
    )
    assert runner.invoke(app, ["validate"]).exit_code == 0  # without --env: not checked


def test_json_gives_the_did_you_mean_as_the_hint(project):
    import json

    make_project(project, {"bad": VALID + "memry: 1\nretries: [1]\n"})
    result = runner.invoke(app, ["validate", "--json"])
    assert result.exit_code == 1
    by_path = {p["path"]: p for p in map(json.loads, result.stdout.splitlines())}
    assert by_path["memry"]["message"] == "unknown field 'memry'; did you mean 'memory'?"
    assert by_path["memry"]["hint"] == "Did you mean 'memory'?"
    assert by_path["retries"]["hint"] is None  # nothing more to say than the message
    human = runner.invoke(app, ["validate"])
    # Said once for people: the message already carries the suggestion.
    assert human.stderr.lower().count("did you mean 'memory'?") == 1
