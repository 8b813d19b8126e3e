"""AWS access for the commands that operate deployed jobs (run, logs, show, ls).

Which application, environment and region a command works on, a boto3 session for them, and
the translation of AWS's own errors (no credentials, expired token, access denied,
unreachable endpoint) into one-line `UserError`s. boto3 is imported inside functions so that
importing this module, and `jobs --help`, stays cheap.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.output import UserError

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.project import Project

# Error codes AWS answers when the caller's identity, not the request, is the problem.
_CREDENTIAL_CODES = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
}
_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}

# Network bounds of every AWS call (docs/operating.md, "Faults and outages"). botocore's own
# retry modes do the retrying (standard: exponential backoff with jitter on throttling, 5xx and
# connection errors; adaptive adds client-side rate limiting); AWS_RETRY_MODE and
# AWS_MAX_ATTEMPTS choose among them, within MAX_ATTEMPTS_CAP so a call always ends.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
DEFAULT_ATTEMPTS = 4
MAX_ATTEMPTS_CAP = 10
RETRY_MODES = ("standard", "adaptive")

CREDENTIALS_HINT = (
    "Configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or "
    "`aws sso login`) for the account the environment is deployed in."
)


@dataclass(frozen=True)
class Target:
    """The application and environment a command operates on, and where they live."""

    app: str
    env: str
    region: str | None  # None: boto3's default chain decides (AWS_DEFAULT_REGION, profile)
    project: Project | None  # None when run outside a project checkout

    def local_jobs(self) -> list[str]:
        return self.project.job_names() if self.project else []


def resolve_target(env: str, app: str | None) -> Target:
    """`--env`/`--app` plus the project's settings: the app defaults to the project's, the
    region to the stack file's `aws:region`."""
    from scheduled_jobs.cli.project import find_project

    if not env or not env.strip():
        raise UserError("--env must not be empty")
    try:
        project: Project | None = find_project()
    except UserError:
        project = None
    if project is None and not app:
        raise UserError(
            "--app is required outside a scheduled-jobs project",
            hint="Pass --app APP, or run the command inside the project (the folder with "
            "Pulumi.yaml), or set JOBS_PROJECT_DIR.",
        )
    resolved_app = app or project.app_name(env)  # type: ignore[union-attr]
    region = project.region(env) if project else None
    return Target(app=resolved_app, env=env, region=region, project=project)


def connect(env: str, app: str | None) -> Aws:
    """The AWS session for `--env`/`--app`."""
    return Aws(resolve_target(env, app))


def for_project(project: Project, env: str) -> Aws:
    """The AWS session of a project's environment (the stack commands' way in)."""
    return Aws(
        Target(app=project.app_name(env), env=env, region=project.region(env), project=project)
    )


