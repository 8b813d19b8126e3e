"""Hints and next steps name the program as the user invoked it (cli/output.py `program()`),
never the bare `jobs`, a shell builtin in bash and zsh: a static scan of every user-facing
string, and commands driven under another name."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from tests.cli.fake_stacks import jobs
from tests.paths import ROOT

COMMANDS = (
    "validate|render|deploy|run|logs|show|ls|env|init|package|migrate|schema|destroy|delete|exec"
)
# `jobs deploy`, "jobs env init", "run jobs package", 'jobs --help': a command line, where it
# starts a string or a quote or follows a verb, not the word in prose ("the jobs run in ...").
BARE = re.compile(
    rf"(?:^|[`'\"]|\b(?:[Rr]un|with|[Tt]ry|[Uu]se)\s)jobs (?:(?:{COMMANDS})\b|--?\w+|\{{)"
)
# Strings that are not the CLI's to fix here, each with its reason.
KNOWN: dict[tuple[str, str], str] = {
    ("components/manifest/model.py", "`jobs run --force` ignores it."): (
        "the `concurrency` field's schema description; descriptions are being rewritten in "
        "the schema work (issue 14)"
    ),
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings (developer text, not shown to users;
    command help comes from Typer and is checked by running --help below)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def user_facing_strings(source: str) -> list[tuple[int, str]]:
    """Every string literal but docstrings; an f-string as one text with `{}` for each value
    (so `f"`jobs {command}`"` reads as a command line)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            found.append((node.lineno, "".join(map(str, parts))))
            skip.update(id(v) for v in node.values)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            found.append((node.lineno, node.value))
    return found


def bare_names(path) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    found = []
    for line, text in user_facing_strings(path.read_text()):
        for match in BARE.finditer(text):
            if not any(relative == file and known in text for file, known in KNOWN):
                found.append(f"{relative}:{line}: {match.group(0)!r} in {text[:80]!r}")
    return found


@pytest.mark.parametrize(
    "text, bare",
    [
        pytest.param('f"run `jobs deploy --env {env}`"', True, id="hint"),
        pytest.param('"Create one with `jobs env init dev`."', True, id="next-step"),
        pytest.param('"jobs --version"', True, id="flag"),
        pytest.param('f"jobs {version()}"', True, id="version-line"),
        pytest.param('"Stopped by `jobs {command}`".format(command=c)', True, id="template"),
        pytest.param('f"`{program()} deploy --env {env}`"', False, id="program"),
        pytest.param('"`scheduled-jobs run`"', False, id="installed-name"),
        pytest.param('"Fix the cause and run jobs package again."', True, id="after-a-verb"),
        pytest.param('f"jobs delete {name} --env {env}"', True, id="resume-line"),
        pytest.param('"the cluster jobs run in"', False, id="prose-with-a-command-word"),
        pytest.param('"the jobs of an environment"', False, id="prose"),
        pytest.param('"""`jobs run`: start a job."""', False, id="module-docstring"),
    ],
)  # fmt: skip
def test_the_scan_finds_bare_commands(text, bare):
    # An assignment, except for the docstring case (a module's first string is its docstring).
    source = text if text.startswith('"""') else f"message = {text}"
    found = [m.group(0) for _, s in user_facing_strings(source + "\n") for m in BARE.finditer(s)]
    assert bool(found) is bare, found


def test_no_user_facing_string_names_the_bare_jobs():
    problems = [
        problem
        for folder in ("cli", "components")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for problem in bare_names(path)
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "argv0, name",
    [
        pytest.param("/usr/local/bin/scheduled-jobs", "scheduled-jobs", id="installed"),
        pytest.param("/opt/venv/bin/jobs", "jobs", id="typed-jobs"),
        pytest.param("/repo/cli/__main__.py", "python -m scheduled_jobs", id="checkout"),
    ],
)  # fmt: skip
def test_messages_use_the_name_the_user_typed(project_dir, automation, aws, monkeypatch, argv0,
                                               name):  # fmt: skip
    monkeypatch.setattr(sys, "argv", [argv0])
    version = jobs("--version")
    assert version.stdout.startswith(f"{name} "), version.stdout
    listed = jobs("env", "ls")
    assert listed.exit_code == 0, listed.output
    unknown = jobs("deploy", "--env", "qa", "--yes")
    assert unknown.exit_code == 1
    for output, hint in ((listed.stderr, f"`{name} env init dev`"),
                         (unknown.stderr, f"`{name} env init qa`"),
                         (unknown.stderr, f"`{name} env ls`")):  # fmt: skip
        assert hint in output, output
        other = {"scheduled-jobs", "jobs", "python -m scheduled_jobs"} - {name}
        assert not any(f"`{o} " in output for o in other), output
