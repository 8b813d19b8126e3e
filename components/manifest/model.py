"""The Copilot scheduled-job manifest as pydantic models.

Attribute names equal the YAML keys. Where Copilot accepts two forms of a value (a string or a
map, a bool or a map), a before-validator turns the short form into the canonical one, so the
rest of the code sees one shape; the JSON Schema still shows both forms (json_schema_input_type).
Rules that involve one field live here; rules across fields live in rules.py.

Every field has a description and, where JSON Schema can say it, its rule's bounds
(`json_schema_extra`, see schema_extras.py): editors show and check them. Validation does not
read them; pydantic uses them only when it builds the JSON Schema.
"""

from __future__ import annotations

import re
import shlex
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from scheduled_jobs.components.manifest.durations import NS_PER_SECOND, parse_go_duration
from scheduled_jobs.components.manifest.schema_extras import (
    DURATION,
    INTERPOLATION,
    any_case,
    any_case_pattern,
    matching,
    optional,
    replaced,
    string_form,
)
from scheduled_jobs.components.manifest.source import as_bool, source_text

JOB_TYPE = "Scheduled Job"
DEFAULT_CPU = 256
DEFAULT_MEMORY = 512
DEFAULT_LOG_RETENTION = 30
MAX_RETRIES = 10  # each retry runs the whole task again; more than this is a loop, not a retry
MAX_TIMEOUT_SECONDS = 365 * 24 * 3600  # a Standard Step Functions execution lasts at most a year

NAME_RULE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
MAX_NAME_LENGTH = 255

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# Discriminator tags, stripped from error paths (they are not YAML keys).
TAGS = frozenset({"plain", "map"})


class Model(BaseModel):
    # Schemas are built on first use: a command validates `Job` only, and building every
    # model at import would cost a render about as much as all its conversions.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


# ---------------------------------------------------------------------------- value helpers


def _scalar_to_str(value: Any) -> Any:
    """YAML scalars where Copilot expects a string: Go's YAML hands a string field the text as
    written (`3.10` stays "3.10", `0755` "0755"; see source.py)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = source_text(value)
    if text is not None:
        return text
    if isinstance(value, (int, float)):
        return getattr(value, "yaml_text", None) or str(value)
    return value


def _map_or_plain(value: Any) -> str:  # a PlainBool is plain text that bool fields accept
    return "map" if isinstance(value, (dict, BaseModel)) else "plain"


def either(plain: Any, mapping: type[BaseModel]) -> Any:
    """A value that is either a plain scalar or a map model, validated against one form only."""
    return Annotated[
        Annotated[plain, Tag("plain")] | Annotated[mapping, Tag("map")],
        Discriminator(_map_or_plain),
    ]


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("cannot be empty")
    return value


# The JSON Schema admits what Copilot admits: an unquoted number or boolean is a string's text.
_SCALAR = str | int | float | bool
NonEmptyStr = Annotated[
    str, BeforeValidator(_scalar_to_str, json_schema_input_type=_SCALAR), AfterValidator(_non_empty)
]
Text = Annotated[str, BeforeValidator(_scalar_to_str, json_schema_input_type=_SCALAR)]


def _duration(value: str) -> str:
    parse_go_duration(value)  # raises ValueError with the accepted format
    return value


Duration = Annotated[str, BeforeValidator(_scalar_to_str), AfterValidator(_duration)]


def _split_command(value: Any) -> Any:
    """`command: echo "a b"` -> ["echo", "a b"] (shell rules), a list stays a list of strings."""
    if value is None:
        return None
    if not isinstance(value, (list, dict)):
        value = _scalar_to_str(value)  # `command: 3.10` is the one word "3.10", as in Go
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot split into words with shell rules: {exc}") from None
    if isinstance(value, list):
        return [_scalar_to_str(v) for v in value]
    raise ValueError("must be a string or a list of strings")


CommandLine = Annotated[
    list[str] | None,
    BeforeValidator(_split_command, json_schema_input_type=_SCALAR | list[_SCALAR] | None),
]


# ---------------------------------------------------------------- values AWS checks later
#
# Values that AWS would refuse at deploy time (or, worse, accept with a wider meaning) are
# refused here, where the message can name the line.

# Left in place when a manifest is checked without an environment (see interpolate.py): they
# stand for a name, so they are checked as one.
_RESERVED_REFERENCES = re.compile(r"\$\{COPILOT_(?:APPLICATION|ENVIRONMENT)_NAME\}")


def _show(value: str) -> str:
    """A value for a message, cut when long."""
    return repr(value) if len(value) <= 80 else repr(value[:80]) + "..."


def _as_deployed(value: str) -> str:
    return _RESERVED_REFERENCES.sub("name", value)


VARIABLE_NAME_FORBIDDEN = re.compile(r"[=\s\x00]")


def _variable_name(value: str) -> str:
    """An environment variable name as the container's environment can hold it."""
    if not value:
        raise ValueError("an environment variable name cannot be empty")
    if VARIABLE_NAME_FORBIDDEN.search(value):
        raise ValueError(
            f"{_show(value)} is not a usable environment variable name: it may not contain '=', "
            "spaces or NUL"
        )
    return value


VariableName = Annotated[str, AfterValidator(_variable_name)]

# Partitions and the region names that belong to them (aws: every other region).
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")
_REGION_PREFIX = {
    "aws-cn": "cn-",
    "aws-us-gov": "us-gov-",
    "aws-iso": "us-iso-",
    "aws-iso-b": "us-isob-",
    "aws-iso-e": "eu-isoe-",
    "aws-iso-f": "us-isof-",
}
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
ACCOUNT = re.compile(r"^\d{12}$")
# SSM: "a-zA-Z0-9_.-" and "/" for hierarchies; Secrets Manager: "/_+=.@-" besides letters
# and digits (both from the services' naming rules). Neither allows * or ?, which in an IAM
# resource would match other parameters or secrets.
SSM_NAME = re.compile(r"^[a-zA-Z0-9_./-]{1,2048}$")
SECRET_NAME = re.compile(r"^[a-zA-Z0-9/_+=.@-]{1,512}$")
WILDCARDS = ("*", "?")


def _no_wildcards(value: str, what: str) -> None:
    if any(w in value for w in WILDCARDS):
        raise ValueError(
            f"{_show(value)}: '*' and '?' are not allowed in {what}; they would let the job read "
            "every parameter or secret the pattern matches"
        )


