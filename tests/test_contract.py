"""One home for every constant both sides share: components/contract.py.

A copy elsewhere can drift (one did: the CLI's image tag variable). The source of components/,
cli/ and the Automation API stand-in may not spell any of these values as a string literal.
"""

import ast
from pathlib import Path

import pytest

from scheduled_jobs.components import contract
from tests.paths import ROOT

SHARED = {
    name: value
    for name, value in vars(contract).items()
    if name.isupper() and isinstance(value, str)
}
SOURCES = [
    *sorted((ROOT / "components").rglob("*.py")),
    *sorted((ROOT / "cli").rglob("*.py")),
    ROOT / "tests" / "cli" / "fake_stacks.py",
]


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


# Literals that equal a shared value by coincidence: the distribution's name (for its version),
# the installed program's name (for hints, cli.output.program) and Copilot's own name (the
# `migrate copilot` command, its `copilot/` folder).
NOT_COPIES = {
    ("cli/main.py", "scheduled-jobs"),
    ("cli/output.py", "scheduled-jobs"),
    ("cli/commands/migrate.py", "copilot"),
}
# The stand-in runs against moto in a region of its own; only the tokens must be shared.
STAND_IN_CHECKS = {"JOB_TOKEN", "ENVIRONMENT_TOKEN", "IMAGE_TAG_VARIABLE"}


def _copies() -> list[str]:
    values = {value: name for name, value in SHARED.items()}
    found = []
    for path in SOURCES:
        if path == ROOT / "components" / "contract.py":
            continue
        relative = str(path.relative_to(ROOT))
        for line, text in _literals(path):
            if (relative, text) in NOT_COPIES:
                continue
            if path.name == "fake_stacks.py" and values.get(text) not in STAND_IN_CHECKS:
                continue
            if text in values:
                found.append(f"{relative}:{line}: {text!r} is contract.{values[text]}")
    return found


def test_no_copies_of_the_shared_constants():
    assert _copies() == []


@pytest.mark.parametrize(
    "stream, parsed",
    [
        pytest.param("copilot/report/0a1b2c", ("report", "0a1b2c"), id="container-stream"),
        pytest.param("states/demo-dev-report/2026", None, id="states-stream"),
        pytest.param("copilot/report", None, id="too-short"),
        pytest.param("copilot//0a1b", None, id="no-container"),
    ],
)
def test_log_streams_round_trip(stream, parsed):
    assert contract.parse_log_stream(stream) == parsed
    if parsed:
        assert contract.log_stream(*parsed) == stream


@pytest.mark.parametrize(
    "arn, parsed",
    [
        pytest.param(
            "arn:aws:ecs:us-east-1:123456789012:task/demo-dev/0a1b2c",
            ("demo-dev", "0a1b2c"),
            id="new-format",
        ),
        pytest.param(
            "arn:aws:ecs:us-east-1:123456789012:task/0a1b2c", (None, "0a1b2c"), id="old-format"
        ),  # fmt: skip
    ],
)
def test_task_arns_name_their_cluster_and_id(arn, parsed):
    assert contract.parse_task_arn(arn) == parsed
