"""The dependency rules of the layout (README, Development): what each folder may import.

Checked on the source (every import statement, those inside functions too) so that a lazy
import cannot hide a dependency, and by importing the pure layers in a fresh interpreter.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

STDLIB = set(sys.stdlib_module_names)
HEAVY = ("pulumi", "pulumi_aws", "pulumi_docker_build", "boto3", "botocore")

# Folder -> the top-level packages and project modules its modules may import.
RULES = {
    "components/manifest": {
        # cron_descriptor words a schedule for `show`; pure like the rest.
        "third_party": {"pydantic", "pydantic_core", "yaml", "cron_descriptor"},
        "project": (
            "scheduled_jobs.components.contract",
            "scheduled_jobs.components.errors",
            "scheduled_jobs.components.manifest",
        ),
    },
    "components/convert": {
        "third_party": set(),
        "project": (
            "scheduled_jobs.components.contract",
            "scheduled_jobs.components.errors",
            "scheduled_jobs.components.manifest",
            "scheduled_jobs.components.convert",
        ),
    },
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _violations(folder: str) -> list[str]:
    rule = RULES[folder]
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top == "__future__" or top in STDLIB:
                continue
            if top == "scheduled_jobs":
                if not module.startswith(rule["project"]) and module != "scheduled_jobs.components":
                    bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
                continue
            if top not in rule["third_party"]:
                bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    return bad


@pytest.mark.parametrize("folder", sorted(RULES))
def test_pure_layers_import_only_what_their_rule_allows(folder):
    assert _violations(folder) == []


def test_the_rule_catches_a_planted_import(tmp_path, monkeypatch):
    planted = ROOT / "components" / "convert" / "_planted_for_test.py"
    planted.write_text("def f():\n    import pulumi_aws\n", encoding="utf-8")
    try:
        assert _violations("components/convert") == [
            "components/convert/_planted_for_test.py:2: imports pulumi_aws"
        ]
    finally:
        planted.unlink()


def _modules(folder: str) -> list[str]:
    return [
        "scheduled_jobs."
        + ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((ROOT / folder).rglob("*.py"))
    ]


@pytest.mark.parametrize(
    "modules",
    [
        pytest.param(_modules("components/manifest"), id="manifest"),
        pytest.param(_modules("components/convert"), id="convert"),
        pytest.param(
            [
                "scheduled_jobs.components",
                "scheduled_jobs.components.contract",
                "scheduled_jobs.components.tools.render",
            ],
            id="render",
        ),
    ],
)
def test_pure_layers_load_no_pulumi_or_boto3(modules):
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