def _arn_region(partition: str, region: str) -> str | None:
    """Why the partition/region pair is wrong, or None."""
    if partition not in PARTITIONS:
        return f"{partition!r} is not an AWS partition ({', '.join(PARTITIONS)})"
    if not REGION.match(region):
        return f"{region!r} is not a region name"
    prefix = _REGION_PREFIX.get(partition)
    belongs = (
        region.startswith(prefix)
        if prefix
        else not any(region.startswith(p) for p in _REGION_PREFIX.values())
    )
    if not belongs:
        return f"region {region!r} is not in partition {partition!r}"
    return None


def _secret_arn(value: str) -> str:
    parts = value.split(":")
    if len(parts) < 6:
        raise ValueError(f"{_show(value)} is not an ARN (arn:partition:service:region:account:...)")
    _, partition, service, region, account = parts[:5]
    if service not in ("ssm", "secretsmanager"):
        raise ValueError(
            f"{_show(value)} is an ARN of {service or 'no service'!r}, not of ssm or "
            "secretsmanager; a secret must be an SSM parameter "
            "(arn:...:ssm:...:parameter/...) or a Secrets Manager secret "
            "(arn:...:secretsmanager:...:secret:...)"
        )
    wrong = _arn_region(partition, region)
    if wrong is None and not ACCOUNT.match(account):
        wrong = f"{account!r} is not a 12-digit account ID"
    if service == "ssm":
        resource = ":".join(parts[5:])
        name = resource.removeprefix("parameter/")
        if wrong is None and (not resource.startswith("parameter/") or not SSM_NAME.match(name)):
            wrong = "an SSM parameter ARN ends in parameter/<name>, with a-z, A-Z, 0-9, _.-/"
    else:
        name = parts[6] if len(parts) > 6 and parts[5] == "secret" else ""
        if wrong is None and not SECRET_NAME.match(name):
            wrong = "a Secrets Manager ARN ends in secret:<name>, with a-z, A-Z, 0-9, /_+=.@-"
    if wrong:
        raise ValueError(f"{_show(value)}: {wrong}")
    return value


def _secret_plain(value: str) -> str:
    """A plain `secrets:` value: an SSM parameter name, or an SSM / Secrets Manager ARN."""
    _check_secret_plain(_as_deployed(value))
    return value


def _check_secret_plain(value: str) -> None:
    _no_wildcards(value, "parameter or secret names")
    if value.startswith("arn:"):
        _secret_arn(value)
    elif not SSM_NAME.match(value):
        raise ValueError(
            f"{_show(value)} is not an SSM parameter name (a-z, A-Z, 0-9, _ . - and / for "
            "hierarchies) or an ARN"
        )


def _secretsmanager_name(value: str) -> str:
    """A `secretsmanager:` value: a secret name (or ARN), optionally followed by ECS's
    `:json-key:version-stage:version-id` selector."""
    deployed = _as_deployed(value)
    _no_wildcards(deployed, "secret names")
    if deployed.startswith("arn:"):
        _secret_arn(deployed)
        return value
    name = deployed.split(":", 1)[0]
    if not SECRET_NAME.match(name) or deployed.count(":") not in (0, 3):
        raise ValueError(
            f"{_show(value)} is not a Secrets Manager secret name (a-z, A-Z, 0-9 and /_+=.@-), "
            "optionally followed by :json-key:version-stage:version-id"
        )
    return value


def _registry_credentials(value: str) -> str:
    """`image.credentials` / `credentialsParameter`: the Secrets Manager secret holding the
    registry login, by ARN or (same region) by name, as ECS's repositoryCredentials takes it."""
    deployed = _as_deployed(value)
    _no_wildcards(deployed, "secret names")
    if deployed.startswith("arn:"):
        parts = deployed.split(":")
        # The service and resource type only: the account and region are not checked here yet
        # (tests/components/convert use a one-digit account in their credentials fixtures).
        if parts[2:3] != ["secretsmanager"] or parts[5:6] != ["secret"] or len(parts) < 7:
            raise ValueError(
                f"{_show(value)} must be a Secrets Manager secret (arn:...:secretsmanager:"
                "...:secret:...) holding the registry's username and password"
            )
    elif not SECRET_NAME.match(deployed):
        raise ValueError(
            f"{_show(value)} is not a Secrets Manager secret name or ARN (a-z, A-Z, 0-9 and "
            "/_+=.@-)"
        )
    return value


RegistryCredentials = Annotated[
    str,
    BeforeValidator(_scalar_to_str),
    AfterValidator(_non_empty),
    AfterValidator(_registry_credentials),
]


# Docker's image reference grammar (distribution/reference): [registry[:port]/]path[:tag]
# [@digest]. ECS accepts up to 255 characters in `image` (ContainerDefinition, ECS API
# reference).
_ALNUM = r"[a-z0-9]+"
_COMPONENT = rf"{_ALNUM}(?:(?:[._]|__|-+){_ALNUM})*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
IMAGE_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::\d+)?)/)?"
    rf"(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)
ECR_DOMAIN = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)"
    r"\.amazonaws\.com(?:\.cn)?$"
)
MAX_IMAGE_LENGTH = 255


def _image_location(value: str) -> str:
    reference = _as_deployed(value)
    _no_wildcards_in_image(reference, value)
    if len(reference) > MAX_IMAGE_LENGTH:
        raise ValueError(f"is {len(reference)} characters; ECS accepts at most 255")
    match = IMAGE_REFERENCE.match(reference)
    if not match:
        raise ValueError(
            f"{_show(value)} is not an image reference: [registry/]repository[:tag] or "
            "[registry/]repository@sha256:<64 hex digits>, repository in lowercase"
        )
    digest = match["digest"]
    if digest and digest.startswith("sha256:") and len(digest) != len("sha256:") + 64:
        raise ValueError(f"{_show(value)}: a sha256 digest has exactly 64 hex digits")
    domain = match["domain"] or ""
    looks_like_ecr = ".dkr.ecr" in domain or domain.startswith("dkr.ecr")
    if looks_like_ecr and not ECR_DOMAIN.match(domain):
        raise ValueError(
            f"{_show(value)}: an ECR image is <account>.dkr.ecr.<region>.amazonaws.com/"
            "<repository>[:tag], with a 12-digit account and a region"
        )
    return value


def _no_wildcards_in_image(reference: str, value: str) -> None:
    if any(w in reference for w in WILDCARDS):
        raise ValueError(f"{_show(value)}: an image reference cannot hold '*' or '?'")


