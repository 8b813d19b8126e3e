from __future__ import annotations

import pytest

from scheduled_jobs.cli.migrate.workspace import read_workspace
from scheduled_jobs.cli.output import UserError
from tests.cli.migrate import copilot_app


def test_reads_the_workspace_as_copilot_writes_it(tmp_path):
    folder = copilot_app.write_workspace(tmp_path)
    workspace = read_workspace(folder)
    assert workspace.app == "shop"
    assert list(workspace.jobs) == ["report"]
    assert {n: w.type for n, w in workspace.others.items()} == {"api": "Backend Service"}
    assert list(workspace.environments) == ["test"]
    assert workspace.jobs["report"].addons == folder / "report" / "addons"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no Copilot workspace", id="missing"),
        pytest.param("project: old\n", "has no `application:`", id="pre-v0.1-key"),
        pytest.param("application: [\n", "not valid YAML", id="broken"),
    ],
)
def test_bad_workspace(tmp_path, content, message):
    folder = tmp_path / "copilot"
    folder.mkdir()
    if content is not None:
        (folder / ".workspace").write_text(content)
    with pytest.raises(UserError, match=message):
        read_workspace(folder)
