"""The import rule of the CLI: the AWS side (cli/ops) and the commands that do not deploy never
load Pulumi, neither when imported nor while printing their help. Each case runs in a fresh
interpreter, so nothing an earlier test imported can hide a violation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli.main import COMMANDS
from tests.paths import ROOT

HEAVY = ("pulumi", "pulumi_aws", "pulumi_docker")
# Commands that never create, update or destroy a stack.
NOT_DEPLOYING = ("init", "validate", "schema", "render", "run", "logs", "show", "ls")
OPS_MODULES = sorted(
    f"cli.ops.{path.stem}"
    for path in (ROOT / "cli" / "ops").glob("*.py")
    if path.stem != "__init__"
)
COMMAND_MODULES = {name: module for name, module, _ in COMMANDS}


def _loaded_heavy(code: str) -> list[str]:
    """Run `code`, then report which of HEAVY are in sys.modules (whatever `code` raised)."""
    script = (
        "import sys\n"
        f"try:\n    exec({code!r})\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])


def test_the_lists_cover_the_tree():
    assert OPS_MODULES, "no modules found under cli/ops"
    assert set(NOT_DEPLOYING) <= set(COMMAND_MODULES)


@pytest.mark.parametrize("module", OPS_MODULES)
def test_ops_module_imports_no_pulumi(module):
    assert _loaded_heavy(f"import {module}") == []


@pytest.mark.parametrize("command", NOT_DEPLOYING)
def test_command_module_imports_no_pulumi(command):
    assert _loaded_heavy(f"import {COMMAND_MODULES[command]}") == []


@pytest.mark.parametrize("command", NOT_DEPLOYING)
def test_command_help_loads_no_pulumi(command):
    code = (
        f"import sys; from cli.main import main; sys.argv = ['jobs', {command!r}, '--help']; main()"
    )
    assert _loaded_heavy(code) == []


def test_root_help_loads_no_pulumi():
    code = "import sys; from cli.main import main; sys.argv = ['jobs', '--help']; main()"
    assert _loaded_heavy(code) == []


def test_the_check_sees_pulumi_when_it_is_loaded():
    # The probe itself must be able to fail.
    assert _loaded_heavy("import pulumi") == ["pulumi"]
