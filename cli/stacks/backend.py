"""Which Pulumi backend (state store) a command uses, and the secrets passphrase it needs.

The Pulumi CLI's own order (pulumi/pulumi, pkg/workspace `GetCurrentCloudURLWithSource`, after
the `--backend`-like flag): `--backend URL`,
then `PULUMI_BACKEND_URL`, then `backend.url` in Pulumi.yaml, then the backend of an earlier
`pulumi login` (`current` in ~/.pulumi/credentials.json), then, with `PULUMI_ACCESS_TOKEN` set,
Pulumi Cloud (what the CLI logs in to by default: a CI job with only a token). Only when the CLI
itself would have no backend at all does a command use a file backend inside the project
(`.pulumi-state/`, git-ignored), and it says so the first time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.project import Project

LOCAL_STATE_DIR = ".pulumi-state"
PASSPHRASE_VARS = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
# Self-managed ("DIY") backends keep secrets with the passphrase provider unless a stack
# names another one (awskms://, ...); Pulumi Cloud keeps them itself.
DIY_SCHEMES = ("file://", "s3://", "gs://", "azblob://", "postgres://")
# Where the CLI logs in when nothing else names a backend (PULUMI_API overrides it).
PULUMI_CLOUD = "https://api.pulumi.com"


@dataclass(frozen=True)
class Backend:
    url: str | None  # None: the CLI's own choice (`pulumi login`)
    source: str
    env_vars: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # said once, when the project-local backend is created

    @property
    def project_local(self) -> bool:
        return self.source == "project-local"


def pulumi_home() -> Path:
    return Path(os.environ.get("PULUMI_HOME") or Path.home() / ".pulumi")


def logged_in_url() -> str | None:
    """The backend of the last `pulumi login`, from the CLI's credentials file."""
    path = pulumi_home() / "credentials.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = data.get("current") if isinstance(data, dict) else None
    return str(current) if current else None


def _project_backend(project: Project) -> str | None:
    backend = project.project_file().get("backend")
    url = backend.get("url") if isinstance(backend, dict) else None
    return str(url) if url else None


def needs_passphrase(url: str | None, settings: dict[str, Any]) -> bool:
    """Whether the stack's secrets are kept with the passphrase provider on this backend."""
    provider = str(settings.get("secretsprovider") or "")
    if provider:
        return provider.startswith("passphrase")
    return bool(url) and url.startswith(DIY_SCHEMES)


def local_url(project: Project) -> str:
    return (project.root / LOCAL_STATE_DIR).as_uri()


def resolve(
    project: Project, env: str | None, flag: str | None = None, *, needs_secrets: bool = True
) -> Backend:
    """The backend for a command on `env`, with the environment variables the Pulumi CLI
    needs for it. Raises UserError when a passphrase is needed and none is set."""
    note = None
    if flag:
        url, source = flag, "--backend"
    elif os.environ.get("PULUMI_BACKEND_URL"):
        url, source = os.environ["PULUMI_BACKEND_URL"], "PULUMI_BACKEND_URL"
    elif _project_backend(project):
        url, source = _project_backend(project), "Pulumi.yaml"
    elif logged_in_url():
        url, source = logged_in_url(), "pulumi login"
    elif os.environ.get("PULUMI_ACCESS_TOKEN"):
        # The CLI logs in to Pulumi Cloud with the token by itself: nothing to pass on.
        url, source = os.environ.get("PULUMI_API") or PULUMI_CLOUD, "PULUMI_ACCESS_TOKEN"
    else:
        url, source = local_url(project), "project-local"
        state = project.root / LOCAL_STATE_DIR
        if not state.exists():
            state.mkdir(parents=True)
            note = (
                "The Pulumi CLI has no backend here (no --backend, PULUMI_BACKEND_URL, "
                "backend.url in Pulumi.yaml, `pulumi login` or PULUMI_ACCESS_TOKEN), so "
                f"state is kept in {state} "
                "(git-ignored, on this machine only). Secrets in it use an empty passphrase "
                "unless PULUMI_CONFIG_PASSPHRASE is set. To share state with your team, "
                "run `pulumi login` (Pulumi Cloud, s3://..., ...) or pass --backend."
            )

    env_vars: dict[str, str] = {}
    if source in ("--backend", "project-local"):
        env_vars["PULUMI_BACKEND_URL"] = str(url)
    if (
        needs_secrets
        and needs_passphrase(url, project.stack_data(env))
        and not any(os.environ.get(var) is not None for var in PASSPHRASE_VARS)
    ):
        if source != "project-local":
            raise UserError(
                f"the backend {url} keeps secrets with a passphrase, and none is set",
                hint="Set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE, a file "
                "holding it) to the passphrase this environment was created with.",
            )
        # Documented default for state that never leaves this machine (docs/deploying.md).
        env_vars["PULUMI_CONFIG_PASSPHRASE"] = ""
    return Backend(url=url, source=source, env_vars=env_vars, note=note)
