"""Taking a job over from Copilot, step by step (see plan.STEPS):

1. retain: update the Copilot job stack with its own template plus `DeletionPolicy: Retain`
   and `UpdateReplacePolicy: Retain` on what is adopted or kept, every parameter at its
   previous value. CloudFormation changes no resource for a policy-only change; AWS's "move
   resources between stacks" procedure starts with the same update (CloudFormation User
   Guide, "Moving resources between stacks" and the DeletionPolicy attribute).
2. remove-stack: delete the job stack (with the stack's own role, as Copilot does): the retained
   resources stay, the rest goes, so nothing named like ours is left to collide.
3. write-imports: `<project>:imports.<job>` in Pulumi.<env>.yaml, the physical IDs by role.
4. deploy: `up` of that job through the Automation API seam; the component imports the kept
   resources (Pulumi's `import` resource option) instead of creating them.
5. verify: our rule is there, enabled (or disabled) as Copilot's was, aimed at our state
   machine, and the log group still holds its streams.

Before step 1, what the stack was (resources, parameters, rule, template) is saved in
`.scheduled-jobs/migrate/<stack>.json`: a second run plans from it once the stack is gone, and
it is what going back needs. Every step checks AWS first and is skipped when already done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scheduled_jobs.cli.migrate import template as templates
from scheduled_jobs.cli.migrate.discover import Clients, Environment, JobStack, read_job, rule_state
from scheduled_jobs.cli.migrate.files import write_atomically
from scheduled_jobs.cli.migrate.plan import STABLE, Expected, JobPlan, retained_ids
from scheduled_jobs.cli.ops.session import aws_errors, error_code
from scheduled_jobs.cli.output import UserError, info, info_text
from scheduled_jobs.cli.project import Project
from scheduled_jobs.components.convert import naming

RECORD_DIR = ".scheduled-jobs/migrate"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# Bounded waits: CloudFormation polled every 5 s, for at most 30 minutes.
WAIT = {"Delay": 5, "MaxAttempts": 360}


class StepFailed(UserError):
    pass


def record_path(project: Project, stack: str) -> Path:
    return project.root / RECORD_DIR / f"{stack}.json"


def read_record(project: Project, stack: str) -> dict[str, Any] | None:
    path = record_path(project, stack)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise UserError(
            f"{path} is not valid JSON", hint="Restore it from version control."
        ) from None
    return data if isinstance(data, dict) else None


def save_record(project: Project, stack: JobStack, template_text: str, **extra: Any) -> dict:
    previous = read_record(project, stack.name) or {}
    data = {
        **previous,
        "stack": stack.name,
        "status": stack.status,
        "resources": [asdict(r) for r in stack.resources],
        "parameters": stack.parameters,
        "tags": stack.tags,
        "roleArn": stack.role_arn,
        "rule": asdict(stack.rule) if stack.rule else None,
        "logGroup": asdict(stack.log_group) if stack.log_group else None,
        "template": template_text,
        "savedAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **extra,
    }
    write_atomically(record_path(project, stack.name), json.dumps(data, indent=2) + "\n")
    return data


def mark_record(project: Project, stack: str, **values: Any) -> None:
    data = read_record(project, stack) or {"stack": stack}
    data.update(values)
    write_atomically(record_path(project, stack), json.dumps(data, indent=2) + "\n")


# --- imports in the stack file ---------------------------------------------------------------


def imports_key(project: Project) -> str:
    return f"{project.name}:imports"


def written_imports(project: Project, env: str, job: str) -> dict[str, str]:
    value = project.stack_config(env).get(imports_key(project)) or {}
    own = value.get(job) if isinstance(value, dict) else None
    return dict(own) if isinstance(own, dict) else {}


def write_imports(project: Project, env: str, job: str, imports: dict[str, str]) -> None:
    """Set `<project>:imports.<job>` in Pulumi.<env>.yaml (atomically), other keys kept."""
    import yaml

    path = project.stack_file(env)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = data if isinstance(data, dict) else {}
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    current = config.get(imports_key(project))
    current = dict(current) if isinstance(current, dict) else {}
    current[job] = dict(imports)
    config[imports_key(project)] = current
    data["config"] = config
    write_atomically(path, yaml.safe_dump(data, sort_keys=False, default_flow_style=False))


# --- the steps --------------------------------------------------------------------------------


@dataclass
class Context:
    project: Project
    clients: Clients
    env: Environment
    expected: Expected
    deploy: Callable[[str, str], None]  # (env, job): the Pulumi step


def _template_text(cfn: Any, stack: str) -> str:
    body = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    return body if isinstance(body, str) else json.dumps(body)


def _wait(cfn: Any, waiter: str, stack: str) -> None:
    import botocore.exceptions

    try:
        cfn.get_waiter(waiter).wait(StackName=stack, WaiterConfig=WAIT)
    except botocore.exceptions.WaiterError as exc:
        reason = exc.last_response.get("Error", {}).get("Message") if exc.last_response else ""
        stacks = (exc.last_response or {}).get("Stacks") or [{}]
        status = stacks[0].get("StackStatus", "unknown")
        detail = stacks[0].get("StackStatusReason") or reason or str(exc)
        raise StepFailed(f"stack {stack} ended {status}: {detail}") from None


def retain(ctx: Context, stack: JobStack, ids: list[str]) -> None:
    cfn = ctx.clients("cloudformation", ctx.env.region)
    with aws_errors():
        document = templates.load(_template_text(cfn, stack.name))
        body = templates.dump(templates.with_retain(document, ids))
        if len(body.encode("utf-8")) > templates.MAX_BODY_BYTES:
            raise StepFailed(
                f"the template of {stack.name} with the Retain policies is "
                f"{len(body.encode())} bytes, over CloudFormation's {templates.MAX_BODY_BYTES} "
                "for a template body; nothing was changed",
                hint=f"Add `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` to "
                f"{', '.join(ids)} yourself (`aws cloudformation update-stack --template-url` "
                "with the template in S3, every parameter UsePreviousValue), then run this "
                "command again: it sees the policies and continues.",
            )
        arguments: dict[str, Any] = {
            "StackName": stack.name,
            "TemplateBody": body,
            "Parameters": [
                {"ParameterKey": key, "UsePreviousValue": True} for key in stack.parameters
            ],
            "Capabilities": CAPABILITIES,
        }
        if stack.role_arn:
            arguments["RoleARN"] = stack.role_arn
        try:
            cfn.update_stack(**arguments)
        except Exception as exc:
            if error_code(exc) == "ValidationError" and "No updates" in str(exc):
                return  # the policies are already there
            raise
        _wait(cfn, "stack_update_complete", stack.name)


def remove_stack(ctx: Context, stack: JobStack) -> None:
    cfn = ctx.clients("cloudformation", ctx.env.region)
    with aws_errors():
        arguments: dict[str, Any] = {"StackName": stack.name}
        if stack.role_arn:
            arguments["RoleARN"] = stack.role_arn
        cfn.delete_stack(**arguments)
        _wait(cfn, "stack_delete_complete", stack.name)


def verify(ctx: Context, job: str, record: dict[str, Any]) -> list[str]:
    """What is wrong with the migrated job; [] when it is as it should be."""
    from scheduled_jobs.cli.migrate.discover import state_machine_arn

    app, env = record.get("app") or ctx.expected.tags.get(naming.TAG_APP), ctx.env.name
    region = ctx.env.region
    wrong: list[str] = []
    with aws_errors():
        rule = rule_state(ctx.clients("events", region), naming.rule_name(app, env, job))
        want_state = "ENABLED" if ctx.expected.schedule else "DISABLED"
        if rule is None:
            wrong.append(f"rule {naming.rule_name(app, env, job)} does not exist")
        else:
            if rule.state != want_state:
                wrong.append(f"rule {rule.name} is {rule.state}, expected {want_state}")
            if ctx.expected.schedule and rule.schedule != ctx.expected.schedule:
                wrong.append(
                    f"rule {rule.name} runs on {rule.schedule}, expected {ctx.expected.schedule}"
                )
            machine = state_machine_arn(ctx.env, app, job)
            if machine not in rule.targets:
                wrong.append(f"rule {rule.name} does not start {machine}")
        group = (record.get("logGroup") or {}).get("name")
        if group:
            from scheduled_jobs.cli.migrate.discover import _log_group

            now = _log_group(ctx.clients("logs", region), group)
            before = int((record.get("logGroup") or {}).get("streams") or 0)
            if not now.exists:
                wrong.append(f"log group {group} does not exist")
            elif now.streams < before:
                wrong.append(f"log group {group} has {now.streams} streams, before {before}")
    return wrong


def state_lines(ctx: Context, stack_name: str, job: str, record: dict[str, Any]) -> list[str]:
    """Where each resource stands now, read from AWS, for a failure message."""
    lines: list[str] = []
    try:
        now = read_job(ctx.clients, ctx.env, record.get("app", ""), job)
    except UserError as exc:
        return [f"(could not read the current state: {exc.message})"]
    lines.append(
        f"stack {stack_name}: {now.status or 'deleted'}"
        + (f", Retain on {', '.join(sorted(now.retained))}" if now.retained else "")
    )
    for resource in now.resources:
        lines.append(f"  {resource.logical_id} ({resource.type}): {resource.status}")
    if now.log_group is not None:
        group = now.log_group
        lines.append(
            f"log group {group.name}: "
            + (f"exists, {group.streams} stream(s)" if group.exists else "does not exist")
        )
    ours = naming.rule_name(record.get("app", ""), ctx.env.name, job)
    try:
        with aws_errors():
            exists = rule_state(ctx.clients("events", ctx.env.region), ours) is not None
        lines.append(f"rule {ours}: " + ("exists" if exists else "not created"))
    except UserError as exc:
        lines.append(f"rule {ours}: unknown ({exc.message})")
    return lines


def apply_job(ctx: Context, plan: JobPlan, stack: JobStack) -> None:
    """Run the plan's steps that are not done yet; a StepFailed says where it stopped."""
    project, env, job = ctx.project, plan.env, plan.job
    record = read_record(project, stack.name)
    # Saved while the stack is whole; a half-deleted stack lists fewer resources than it had.
    if stack.status in STABLE or (stack.status is not None and record is None):
        with aws_errors():
            text = _template_text(ctx.clients("cloudformation", ctx.env.region), stack.name)
        record = save_record(project, stack, text, app=plan.app, env=env, job=job)
    record = record or {"app": plan.app}
    done = {step.step: step.done for step in plan.steps}
    number = {name: i for i, name in enumerate(done, 1)}
    resume = f"scheduled-jobs migrate copilot --env {env} {job} --apply"

    def fail(step: str, message: str, hint: str = "") -> StepFailed:
        state = "\n  ".join(state_lines(ctx, stack.name, job, record))
        return StepFailed(
            f"{job} in {env}: step {number[step]} ({step}) failed: {message}\n"
            f"Where things stand:\n  {state}",
            hint=(hint + " " if hint else "")
            + f"Fix the cause, then run `{resume}` again: it continues with step "
            f"{number[step]}. Going back: {plan.rollback}",
        )

    def run(step: str, action: Callable[[], None]) -> None:
        if done[step]:
            info(f"  {number[step]}. {step}: already done")
            return
        info(f"  {number[step]}. {step} ...")
        try:
            action()
        except StepFailed as exc:
            raise fail(step, exc.message, exc.hint or "") from None
        except UserError as exc:
            raise fail(step, exc.message) from None

    info(f"Migrating {job} in {env} (stack {stack.name}):")
    run("retain", lambda: retain(ctx, stack, retained_ids(plan.actions)))
    run("remove-stack", lambda: remove_stack(ctx, stack))
    run("write-imports", lambda: write_imports(project, env, job, plan.imports))
    if not done["verify"]:
        run("deploy", lambda: ctx.deploy(env, job))

        def check() -> None:
            wrong = verify(ctx, job, record)
            if wrong:
                raise StepFailed("; ".join(wrong))
            mark_record(project, stack.name, verified=True)

        run("verify", check)
    info(f"  {job} in {env} now runs from the new stack.")


