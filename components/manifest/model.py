"""The Copilot scheduled-job manifest as pydantic models.

Attribute names equal the YAML keys. Where Copilot accepts two forms of a value (a string or a
map, a bool or a map), a before-validator turns the short form into the canonical one, so the
rest of the code sees one shape; the JSON Schema still shows both forms (json_schema_input_type).
Rules that involve one field live here; rules across fields live in components/validate.py.
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

from components.manifest.durations import NS_PER_SECOND, parse_go_duration
from components.manifest.source import as_bool, source_text

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
    from_cfn: NonEmptyStr = Field(description="Name of a CloudFormation export to import.")


VariableValue = either(Text, FromCfn)


class SecretRef(Model):
    """The map forms of a secret: a Secrets Manager secret name, or a CloudFormation export."""

    secretsmanager: Annotated[NonEmptyStr, AfterValidator(_secretsmanager_name)] | None = None
    from_cfn: NonEmptyStr | None = None

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
    context: Text | None = None
    dockerfile: Text | None = None
    args: dict[str, Text] = Field(default_factory=dict)
    target: Text | None = None
    cache_from: list[Text] = Field(default_factory=list)


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


Condition = Annotated[str, BeforeValidator(_condition, json_schema_input_type=str)]


def _seconds_between(low: int, high: int):
    def check(value: str) -> str:
        ns = parse_go_duration(value)
        if ns % NS_PER_SECOND or not low * NS_PER_SECOND <= ns <= high * NS_PER_SECOND:
            raise ValueError(f"{value!r} must be whole seconds from {low}s to {high}s")
        return value

    return check


class HealthCheck(Model):
    """Container health check; ranges are ECS's (Copilot passes them on unchecked)."""

    command: Annotated[list[Text], Field(min_length=1)]
    interval: Annotated[Duration, AfterValidator(_seconds_between(5, 300))] | None = None
    retries: Annotated[int, Field(ge=1, le=10)] | None = None
    timeout: Annotated[Duration, AfterValidator(_seconds_between(2, 120))] | None = None
    start_period: Annotated[Duration, AfterValidator(_seconds_between(0, 300))] | None = None


class Image(Model):
    build: Annotated[
        BuildArgs | None, BeforeValidator(_build_from_str, json_schema_input_type=str | BuildArgs)
    ] = None
    location: ImageLocation | None = None
    credentials: RegistryCredentials | None = None
    labels: dict[str, Text] = Field(default_factory=dict)
    depends_on: dict[str, Condition] = Field(default_factory=dict)
    healthcheck: HealthCheck | None = None

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
    osfamily: Text
    architecture: Text

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
    enable: bool | None = None


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
    iam: bool | None = None
    access_point_id: Text | None = None


class EFSConfig(Model):
    id: NonEmptyStr | None = None
    from_cfn: NonEmptyStr | None = None
    root_dir: Text | None = None
    auth: EFSAuth | None = None
    uid: int | None = None
    gid: int | None = None

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
    path: NonEmptyStr
    read_only: bool | None = None
    efs: either(bool, EFSConfig) | None = None

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
    readonly_fs: bool | None = None
    volumes: dict[str, Volume] = Field(default_factory=dict)


class FirelensLogging(Model):
    retention: int = DEFAULT_LOG_RETENTION
    image: Text | None = None
    destination: dict[str, Text] = Field(default_factory=dict)
    enableMetadata: bool | None = None  # noqa: N815 - Copilot's key
    secretOptions: dict[str, SecretValue] = Field(default_factory=dict)  # noqa: N815
    configFilePath: Text | None = None  # noqa: N815
    variables: dict[VariableName, VariableValue] = Field(default_factory=dict)
    secrets: dict[VariableName, SecretValue] = Field(default_factory=dict)
    env_file: Text | None = None

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
    source_volume: NonEmptyStr
    path: NonEmptyStr
    read_only: bool | None = None


