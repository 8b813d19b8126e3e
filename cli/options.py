"""Typer options more than one command takes, as `Annotated` aliases, so each is spelt (and
explained) once. Where a command's help says what the option does there (`--env`: the
environment to deploy to), the alias is built by the same function with the command's words.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

# --- shell completion: names read from the project's files, never from AWS ----------------


def _project_root() -> Any:
    """The project folder, or None outside one (completion must never fail or print)."""
    try:
        from scheduled_jobs.cli.project import find_project

        return find_project().root
    except Exception:  # completing outside a project offers nothing rather than an error
        return None


def complete_env(incomplete: str) -> list[str]:
    """Environment names from the stack files (`Pulumi.<env>.yaml`) of the project."""
    root = _project_root()
    if root is None:
        return []
    names = (path.name[len("Pulumi.") : -len(".yaml")] for path in root.glob("Pulumi.*.yaml"))
    return sorted(name for name in names if name and name.startswith(incomplete))


def complete_job(incomplete: str) -> list[str]:
    """Job names from the project's `manifests/<job>/manifest.yml`."""
    from scheduled_jobs.components.contract import MANIFEST_FILE, MANIFESTS_DIR

    root = _project_root()
    if root is None:
        return []
    names = (path.parent.name for path in (root / MANIFESTS_DIR).glob(f"*/{MANIFEST_FILE}"))
    return sorted(name for name in names if name.startswith(incomplete))


def env_option(help: str) -> Any:
    """`--env/-e ENV`, with a command's own words for what it does."""
    return typer.Option(
        "--env", "-e", metavar="ENV", help=help, show_default=False, autocompletion=complete_env
    )


def job_argument(help: str = "The job's name.") -> Any:
    """The `NAME` of one job, completed from manifests/."""
    return typer.Argument(
        help=help, metavar="NAME", show_default=False, autocompletion=complete_job
    )


def jobs_argument(help: str) -> Any:
    """Optional `[NAME]...` of jobs, completed from manifests/."""
    return typer.Argument(
        help=help, metavar="NAME", show_default=False, autocompletion=complete_job
    )


def yes_option(verb: str) -> Any:
    """`--yes/-y`: go on without asking (`verb`: what is done then, e.g. "Deploy")."""
    return typer.Option("--yes", "-y", help=f"{verb} without asking for confirmation.")


def json_option(help: str = "Print JSON with stable keys.") -> Any:
    return typer.Option("--json", help=help)


# --- the operating commands (run, logs, show, ls) ------------------------------------------
EnvOption = Annotated[str, env_option("Environment the job is deployed in.")]
AppOption = Annotated[
    str | None,
    typer.Option(
        "--app",
        "-a",
        metavar="APP",
        help="Application name. Default: the project's (scheduled-jobs:app in Pulumi.<env>.yaml).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, json_option()]

# --- the stack commands (deploy, package, destroy, delete, env) -----------------------------
BackendOption = Annotated[
    str | None,
    typer.Option(help="Pulumi backend URL; overrides PULUMI_BACKEND_URL and pulumi login."),
]
TagOption = Annotated[
    str | None,
    typer.Option(
        help="Image tag; default: the git short commit if the tree is clean, else a digest."
    ),
]
GiveUpOption = Annotated[
    str | None,
    typer.Option(
        "--give-up-after",
        metavar="DURATION",
        help="While following or waiting, give up when AWS has not answered for this long "
        "(e.g. 10m; exit status 75). Default: keep trying until Ctrl-C.",
        show_default=False,
    ),
]