ImageLocation = Annotated[
    str,
    BeforeValidator(_scalar_to_str),
    AfterValidator(_non_empty),
    AfterValidator(_image_location),
]


class FromCfn(Model):
    """A value imported from a CloudFormation stack's export."""

    from_cfn: NonEmptyStr = Field(description="Name of a CloudFormation export to import.")


# Environment variable names: none of VARIABLE_NAME_FORBIDDEN's characters (_variable_name).
VARIABLE_NAMES = {
    "propertyNames": matching(
        f"^[^{VARIABLE_NAME_FORBIDDEN.pattern[1:-1]}]+$",
        "a variable name may not contain '=', spaces or NUL",
    )
}


def _variables(whose: str) -> Any:
    return Field(
        default_factory=dict,
        description=f"Environment variables of {whose}: NAME: value, or NAME: {{from_cfn: "
        "<export>}. Numbers and booleans are taken as written.",
        json_schema_extra=VARIABLE_NAMES,
    )


def _secrets(whose: str) -> Any:
    return Field(
        default_factory=dict,
        description=f"Secrets injected into {whose} as environment variables: NAME: an SSM "
        "parameter name or ARN, {secretsmanager: <name>} or {from_cfn: <export>}. The "
        "execution role may read exactly these.",
        json_schema_extra=VARIABLE_NAMES,
    )


def _env_file(whose: str) -> Any:
    return Field(
        None,
        description=f"A .env file (relative to the project) loaded into {whose}; it is "
        "uploaded to S3 on deploy.",
        examples=["config/job.env"],
    )


def _entrypoint(whose: str) -> Any:
    return Field(
        None,
        description=f"Overrides the image's ENTRYPOINT for {whose}: a string split with shell "
        "rules, or a list of words.",
    )


def _command(whose: str) -> Any:
    return Field(
        None,
        description=f"Overrides the image's CMD for {whose}: a string split with shell rules, "
        "or a list of words.",
        examples=[["python", "-m", "report"], "python -m report --all"],
    )


def _labels() -> Any:
    return Field(default_factory=dict, description="Docker labels on the container.")


def _depends_on() -> Any:
    return Field(
        default_factory=dict,
        description="Containers to wait for before this one starts: <container>: start, "
        "complete, success or healthy (an essential container: start or healthy only).",
    )


def _healthcheck() -> Any:
    return Field(None, description="The container's health check (ECS HealthCheck).")


VariableValue = either(Text, FromCfn)


