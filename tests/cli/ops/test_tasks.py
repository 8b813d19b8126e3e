"""Stopping a job's running tasks (cli/tasks.py) against moto."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("fake_stacks")
from cli.ops.tasks import cluster_from, stop_job_tasks  # noqa: E402
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


def test_stop_job_tasks_stops_only_the_families_given(aws):
    mine = start_tasks("demo-dev-report", 2)
    start_tasks("demo-dev-other", 1)
    stopped = stop_job_tasks(
        ["demo-dev-report"], cluster="demo-dev", region="us-east-1", command="delete", env="dev"
    )
    assert sorted(stopped) == sorted(mine)
    assert running("demo-dev-report") == []
    assert len(running("demo-dev-other")) == 1


def test_stop_job_tasks_in_a_cluster_that_is_gone(aws):
    assert stop_job_tasks(["f"], cluster="gone", region="us-east-1", command="x", env="d") == []
