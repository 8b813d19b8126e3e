"""`jobs env ls`: the environments, with their region and last update."""

from __future__ import annotations

from typing import Annotated, Any

from scheduled_jobs.cli.options import BackendOption, json_option
from scheduled_jobs.cli.output import info, program, result


def ls(
    as_json: Annotated[bool, json_option("Print JSON.")] = False,
    backend: BackendOption = None,
) -> None:
    """List environments with their region and last update."""
    import json

    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import backend as backends
    from scheduled_jobs.cli.stacks import seam as stacks

    project = find_project()
    command = stacks.pulumi_command()
    chosen = backends.resolve(project, None, backend, needs_secrets=False)
    if chosen.note:
        info(chosen.note)
    summaries = {
        s.name.rsplit("/", 1)[-1]: s
        for s in stacks.list_stacks(project, env_vars=chosen.env_vars, command=command)
    }
    files = {p.name[len("Pulumi.") : -len(".yaml")] for p in project.root.glob("Pulumi.*.yaml")}
    rows = [_row(project, name, summaries.get(name)) for name in sorted(set(summaries) | files)]

    if as_json:
        result(json.dumps({"environments": rows}, indent=2))
        return
    if not rows:
        info(f"No environments yet. Create one with `{program()} env init dev`.")
        return
    table = [("NAME", "REGION", "LAST UPDATE", "RESOURCES")]
    for row in rows:
        if not row["stack"]:
            last = "no stack yet"
        elif row["updateInProgress"]:
            last = "update in progress"
        else:
            last = row["lastUpdate"] or "never deployed"
        count = "" if row["resourceCount"] is None else str(row["resourceCount"])
        table.append((row["name"], row["region"] or "-", last, count))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in table:
        result("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def _row(project: Any, name: str, summary: Any | None) -> dict[str, Any]:
    last = getattr(summary, "last_update", None) if summary is not None else None
    return {
        "name": name,
        "region": project.region(name),
        "stack": summary is not None,
        "lastUpdate": last.isoformat() if last else None,
        "resourceCount": getattr(summary, "resource_count", None) if summary else None,
        "updateInProgress": bool(getattr(summary, "update_in_progress", False))
        if summary
        else False,
    }
