"""`jobs render`: offline, no credentials, Pulumi CLI, network or Docker."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduled_jobs.cli.main import app
from tests.paths import TESTDATA

runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project with a built job (report) and a located one (minimal); no stack files."""
    (tmp_path / "Pulumi.yaml").write_text(
        "name: scheduled-jobs\nruntime: python\nconfig:\n  app:\n    default: demo\n"
    )
    shutil.copytree(TESTDATA / "docker", tmp_path / "docker")
    shutil.copytree(TESTDATA / "files", tmp_path / "files")
    for file, job in [("minimal.yml", "minimal"), ("fully-specified.yml", "report"),
                      ("private-placement.yml", "internal")]:  # fmt: skip
        (tmp_path / "manifests" / job).mkdir(parents=True)
        shutil.copy(TESTDATA / file, tmp_path / "manifests" / job / "manifest.yml")
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "v7")
    for key in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key, raising=False)
    # No credentials anywhere: render must not need them.
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, ["render", *args])


def test_json_lists_every_resource_with_its_inputs(project):
    done = invoke("--env", "dev", "minimal", "report", "--json")
    assert done.exit_code == 0, done.output
    resources = json.loads(done.stdout)["resources"]
    by_name = {r["name"]: r for r in resources}
    assert by_name["minimal"]["type"] == "scheduled-jobs:index:ScheduledJob"
    assert by_name["dev"]["type"] == "scheduled-jobs:index:Environment"
    machine = by_name["report-state-machine"]["inputs"]
    assert isinstance(machine["definition"], str)  # JSON documents stay strings
    assert json.loads(machine["definition"])["TimeoutSeconds"] == 5400
    assert by_name["report-image"]["inputs"]["tags"][0].endswith("/demo/dev/report:v7")
    assert "internal" not in by_name  # only the jobs named


def test_summary_per_job_without_a_stack_file(project):
    done = invoke("--env", "dev", "minimal", "report")
    assert done.exit_code == 0, done.output
    out = done.stdout
    assert "Environment dev (app demo, us-east-1)" in out
    assert "Job minimal: " in out and "Job report: " in out
    assert "schedule  cron(0 0 * * ? *)" in out
    assert "schedule  cron(0 9 ? * 2-6 *)" in out
    assert "size      1024 CPU units, 4096 MiB, LINUX/X86_64" in out
    assert "retries   3" in out and "timeout   5400 s" in out
    assert "image     123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/dev/report:v7 (built" in out
    assert "aws:sfn:StateMachine" in out


def test_stack_file_settings_apply(project):
    (project / "Pulumi.prod.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  scheduled-jobs:app: shop\n"
        "  scheduled-jobs:subnets:\n    - subnet-a1\n"
        "  scheduled-jobs:privateSubnets:\n    - subnet-p1\n"
        "  scheduled-jobs:excludedJobs:\n    - report\n"
    )
    done = invoke("--env", "prod", "--json")
    assert done.exit_code == 0, done.output
    resources = {r["name"]: r for r in json.loads(done.stdout)["resources"]}
    assert "report" not in resources
    assert resources["internal-log-group"]["inputs"]["name"] == "/copilot/shop-prod-internal"
    definition = json.loads(resources["internal-state-machine"]["inputs"]["definition"])
    network = definition["States"]["Run Fargate Task"]["Parameters"]["NetworkConfiguration"]
    assert network["AwsvpcConfiguration"]["Subnets"] == ["subnet-p1"]
    assert "report: skipped" in done.stderr


def test_excluded_jobs_as_a_comma_separated_string(project):
    # The program splits "a,b" on commas; render once read it as a set of characters.
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  scheduled-jobs:excludedJobs: report,internal\n"
    )
    done = invoke("--env", "dev", "--json")
    assert done.exit_code == 0, done.output
    names = {r["name"] for r in json.loads(done.stdout)["resources"]}
    assert "minimal" in names
    assert "report" not in names and "internal" not in names
    assert "report: skipped" in done.stderr and "internal: skipped" in done.stderr


def test_wrong_stack_settings_are_not_reported_as_a_manifest_problem(project):
    (project / "Pulumi.dev.yaml").write_text("config:\n  scheduled-jobs:subnets: 5\n")
    done = invoke("--env", "dev", "minimal")
    assert done.exit_code == 1
    assert "invalid stack settings in Pulumi.dev.yaml" in done.stderr
    assert "scheduled-jobs:subnets: must be a list of strings" in done.stderr
    assert "manifest" not in done.stderr
    assert "Traceback" not in done.output


def test_output_dir_writes_one_file_per_job(project, tmp_path):
    out = tmp_path / "rendered"
    done = invoke("--env", "dev", "minimal", "report", "--output-dir", str(out))
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "dev.environment.json",
        "minimal-dev.json",
        "report-dev.json",
    ]
    report = json.loads((out / "report-dev.json").read_text())["resources"]
    assert {r["name"].split("-")[0] for r in report} == {"report"}


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--env", "dev", "nope"], "unknown job: nope", id="unknown-job"),
        pytest.param(["--env", "dev", "internal"], "scheduled-jobs:privateSubnets",
                     id="private-without-subnets"),
        pytest.param(["minimal"], "Missing option '--env'", id="env-required"),
    ],
)  # fmt: skip
def test_user_mistakes_are_one_clear_line(project, args, message):
    done = invoke(*args)
    assert done.exit_code != 0
    assert message in done.output
    assert "Traceback" not in done.output


def test_invalid_manifest_names_file_and_field(project):
    path = project / "manifests" / "minimal" / "manifest.yml"
    path.write_text(path.read_text() + "cpu: 3\n")
    done = invoke("--env", "dev", "minimal")
    assert done.exit_code == 1
    assert "manifest.yml" in done.output and "cpu" in done.output
    assert "Traceback" not in done.output


def test_module_imports_no_pulumi_until_run():
    code = (
        "import sys, scheduled_jobs.cli.commands.render; "
        "print('pulumi' in sys.modules, 'pulumi_aws' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False False"
