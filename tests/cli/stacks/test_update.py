"""The one update routine (cli/stacks/update.py) deploy, destroy and delete share, on the
Automation API stand-in: progress lines, the summary line, errors with how to retry, Ctrl-C."""

from __future__ import annotations

import re

import pytest

pytest.register_assert_rewrite("fake_stacks")
from scheduled_jobs.cli.output import UserError  # noqa: E402
from scheduled_jobs.cli.stacks import update  # noqa: E402
from tests.cli.fake_stacks import job_steps  # noqa: E402


@pytest.fixture
def stack(automation, tmp_path):
    automation.steps = job_steps("dev", "report")
    automation.destroy_steps = job_steps("dev", "report")
    return automation.add_stack("dev", tmp_path)


def _run(stack, operation="up", **options):
    return update.run(
        stack,
        "dev",
        operation,
        command="deploy",
        action="deploy to dev",
        done="Deployed to dev",
        retry="Fix it, then deploy again.",
        resume="jobs deploy --env dev --refresh",
        **options,
    )


@pytest.mark.parametrize(
    ("operation", "counts"),
    [pytest.param("up", "4 create", id="up"), pytest.param("destroy", "4 delete", id="destroy")],
)
def test_progress_and_summary(stack, capsys, operation, counts):
    done = _run(stack, operation, target=["urn:x"])
    assert done.summary.resource_changes
    kwargs = next(kwargs for name, kwargs in stack.calls if name == operation)
    assert kwargs["target"] == ["urn:x"] and kwargs["color"] == "never"
    err = capsys.readouterr().err
    assert "report-log-group (aws:cloudwatch/logGroup:LogGroup)" in err
    assert re.search(rf"Deployed to dev in \d+s: {counts}$", err, re.M)


def test_an_engine_error_is_one_message_with_the_retry(stack, automation):
    automation.fail("up", "error: update failed\n", stdout="error: access denied to ecs\n")
    with pytest.raises(UserError) as caught:
        _run(stack)
    assert caught.value.message.startswith("deploy to dev failed:")
    assert "error: access denied to ecs" in caught.value.message
    assert caught.value.hint == "Fix it, then deploy again."


def test_one_ctrl_c_lets_the_engine_stop_gracefully_and_never_cancels(stack, automation, capsys):
    automation.interrupt.add("up")
    with pytest.raises(UserError) as caught:
        _run(stack)
    assert caught.value.code == 130
    assert "Pulumi stopped the update of dev after the operations in flight" in (
        caught.value.message
    )
    assert "last recorded result is 'failed'" in caught.value.message
    assert "jobs deploy --env dev --refresh" in (caught.value.hint or "")
    assert ("cancel", {}) not in stack.calls  # cancel is dangerous: never on the first Ctrl-C
    err = capsys.readouterr().err
    assert "Press Ctrl-C again to stop at once" in err
    # The operation in flight finished and was reported before the engine stopped.
    assert "report (scheduled-jobs:index:ScheduledJob) created" in err


def test_a_second_ctrl_c_cancels_and_says_what_that_costs(stack, automation, capsys):
    automation.interrupt.add("up")
    automation.ctrl_c = 2
    with pytest.raises(UserError) as caught:
        _run(stack)
    assert ("cancel", {}) in stack.calls
    assert "interrupted twice" in caught.value.message
    assert "without being recorded" in caught.value.message
    assert "Second Ctrl-C: cancelling the update now." in capsys.readouterr().err


def test_preview_returns_the_plan(stack):
    preview, plan = update.preview(stack, "dev", retry="again", diff=True)
    assert [change.name for change in plan.planned][:1] == ["report"]
    assert preview.change_summary == {"create": 4}
    assert next(kwargs for name, kwargs in stack.calls if name == "preview")["diff"] is True
