"""A stack's outputs: read as plain values, and shown per job after a deploy."""

from __future__ import annotations

from typing import Any


def stack_outputs(stack: Any) -> dict[str, Any]:
    """The stack's outputs as plain values (OutputValue.value)."""
    from scheduled_jobs.cli.stacks import seam

    with seam.pulumi_errors(None):
        raw = stack.outputs()
    return plain(raw)


def plain(raw: dict[str, Any] | None) -> dict[str, Any]:
    """`{name: OutputValue}` -> `{name: value}`."""
    return {key: getattr(value, "value", value) for key, value in (raw or {}).items()}


def job_outputs(outputs: dict[str, Any], job: str) -> dict[str, Any]:
    """The outputs that belong to one job: an output named after it (a map), or outputs whose
    names start with it."""
    own = outputs.get(job)
    if isinstance(own, dict):
        return own
    jobs = outputs.get("jobs")
    if isinstance(jobs, dict) and isinstance(jobs.get(job), dict):
        return jobs[job]
    prefixed = {}
    for key, value in outputs.items():
        for sep in ("-", "_", "."):
            if key.startswith(job + sep):
                prefixed[key[len(job) + 1 :]] = value
    return prefixed


def output_lines(outputs: dict[str, Any], jobs: list[str]) -> list[str]:
    """`job:` then `  key: value` for each job's outputs."""
    import json

    lines: list[str] = []
    for job in jobs:
        values = job_outputs(outputs, job)
        lines.append(f"{job}:")
        if not values:
            lines.append("  (no outputs)")
        for key, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            lines.append(f"  {key}: {text}")
    return lines
