"""`jobs run`: start a deployed job now, through its state machine (so retries and the
timeout apply), optionally with another command or extra environment variables; optionally
wait for it and follow its logs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from scheduled_jobs.cli.options import AppOption, EnvOption, GiveUpOption, job_argument

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.ops.finder import Job
    from scheduled_jobs.cli.ops.session import Aws


def run(
    name: Annotated[str, job_argument()],
    env: EnvOption,
    app: AppOption = None,
    command: Annotated[
        str | None,
        typer.Option(
            metavar="CMD",
            help="Run this command instead of the job's, split like a shell would "
            "(use 'sh -c \"...\"' for shell features). It travels in the execution input, "
            "kept in the execution history and the job's log group: no secrets (use the "
            "manifest's secrets). Refused for a job with run_overrides: false.",
            show_default=False,
        ),
    ] = None,
    env_var: Annotated[
        list[str] | None,
        typer.Option(
            "--env-var",
            metavar="NAME=VALUE",
            help="Set an environment variable for this run: NAME=VALUE; repeat for more. "
            "It travels in the execution input, kept in the execution history and the job's "
            "log group: no secrets (use the manifest's secrets). Refused for a job with "
            "run_overrides: false.",
            show_default=False,
        ),
    ] = None,
    cpu: Annotated[
        int | None,
        typer.Option(
            metavar="UNITS",
            help="Task CPU for this run (with --memory), e.g. 1024.",
            show_default=False,
        ),
    ] = None,
    memory: Annotated[
        int | None,
        typer.Option(
            metavar="MIB",
            help="Task memory for this run (with --cpu), e.g. 2048.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Start even if the job's concurrency policy would skip "
            "this run or stop a running one.",
        ),
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for the end; exit with the job's exit code.")
    ] = False,
    follow: Annotated[
        bool,
        typer.Option("--follow", "-f", help="Wait, and print the run's logs as they arrive."),
    ] = False,
    give_up_after: GiveUpOption = None,
) -> None:
    """Start a job now. Returns at once unless --wait or --follow.

    --command and --env-var travel in the execution input: Step Functions keeps it in the
    execution history (readable with states:DescribeExecution / GetExecutionHistory) and, with
    the state machine's logging level ALL and execution data included, in the job's log group.
    Never pass secrets this way: put them in the manifest's `secrets` (SSM or Secrets
    Manager). Whoever may call states:StartExecution on a job's state machine can run any
    command with the job's task role, unless its manifest sets `run_overrides: false` (then the
    state machine ignores --command and --env-var, and this command refuses them).
    """
    import json

    from scheduled_jobs.cli.ops import console as consolelinks
    from scheduled_jobs.cli.ops.executions import (
        accepts_command,
        accepts_overrides,
        accepts_size,
        execution_input,
        new_execution_name,
        parse_command,
        parse_env_vars,
        parse_size,
    )
    from scheduled_jobs.cli.ops.finder import find_job
    from scheduled_jobs.cli.ops.outage import duration_option
    from scheduled_jobs.cli.ops.session import aws_errors, connect
    from scheduled_jobs.cli.output import UserError, program, result
    from scheduled_jobs.components.contract import OVERRIDES_KEY

    # Bad flags are reported before any AWS call.
    if give_up_after is not None and not (wait or follow):
        raise UserError("--give-up-after is only for --wait or --follow")
    patience_seconds = duration_option(give_up_after)
    words = parse_command(command) if command is not None else None
    environment = parse_env_vars(env_var or [])
    size = parse_size(cpu, memory)
    payload = execution_input(words, environment, size=size, force=force)

    aws = connect(env, app)
    job = find_job(aws, name, need_state_machine=True)
    sfn = aws.client("stepfunctions")
    with aws_errors():
        if payload.get(OVERRIDES_KEY):
            definition = sfn.describe_state_machine(stateMachineArn=job.state_machine_arn)[
                "definition"
            ]
            if not accepts_overrides(definition):
                raise UserError(
                    f'job "{name}" cannot take --command, --env-var, --cpu or --memory: its '
                    "state machine does not read overrides (it was deployed by Copilot or an "
                    "older version)",
                    hint=f"Deploy it with `{program()} deploy --env {env}`, or run it without "
                    "overrides.",
                )
            if (words or environment) and not accepts_command(definition):
                raise UserError(
                    f'job "{name}" does not take --command or --env-var: its manifest sets '
                    "run_overrides: false, so a run may not change what the job runs",
                    hint="Run it without them (--cpu/--memory still apply), or set "
                    "run_overrides: true in its manifest and deploy it again.",
                )
            if size is not None and not accepts_size(definition):
                raise UserError(
                    f'job "{name}" cannot take --cpu/--memory: its state machine predates them',
                    hint=f"Deploy it with `{program()} deploy --env {env}`, or run it without "
                    "them.",
                )
        execution_name = new_execution_name()
        started = sfn.start_execution(
            stateMachineArn=job.state_machine_arn,
            name=execution_name,
            input=json.dumps(payload),
        )
    execution_arn = started["executionArn"]
    link = consolelinks.execution(aws.region, execution_arn)
    result(f'Started job "{name}" (app {aws.target.app}, env {env}): execution {execution_name}')
    result(f"  {link}")
    if wait or follow:
        _wait(
            aws,
            job,
            execution_arn,
            execution_name,
            link,
            follow=follow,
            give_up_after=patience_seconds,
        )


def _wait(
    aws: Aws,
    job: Job,
    execution_arn: str,
    execution_name: str,
    link: str,
    *,
    follow: bool,
    give_up_after: float | None,
) -> None:
    import time

    from scheduled_jobs.cli.ops.executions import (
        EXIT_INTERRUPTED,
        duration_seconds,
        exit_code,
        exit_code_from_ecs,
        history,
        task_outcome,
        wait,
    )
    from scheduled_jobs.cli.ops.outage import Patience, poll_interval
    from scheduled_jobs.cli.ops.session import aws_errors
    from scheduled_jobs.cli.ops.times import format_duration
    from scheduled_jobs.cli.output import UserError, info, warn

    sfn = aws.client("stepfunctions")
    follower = _LogFollower(aws, job, execution_arn) if follow else None
    final: dict | None = None
    interval = poll_interval(0.5)
    patience = Patience("AWS", interval=interval, give_up_after=give_up_after)
    still_running = f"Execution {execution_name} may still be running: {link}"
    try:
        info("Waiting for the run to end (Ctrl-C stops waiting; the job keeps running).")
        with aws_errors():
            final = wait(
                sfn,
                execution_arn,
                on_poll=follower.on_poll if follower else None,
                first_interval=interval,
                max_interval=max(interval, 1.0 if follow else 5.0),
                patience=patience,
                gave_up=still_running,
            )
            ended = f"Execution {execution_name} ended {final['status']}: {link}"
            if follower is not None:
                patience.call(follower.drain, what_happens=ended, sleep=time.sleep)
            events = patience.call(
                lambda: history(sfn, execution_arn), what_happens=ended, sleep=time.sleep
            )
            outcome = task_outcome(events, job.name)
    except KeyboardInterrupt:
        if final is None:
            warn(f"stopped waiting; execution {execution_name} is still running: {link}")
        else:  # interrupted while reading the last log lines
            warn(f"interrupted; execution {execution_name} ended {final['status']}: {link}")
        raise typer.Exit(EXIT_INTERRUPTED) from None

    status = final["status"]
    container_exit = outcome.exit_code
    if container_exit is None and outcome.task_arns and status != "SUCCEEDED":
        try:
            with aws_errors():
                container_exit = exit_code_from_ecs(
                    aws.client("ecs"), outcome.task_arns[-1], job.name
                )
        except UserError:  # any AWS error: the execution's status still tells the story
            container_exit = None
    code = exit_code(status, container_exit)
    summary = (
        f"Execution {execution_name} {status} after {format_duration(duration_seconds(final))}"
    )
    if container_exit is not None:
        summary += f"; container exit code {container_exit}"
    if outcome.reason and status != "SUCCEEDED":
        summary += f"; {outcome.reason}"
    (info if status == "SUCCEEDED" else warn)(summary)
    if outcome.task_arns and job.log_group:
        from scheduled_jobs.cli.ops import console as consolelinks
        from scheduled_jobs.components.contract import log_stream, parse_task_arn

        stream = log_stream(job.name, parse_task_arn(outcome.task_arns[-1])[1])
        info(f"  logs: {consolelinks.log_stream(aws.region, job.log_group, stream)}")
    raise typer.Exit(code)


class _LogFollower:
    """Prints the logs of the ECS tasks an execution started (each retry's too), as they
    arrive, while `jobs run --follow` waits."""

    def __init__(self, aws: Aws, job: Job, execution_arn: str):
        from scheduled_jobs.cli.ops.logreader import LogReader

        self.sfn = aws.client("stepfunctions")
        self.execution_arn = execution_arn
        self.container = job.name
        self.reader = LogReader(aws.client("logs"), job.log_group) if job.log_group else None
        self.task_ids: set[str] = set()
        self.tokens: dict[str, Any] = {}
        self.start: int | None = None
        if self.reader is None:
            from scheduled_jobs.cli.output import warn

            warn(f'job "{job.name}" has no log group; only its result will be shown')

    def _wants(self, stream: str) -> bool:
        from scheduled_jobs.cli.ops.logreader import task_id

        return task_id(stream) in self.task_ids

    def on_poll(self, described: dict) -> None:
        if self.reader is None:
            return
        if self.start is None:
            self.start = int(described["startDate"].timestamp() * 1000)
        self._refresh()

    def _refresh(self) -> None:
        from scheduled_jobs.cli.ops.executions import history, task_outcome
        from scheduled_jobs.components.contract import parse_task_arn

        arns = task_outcome(history(self.sfn, self.execution_arn), self.container).task_arns
        self.task_ids.update(parse_task_arn(arn)[1] for arn in arns)
        self._print_new()

    def drain(self) -> None:
        """One last read after the end: the last lines can land a moment after the task."""
        import time

        if self.reader is None or self.start is None:
            return
        time.sleep(1.0)
        self._refresh()

    def _print_new(self) -> None:
        from scheduled_jobs.cli.ops.logreader import render
        from scheduled_jobs.cli.output import colour_enabled, result

        if not self.task_ids:
            return
        events = self.reader.poll(self._wants, start=self.start, tokens=self.tokens)
        if events:
            result(render(events, as_json=False, colour=colour_enabled()))
