"""The wheel, installed outside the repository, makes a project of an application's folder.

Builds the wheel from a copy of the sources (pip, with the build backend pyproject.toml names),
installs it into a fresh virtualenv in a temporary folder, and runs the installed
`scheduled-jobs` there: `init` in a folder holding only a Dockerfile, then `validate` and
`render --env dev`. The virtualenv borrows the heavy dependencies (Pulumi's SDKs, boto3) from
this interpreter's site-packages to stay fast; the test proves that the code that runs is the
installed copy (`scheduled_jobs.__file__` under the virtualenv, run from a folder with no
sources, isolated from PYTHONPATH and the user's site) and that the wheel installs no
top-level `cli` or `components`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.paths import ROOT

pytestmark = pytest.mark.slow
BUILD_TIMEOUT = 240
RUN_TIMEOUT = 120


def _sources(target: Path) -> Path:
    """The files of the repository as a clone has them (tracked and new, never build output
    or caches), copied to `target`: a build in the repository would leave build/ behind, and
    setuptools would reuse its stale files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.decode().split("\0")):
            source = ROOT / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
    else:  # not a git checkout (a source archive)
        shutil.copytree(
            ROOT,
            target,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*cache"
            ),
        )
    return target


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("timeout", RUN_TIMEOUT)
    done = subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    sources = _sources(tmp_path_factory.mktemp("sources"))
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(sources)],
        timeout=BUILD_TIMEOUT,
    )
    (built,) = dist.glob("scheduled_jobs-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv outside the repository with the wheel installed (its dependencies
    from this interpreter's site-packages)."""
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(root)])
    python = _python(root)
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", "--force-reinstall", str(wheel)],
        timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    return root


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _script(venv: Path) -> Path:
    return venv / ("Scripts/scheduled-jobs.exe" if os.name == "nt" else "bin/scheduled-jobs")


def _env(venv: Path, home: Path) -> dict[str, str]:
    """No PYTHONPATH, no project directory, no Pulumi or AWS settings of the machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "JOBS_", "PULUMI_", "AWS_", "VIRTUAL_ENV"))
    }
    env["PATH"] = os.pathsep.join([str(_script(venv).parent), env.get("PATH", "")])
    env.update(HOME=str(home), NO_COLOR="1", PYTHONNOUSERSITE="1", CI="1")
    return env


def test_the_wheel_carries_one_import_package_and_the_runtime_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"scheduled_jobs", wheel.name.split("-py3")[0] + ".dist-info"}, tops
    # Every file the commands read at run time, not only the Python modules.
    data = {
        path.relative_to(ROOT).as_posix()
        for folder in ("cli", "components")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert "components/convert/fargate_prices.json" in data
    assert "components/resources/plugin/PulumiPlugin.yaml" in data
    modules = {
        path.relative_to(ROOT).as_posix()
        for folder in ("cli", "components")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {f"scheduled_jobs/{name}" for name in data | modules} <= set(names)
    assert {"scheduled_jobs/__init__.py", "scheduled_jobs/__main__.py"} <= set(names)


def test_init_then_validate_and_render_in_an_application_folder(venv, tmp_path):
    app = tmp_path / "billing"
    app.mkdir()
    (app / "Dockerfile").write_text('FROM busybox\nCMD ["echo", "hello"]\n')
    env = _env(venv, tmp_path / "home")
    script = str(_script(venv))

    # The installed copy runs, not the repository: isolated, from a folder without sources.
    probe = _run(
        [str(_python(venv)), "-I", "-c",
         "import importlib.util as u, json, scheduled_jobs, scheduled_jobs.cli.main as m\n"
         "print(json.dumps([scheduled_jobs.__file__, m.__file__,"
         " [getattr(u.find_spec(n), 'origin', None) for n in ('cli', 'components')]]))"],
        cwd=app, env=env,
    )  # fmt: skip
    package, cli_main, bare = json.loads(probe.stdout)
    site = Path(package).resolve().parent.parent
    assert site.is_relative_to(venv.resolve()), package
    assert Path(cli_main).resolve().is_relative_to(site / "scheduled_jobs" / "cli")
    # `cli` / `components` may exist elsewhere on the machine, never from this wheel.
    assert not (site / "cli").exists() and not (site / "components").exists()
    assert all(origin is None or not Path(origin).is_relative_to(site) for origin in bare), bare

    init = _run([script, "init", "-n", "report", "-d", "Dockerfile", "-s", "@daily"], cwd=app,
                env=env)  # fmt: skip
    assert "manifests/report/manifest.yml" in init.stdout.split()
    for name in ("Pulumi.yaml", "__main__.py", "requirements.txt", ".gitignore"):
        assert (app / name).is_file(), name
    assert (app / "manifests" / "manifest.schema.json").is_file()
    requirements = (app / "requirements.txt").read_text().splitlines()
    assert requirements[-1].startswith("scheduled-jobs>="), requirements

    second = _run([script, "init", "-n", "cleanup", "-i", "busybox", "-s", "none"], cwd=app,
                  env=env)  # fmt: skip
    assert second.stdout.split() == ["manifests/cleanup/manifest.yml"]

    validate = _run([script, "validate"], cwd=app, env=env)
    assert "2 manifest(s) valid" in validate.stdout + validate.stderr
    render = _run([script, "render", "--env", "dev", "--json"], cwd=app, env=env)
    names = {resource["name"] for resource in json.loads(render.stdout)["resources"]}
    assert {"report-image", "report-state-machine", "cleanup-state-machine"} <= names
    assert "billing-dev-report" in render.stdout  # the app: the project named from the folder
    # The thin __main__.py imports the installed program.
    program = _run([str(_python(venv)), "-I", "-c",
                    "import scheduled_jobs.components.resources.program as p; print(p.main)"],
                   cwd=app, env=env)  # fmt: skip
    assert "function main" in program.stdout
