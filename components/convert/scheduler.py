"""The EventBridge Scheduler schedule that starts a job, as plain inputs.

Only jobs that need Scheduler get one: a time zone (`on.timezone` or `CRON_TZ=`), a flexible
window (`on.window`) or a one-time `at()`. Every other job keeps Copilot's EventBridge rule, so a
Copilot manifest deploys what it deployed under Copilot (docs/component.md says why).

Schedules carry no tags (the API has none); they live in the environment's schedule group,
which is tagged, and are named like the rule would be (`{app}-{env}-{job}`).
"""

from __future__ import annotations

import json
from typing import Any

from scheduled_jobs.components.manifest.model import Job

# Scheduler needs an expression even on a disabled schedule; it never fires.
DISABLED_EXPRESSION = "rate(5 minutes)"
# Starts that fail (throttling, a missing role) are retried for up to an hour, then dropped and
# counted in the group's InvocationDroppedCount metric: a job an hour late is usually one to skip.
MAX_EVENT_AGE_SECONDS = 3600
MAX_RETRY_ATTEMPTS = 185  # Scheduler's maximum (and default)
DEFAULT_GROUP = "default"
MAX_GROUP_NAME = 64
MAX_SCHEDULE_NAME = 64

# The execution input of a scheduled run: Scheduler fills in its context attributes, so the
# run tells which schedule started it and for what time (`jobs show` reads them).
SCHEDULED_INPUT = {
    "scheduled": {
        "schedule": "<aws.scheduler.schedule-arn>",
        "time": "<aws.scheduler.scheduled-time>",
    }
}


def group_name(app: str, env: str) -> str:
    from scheduled_jobs.components.convert.naming import fit

    return fit(f"{app}-{env}", MAX_GROUP_NAME)


def schedule_inputs(
    job: Job,
    *,
    name: str,
    group: Any,
    state_machine_arn: Any,
    role_arn: Any,
    description: str,
) -> dict[str, Any]:
    """Inputs of `aws.scheduler.Schedule` for `job` (its `on` block)."""
    expression = job.schedule_expression
    window = job.window_minutes
    inputs: dict[str, Any] = {
        "name": name,
        "groupName": group,
        "description": description,
        "scheduleExpression": expression or DISABLED_EXPRESSION,
        # UTC unless the manifest names a zone; Scheduler evaluates cron() and at() in it.
        "scheduleExpressionTimezone": job.schedule_timezone or "UTC",
        "flexibleTimeWindow": (
            {"mode": "FLEXIBLE", "maximumWindowInMinutes": window} if window else {"mode": "OFF"}
        ),
        # `schedule: none` keeps a disabled schedule, as it keeps a disabled rule.
        "state": "ENABLED" if expression else "DISABLED",
        "target": {
            "arn": state_machine_arn,
            "roleArn": role_arn,
            "input": json.dumps(SCHEDULED_INPUT),
            "retryPolicy": {
                "maximumEventAgeInSeconds": MAX_EVENT_AGE_SECONDS,
                "maximumRetryAttempts": MAX_RETRY_ATTEMPTS,
            },
        },
    }
    if (expression or "").startswith("at("):
        # Kept after its run (not deleted), so the stack and `jobs show` still see it.
        inputs["actionAfterCompletion"] = "NONE"
    return inputs
