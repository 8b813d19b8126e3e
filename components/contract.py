"""What the library and the CLI must agree on, in one place: type tokens, tag keys, names of
files and variables, defaults, and the shapes of the log stream and task ARN names.

Pure and stdlib-only, so that the operating commands import it without Pulumi. Copies of these
values elsewhere are bugs; tests/test_contract.py looks for them.
"""

from __future__ import annotations

# Pulumi type tokens of the two components.
JOB_TOKEN = "scheduled-jobs:index:ScheduledJob"
ENVIRONMENT_TOKEN = "scheduled-jobs:index:Environment"
# A built image (pulumi-docker-build): the CLI reads it in a plan to know whether an update
# builds, and so needs Docker.
IMAGE_TOKEN = "docker-build:index:Image"
# The Pulumi package's component (components/resources/package.py): the provider host names
# it `<package>:index:<class>`.
PACKAGE_NAME = "scheduled-jobs"
PACKAGE_JOB_TOKEN = f"{PACKAGE_NAME}:index:Job"

# The project name `Pulumi.yaml` is created with, and the config namespace it implies.
DEFAULT_PROJECT = "scheduled-jobs"
DEFAULT_APP = "demo"
DEFAULT_REGION = "us-east-1"

# Where jobs live in a project: manifests/<job>/manifest.yml (Copilot's file name).
MANIFESTS_DIR = "manifests"
MANIFEST_FILE = "manifest.yml"
# The manifest's JSON Schema beside the jobs (manifests/manifest.schema.json), for editors.
SCHEMA_FILE = "manifest.schema.json"

# Set to choose the tag of built images (default: the git commit, see components/tools).
IMAGE_TAG_VARIABLE = "SCHEDULED_JOBS_IMAGE_TAG"

# Copilot's tag keys, kept so that jobs (and secrets tagged for Copilot) are found as before.
TAG_APP = "copilot-application"
TAG_ENV = "copilot-environment"
TAG_JOB = "copilot-service"

# Copilot writes container logs with this awslogs stream prefix: streams are
# `copilot/<container>/<task id>`; Step Functions execution logs start with `states/`.
LOG_STREAM_PREFIX = "copilot"
STATES_STREAM_PREFIX = "states/"

# Key in a state machine execution's input that carries a manual run's overrides:
# {"overrides": {"command": ["sh", "-c", "..."], "environment": [{"name": "K", "value": "V"}]}}.
# Both inner keys are optional. Scheduled runs get the EventBridge event, which has no such key.
OVERRIDES_KEY = "overrides"
# `"force": true` in the execution input skips the concurrency check (`jobs run --force`).
FORCE_KEY = "force"


def log_stream(container: str, task_id: str) -> str:
    """The stream a container of a task writes to: `copilot/<container>/<task id>`."""
    return f"{LOG_STREAM_PREFIX}/{container}/{task_id}"


def parse_log_stream(stream: str) -> tuple[str, str] | None:
    """`copilot/report/0a1b...` -> ("report", "0a1b..."); None for any other stream."""
    parts = stream.split("/")
    if len(parts) == 3 and parts[0] == LOG_STREAM_PREFIX and parts[1] and parts[2]:
        return parts[1], parts[2]
    return None


def parse_task_arn(task_arn: str) -> tuple[str | None, str]:
    """A task ARN -> (cluster name, task id). New-format ARNs end in `task/<cluster>/<id>`;
    old-format ones (`task/<id>`) carry no cluster, so it is None."""
    parts = task_arn.split(":", 5)[-1].split("/")
    if len(parts) == 3:
        return parts[1], parts[2]
    return None, parts[-1]