class SecretRef(Model):
    """The map forms of a secret: a Secrets Manager secret name, or a CloudFormation export."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["secretsmanager"]}, {"required": ["from_cfn"]}]}
    )

    secretsmanager: Annotated[NonEmptyStr, AfterValidator(_secretsmanager_name)] | None = Field(
        None,
        description="A Secrets Manager secret by name or ARN, optionally followed by "
        ":json-key:version-stage:version-id to pick one value.",
        examples=["demo/db-password"],
    )
    from_cfn: NonEmptyStr | None = Field(
        None, description="Name of a CloudFormation export that holds the parameter or secret ARN."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        given = [k for k in ("secretsmanager", "from_cfn") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "must be an SSM parameter name or ARN, {secretsmanager: <name>} or "
                "{from_cfn: <export>}"
            )
        return self


SecretValue = either(Annotated[NonEmptyStr, AfterValidator(_secret_plain)], SecretRef)


# ------------------------------------------------------------------------------------ image


class BuildArgs(Model):
    """How to build the image (docker build --file DOCKERFILE --target ... CONTEXT)."""

    context: Text | None = Field(
        None,
        description="The build context folder, relative to the project (default: the "
        "Dockerfile's folder).",
    )
    dockerfile: Text | None = Field(
        None,
        description="Path of the Dockerfile, relative to the project (default: "
        "<context>/Dockerfile).",
        examples=["Dockerfile"],
    )
    args: dict[str, Text] = Field(
        default_factory=dict, description="Build arguments (--build-arg NAME=value)."
    )
    target: Text | None = Field(None, description="The stage of a multi-stage build to build.")
    cache_from: list[Text] = Field(
        default_factory=list, description="Images to use as cache sources (--cache-from)."
    )


def _build_from_str(value: Any) -> Any:
    # `build: path/to/Dockerfile` is the short form of `build: {dockerfile: path/to/Dockerfile}`.
    value = _scalar_to_str(value)
    return {"dockerfile": value} if isinstance(value, str) else value


DEPENDENCY_CONDITIONS = ("start", "complete", "success", "healthy")


def _condition(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in DEPENDENCY_CONDITIONS:
        return value.lower()
    raise ValueError(
        f"{value!r} is not a dependency condition; use one of start, complete, success or healthy"
    )


Condition = Annotated[
    str,
    BeforeValidator(_condition, json_schema_input_type=str),
    Field(json_schema_extra=replaced(any_case(DEPENDENCY_CONDITIONS))),
]


def _seconds_between(low: int, high: int):
    def check(value: str) -> str:
        ns = parse_go_duration(value)
        if ns % NS_PER_SECOND or not low * NS_PER_SECOND <= ns <= high * NS_PER_SECOND:
            raise ValueError(f"{value!r} must be whole seconds from {low}s to {high}s")
        return value

    return check


class HealthCheck(Model):
    """Container health check; ranges are ECS's (Copilot passes them on unchecked)."""

    command: Annotated[list[Text], Field(min_length=1)] = Field(
        description='The check to run, as ECS takes it: ["CMD-SHELL", "curl -f '
        'http://localhost/ || exit 1"] or ["CMD", "prog", "arg"].',
        examples=[["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]],
    )
    interval: Annotated[Duration, AfterValidator(_seconds_between(5, 300))] | None = Field(
        None,
        description="Time between checks, whole seconds from 5s to 300s (ECS default 30s).",
        json_schema_extra=DURATION,
    )
    retries: Annotated[int, Field(ge=1, le=10)] | None = Field(
        None,
        description="Failed checks in a row before the container is unhealthy, 1 to 10 (ECS "
        "default 3).",
    )
    timeout: Annotated[Duration, AfterValidator(_seconds_between(2, 120))] | None = Field(
        None,
        description="How long one check may take, whole seconds from 2s to 120s (ECS default 5s).",
        json_schema_extra=DURATION,
    )
    start_period: Annotated[Duration, AfterValidator(_seconds_between(0, 300))] | None = Field(
        None,
        description="Grace period after start during which failures do not count, whole "
        "seconds from 0s to 300s.",
        json_schema_extra=DURATION,
    )


# "build" and "location" exclude each other (the top level also needs one of them: schema.py).
_BUILD_OR_LOCATION = ConfigDict(json_schema_extra={"not": {"required": ["build", "location"]}})


def _build() -> Any:
    return Field(
        None,
        description="Build the image from a Dockerfile: its path, or a map (context, "
        "dockerfile, args, target, cache_from). Exclusive with location.",
        examples=["Dockerfile"],
    )


def _location(what: str) -> Any:
    return Field(
        None,
        description=f"{what}: [registry/]repository[:tag] or @sha256:<digest>, at most 255 "
        "characters. Exclusive with build.",
        examples=["public.ecr.aws/docker/library/python:3.12-slim"],
    )


class Image(Model):
    """The job's container image: build one (build) or use an existing one (location)."""

    model_config = _BUILD_OR_LOCATION

    build: Annotated[
        BuildArgs | None, BeforeValidator(_build_from_str, json_schema_input_type=str | BuildArgs)
    ] = _build()
    location: ImageLocation | None = _location("An existing image to run")
    credentials: RegistryCredentials | None = Field(
        None,
        description="A Secrets Manager secret (name or ARN) holding the username and password "
        "of a private registry.",
    )
    labels: dict[str, Text] = _labels()
    depends_on: dict[str, Condition] = _depends_on()
    healthcheck: HealthCheck | None = _healthcheck()

    @model_validator(mode="after")
    def _build_or_location(self) -> Image:
        if (self.build is None) == (self.location is None):
            raise ValueError(
                'needs exactly one of "build" (a Dockerfile to build) or "location" '
                "(an existing image URI)"
            )
        return self


# --------------------------------------------------------------------------------- platform

PLATFORM_STRINGS = (
    "linux/amd64",
    "linux/x86_64",
    "linux/arm",
    "linux/arm64",
    "windows/amd64",
    "windows/x86_64",
)
OS_FAMILIES = (
    "linux",
    "windows",
    "windows_server_2019_core",
    "windows_server_2019_full",
    "windows_server_2022_core",
    "windows_server_2022_full",
)
ARCHITECTURES = ("x86_64", "amd64", "arm", "arm64")


class PlatformArgs(Model):
    """The task's operating system and CPU architecture, as a map."""

    model_config = ConfigDict(
        json_schema_extra={  # _windows_is_x86
            "if": {"properties": {"osfamily": {"pattern": "^[wW][iI][nN][dD][oO][wW][sS]"}}},
            "then": {
                "properties": {
                    "architecture": {
                        "pattern": any_case_pattern(("x86_64", "amd64")),
                        "patternErrorMessage": "Windows containers run on x86_64 only",
                    }
                }
            },
        }
    )

    osfamily: Text = Field(
        description="The OS family: linux, windows (Windows Server 2019 Core), or "
        "windows_server_2019_core/_full, windows_server_2022_core/_full.",
        json_schema_extra=replaced(any_case(OS_FAMILIES)),
    )
    architecture: Text = Field(
        description="The CPU architecture: x86_64 (or amd64), arm64 (or arm, Linux only).",
        json_schema_extra=replaced(any_case(ARCHITECTURES)),
    )

    @field_validator("osfamily")
    @classmethod
    def _os(cls, value: str) -> str:
        if value.lower() not in OS_FAMILIES:
            raise ValueError(f"{value!r} is not an OS family; use one of {', '.join(OS_FAMILIES)}")
        return value.lower()

    @field_validator("architecture")
    @classmethod
    def _arch(cls, value: str) -> str:
        if value.lower() not in ARCHITECTURES:
            raise ValueError(
                f"{value!r} is not an architecture; use one of {', '.join(ARCHITECTURES)}"
            )
        return value.lower()

    @model_validator(mode="after")
    def _windows_is_x86(self) -> PlatformArgs:
        if self.is_windows and self.is_arm:
            raise ValueError("Windows containers run on x86_64 only")
        return self

    @property
    def is_windows(self) -> bool:
        return self.osfamily.startswith("windows")

    @property
    def is_arm(self) -> bool:
        return self.architecture in ("arm", "arm64")

    @property
    def ecs_os_family(self) -> str:
        """ECS RuntimePlatform.OperatingSystemFamily; bare `windows` means 2019 Core, as in
        Copilot."""
        if self.osfamily == "linux":
            return "LINUX"
        if self.osfamily == "windows":
            return "WINDOWS_SERVER_2019_CORE"
        return self.osfamily.upper()

    @property
    def ecs_cpu_architecture(self) -> str:
        return "ARM64" if self.is_arm else "X86_64"

    @property
    def docker_platform(self) -> str:
        """The `--platform` for docker build."""
        return f"{'windows' if self.is_windows else 'linux'}/{'arm64' if self.is_arm else 'amd64'}"


def _platform_from_str(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.count("/") != 1:
        raise ValueError(f"{value!r} must be in the form os/arch, e.g. linux/arm64")
    if value.lower() not in PLATFORM_STRINGS:
        raise ValueError(f"{value!r} is not a platform; use one of {', '.join(PLATFORM_STRINGS)}")
    os_name, arch = value.lower().split("/")
    return {"osfamily": os_name, "architecture": arch}


# ----------------------------------------------------------------------------- task config


def _exec_from_bool(value: Any) -> Any:
    value = as_bool(value)
    return {"enable": value} if isinstance(value, bool) else value


class ExecConfig(Model):
    enable: bool | None = Field(
        None,
        description="Allow `scheduled-jobs exec` into a running task (ECS Exec): the task role "
        "gets the SSM messages permissions.",
    )


def _count(value: Any) -> Any:
    if isinstance(value, dict):
        raise ValueError(
            "cannot have autoscaling options (range, spot, cpu_percentage, ...) "
            "for a Scheduled Job; each execution runs one task"
        )
    return value


def _count_is_one(value: int) -> int:
    if value != 1:
        raise ValueError(
            f"{value} is not supported: a scheduled job runs one task per "
            "execution (leave count out, or set it to 1)"
        )
    return value


class EFSAuth(Model):
    iam: bool | None = Field(
        None, description="Mount with the task role's IAM authorization (IAM: ENABLED)."
    )
    access_point_id: Text | None = Field(
        None, description="An EFS access point to mount through (then auth.iam must be true)."
    )


_EFS_OWN = ("id", "from_cfn", "root_dir", "auth")  # an existing file system (_rules)
_EFS_MANAGED = ("uid", "gid")


class EFSConfig(Model):
    """An EFS file system: an existing one (id or from_cfn, root_dir, auth), or the
    environment's managed one with the owner of the job's folder (uid and gid)."""

    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "anyOf": [
                    {"required": ["id", "from_cfn"]},
                    *({"required": [own, managed]} for own in _EFS_OWN for managed in _EFS_MANAGED),
                ]
            },
            "dependentRequired": {"uid": ["gid"], "gid": ["uid"]},
        }
    )

    id: NonEmptyStr | None = Field(None, description="The file system ID (fs-...).")
    from_cfn: NonEmptyStr | None = Field(
        None, description="A CloudFormation export holding the file system ID."
    )
    root_dir: Text | None = Field(
        None, description='The folder of the file system to mount (default "/").'
    )
    auth: EFSAuth | None = Field(None, description="How the task authorizes the mount.")
    uid: int | None = Field(
        None,
        description="Managed EFS: the POSIX user owning the job's folder (not 0); with gid.",
        json_schema_extra={"not": {"const": 0}},
    )
    gid: int | None = Field(
        None, description="Managed EFS: the POSIX group owning the job's folder; with uid."
    )

    @model_validator(mode="after")
    def _rules(self) -> EFSConfig:
        byo = any(v is not None for v in (self.id, self.from_cfn, self.root_dir, self.auth))
        managed = self.uid is not None or self.gid is not None
        if self.id is not None and self.from_cfn is not None:
            raise ValueError('must specify one, not both, of "id" and "from_cfn"')
        if byo and managed:
            raise ValueError(
                '"uid" and "gid" cannot be used with "id", "from_cfn", "root_dir" or "auth"'
            )
        if (self.uid is None) != (self.gid is None):
            raise ValueError('"uid" and "gid" must be given together')
        if self.uid == 0:
            raise ValueError('"uid" cannot be 0 (root)')
        if self.auth and self.auth.access_point_id:
            if self.root_dir not in (None, "", "/"):
                raise ValueError(
                    '"root_dir" must be empty or "/" when "auth.access_point_id" is set'
                )
            if self.auth.iam is False:
                raise ValueError('"auth.iam" must be true when "auth.access_point_id" is set')
        return self


