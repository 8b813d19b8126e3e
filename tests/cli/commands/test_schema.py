from __future__ import annotations

import json

from typer.testing import CliRunner

from scheduled_jobs.cli.main import app
from scheduled_jobs.components.manifest.schema import manifest_schema

runner = CliRunner()


def test_prints_the_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == manifest_schema()
    assert {"name", "image", "on", "environments"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_writes_a_file(tmp_path):
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == manifest_schema()