def seam_deploy(project: Project, backend_flag: str | None) -> Callable[[str, str], None]:
    """The Pulumi step: `up` of one job through the Automation API seam, as `jobs deploy` runs
    it (the job's component and the environment's shared resources as targets)."""

    def deploy(env: str, job: str) -> None:
        from scheduled_jobs.cli.stacks import preflight
        from scheduled_jobs.cli.stacks import seam as stacks
        from scheduled_jobs.cli.stacks.progress import Recorder

        session = preflight.open_session(
            project, env, backend_flag=backend_flag, create=True, builds=True
        )
        from scheduled_jobs.cli.stacks import targets as target_urns

        planned = target_urns.planned_resources(project, env, [job])
        state = stacks.state_resources(session.stack, env)
        targets = target_urns.job_targets(env, project.name, [job], planned, state)
        progress = Recorder(emit=info_text)  # engine lines: not markup
        try:
            with stacks.pulumi_errors(env, action=f"deploy to {env}", recorder=progress):
                session.stack.up(
                    target=targets,
                    on_event=progress,
                    color="never",
                )
        except KeyboardInterrupt:
            raise stacks.interrupted(
                session.stack, env, "deploy", resume=f"scheduled-jobs deploy --env {env} --refresh"
            ) from None

    return deploy