VOLUME_PATH = re.compile(r"^[a-zA-Z0-9.\-_/]+$")


class Volume(Model):
    path: NonEmptyStr = Field(
        description="Where the volume is mounted in the container: fewer than 242 characters "
        "of a-z, A-Z, 0-9, ., -, _ and /.",
        json_schema_extra={  # on the string form; a number is a path's text too
            "pattern": f"{VOLUME_PATH.pattern}|{INTERPOLATION}",
            "patternErrorMessage": "may contain only a-z, A-Z, 0-9, ., -, _ and /",
            "maxLength": 241,
        },
        examples=["/data"],
    )
    read_only: bool | None = Field(None, description="Mount read-only (Copilot's default: true).")
    efs: either(bool, EFSConfig) | None = Field(
        None,
        description="true: the environment's managed EFS; false or unset: a scratch volume "
        "shared by the task's containers; a map: an existing EFS file system.",
    )

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not VOLUME_PATH.match(value) or len(value) >= 242:
            raise ValueError(
                f"{value!r} must be fewer than 242 characters of a-z, A-Z, 0-9, ., -, _ and /"
            )
        return value


class Storage(Model):
    ephemeral: Annotated[int, Field(ge=20, le=200)] | None = Field(
        None, description="Task ephemeral storage in GiB, 20 to 200 (Fargate's default is 20)."
    )
    readonly_fs: bool | None = Field(
        None, description="Make the job container's root file system read-only (not on Windows)."
    )
    volumes: dict[str, Volume] = Field(
        default_factory=dict,
        description="Volumes by name; sidecars mount them with mount_points. At most one "
        "managed EFS volume.",
    )


class FirelensLogging(Model):
    """The log group's retention; any other field adds a FireLens (Fluent Bit) log router."""

    retention: int = Field(
        DEFAULT_LOG_RETENTION,
        description="Days the log group keeps the job's logs: a CloudWatch Logs retention "
        "(1, 3, 5, 7, 14, 30, ... 3653).",
        json_schema_extra={"enum": list(LOG_RETENTION_DAYS)},
    )
    image: Text | None = Field(
        None,
        description="The log router's image (default "
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable).",
    )
    destination: dict[str, Text] = Field(
        default_factory=dict,
        description="The FireLens output plugin's options (Name: cloudwatch, region: ...).",
    )
    enableMetadata: bool | None = Field(  # noqa: N815 - Copilot's key
        None, description="Add ECS metadata to each log record (default true)."
    )
    secretOptions: dict[str, SecretValue] = Field(  # noqa: N815
        default_factory=dict,
        description="Output options read from SSM or Secrets Manager (option: parameter).",
    )
    configFilePath: Text | None = Field(  # noqa: N815
        None, description="A Fluent Bit configuration file inside the router's image."
    )
    variables: dict[VariableName, VariableValue] = _variables("the log router")
    secrets: dict[VariableName, SecretValue] = _secrets("the log router")
    env_file: Text | None = _env_file("the log router")

    @field_validator("retention")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"{value} is not a CloudWatch Logs retention; use one of "
                f"{', '.join(map(str, LOG_RETENTION_DAYS))} days"
            )
        return value


class MountPoint(Model):
    source_volume: NonEmptyStr = Field(description="A volume named in storage.volumes.")
    path: NonEmptyStr = Field(description="Where the sidecar sees it.", examples=["/data"])
    read_only: bool | None = Field(None, description="Mount read-only (default true).")


class SidecarImage(Model):
    """A sidecar's image as a map: build one, or use an existing one."""

    model_config = _BUILD_OR_LOCATION

    build: Annotated[
        BuildArgs | None, BeforeValidator(_build_from_str, json_schema_input_type=str | BuildArgs)
    ] = _build()
    location: ImageLocation | None = _location("An existing image")

    @model_validator(mode="after")
    def _build_or_location(self) -> SidecarImage:
        if (self.build is None) == (self.location is None):
            raise ValueError('needs exactly one of "build" or "location"')
        return self