class SidecarImage(Model):
    build: Annotated[
        BuildArgs | None, BeforeValidator(_build_from_str, json_schema_input_type=str | BuildArgs)
    ] = None
    location: ImageLocation | None = None

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
    port: Annotated[str, BeforeValidator(_port, json_schema_input_type=str | int)] | None = None
    image: Annotated[
        SidecarImage,
        BeforeValidator(_sidecar_image_from_str, json_schema_input_type=str | SidecarImage),
    ]
    essential: bool | None = None
    credentialsParameter: RegistryCredentials | None = None  # noqa: N815 - Copilot's key
    variables: dict[VariableName, VariableValue] = Field(default_factory=dict)
    env_file: Text | None = None
    secrets: dict[VariableName, SecretValue] = Field(default_factory=dict)
    mount_points: list[MountPoint] = Field(default_factory=list)
    labels: dict[str, Text] = Field(default_factory=dict)
    depends_on: dict[str, Condition] = Field(default_factory=dict)
    healthcheck: HealthCheck | None = None
    entrypoint: CommandLine = None
    command: CommandLine = None

    @property
    def is_essential(self) -> bool:
        return self.essential is not False


def _zone(value: str) -> str:
    from components.manifest.zones import check_zone

    return check_zone(value)


MIN_WINDOW_MINUTES, MAX_WINDOW_MINUTES = 1, 1440  # Scheduler's MaximumWindowInMinutes


def _window(value: str) -> str:
    ns = parse_go_duration(value)
    minute = 60 * NS_PER_SECOND
    if ns % minute or not MIN_WINDOW_MINUTES <= ns // minute <= MAX_WINDOW_MINUTES:
        raise ValueError(f"{value!r} must be whole minutes from 1m to 24h (e.g. 15m, 2h)")
    return value


class On(Model):
    schedule: NonEmptyStr = Field(
        description='When to run: a 5-field cron ("0 9 * * 1-5"), @hourly/@daily/@weekly/'
        '@monthly/@yearly, "@every 90m", rate(...)/cron(...) in AWS form, '
        'at(yyyy-mm-ddThh:mm:ss) for one run, or "none". A "CRON_TZ=<zone> " prefix sets the '
        "time zone."
    )
    # Additions (not Copilot keys): they move the job to EventBridge Scheduler.
    timezone: Annotated[Text, AfterValidator(_zone)] | None = Field(
        None,
        description="Addition: the IANA time zone the schedule runs in (e.g. Europe/London; "
        "daylight saving handled by AWS). Default UTC.",
    )
    window: Annotated[Duration, AfterValidator(_window)] | None = Field(
        None,
        description="Addition: a flexible time window, 1m to 24h: each run starts at some "
        "moment within this long after the scheduled time. Default off.",
    )


class SubnetsFromTags(Model):
    from_tags: dict[str, Text | list[Text]]


class PlacementMap(Model):
    subnets: either(Annotated[list[NonEmptyStr], Field(min_length=1)], SubnetsFromTags)


def _placement(value: Any) -> Any:
    if isinstance(value, str) and value not in ("public", "private"):
        if not value.strip():
            raise ValueError("cannot be empty; use public, private or {subnets: [...]}")
        raise ValueError(f"{value!r} must be one of public, private, or a map {{subnets: [...]}}")
    return value


SecurityGroupValue = either(NonEmptyStr, FromCfn)


class SecurityGroups(Model):
    groups: list[SecurityGroupValue] = Field(default_factory=list)
    deny_default: bool | None = None


def _security_groups_from_list(value: Any) -> Any:
    return {"groups": value} if isinstance(value, list) else value


class Vpc(Model):
    placement: Annotated[
        either(Literal["public", "private"], PlacementMap),
        BeforeValidator(_placement),
    ] = "public"
    security_groups: Annotated[
        SecurityGroups,
        BeforeValidator(
            _security_groups_from_list,
            json_schema_input_type=list[SecurityGroupValue] | SecurityGroups,
        ),
    ] = Field(default_factory=SecurityGroups)


