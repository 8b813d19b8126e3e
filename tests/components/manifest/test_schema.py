from __future__ import annotations

import json

import jsonschema
import pytest

from components import load_manifest
from components.manifest.schema import manifest_schema
from components.manifest.source import parse
from tests.paths import ROOT as _ROOT

ROOT = _ROOT
# Every example job and every testdata manifest is a valid one (invalid cases live inline in
# the loader's tests), so each must pass both the loader and the schema.
MANIFESTS = sorted(ROOT.glob("manifests/*/manifest.yml")) + sorted(
    (ROOT / "tests" / "testdata").glob("*.yml")
)


def _validator():
    schema = manifest_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_every_manifest_the_loader_accepts(path, monkeypatch):
    # testdata manifests name their files relative to tests/testdata, as a project root.
    root = ROOT if path.parent.parent.name == "manifests" else path.parent
    load_manifest(path, app="demo", root=root)
    data = parse(path.read_text()).data
    errors = [e.message for e in _validator().iter_errors(data)]
    assert errors == []


def test_schema_rejects_unknown_keys():
    data = {
        "name": "job",
        "type": "Scheduled Job",
        "image": {"location": "x"},
        "on": {"schedule": "@daily"},
        "memry": 1,
    }
    assert not _validator().is_valid(data)


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "manifests" / "manifest.schema.json").read_text())
    assert committed == manifest_schema(), (
        "refresh it: scheduled-jobs schema -o manifests/manifest.schema.json"
    )


@pytest.mark.parametrize(
    "fragment",
    [
        pytest.param("variables: {PORT: 8080, RATIO: 2.50, DEBUG: true}", id="variables"),
        pytest.param("image: {location: x, labels: {version: 3.10}}", id="labels"),
        pytest.param("command: [sleep, 30]", id="command-list"),
        pytest.param("sidecars: {s: {image: x, variables: {N: 1_000}}}", id="sidecar-variables"),
    ],
)
def test_schema_admits_unquoted_scalars_where_copilot_reads_text(fragment):
    text = "name: job\ntype: Scheduled Job\non: {schedule: '@daily'}\n" + fragment + "\n"
    if not fragment.startswith("image:"):
        text += "image: {location: x}\n"
    errors = [e.message for e in _validator().iter_errors(parse(text).data)]
    assert errors == []
