"""The committed JSON Schema in the real yaml-language-server (npm), over stdio: what an editor
(VS Code's YAML extension, Neovim, JetBrains) shows for a manifest with the modeline that
`scheduled-jobs init` writes.

The server is installed by .ci/run into .cache/node, as .ci/node/package-lock.json pins it.
A run that finds it missing (the README's plain `pytest` on a fresh checkout) installs it the
same way first. Without node, or when npm cannot install it, the test skips; under CI
(CI=true) it fails instead, saying how to install it.
"""

from __future__ import annotations

import os
import shutil

import pytest

from scheduled_jobs.components.manifest.model import JobConfig
from tests.components.manifest.lsp import (
    INSTALL,
    SERVER_JS,
    SERVER_VERSION,
    LanguageServer,
    find_node,
    install,
    installed_version,
    position,
)
from tests.paths import ROOT

MODELINE = "# yaml-language-server: $schema=../manifest.schema.json\n"
VALID = (
    MODELINE
    + """\
name: report
type: Scheduled Job
image:
  location: public.ecr.aws/docker/library/busybox:latest
on:
  schedule: "@daily"
retries: 3
cpu: 512
memory: 1024
network:
  vpc:
    placement: private
"""
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    node = find_node()
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed, and CI must run the language-server test")
        pytest.skip("node is not installed: the yaml-language-server test needs Node.js")
    version = installed_version()
    if version != SERVER_VERSION or not SERVER_JS.is_file():
        # A fresh checkout running the README's `pytest`: install it as .ci/run does.
        why = install()
        if why and os.environ.get("CI") != "true":
            pytest.skip(f"yaml-language-server {SERVER_VERSION} could not be installed: {why}")
        version = installed_version()
    if version != SERVER_VERSION or not SERVER_JS.is_file():
        found = f"version {version} is" if version else "it is not"
        pytest.fail(
            f"the test needs yaml-language-server {SERVER_VERSION} in .cache/node, and "
            f"{found} installed there; run (as .ci/run does): {INSTALL}"
        )
    project = tmp_path_factory.mktemp("project")
    (project / "manifests" / "report").mkdir(parents=True)
    shutil.copy(ROOT / "manifests" / "manifest.schema.json", project / "manifests")
    client = LanguageServer(node, SERVER_JS)
    try:
        client.start(project)
        yield client, project / "manifests" / "report"
    finally:
        client.close()


def _open(server, name: str, text: str) -> str:
    client, folder = server
    path = folder / name
    path.write_text(text)
    return client.open(path, text)


def _diagnostics(server, uri: str, *, until) -> list[dict]:
    client, _ = server
    return client.diagnostics(uri, until=until)


def _where(found: list[dict]) -> list[tuple[int, str]]:
    return [(d["range"]["start"]["line"], d["message"]) for d in found]


def test_retries_20_is_flagged_on_its_line_and_a_valid_manifest_is_clean(server):
    client, _ = server
    text = VALID.replace("retries: 3", "retries: 20")
    uri = _open(server, "retries.yml", text)
    found = _diagnostics(server, uri, until=bool)
    line = position(text, "retries: 20")["line"]
    assert _where(found) == [(line, "Value is above the maximum of 10.")]
    # The same document, corrected: the server clears it (so [] means "checked and valid").
    client.change(uri, VALID, version=2)
    assert _diagnostics(server, uri, until=lambda found: found == []) == []


def test_a_cpu_memory_pair_fargate_refuses_is_flagged_with_the_loaders_words(server):
    text = VALID.replace("memory: 1024", "memory: 512")
    uri = _open(server, "size.yml", text)
    found = _diagnostics(server, uri, until=bool)
    assert _where(found) == [
        (
            position(text, "memory: 512")["line"],
            "does not fit cpu 512 on Fargate; use 1024 to 4096 in steps of 1024 MiB",
        )
    ]


def _labels(server, uri: str, at: dict) -> list[str]:
    client, _ = server
    answer = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": at}
    )
    items = answer["items"] if isinstance(answer, dict) else answer
    return [item["label"] for item in items]


def test_completion_inside_on_offers_schedule_and_the_additions(server):
    text = MODELINE + "name: report\non:\n  \n"
    uri = _open(server, "on.yml", text)
    labels = _labels(server, uri, position(text, "on:\n  ", len("on:\n  ")))
    assert {"schedule", "timezone", "window"} <= set(labels)


def test_completion_inside_network_does_not_offer_connect(server):
    text = MODELINE + "name: report\nnetwork:\n  \n"
    uri = _open(server, "network.yml", text)
    labels = _labels(server, uri, position(text, "network:\n  ", len("network:\n  ")))
    assert labels == ["vpc"]


def test_hover_on_retries_shows_its_description(server):
    client, _ = server
    uri = _open(server, "hover.yml", VALID)
    answer = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": position(VALID, "retries", 2)},
    )
    described = JobConfig.model_fields["retries"].description
    assert described and described in answer["contents"]["value"]


# Every example job and testdata manifest is valid (test_schema.py checks them with the loader):
# the real server must not flag any of them either (its regexes are JavaScript's, not Python's).
MANIFESTS = sorted(ROOT.glob("manifests/*/manifest.yml")) + sorted(
    (ROOT / "tests" / "testdata").glob("*.yml")
)
MARKER = "x-not-a-field: 1"  # one known problem, so an answer is known to be the schema's


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_server_flags_nothing_in_a_valid_manifest(server, path):
    text = path.read_text()
    if not text.startswith(MODELINE):
        text = MODELINE + text
    text = text.rstrip("\n") + "\n" + MARKER + "\n"
    uri = _open(server, f"{path.parent.name}-{path.stem}.yml", text)
    found = _diagnostics(server, uri, until=bool)
    assert _where(found) == [
        (position(text, MARKER)["line"], "Property x-not-a-field is not allowed.")
    ]
