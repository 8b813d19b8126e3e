"""Which app, env and region a command works on; AWS errors turned into one-line messages."""

from __future__ import annotations

import botocore.exceptions as bex
import pytest

from cli.ops.session import Aws, aws_errors, resolve_target
from cli.output import UserError
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
            "cannot reach",
            id="offline",
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
