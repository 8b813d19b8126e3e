"""The import rule of the CLI: the AWS side (cli/ops) and the commands that do not deploy never
load Pulumi (pulumi, pulumi_aws, pulumi_docker_build), neither when imported nor while printing
their help. Each case runs in a fresh interpreter (tests.cli.seed.run_without_pulumi), so
nothing an earlier test imported can hide a violation."""

from __future__ import annotations

import pytest

from scheduled_jobs.cli.main import COMMANDS
from tests.cli.seed import run_without_pulumi
from tests.paths import ROOT

# Commands that never create, update or destroy a stack.
NOT_DEPLOYING = ("init", "validate", "schema", "render", "run", "logs", "show", "ls")
OPS_MODULES = sorted(
    f"scheduled_jobs.cli.ops.{path.stem}"
    for path in (ROOT / "cli" / "ops").glob("*.py")
    if path.stem != "__init__"
)
COMMAND_MODULES = {name: module for name, module, _ in COMMANDS}


def test_the_lists_cover_the_tree():
    assert len(OPS_MODULES) >= 8, OPS_MODULES
    assert set(NOT_DEPLOYING) <= set(COMMAND_MODULES)


@pytest.mark.parametrize("module", OPS_MODULES)
def test_ops_module_imports_no_pulumi(module):
    assert run_without_pulumi(code=f"import {module}").returncode == 0


@pytest.mark.parametrize("command", NOT_DEPLOYING)
def test_command_module_imports_no_pulumi(command):
    assert run_without_pulumi(code=f"import {COMMAND_MODULES[command]}").returncode == 0


@pytest.mark.parametrize("command", NOT_DEPLOYING)
def test_command_help_loads_no_pulumi(command):
    done = run_without_pulumi(command, "--help")
    assert done.returncode == 0 and "Usage:" in done.stdout, done.stderr


def test_root_help_loads_no_pulumi():
    assert run_without_pulumi("--help").returncode == 0


def test_the_check_sees_pulumi_when_it_is_loaded():
    # The probe itself must be able to fail.
    with pytest.raises(AssertionError, match="HEAVY \\['pulumi'\\]"):
        run_without_pulumi(code="import pulumi")