def _seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment, else `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise UserError(f"{name}={raw!r} must be between 0 and 3600 seconds")
    return value


def retry_settings() -> dict[str, Any]:
    """botocore's `retries` for every client: AWS_RETRY_MODE (standard or adaptive; legacy is
    read as standard) and AWS_MAX_ATTEMPTS (total attempts, capped at MAX_ATTEMPTS_CAP)."""
    mode = os.environ.get("AWS_RETRY_MODE", "").strip().lower()
    raw = os.environ.get("AWS_MAX_ATTEMPTS", "").strip()
    try:
        attempts = int(raw) if raw else DEFAULT_ATTEMPTS
    except ValueError:
        raise UserError(f"AWS_MAX_ATTEMPTS={raw!r} is not a whole number") from None
    return {
        "mode": mode if mode in RETRY_MODES else "standard",
        # Total attempts, first included, as AWS_MAX_ATTEMPTS counts them (Config's
        # `max_attempts` would count retries only).
        "total_max_attempts": min(max(attempts, 1), MAX_ATTEMPTS_CAP),
    }


def client_config() -> Any:
    """The botocore Config of every client: connect and read timeouts (JOBS_AWS_CONNECT_TIMEOUT,
    JOBS_AWS_READ_TIMEOUT override them, in seconds) and bounded retries."""
    from botocore.config import Config

    return Config(
        connect_timeout=_seconds("JOBS_AWS_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
        read_timeout=_seconds("JOBS_AWS_READ_TIMEOUT", READ_TIMEOUT),
        retries=retry_settings(),
    )


def check_endpoints() -> None:
    """AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) must be http(s) URLs with a host."""
    from urllib.parse import urlsplit

    for name, value in sorted(os.environ.items()):
        if name != "AWS_ENDPOINT_URL" and not name.startswith("AWS_ENDPOINT_URL_"):
            continue
        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(
                f"{name}={value!r} is not an endpoint URL",
                hint="Use http(s)://host[:port], e.g. http://127.0.0.1:5000, or unset it.",
            )


class Aws:
    """A boto3 session for one target, with clients made once and shared (they are
    thread-safe, which `jobs ls` relies on)."""

    def __init__(self, target: Target):
        self.target = target
        check_endpoints()
        self._config = client_config()
        with aws_errors():
            import boto3

            self.session = boto3.session.Session(region_name=target.region)
        self._clients: dict[str, Any] = {}
        # Creating clients from one session is not thread-safe; `ls` and `show` use threads.
        self._lock = threading.Lock()

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise UserError(
                f"no AWS region for environment {self.target.env!r}",
                hint=f"Set aws:region in Pulumi.{self.target.env}.yaml, or AWS_DEFAULT_REGION.",
            )
        return region

    @functools.cached_property
    def partition(self) -> str:
        from scheduled_jobs.components.convert.arns import partition_of

        return partition_of(self.region)

    @functools.cached_property
    def account(self) -> str:
        with aws_errors():
            return self.client("sts").get_caller_identity()["Account"]

    def client(self, service: str) -> Any:
        with self._lock:
            return self._client(service)

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            # STS answers on a global endpoint: checking the caller needs no region.
            region = self.session.region_name if service == "sts" else self.region
            with aws_errors():
                try:
                    self._clients[service] = self.session.client(
                        service, region_name=region, config=self._config
                    )
                except ValueError as exc:  # botocore: "Invalid endpoint: ..." (a config file's)
                    raise UserError(f"cannot use the endpoint for {service}: {exc}") from None
        return self._clients[service]


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, or "" for anything else."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def endpoint_of(exc: BaseException) -> str:
    """The endpoint a botocore network error names, else AWS_ENDPOINT_URL, else "AWS"."""
    kwargs = getattr(exc, "kwargs", None) or {}
    return str(kwargs.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL") or "AWS")


def fault_text(exc: BaseException) -> str:
    """A short reason for a fault: "read timeout", "connection closed", "HTTP 503 ..."."""
    import botocore.exceptions as bex

    if isinstance(exc, bex.ReadTimeoutError):
        return "no answer within the read timeout"
    if isinstance(exc, bex.ConnectTimeoutError):
        return "no connection within the connect timeout"
    if isinstance(exc, bex.ConnectionClosedError):
        return "the connection was closed before an answer"
    if isinstance(exc, bex.EndpointConnectionError):
        return "cannot connect"
    if isinstance(exc, bex.ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"HTTP {status} {error_code(exc)}".strip()
    return str(exc)


def user_error(exc: Exception) -> UserError | None:
    """The one-line message for an AWS error that is the user's to fix, else None."""
    import botocore.exceptions as bex

    if isinstance(exc, (bex.NoCredentialsError, bex.PartialCredentialsError)):
        return UserError("no AWS credentials found", hint=CREDENTIALS_HINT)
    if isinstance(exc, bex.ProfileNotFound):
        return UserError(str(exc), hint="Check AWS_PROFILE and ~/.aws/config.")
    if isinstance(exc, (bex.TokenRetrievalError, bex.SSOTokenLoadError)):
        return UserError(f"AWS SSO session is not usable: {exc}", hint="Run `aws sso login`.")
    if isinstance(exc, bex.NoRegionError):
        return UserError(
            "no AWS region configured",
            hint="Set AWS_DEFAULT_REGION or aws:region in the stack file.",
        )
    if isinstance(exc, (bex.ConnectionError, bex.ReadTimeoutError, bex.ConnectionClosedError)):
        return UserError(
            f"{endpoint_of(exc)} did not answer: {fault_text(exc)}",
            hint="Check the network, proxy, region and AWS_ENDPOINT_URL (each call was tried "
            f"{retry_settings()['total_max_attempts']} times; AWS_MAX_ATTEMPTS sets how many).",
        )
    if isinstance(exc, bex.ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        operation = getattr(exc, "operation_name", "")
        if code in _CREDENTIAL_CODES:
            return UserError(f"AWS rejected the credentials: {message}", hint=CREDENTIALS_HINT)
        if code in _DENIED_CODES:
            return UserError(
                f"not allowed to call {operation}: {message}",
                hint="Use a role that may read the job's Step Functions, Logs, EventBridge "
                "and ECS resources.",
            )
        return UserError(f"AWS {operation} failed: {code}: {message}")
    if isinstance(exc, bex.BotoCoreError):
        return UserError(f"AWS call failed: {exc}")
    return None


@contextlib.contextmanager
def aws_errors() -> Iterator[None]:
    """Turn botocore's exceptions raised inside the block into `UserError`s."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith("botocore"):
            translated = user_error(exc)
            if translated is not None:
                raise translated from None
        raise