class Network(Model):
    vpc: Vpc = Field(default_factory=Vpc)
    connect: Any = None  # Service Connect: parsed by Copilot, meaningless for a job


class FifoConfig(Model):
    content_based_deduplication: bool | None = None


TOPIC_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")


class Topic(Model):
    name: NonEmptyStr
    fifo: either(bool, FifoConfig) | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not TOPIC_NAME.match(value):
            raise ValueError(f"{value!r} may contain only letters, digits, _ and -")
        return value


class Publish(Model):
    topics: list[Topic] = Field(default_factory=list)


class TaskdefOverride(Model):
    path: NonEmptyStr
    value: Any = None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        from components.manifest.taskdef_paths import check_path

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
    )
    topic: Annotated[Text, AfterValidator(_topic_arn)] | None = Field(
        None, description="An existing SNS topic ARN that also receives them."
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

    image: Image
    entrypoint: CommandLine = None
    command: CommandLine = None
    cpu: Annotated[int, Field(gt=0)] = DEFAULT_CPU
    memory: Annotated[int, Field(gt=0)] = DEFAULT_MEMORY
    platform: Annotated[
        PlatformArgs | None,
        BeforeValidator(_platform_from_str, json_schema_input_type=str | PlatformArgs | None),
    ] = None
    count: Annotated[
        int, BeforeValidator(_count, json_schema_input_type=int), AfterValidator(_count_is_one)
    ] = 1
    exec: Annotated[
        ExecConfig | None,
        BeforeValidator(_exec_from_bool, json_schema_input_type=bool | ExecConfig),
    ] = None
    variables: dict[VariableName, VariableValue] = Field(default_factory=dict)
    env_file: Text | None = None
    secrets: dict[VariableName, SecretValue] = Field(default_factory=dict)
    storage: Storage = Field(default_factory=Storage)
    logging: FirelensLogging = Field(default_factory=FirelensLogging)
    sidecars: dict[str, Sidecar] = Field(default_factory=dict)
    on: On
    retries: Annotated[int, AfterValidator(_retries)] | None = None
    timeout: Annotated[Duration, AfterValidator(_timeout)] | None = None
    network: Network = Field(default_factory=Network)
    publish: Publish | None = None
    taskdef_overrides: list[TaskdefOverride] = Field(default_factory=list)
    # ----- additions (not Copilot keys)
    concurrency: Literal["allow", "forbid", "replace"] | None = Field(
        None,
        description="Addition: what a start does while a run is still running: allow (the "
        "default, Copilot's behaviour), forbid (skip the new run) or replace (stop the "
        "running one first). `jobs run --force` ignores it.",
    )
    alerts: Annotated[
        either(Literal["none"], Alerts) | None,
        BeforeValidator(_alerts_none),
    ] = Field(
        None,
        description="Addition: failure alerts, on by default (to the environment's topic); "
        "none turns them off for this job.",
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
        from components.manifest.schedule import to_aws_schedule

        return to_aws_schedule(self.on.schedule)

    @property
    def schedule_timezone(self) -> str | None:
        """The zone the schedule runs in: `on.timezone`, else a `CRON_TZ=` prefix; None = UTC."""
        from components.manifest.schedule import split_zone

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

    name: NonEmptyStr
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
        name: (info.annotation | None, Field(None, description=info.description))
        for name, info in JobConfig.model_fields.items()
    }
    return create_model("EnvironmentOverride", __base__=Model, **fields)


EnvironmentOverride = _optional_fields_model()


class Manifest(Job):
    """The file as written: a job plus per-environment overrides. Used for the JSON Schema."""

    environments: dict[str, EnvironmentOverride | None] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="Per-environment overrides; same fields as the job, merged over it.",
    )
