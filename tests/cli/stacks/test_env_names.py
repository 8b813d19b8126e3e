"""The stack commands and the offline ones agree on environment names: a name `render` and
`validate` accept, `deploy` accepts, and each refusal is the same message."""

from __future__ import annotations

import pytest

from tests.cli.fake_stacks import jobs

COMMANDS = [
    pytest.param(["deploy", "--yes", "--env"], id="deploy"),
    pytest.param(["package", "--env"], id="package"),
    pytest.param(["destroy", "--yes", "--env"], id="destroy"),
    pytest.param(["render", "--env"], id="render"),
    pytest.param(["validate", "--env"], id="validate"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("BAD_Env", id="uppercase-underscore"),
        pytest.param("has space", id="space"),
        pytest.param("e" * 200, id="200-characters"),
        pytest.param("e" * 41, id="one-past-the-limit"),
        pytest.param("dev-", id="trailing-hyphen"),
        pytest.param("a--b", id="double-hyphen"),
        pytest.param("a", id="one-letter"),
    ],
)
def test_every_command_refuses_a_bad_environment_name_alike(project_dir, automation, command,
                                                             name):  # fmt: skip
    out = jobs(*command, name)
    assert out.exit_code == 1, out.output
    assert f"environment name {name!r} is invalid: use 2 to 40 lowercase letters" in out.stderr
    assert "Traceback" not in out.output
    assert automation.opened == []  # refused before any stack is opened


@pytest.mark.parametrize("command", COMMANDS[3:])
def test_the_longest_name_validate_accepts_passes_the_deploy_check(project_dir, command):
    from scheduled_jobs.cli.stacks.preflight import check_env_name

    name = "e" * 40
    check_env_name(name)  # no error: the same rule as the settings'
    out = jobs(*command, name)
    assert "is invalid" not in out.stderr, out.output
