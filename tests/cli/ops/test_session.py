"""Which app, env and region a command works on; AWS errors turned into one-line messages."""

from __future__ import annotations

import botocore.exceptions as bex
import pytest

from scheduled_jobs.cli.ops.session import Aws, aws_errors, resolve_target
from scheduled_jobs.cli.output import UserError
from tests.cli.seed import write_project


def test_target_from_project(tmp_path, monkeypatch):
    write_project(tmp_path, app="shop")
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  scheduled-jobs:app: shop-prod\n"
    )
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    assert (resolve_target("test", None).app, resolve_target("test", None).region) == (
        "shop",
        "us-east-1",
    )
    prod = resolve_target("prod", None)
    assert (prod.app, prod.region) == ("shop-prod", "eu-west-1")
    assert resolve_target("prod", "explicit").app == "explicit"
    assert resolve_target("staging", None).region is None  # boto3's own chain decides


def test_target_outside_project_needs_app(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    with pytest.raises(UserError, match="--app is required"):
        resolve_target("test", None)
    target = resolve_target("test", "demo")
    assert (target.app, target.project, target.local_jobs()) == ("demo", None, [])


def test_no_region_anywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(UserError, match="no AWS region for environment 'test'"):
        Aws(resolve_target("test", "demo")).region  # noqa: B018 - the property raises


def _client_error(code: str, status: int = 400) -> bex.ClientError:
    return bex.ClientError(
        {"Error": {"Code": code, "Message": "msg"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "ListExecutions",
    )


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        pytest.param(bex.NoCredentialsError(), "no AWS credentials found", id="no-credentials"),
        pytest.param(bex.ProfileNotFound(profile="dev"), "could not be found", id="profile"),
        pytest.param(
            _client_error("ExpiredTokenException"), "AWS rejected the credentials", id="expired"
        ),
        pytest.param(
            _client_error("UnrecognizedClientException"),
            "AWS rejected the credentials",
            id="bad-key",
        ),
        pytest.param(
            _client_error("AccessDeniedException"),
            "not allowed to call ListExecutions",
            id="denied",
        ),
        pytest.param(
            bex.EndpointConnectionError(endpoint_url="https://states.x"),
            "https://states.x did not answer: cannot connect",
            id="offline",
        ),
        pytest.param(
            bex.ReadTimeoutError(endpoint_url="https://logs.x"),
            "https://logs.x did not answer: no answer within the read timeout",
            id="read-timeout",
        ),
        pytest.param(
            bex.ConnectionClosedError(endpoint_url="https://logs.x"),
            "https://logs.x did not answer: the connection was closed",
            id="dropped",
        ),
        pytest.param(
            _client_error("ValidationException"),
            "AWS ListExecutions failed: ValidationException",
            id="other",
        ),
    ],
)
def test_aws_errors_become_user_errors(exc, message):
    with pytest.raises(UserError, match=message), aws_errors():
        raise exc


def test_aws_errors_leave_other_exceptions_alone():
    with pytest.raises(KeyError), aws_errors():
        raise KeyError("bug")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, {"mode": "standard", "total_max_attempts": 4}, id="default"),
        pytest.param(
            {"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "6"},
            {"mode": "adaptive", "total_max_attempts": 6},
            id="adaptive",
        ),
        pytest.param(
            {"AWS_RETRY_MODE": "legacy"}, {"mode": "standard", "total_max_attempts": 4}, id="legacy"
        ),
        pytest.param(
            {"AWS_MAX_ATTEMPTS": "1"}, {"mode": "standard", "total_max_attempts": 1}, id="one"
        ),
        pytest.param(
            {"AWS_MAX_ATTEMPTS": "1000"},
            {"mode": "standard", "total_max_attempts": 10},
            id="capped",
        ),
        pytest.param(
            {"AWS_MAX_ATTEMPTS": "0"},
            {"mode": "standard", "total_max_attempts": 1},
            id="at-least-1",
        ),
    ],
)
def test_retries_are_botocores_and_bounded(monkeypatch, environ, expected):
    from scheduled_jobs.cli.ops.session import retry_settings

    for key in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert retry_settings() == expected


def test_every_client_has_timeouts_and_retries(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("JOBS_AWS_READ_TIMEOUT", "7")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    client = Aws(resolve_target("test", "demo")).client("logs")
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (5.0, 7.0)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("AWS_ENDPOINT_URL", "not-a-url", id="no-scheme"),
        pytest.param("AWS_ENDPOINT_URL", "ftp://x", id="ftp"),
        pytest.param("AWS_ENDPOINT_URL", "http://", id="no-host"),
        pytest.param("AWS_ENDPOINT_URL", "http://h:port", id="bad-port"),
        pytest.param("AWS_ENDPOINT_URL_LOGS", "x", id="per-service"),
        pytest.param("JOBS_AWS_READ_TIMEOUT", "soon", id="timeout-words"),
        pytest.param("JOBS_AWS_CONNECT_TIMEOUT", "-1", id="timeout-negative"),
        pytest.param("AWS_MAX_ATTEMPTS", "many", id="attempts-words"),
    ],
)
def test_bad_network_settings_are_one_message(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(UserError, match=name):
        Aws(resolve_target("test", "demo"))
