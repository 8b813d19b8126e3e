"""A throwaway project on disk for CLI tests: Pulumi.yaml plus manifests."""

from __future__ import annotations

import textwrap
from pathlib import Path

VALID = """\
name: {name}
type: Scheduled Job
image:
  location: public.ecr.aws/docker/library/busybox:stable
on:
  schedule: "@daily"
"""


def make_project(root: Path, jobs: dict[str, str] | None = None, app: str = "shop") -> Path:
    (root / "Pulumi.yaml").write_text(
        f"name: scheduled-jobs\nruntime: python\nconfig:\n  app:\n    default: {app}\n"
    )
    for name, text in (jobs if jobs is not None else {"report": VALID}).items():
        path = root / "manifests" / name / "manifest.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).format(name=name))
    return root
