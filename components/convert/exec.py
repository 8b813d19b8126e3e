"""`exec`: ECS Exec into a job's running task. Copilot parses `exec` for jobs and drops it
(stack/scheduled_job.go passes no ExecuteCommand); here it works, since its users asked for it
(aws/copilot-cli#4756): the state machine starts the task with EnableExecuteCommand, and the
task role gets the Session Manager channel permissions of Copilot's services
(templates/workloads/partials/cf/taskrole.yml, ExecuteCommand). Pure.
"""

from __future__ import annotations

from scheduled_jobs.components.manifest.model import Job

SSM_MESSAGES = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]


def exec_enabled(job: Job) -> bool:
    return bool(job.exec and job.exec.enable)


def exec_statements(job: Job) -> list[dict]:
    if not exec_enabled(job):
        return []
    # Session Manager's message channels have no resource type to scope them to: "*" is the
    # only value IAM accepts (Service Authorization Reference, Amazon Session Manager Message
    # Gateway Service). Copilot's session logging statement is not needed: no exec logging.
    return [{"Sid": "ExecuteCommand", "Effect": "Allow", "Action": SSM_MESSAGES, "Resource": "*"}]
