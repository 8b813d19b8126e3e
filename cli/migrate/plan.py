"""The migration plan of one Copilot job in one environment: pure, from what was discovered.

For every resource of the Copilot job stack `<app>-<env>-<job>`, what happens to it:
- `adopt`: kept (CloudFormation Retain policy) and imported into the new stack, so nothing is
  lost: the log group, with every past run's logs;
- `keep`: kept by CloudFormation and left where it is, managed by neither tool (the addons
  nested stack, which holds the job's data; Copilot's env-controller custom resource, whose
  delete handler would otherwise update the environment stack);
- `replace`: deleted with the stack and created again by the new stack (the state machine
  keeps its name `{app}-{env}-{job}`, the rule becomes `{app}-{env}-{job}`, the task
  definition family stays, roles get new names);
- `remove`: deleted with the stack and not needed any more (the env-controller Lambda).
Then the steps, in order, each marked done or not from what AWS and the project say now, so a
second run continues where the first stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from scheduled_jobs.cli.migrate.discover import JobStack, LogGroup, Resource
from scheduled_jobs.components.convert import naming
from scheduled_jobs.components.convert.addons import stack_name as addons_stack_name

ADOPT, KEEP, REPLACE, REMOVE = "adopt", "keep", "replace", "remove"
# Role of an adopted resource in the ScheduledJob component: its child is `<job>-<role>`.
ADOPTED_ROLES = {"AWS::Logs::LogGroup": "log-group"}
# Kept in place: data, or handlers whose deletion would change what we do not own.
KEPT_TYPES = {
    "AWS::CloudFormation::Stack": "Copilot's addons stack stays as its own CloudFormation "
    "stack with its resources and data, managed by neither tool; the deploy creates {addons} "
    "anew from manifests/{job}/addons/ and its outputs reach the job as Copilot's did",
    "Custom::EnvControllerFunction": "retained so that its delete handler does not update the "
    "environment stack (NAT/EFS workload lists stay as they are)",
    "AWS::SNS::Topic": "kept for its subscribers; not managed by the new stack",
    "AWS::SNS::TopicPolicy": "kept with its topic",
    "AWS::EFS::AccessPoint": "kept with the file system's data",
}
REPLACED = {
    "AWS::StepFunctions::StateMachine": "created again with the same name {state_machine}",
    "AWS::Events::Rule": "created again as {rule}, with the same schedule",
    "AWS::ECS::TaskDefinition": "a new revision of the family {family}; Copilot's revision is "
    "deregistered",
    "AWS::IAM::Role": "a new role from the new stack",
    "AWS::IAM::Policy": "a new policy from the new stack",
    "AWS::IAM::ManagedPolicy": "a new policy from the new stack",
}
REMOVED = {
    "AWS::Lambda::Function": "Copilot's env-controller function; not needed",
    "AWS::Lambda::Permission": "not needed",
}
# Copilot's own Lambda and its role are removed; any other role is replaced by ours.
REMOVED_LOGICAL_IDS = {"EnvControllerFunction", "EnvControllerRole"}
STABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
STEPS = ("retain", "remove-stack", "write-imports", "deploy", "verify")


@dataclass(frozen=True)
class Expected:
    """What our stack will create for the job, from its manifest and the stack settings."""

    schedule: str | None  # EventBridge expression; None = disabled
    retention: int  # logging.retention (default 30)
    tags: dict[str, str]  # tags of every job resource
    project: str  # the config namespace (Pulumi.yaml's name)


@dataclass(frozen=True)
class Action:
    logical_id: str
    type: str
    physical_id: str
    action: str
    detail: str


@dataclass(frozen=True)
class Step:
    step: str
    description: str
    done: bool


@dataclass(frozen=True)
class JobPlan:
    app: str
    env: str
    job: str
    stack: str
    stack_status: str | None
    actions: list[Action]
    steps: list[Step]
    imports: dict[str, str]  # role -> physical id, for `<project>:imports`
    problems: list[str] = field(default_factory=list)  # block --apply
    warnings: list[str] = field(default_factory=list)
    no_schedule: str = ""
    rollback: str = ""

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "job": self.job,
            "stack": self.stack,
            "stackStatus": self.stack_status,
            "resources": [
                {
                    "logicalId": a.logical_id,
                    "type": a.type,
                    "physicalId": a.physical_id,
                    "action": a.action,
                    "detail": a.detail,
                }
                for a in self.actions
            ],
            "imports": dict(self.imports),
            "steps": [asdict(s) for s in self.steps],
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "noSchedule": self.no_schedule,
            "rollback": self.rollback,
        }


def classify(resource: Resource, app: str, env: str, job: str) -> Action:
    names = {
        "state_machine": naming.state_machine_name(app, env, job),
        "rule": naming.rule_name(app, env, job),
        "family": naming.task_family(app, env, job),
        "addons": addons_stack_name(app, env, job),
        "job": job,
    }
    kind, logical = resource.type, resource.logical_id
    if kind in ADOPTED_ROLES:
        action, detail = (
            ADOPT,
            (
                f"kept and imported into the new stack as {job}-{ADOPTED_ROLES[kind]}; "
                "its streams (past runs) stay"
            ),
        )
    elif kind in KEPT_TYPES or kind.startswith("Custom::"):
        action = KEEP
        detail = KEPT_TYPES.get(kind, "a custom resource: retained so its handler never runs")
        detail = detail.format(**names)
    elif logical in REMOVED_LOGICAL_IDS or kind in REMOVED:
        action, detail = REMOVE, REMOVED.get(kind, "Copilot's env-controller role; not needed")
    elif kind in REPLACED:
        action, detail = REPLACE, REPLACED[kind].format(**names)
    else:
        action, detail = KEEP, "a resource this migration does not know: kept, not managed"
    return Action(logical, kind, resource.physical_id, action, detail)


def retained_ids(actions: list[Action]) -> list[str]:
    """Logical IDs that get the Retain policy: everything adopted or kept."""
    return [a.logical_id for a in actions if a.action in (ADOPT, KEEP)]


def _log_group_problems(group: LogGroup | None, expected: Expected) -> list[str]:
    """The log group must match our inputs exactly, or the import fails (Pulumi imports only
    when the program's inputs equal the resource's state)."""
    if group is None or not group.exists:
        return []
    problems: list[str] = []
    if group.retention != expected.retention:
        problems.append(
            f"log group {group.name} keeps logs {group.retention or 'forever'} days, the "
            f"manifest says {expected.retention} (logging.retention): set logging.retention "
            f"to {group.retention} in the manifest, or change the group's retention first"
        )
    if group.kms_key_id:
        problems.append(
            f"log group {group.name} is encrypted with {group.kms_key_id}; the new stack "
            "creates log groups without a KMS key, so it cannot be imported as is"
        )
    if group.tags != expected.tags:
        missing = {k: v for k, v in expected.tags.items() if group.tags.get(k) != v}
        extra = {k: v for k, v in group.tags.items() if k not in expected.tags}
        fix = ""
        if missing:
            pairs = ",".join(f"{k}={v}" for k, v in sorted(missing.items()))
            fix = f" (`aws logs tag-log-group --log-group-name {group.name} --tags {pairs}`)"
        problems.append(
            f"log group {group.name} has tags {group.tags}, the new stack sets "
            f"{expected.tags} (differs in {sorted({*missing, *extra})}): set "
            f"{expected.project}:tags in the stack file so they match, or retag the "
            f"group{fix}"
        )
    return problems


def next_run(schedule: str | None, now: datetime) -> datetime | None:
    """The next time a cron schedule fires after `now` (None for rate() and none)."""
    if not schedule or not schedule.startswith("cron("):
        return None
    from scheduled_jobs.components.manifest.cron import CronFieldError, parse_aws_cron

    try:
        return next(parse_aws_cron(schedule[5:-1]).runs(now), None)
    except CronFieldError:
        return None


def plan_job(
    stack: JobStack,
    expected: Expected,
    *,
    record: Mapping[str, Any] | None = None,
    written: Mapping[str, str] | None = None,
    verified: bool = False,
    now: datetime | None = None,
) -> JobPlan:
    """The plan for one job. `record` is what apply saved before it changed anything (the
    stack's resources, its rule): a second run plans from it once the stack is gone.
    `written` is the job's `<project>:imports` in the stack file now; `verified` says the last
    step passed."""
    app, env, job = stack.app, stack.env, stack.job
    resources = list(stack.resources)
    if not resources and record:
        resources = [Resource(**r) for r in record.get("resources", [])]
    actions = [classify(r, app, env, job) for r in resources]
    imports = {
        ADOPTED_ROLES[a.type]: a.physical_id for a in actions if a.action == ADOPT and a.physical_id
    }
    rule = stack.rule
    if rule is None and record and record.get("rule"):
        rule_data = dict(record["rule"])
        rule_data["targets"] = tuple(rule_data.get("targets", ()))
        from scheduled_jobs.cli.migrate.discover import Rule

        rule = Rule(**rule_data)

    problems: list[str] = []
    warnings: list[str] = []
    gone = stack.status is None
    if gone and not record:
        problems.append(
            f"no Copilot stack {stack.name}: the job is not deployed in {env} (nothing to "
            f"take over); deploy it with `scheduled-jobs deploy --env {env} {job}`"
        )
    if stack.status is not None and stack.status not in STABLE:
        if stack.status == "DELETE_FAILED":
            warnings.append(f"stack {stack.name} failed to delete before; it is deleted again")
        else:
            problems.append(
                f"stack {stack.name} is {stack.status}; wait until CloudFormation finishes"
            )
    if stack.running:
        problems.append(
            f"{stack.running} run(s) of {job} in {env} are in progress: Step Functions keeps a "
            "deleted state machine's name until its runs end, so the new one could not be "
            "created; wait for them to finish (`scheduled-jobs show` lists them)"
        )
    for kind, name in stack.collisions.items():
        problems.append(
            f"{name} ({kind}) already exists outside the Copilot stack; the new stack would "
            "collide with it: delete it or move it away first"
        )
    if stack.status is not None or imports:
        problems += _log_group_problems(stack.log_group, expected)
    if rule is not None:
        before = rule.schedule if rule.state == "ENABLED" else None
        if before != expected.schedule:
            warnings.append(
                f"the schedule changes: Copilot runs it on {before or 'no schedule'}, the "
                f"manifest says {expected.schedule or 'none'}"
            )
    if stack.log_group is not None and not stack.log_group.exists and not gone:
        warnings.append(f"log group {stack.log_group.name} does not exist: nothing to adopt")
    parameters = stack.parameters or (record or {}).get("parameters", {})
    if parameters.get("AddonsTemplateURL"):
        warnings.append(
            f"the job has addons: the deploy creates {addons_stack_name(app, env, job)} from "
            f"manifests/{job}/addons/ (copied from Copilot), and its outputs (variables, "
            "secrets, policies, security groups) reach the job as Copilot's did, but they name "
            "the NEW stack's resources: Copilot's addons stack is kept with its data and not "
            "adopted, data is not moved, and a resource with a fixed name (TableName, "
            "BucketName, ...) collides with the kept one. Before the deploy, point the "
            "template at the kept resources (outputs with their names or ARNs) or plan the "
            "data move"
        )

    to_retain = retained_ids(actions)
    retain_done = gone or set(to_retain) <= set(stack.retained)
    steps = [
        Step(
            "retain",
            f"update stack {stack.name}: DeletionPolicy and UpdateReplacePolicy Retain on "
            f"{', '.join(to_retain) or 'nothing'} (no resource changes)",
            retain_done,
        ),
        Step(
            "remove-stack",
            f"delete stack {stack.name} (the job has no schedule from here)",
            gone,
        ),
        Step(
            "write-imports",
            f"set {expected.project}:imports.{job} in Pulumi.{env}.yaml: "
            + (", ".join(f"{k}={v}" for k, v in imports.items()) or "nothing to import"),
            not imports or dict(written or {}) == imports,
        ),
        Step(
            "deploy",
            f"deploy {job} to {env} with the kept resources imported "
            f"(`scheduled-jobs deploy --env {env} {job}`)",
            verified,
        ),
        Step(
            "verify",
            f"check rule {naming.rule_name(app, env, job)} is "
            + (f"ENABLED on {expected.schedule}" if expected.schedule else "DISABLED")
            + (f" and {stack.log_group.name} still has its streams" if stack.log_group else ""),
            verified,
        ),
    ]
    when = next_run(rule.schedule if rule else None, now) if now else None
    no_schedule = (
        "from the stack's deletion until the deploy has created the new rule (usually a few "
        "minutes): a run due then is skipped"
        + (f"; the next run is due {when:%Y-%m-%d %H:%M} UTC" if when else "")
    )
    rollback = (
        "Before `remove-stack` nothing that matters has changed (a Retain policy only acts "
        "when the stack is deleted): stop there and keep using Copilot. After it, go forward: "
        "run the same command again and it continues where it stopped. Returning to Copilot "
        "after it means taking the job out of the new stack while keeping its log group "
        f"(`pulumi state delete` the log group's URN, then `scheduled-jobs delete --env {env} "
        f"{job}`) and recreating the Copilot stack around the kept log group (a CloudFormation "
        f"IMPORT change set from the template saved in .scheduled-jobs/migrate/{stack.name}"
        f".json, then `copilot job deploy --name {job} --env {env}`); see docs/migrating.md."
    )
    return JobPlan(
        app=app,
        env=env,
        job=job,
        stack=stack.name,
        stack_status=stack.status,
        actions=actions,
        steps=steps,
        imports=imports,
        problems=problems,
        warnings=warnings,
        no_schedule=no_schedule,
        rollback=rollback,
    )


def text_lines(plan: JobPlan) -> list[str]:
    """The plan for a person, one fact per line."""
    lines = [
        f"{plan.job} in {plan.env}: Copilot stack {plan.stack} ({plan.stack_status or 'gone'})"
    ]
    width = max((len(a.logical_id) for a in plan.actions), default=0)
    for a in plan.actions:
        lines.append(f"  {a.action:<8} {a.logical_id:<{width}}  {a.type}  {a.physical_id}")
        lines.append(f"  {'':<8} {'':<{width}}  -> {a.detail}")
    lines.append("  steps:")
    for number, step in enumerate(plan.steps, 1):
        mark = "done" if step.done else "todo"
        lines.append(f"    {number}. [{mark}] {step.step}: {step.description}")
    lines.append(f"  without a schedule: {plan.no_schedule}")
    for warning in plan.warnings:
        lines.append(f"  warning: {warning}")
    for problem in plan.problems:
        lines.append(f"  problem: {problem}")
    lines.append(f"  going back: {plan.rollback}")
    return lines
