"""Backend and passphrase rules (cli/stacks/backend.py)."""

from __future__ import annotations

import json

import pytest

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.project import find_project
from scheduled_jobs.cli.stacks import backend


@pytest.fixture
def project(tmp_path, monkeypatch, project_root):
    root = tmp_path / "p"
    root.mkdir()
    (root / "Pulumi.yaml").write_text((project_root / "Pulumi.yaml").read_text())
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "home"))
    for var in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE",
                "PULUMI_ACCESS_TOKEN", "PULUMI_API"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    return find_project(root)


def login(tmp_path, url):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "credentials.json").write_text(json.dumps({"current": url, "accessTokens": {}}))


def test_never_logged_in_gets_a_project_local_backend_once(project):
    first = backend.resolve(project, "dev")
    assert first.project_local
    assert first.url == (project.root / ".pulumi-state").as_uri()
    assert (project.root / ".pulumi-state").is_dir()
    assert first.env_vars == {"PULUMI_BACKEND_URL": first.url, "PULUMI_CONFIG_PASSPHRASE": ""}
    assert "has no backend here" in first.note and "empty passphrase" in first.note
    assert backend.resolve(project, "dev").note is None  # told once


@pytest.mark.parametrize(
    ("login_url", "env_url", "flag", "expected", "source"),
    [
        pytest.param(None, None, "s3://b", "s3://b", "--backend", id="flag"),
        pytest.param(None, "gs://e", None, "gs://e", "PULUMI_BACKEND_URL", id="env"),
        pytest.param(None, "gs://e", "s3://b", "s3://b", "--backend", id="flag-over-env"),
        pytest.param(
            "https://api.pulumi.com",
            None,
            None,
            "https://api.pulumi.com",
            "pulumi login",
            id="login",
        ),  # fmt: skip
        pytest.param(
            "https://api.pulumi.com",
            "s3://e",
            None,
            "s3://e",
            "PULUMI_BACKEND_URL",
            id="env-over-login",
        ),  # fmt: skip
    ],
)
def test_backend_order(project, tmp_path, monkeypatch, login_url, env_url, flag, expected, source):
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    if login_url:
        login(tmp_path, login_url)
    if env_url:
        monkeypatch.setenv("PULUMI_BACKEND_URL", env_url)
    chosen = backend.resolve(project, "dev", flag)
    assert (chosen.url, chosen.source) == (expected, source)
    # Only a flag needs passing on; the CLI reads PULUMI_BACKEND_URL and its login itself.
    assert chosen.env_vars == ({"PULUMI_BACKEND_URL": flag} if flag else {})
    assert not (project.root / ".pulumi-state").exists()


@pytest.mark.parametrize(
    ("url", "stack_file", "needed"),
    [
        pytest.param("s3://state", "", True, id="s3"),
        pytest.param("file:///srv/state", "", True, id="file"),
        pytest.param("https://api.pulumi.com", "", False, id="cloud"),
        pytest.param("s3://state", "secretsprovider: awskms://alias/x\n", False, id="kms"),
        pytest.param(
            "https://api.pulumi.com",
            "secretsprovider: passphrase\n",
            True,
            id="cloud-with-passphrase",
        ),  # fmt: skip
    ],
)
def test_passphrase_rules(project, url, stack_file, needed):
    if stack_file:
        (project.root / "Pulumi.dev.yaml").write_text(stack_file)
    if needed:
        with pytest.raises(UserError) as raised:
            backend.resolve(project, "dev", url)
        assert "keeps secrets with a passphrase, and none is set" in raised.value.message
        assert "PULUMI_CONFIG_PASSPHRASE_FILE" in raised.value.hint
    else:
        assert "PULUMI_CONFIG_PASSPHRASE" not in backend.resolve(project, "dev", url).env_vars


@pytest.mark.parametrize("var", ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"])
def test_a_set_passphrase_is_used_as_is(project, monkeypatch, var):
    monkeypatch.setenv(var, "value")
    chosen = backend.resolve(project, "dev", "s3://state")
    assert chosen.env_vars == {"PULUMI_BACKEND_URL": "s3://state"}


def test_listing_needs_no_passphrase(project):
    assert backend.resolve(project, None, "s3://state", needs_secrets=False).url == "s3://state"


def test_backend_declared_in_pulumi_yaml(project, monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    text = (project.root / "Pulumi.yaml").read_text() + "backend:\n  url: s3://declared\n"
    (project.root / "Pulumi.yaml").write_text(text)
    chosen = backend.resolve(project, "dev")
    assert (chosen.url, chosen.source, chosen.env_vars) == ("s3://declared", "Pulumi.yaml", {})


def test_an_access_token_alone_means_pulumi_cloud(project, monkeypatch):
    """CI with only PULUMI_ACCESS_TOKEN: `pulumi up` uses Pulumi Cloud, so must we."""
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "pul-0000")
    chosen = backend.resolve(project, "dev")
    assert (chosen.url, chosen.source) == ("https://api.pulumi.com", "PULUMI_ACCESS_TOKEN")
    assert chosen.env_vars == {}  # the CLI logs in with the token itself
    assert chosen.note is None and not (project.root / ".pulumi-state").exists()


def test_a_login_wins_over_an_access_token(project, tmp_path, monkeypatch):
    monkeypatch.setenv("PULUMI_ACCESS_TOKEN", "pul-0000")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    login(tmp_path, "s3://team-state")
    assert backend.resolve(project, "dev").url == "s3://team-state"
