from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from scheduled_jobs.cli.main import app

runner = CliRunner()


def test_help_lists_every_command_with_one_line():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "validate", "schema"):
        assert command in result.stdout


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("scheduled-jobs ")


def test_non_deploying_commands_never_import_pulumi():
    code = (
        "import sys, scheduled_jobs.cli.main, scheduled_jobs.components.manifest.load\n"
        "import scheduled_jobs.components.manifest.schedule\n"
        "heavy = [m for m in ('pulumi', 'pulumi_aws', 'boto3') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
