"""The one import package, `scheduled_jobs`: every import of the project goes through it, in a
clone as installed, so each file is one module (two copies of components.errors would make
`except ManifestError` miss the other copy's errors)."""

# rename_imports: skip (the cases below spell the bare names on purpose)

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

FOLDERS = ("cli", "components")
SKIP = {".git", ".venv", "venv", "node_modules", ".cache", "build", "dist", "__pycache__"}
# A dotted module path at the start of a string: "cli.ops.session.connect" (monkeypatch).
DOTTED = re.compile(r"^(cli|components)\.(\w+)")
# An import statement inside a string, as code for another interpreter (`python -c`).
CODE = re.compile(
    r"(?:^|[;\n])\s*(?:from\s+|import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*)(cli|components)\b"
)


def _python_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIP & set(path.relative_to(ROOT).parts)
        and path != Path(__file__).resolve()  # its cases spell the bare names
        and not any(p.endswith(".egg-info") for p in path.parts)
    ]


def _is_module(top: str, segment: str) -> bool:
    return (ROOT / top / f"{segment}.py").is_file() or (ROOT / top / segment).is_dir()


def bare_references(source: str) -> list[tuple[int, str]]:
    """(line, what) for each import of the bare `cli` / `components` packages and each string
    naming one of their modules."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {alias.name}")
                for alias in node.names
                if alias.name.split(".")[0] in FOLDERS
            ]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in FOLDERS:
                found.append((node.lineno, f"from {node.module} import ..."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = DOTTED.match(node.value)
            if match and _is_module(match[1], match[2]):
                found.append((node.lineno, repr(node.value)))
            for stmt in CODE.finditer(node.value):
                found.append((node.lineno, f"{stmt[0].strip()!r} in a string"))
    return found


def test_the_scan_covers_the_tree():
    names = {p.relative_to(ROOT).as_posix() for p in _python_files()}
    assert {"__main__.py", "cli/main.py", "components/errors.py", "tests/conftest.py"} <= names
    assert any(n.startswith("bench/") for n in names)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import components\n", [(1, "import components")], id="import"),
        pytest.param(
            "from cli.ops.session import Aws\n",
            [(1, "from cli.ops.session import ...")],
            id="from-import",
        ),
        pytest.param(
            "def f():\n    import components.errors as e\n",
            [(2, "import components.errors")],
            id="lazy-import",
        ),
        pytest.param(
            'm.setattr("cli.ops.session.connect", None)\n',
            [(1, "'cli.ops.session.connect'")],
            id="monkeypatch-target",
        ),
        pytest.param(
            'code = "import sys; from components.tools.render import x"\n',
            [(1, "'; from components' in a string")],
            id="code-in-a-string",
        ),
        pytest.param(
            'code = "import sys, cli.main\\nprint(1)"\n',
            [(1, "'import sys, cli' in a string")],
            id="import-list-in-a-string",
        ),
        pytest.param('name = "cli.py"\npath = "components/x"\n', [], id="file-names"),
        pytest.param(
            "from scheduled_jobs.cli.main import app\nfrom tests.cli import seed\n"
            'm.setattr("scheduled_jobs.cli.ops.session.connect", None)\n',
            [],
            id="the-package-names",
        ),
    ],
)
def test_the_scan_finds_bare_references(source, expected):
    assert bare_references(source) == expected


def test_nothing_imports_the_bare_folders():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _python_files()
        for line, what in bare_references(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use scheduled_jobs.cli / scheduled_jobs.components:\n" + "\n".join(found)


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_in_a_clone_the_package_is_the_repository_folders():
    out = _fresh(
        "import scheduled_jobs.components.errors as e, scheduled_jobs.cli.main as m\n"
        "print(e.__file__); print(m.__file__)"
    )
    assert out.splitlines() == [
        str(ROOT / "components" / "errors.py"),
        str(ROOT / "cli" / "main.py"),
    ]


def test_the_shortcut_is_lazy_and_the_same_objects():
    out = _fresh(
        "import sys, scheduled_jobs\n"
        "from scheduled_jobs import ManifestError, load_manifest\n"
        "from scheduled_jobs.components.errors import ManifestError as E\n"
        "print(ManifestError is E, 'pulumi' in sys.modules)\n"
        "from scheduled_jobs import ScheduledJob\n"
        "from scheduled_jobs.components.resources.scheduled_job import ScheduledJob as S\n"
        "import scheduled_jobs.components as c\n"
        "print(ScheduledJob is S, sorted(scheduled_jobs.__all__) == sorted(c.__all__))"
    )
    assert out.splitlines() == ["True False", "True True"]


def test_an_unknown_name_is_an_attribute_error():
    import scheduled_jobs

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        scheduled_jobs.nope  # noqa: B018


@pytest.mark.parametrize(
    "module", [pytest.param("cli", id="clone"), pytest.param("scheduled_jobs", id="package")]
)
def test_python_m_runs_the_cli_and_names_itself(module, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", module, "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=60,
    )
    assert done.returncode == 1
    assert f"Run python -m {module} from inside" in done.stderr or (
        f"python -m {module} init" in done.stderr
    ), done.stderr