def _sidecar_image_from_str(value: Any) -> Any:
    value = _scalar_to_str(value)
    return {"location": value} if isinstance(value, str) else value


PORT = re.compile(r"^(\d{1,5})(?:/(tcp|udp))?$")


def _port(value: Any) -> Any:
    value = _scalar_to_str(value)
    match = PORT.match(value) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(1)) <= 65535:
        raise ValueError(
            f"{value!r} is not a port; use a number from 1 to 65535, optionally with /tcp or /udp"
        )
    return value


class Sidecar(Model):
    """Another container in the job's task."""

    port: Annotated[str, BeforeValidator(_port, json_schema_input_type=str | int)] | None = Field(
        None,
        description="The port the sidecar listens on, 1 to 65535, optionally with /tcp or /udp "
        '("8080/udp"); unique across sidecars.',
        json_schema_extra=replaced(
            {
                "anyOf": [
                    matching(
                        PORT.pattern, "must be a port from 1 to 65535, optionally with /tcp or /udp"
                    ),
                    {"type": "integer", "minimum": 1, "maximum": 65535},
                ]
            },
            nullable=True,
        ),
    )
    image: Annotated[
        SidecarImage,
        BeforeValidator(_sidecar_image_from_str, json_schema_input_type=str | SidecarImage),
    ] = Field(
        description="The sidecar's image: an image reference, or a map (build or location).",
        examples=["public.ecr.aws/aws-observability/aws-otel-collector:latest"],
    )
    essential: bool | None = Field(
        None,
        description="Whether the task stops when this container exits (default true).",
    )
    credentialsParameter: RegistryCredentials | None = Field(  # noqa: N815 - Copilot's key
        None,
        description="A Secrets Manager secret (name or ARN) holding a private registry's "
        "username and password.",
    )
    variables: dict[VariableName, VariableValue] = _variables("the sidecar")
    env_file: Text | None = _env_file("the sidecar")
    secrets: dict[VariableName, SecretValue] = _secrets("the sidecar")
    mount_points: list[MountPoint] = Field(
        default_factory=list, description="Volumes from storage.volumes this sidecar mounts."
    )
    labels: dict[str, Text] = _labels()
    depends_on: dict[str, Condition] = _depends_on()
    healthcheck: HealthCheck | None = _healthcheck()
    entrypoint: CommandLine = _entrypoint("the sidecar")
    command: CommandLine = _command("the sidecar")

    @property
    def is_essential(self) -> bool:
        return self.essential is not False


def _zone(value: str) -> str:
    from scheduled_jobs.components.manifest.zones import check_zone

    return check_zone(value)


MIN_WINDOW_MINUTES, MAX_WINDOW_MINUTES = 1, 1440  # Scheduler's MaximumWindowInMinutes


def _window(value: str) -> str:
    ns = parse_go_duration(value)
    minute = 60 * NS_PER_SECOND
    if ns % minute or not MIN_WINDOW_MINUTES <= ns // minute <= MAX_WINDOW_MINUTES:
        raise ValueError(f"{value!r} must be whole minutes from 1m to 24h (e.g. 15m, 2h)")
    return value


class On(Model):
    """When the job runs."""

    schedule: NonEmptyStr = Field(
        description='When to run: a 5-field cron ("0 9 * * 1-5"), @hourly/@daily/@weekly/'
        '@monthly/@yearly, "@every 90m", rate(...)/cron(...) in AWS form, '
        'at(yyyy-mm-ddThh:mm:ss) for one run, or "none". A "CRON_TZ=<zone> " prefix sets the '
        "time zone.",
        examples=["@daily", "0 9 * * 1-5", "@every 30m", "rate(1 hour)", "none"],
    )
    # Additions (not Copilot keys): they move the job to EventBridge Scheduler.
    timezone: Annotated[Text, AfterValidator(_zone)] | None = Field(
        None,
        description="Addition: the IANA time zone the schedule runs in (e.g. Europe/London; "
        "daylight saving handled by AWS). Default UTC.",
        examples=["Europe/London", "America/New_York"],
    )
    window: Annotated[Duration, AfterValidator(_window)] | None = Field(
        None,
        description="Addition: a flexible time window, whole minutes from 1m to 24h: each run "
        "starts at some moment within this long after the scheduled time. Default off.",
        examples=["15m"],
        json_schema_extra=DURATION,
    )


class SubnetsFromTags(Model):
    from_tags: dict[str, Text | list[Text]] = Field(
        description="The subnets carrying these tags (tag: value or a list of values), found "
        "at deploy time."
    )


class PlacementMap(Model):
    subnets: either(Annotated[list[NonEmptyStr], Field(min_length=1)], SubnetsFromTags) = Field(
        description="Subnet IDs, or {from_tags: {...}}; the task gets no public IP."
    )


def _placement(value: Any) -> Any:
    if isinstance(value, str) and value not in ("public", "private"):
        if not value.strip():
            raise ValueError("cannot be empty; use public, private or {subnets: [...]}")
        raise ValueError(f"{value!r} must be one of public, private, or a map {{subnets: [...]}}")
    return value


SecurityGroupValue = either(NonEmptyStr, FromCfn)


class SecurityGroups(Model):
    groups: list[SecurityGroupValue] = Field(
        default_factory=list, description="Security group IDs or {from_cfn: <export>}."
    )
    deny_default: bool | None = Field(
        None,
        description="Leave out the environment's security group (then list at least one group).",
    )


def _security_groups_from_list(value: Any) -> Any:
    return {"groups": value} if isinstance(value, list) else value


class Vpc(Model):
    placement: Annotated[
        either(Literal["public", "private"], PlacementMap),
        BeforeValidator(_placement),
    ] = Field(
        "public",
        description="public (default: public subnets with a public IP), private (private "
        "subnets, through the NAT) or {subnets: [...]}.",
    )
    security_groups: Annotated[
        SecurityGroups,
        BeforeValidator(
            _security_groups_from_list,
            json_schema_input_type=list[SecurityGroupValue] | SecurityGroups,
        ),
    ] = Field(
        default_factory=SecurityGroups,
        description="Security groups added to the environment's: a list, or {groups, "
        "deny_default}.",
    )


