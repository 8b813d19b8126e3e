"""Stopping a job's running tasks (cli/ops/tasks.py) against moto."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("fake_stacks")
from scheduled_jobs.cli.ops.session import Aws, Target  # noqa: E402
from scheduled_jobs.cli.ops.tasks import cluster_from, stop_job_tasks  # noqa: E402
from tests.cli.fake_stacks import running, start_tasks  # noqa: E402


@pytest.mark.parametrize(
    ("setting", "outputs", "cluster"),
    [
        pytest.param("mine", {"report": {"cluster_arn": "arn:x"}}, "mine", id="setting-first"),
        pytest.param(None, {"report": {"cluster_arn": "arn:x"}}, "arn:x", id="job-output"),
        pytest.param(None, {"clusterName": "c"}, "c", id="top-level-output"),
        pytest.param(None, {"report": {"state_machine_arn": "s"}}, None, id="unknown"),
    ],
)
def test_cluster_from(setting, outputs, cluster):
    assert cluster_from(setting, outputs) == cluster


def _aws(env: str) -> Aws:
    return Aws(Target(app="demo", env=env, region="us-east-1", project=None))


def test_stop_job_tasks_stops_only_the_families_given(aws):
    mine = start_tasks("demo-dev-report", 2)
    start_tasks("demo-dev-other", 1)
    stopped = stop_job_tasks(_aws("dev"), ["demo-dev-report"], cluster="demo-dev", command="delete")
    assert sorted(stopped) == sorted(mine)
    assert running("demo-dev-report") == []
    assert len(running("demo-dev-other")) == 1


def test_stop_job_tasks_in_a_cluster_that_is_gone(aws):
    assert stop_job_tasks(_aws("d"), ["f"], cluster="gone", command="x") == []


def test_stop_job_tasks_reports_aws_errors_as_user_errors(aws, monkeypatch):
    from scheduled_jobs.cli.output import UserError

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="no AWS credentials"):
        stop_job_tasks(_aws("d"), ["f"], cluster="c", command="x")
