"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

# Fixtures of the Automation API stand-in (automation, project_dir) for every CLI test.
pytest_plugins = ["tests.cli.fake_stacks"]

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = Path(__file__).resolve().parent / "testdata"


@pytest.fixture
def testdata() -> Path:
    return TESTDATA


@pytest.fixture
def project_root() -> Path:
    return ROOT


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    """A moto server on 127.0.0.1 for the whole session: real HTTP, no AWS account."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch):
    """Point boto3 at a freshly reset moto server, with fake credentials and no retries.

    Yields the endpoint URL. Product code needs no test hooks: boto3 honours AWS_ENDPOINT_URL.
    """
    import urllib.request

    urllib.request.urlopen(
        urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    ).close()
    for key, value in {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        # moto answers its own bugs with HTTP 500, which boto3 would retry for seconds.
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    yield moto_server