class Network(Model):
    vpc: Vpc = Field(default_factory=Vpc, description="Where the task runs in the VPC.")
    # Service Connect: parsed by Copilot, meaningless for a job; refused when set
    # (unsupported.py), so editors neither offer it nor accept more than `false`.
    connect: Any = Field(
        None,
        description="Not supported: Service Connect does not apply to jobs.",
        json_schema_extra=replaced(
            {
                "enum": [False, None],
                "deprecated": True,
                "doNotSuggest": True,
                "errorMessage": "not supported: Service Connect does not apply to jobs",
            }
        ),
    )


class FifoConfig(Model):
    content_based_deduplication: bool | None = Field(
        None, description="Deduplicate messages by a hash of their body."
    )


TOPIC_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")


class Topic(Model):
    name: NonEmptyStr = Field(
        description="The topic's name: letters, digits, _ and -.",
        json_schema_extra=matching(TOPIC_NAME.pattern, "may contain only letters, digits, _ and -"),
    )
    fifo: either(bool, FifoConfig) | None = Field(
        None, description="A FIFO topic (.fifo is appended to its name): true or a map."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not TOPIC_NAME.match(value):
            raise ValueError(f"{value!r} may contain only letters, digits, _ and -")
        return value


class Publish(Model):
    topics: list[Topic] = Field(
        default_factory=list,
        description="SNS topics the job may publish to; their ARNs are in COPILOT_SNS_TOPIC_ARNS.",
    )


class TaskdefOverride(Model):
    path: NonEmptyStr = Field(
        description="A path in the task definition's properties, as Copilot's: "
        "ContainerDefinitions[0].Ulimits[-] (- appends). Family and container names cannot be "
        "overridden.",
        examples=["ContainerDefinitions[0].Ulimits[-]"],
    )
    value: Any = Field(None, description="The value to set there.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        from scheduled_jobs.components.manifest.taskdef_paths import check_path

        check_path(value)  # Copilot's grammar and refusals, and a property the task has
        return value


# ------------------------------------------------------------------------------ additions

ALERT_EVENTS = ("failed", "timed_out", "aborted")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _topic_arn(value: str) -> str:
    if not SNS_TOPIC_ARN.match(value):
        raise ValueError(
            f"{value!r} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)"
        )
    return value


class Alerts(Model):
    """Addition: where a job's failed runs are reported (the environment's topic, always)."""

    email: list[Annotated[Text, AfterValidator(_email)]] = Field(
        default_factory=list,
        description="Email addresses subscribed to this job's failures (each confirms once).",
        json_schema_extra={"items": matching(EMAIL.pattern, "is not an email address")},
    )
    topic: Annotated[Text, AfterValidator(_topic_arn)] | None = Field(
        None,
        description="An existing SNS topic ARN that also receives them.",
        json_schema_extra=replaced(
            matching(SNS_TOPIC_ARN.pattern, "is not an SNS topic ARN (arn:aws:sns:...)"),
            nullable=True,
        ),
    )
    on: Annotated[list[Literal["failed", "timed_out", "aborted"]], Field(min_length=1)] = Field(
        default_factory=lambda: list(ALERT_EVENTS),
        description="Which ends of a run alert: failed, timed_out, aborted (default: all).",
    )


def _alerts_none(value: Any) -> Any:
    if isinstance(value, str):
        if value.strip().lower() == "none":
            return "none"
        raise ValueError(f"{value!r} must be none or a map (email, topic, on)")
    return value


# ------------------------------------------------------------------------------- the job


def _retries(value: int) -> int:
    if value < 0:
        raise ValueError("cannot be negative")
    if value > MAX_RETRIES:
        raise ValueError(
            f"{value} is more than {MAX_RETRIES}; each retry runs the whole task again"
        )
    return value


def _timeout(value: str) -> str:
    ns = parse_go_duration(value)
    if ns < NS_PER_SECOND:
        raise ValueError(f"{value!r} must be at least 1s")
    if ns % NS_PER_SECOND:
        raise ValueError(f"{value!r} must be a whole number of seconds (e.g. 90s, 15m, 1h30m)")
    if ns > MAX_TIMEOUT_SECONDS * NS_PER_SECOND:
        raise ValueError(f"{value!r} is longer than a Step Functions execution may run (1 year)")
    return value


class JobConfig(Model):
    """Everything a job sets that an `environments.<env>` block may override."""

    image: Image = Field(
        description="The job's container image: build (a Dockerfile) or location (an "
        "existing image)."
    )
    entrypoint: CommandLine = _entrypoint("the job")
    command: CommandLine = _command("the job")
    cpu: Annotated[int, Field(gt=0)] = Field(
        DEFAULT_CPU,
        description="CPU units for the task (1024 = 1 vCPU): a Fargate size, which fixes the "
        "memory allowed. Windows: at least 1024.",
    )
    memory: Annotated[int, Field(gt=0)] = Field(
        DEFAULT_MEMORY,
        description="Memory for the task in MiB, as Fargate pairs it with cpu:",
    )
    platform: Annotated[
        PlatformArgs | None,
        BeforeValidator(_platform_from_str, json_schema_input_type=str | PlatformArgs | None),
    ] = Field(
        None,
        description="The task's OS and architecture: linux/x86_64 (default), linux/arm64, "
        "windows/x86_64 (and amd64, arm spellings), or {osfamily, architecture}.",
        json_schema_extra=string_form(any_case(PLATFORM_STRINGS)),
    )
    count: Annotated[
        int, BeforeValidator(_count, json_schema_input_type=int), AfterValidator(_count_is_one)
    ] = Field(
        1,
        description="Tasks per run: always 1 for a scheduled job (Copilot's key; leave it out).",
        json_schema_extra={"const": 1},
    )
    exec: Annotated[
        ExecConfig | None,
        BeforeValidator(_exec_from_bool, json_schema_input_type=bool | ExecConfig | None),
    ] = Field(
        None,
        description="true (or {enable: true}) allows `scheduled-jobs exec` into a running "
        "task (ECS Exec).",
    )
    variables: dict[VariableName, VariableValue] = _variables("the job's container")
    env_file: Text | None = _env_file("the job's container")
    secrets: dict[VariableName, SecretValue] = _secrets("the job's container")
    storage: Storage = Field(
        default_factory=Storage,
        description="Ephemeral storage size, a read-only root file system and volumes.",
    )
    logging: FirelensLogging = Field(
        default_factory=FirelensLogging,
        description="Log retention, and optionally a FireLens log router to send the logs "
        "elsewhere.",
    )
    sidecars: dict[str, Sidecar] = Field(
        default_factory=dict,
        description="More containers in the task, by name (at most 10 containers in all).",
    )
    on: On = Field(description="When the job runs: on.schedule (required), and the additions.")
    retries: Annotated[int, AfterValidator(_retries)] | None = Field(
        None,
        description=f"How many times a failed run is started again, 0 to {MAX_RETRIES} "
        "(default 0). Each retry runs the whole task again, 10 seconds after the failure, "
        "then 1.5 times longer each time.",
        json_schema_extra={"minimum": 0, "maximum": MAX_RETRIES},
        examples=[2],
    )
    timeout: Annotated[Duration, AfterValidator(_timeout)] | None = Field(
        None,
        description="The longest a run may take, retries included: a duration in whole "
        "seconds, 1s to 8760h (1 year), e.g. 90s, 15m, 1h30m. Default: no limit.",
        json_schema_extra=DURATION,
        examples=["1h"],
    )
    network: Network = Field(
        default_factory=Network, description="The task's subnets and security groups."
    )
    publish: Publish | None = Field(
        None, description="SNS topics the job publishes to (created with the job)."
    )
    taskdef_overrides: list[TaskdefOverride] = Field(
        default_factory=list,
        description="Changes to the rendered ECS task definition, applied last.",
    )
    # ----- additions (not Copilot keys)
    concurrency: Literal["allow", "forbid", "replace"] | None = Field(
        None,
        description="Addition: what a start does while a run is still running: allow (the "
        "default, Copilot's behaviour), forbid (skip the new run) or replace (stop the "
        "running one first). `scheduled-jobs run --force` ignores it.",
    )
    alerts: Annotated[
        either(Literal["none"], Alerts) | None,
        BeforeValidator(_alerts_none),
    ] = Field(
        None,
        description="Addition: failure alerts, on by default (to the environment's topic); "
        "none turns them off for this job.",
        json_schema_extra=string_form(any_case(("none",)), {"const": "none", "type": "string"}),
    )
    capacity: Literal["on-demand", "spot"] | None = Field(
        None,
        description="Addition: on-demand (default) or spot: run on Fargate Spot, and again on "
        "on-demand Fargate in the same execution when Spot has no capacity or reclaims the "
        "task. Linux x86_64 only.",
    )
    run_overrides: bool | None = Field(
        None,
        description="Addition: false stops manual runs from replacing the command or setting "
        "environment variables (`scheduled-jobs run --command/--env-var`): the state machine "
        "ignores them, so starting an execution runs only what the manifest says. --cpu/--memory "
        "still apply. Default true.",
    )

    # ----- converted values the deploy side uses

    @property
    def timeout_seconds(self) -> int | None:
        return None if self.timeout is None else parse_go_duration(self.timeout) // NS_PER_SECOND

    @property
    def schedule_expression(self) -> str | None:
        """The EventBridge expression, or None when the schedule is disabled."""
        from scheduled_jobs.components.manifest.schedule import to_aws_schedule

        return to_aws_schedule(self.on.schedule)

    @property
    def schedule_timezone(self) -> str | None:
        """The zone the schedule runs in: `on.timezone`, else a `CRON_TZ=` prefix; None = UTC."""
        from scheduled_jobs.components.manifest.schedule import split_zone

        return self.on.timezone or split_zone(self.on.schedule)[0]

    @property
    def window_minutes(self) -> int | None:
        if self.on.window is None:
            return None
        return parse_go_duration(self.on.window) // (60 * NS_PER_SECOND)

    @property
    def uses_scheduler(self) -> bool:
        """True when the job needs EventBridge Scheduler (a time zone, a flexible window or a
        one-time `at()`); other jobs keep Copilot's EventBridge rule (docs/component.md)."""
        if self.schedule_timezone is not None or self.on.window is not None:
            return True
        return (self.schedule_expression or "").startswith("at(")

    @property
    def alerts_or_default(self) -> Alerts | None:
        """The job's alerts; None when `alerts: none` turned them off."""
        if self.alerts == "none":
            return None
        return self.alerts if isinstance(self.alerts, Alerts) else Alerts()

    @property
    def platform_or_default(self) -> PlatformArgs:
        return self.platform or PlatformArgs(osfamily="linux", architecture="x86_64")

    @property
    def placement(self) -> str:
        """ "public", "private" or "subnets" (explicit subnets, no public IP)."""
        value = self.network.vpc.placement
        return value if isinstance(value, str) else "subnets"


class Job(JobConfig):
    """A manifest after its environment's override has been merged in."""

    name: NonEmptyStr = Field(
        description="The job's name, also its folder under manifests/: lowercase letters, "
        "digits and single hyphens, starting with a letter, at most 255 characters.",
        json_schema_extra=replaced(
            {
                **matching(
                    "^[a-z](?:-?[a-z0-9])+$",
                    "must start with a lowercase letter and contain only lowercase letters, "
                    "digits and single hyphens, not ending in a hyphen",
                ),
                "maxLength": MAX_NAME_LENGTH,
            }
        ),
    )
    type: Literal["Scheduled Job"] = Field(
        JOB_TYPE, description='Must be "Scheduled Job" (the only Copilot type supported).'
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > MAX_NAME_LENGTH or not NAME_RULE.match(value) or "--" in value:
            raise ValueError(
                f"{value!r} must start with a lowercase letter and contain only lowercase "
                "letters, digits and single hyphens, not ending in a hyphen, at most "
                f"{MAX_NAME_LENGTH} characters"
            )
        return value


def _optional_fields_model() -> type[BaseModel]:
    """The `environments.<env>` block: every JobConfig field, none required, no defaults."""
    from pydantic import create_model

    fields: dict[str, Any] = {
        # The field's own validators and input forms stay (a string platform, a boolean
        # exec), with null added: in an override it means "not set here".
        name: (
            (Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
            | None,
            Field(
                None,
                description=info.description,
                examples=info.examples,
                json_schema_extra=optional(info.json_schema_extra),
            ),
        )
        for name, info in JobConfig.model_fields.items()
    }
    return create_model(
        "EnvironmentOverride",
        __base__=Model,
        __doc__="Overrides for one environment: any job field but name and type.",
        **fields,
    )


EnvironmentOverride = _optional_fields_model()


class Manifest(Job):
    """An AWS Copilot "Scheduled Job" manifest, with the scheduled-jobs additions."""

    # The file as written: the job plus per-environment overrides (for the JSON Schema).

    environments: dict[str, EnvironmentOverride | None] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="Per-environment overrides; same fields as the job, merged over it.",
    )
