"""A job's Copilot addons: the CloudFormation templates in `manifests/<job>/addons/`, read,
merged and checked the way Copilot does it (internal/pkg/addon: addons.go, cloudformation.go,
output.go), with problems reported like manifest problems (file, line).

- Every `*.yml` / `*.yaml` file but `addons.parameters.yml|yaml` is a template; they merge in
  file-name order, section by section (Metadata, Parameters, Conditions, Resources, Outputs key
  by key, Mappings two levels deep, Transform as a set). A key defined twice with the same value
  is fine; with different values it is an error naming both places. Like Copilot, only those
  sections are kept (AWSTemplateFormatVersion and Description are not).
- The template must declare the parameters `App`, `Env` and `Name`; the parameters file (one
  top-level `Parameters:` map) may not set them, may set only parameters the template declares,
  and must set every parameter that has no `Default`.
- CloudFormation's short tags (`!Ref`, `!GetAtt`, `!Sub`, ...) become their JSON long forms,
  so the merged template can be sent as JSON.
- Each output is classified as Copilot classifies it: a value `!Ref X` where X is a resource of
  type AWS::IAM::ManagedPolicy (attached to the task role), AWS::SecretsManager::Secret (a
  secret of the main container) or AWS::EC2::SecurityGroup (joins the task's groups, and is a
  variable too); every other output is a variable named in SCREAMING_SNAKE_CASE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scheduled_jobs.components.errors import ManifestError, Problem
from scheduled_jobs.components.manifest.source import YamlFloat, YamlInt

ADDONS_DIR = "addons"
PARAMETER_FILES = ("addons.parameters.yml", "addons.parameters.yaml")
TEMPLATE_SUFFIXES = (".yml", ".yaml")
RESERVED_PARAMETERS = ("App", "Env", "Name")
MAX_FILE_BYTES = 1_000_000  # CloudFormation templates are at most 1 MB even from S3

SINGLE_LEVEL = ("Metadata", "Parameters", "Conditions", "Resources", "Outputs")
SECTIONS = ("Metadata", "Parameters", "Mappings", "Conditions", "Transform", "Resources", "Outputs")

POLICY = "AWS::IAM::ManagedPolicy"
SECRET = "AWS::SecretsManager::Secret"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"

# Short form tag -> long form key (CloudFormation's intrinsic functions and condition names).
_FUNCTIONS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in [
            *("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If"),
            *("ImportValue", "Join", "Length", "Not", "Or", "Select", "Split", "Sub"),
            *("ToJsonString", "Transform", "ForEach"),
        ]
    },
}


@dataclass(frozen=True)
class AddonOutput:
    """One output of the addons stack and what it becomes in the job."""

    name: str  # the output's logical ID
    resource_type: str | None  # the type of the resource its `!Ref` names, if any

    @property
    def is_policy(self) -> bool:
        return self.resource_type == POLICY

    @property
    def is_secret(self) -> bool:
        return self.resource_type == SECRET

    @property
    def is_security_group(self) -> bool:
        return self.resource_type == SECURITY_GROUP

    @property
    def is_variable(self) -> bool:
        # Copilot's variable filter leaves out only secrets and policies: a security group
        # output is also a variable.
        return not (self.is_policy or self.is_secret)

    @property
    def env_name(self) -> str:
        return to_snake_case(self.name)

    def becomes(self) -> str:
        """What the job makes of this output, for `validate`."""
        if self.is_policy:
            return "managed policy attached to the task role"
        if self.is_secret:
            return f"secret {self.env_name} of the main container"
        if self.is_security_group:
            return f"security group of the task, and variable {self.env_name}"
        return f"variable {self.env_name} in every container"


@dataclass(frozen=True)
class Addons:
    folder: str  # as shown in messages
    files: tuple[str, ...]
    template: dict[str, Any]  # merged, intrinsic functions in long form
    parameters: dict[str, Any]  # from the parameters file (App, Env, Name not included)
    outputs: tuple[AddonOutput, ...]
    # What deploys, but maybe not as the author meant (`validate` prints them).
    warnings: tuple[Problem, ...] = ()


def to_snake_case(name: str) -> str:
    """Copilot's toSnakeCase: `myDDBTable` -> `MY_DDB_TABLE`, `my2ndDDBTable` ->
    `MY2ND_DDB_TABLE` (template_functions.go)."""
    name = re.sub(r"([a-z0-9]+)([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z0-9])([A-Z][a-z])", r"\1_\2", name)
    return name.upper()


# ----------------------------------------------------------------------------- YAML reading


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's tags; dates stay text (JSON has none)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Parsed:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[tuple, int] = {}
        self.problems: list[Problem] = []


def _parse(text: str, parsed: _Parsed) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark else None
        parsed.problems.append(Problem(f"not valid YAML: {reason}", file=parsed.file, line=line))
        return None
    if node is None:
        return None
    loader = _Loader("")
    try:
        return _build(node, (), parsed, loader)
    finally:
        loader.dispose()


def _build(node: yaml.Node, path: tuple, parsed: _Parsed, loader: _Loader) -> Any:
    parsed.lines.setdefault(path, node.start_mark.line + 1)
    tag = node.tag or ""
    if tag.startswith("!"):
        name = tag[1:]
        if name not in _FUNCTIONS:
            parsed.problems.append(
                Problem(
                    f"unknown CloudFormation tag {tag}",
                    file=parsed.file,
                    line=node.start_mark.line + 1,
                )
            )
            return None
        value = _build_plain(node, path, parsed, loader)
        if name == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)  # `!GetAtt A.B` is [A, B]
        return {_FUNCTIONS[name]: value}
    return _build_plain(node, path, parsed, loader)


def _build_plain(node: yaml.Node, path: tuple, parsed: _Parsed, loader: _Loader) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if key in out:
                parsed.problems.append(
                    Problem(f"key {key!r} appears twice in the same map", file=parsed.file,
                            line=line)
                )  # fmt: skip
            parsed.lines[(*path, key)] = line
            out[key] = _build(value_node, (*path, key), parsed, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), parsed, loader) for i, item in enumerate(node.value)]
    if node.tag and node.tag.startswith("!"):
        return str(node.value)  # a tagged scalar: `!Ref Name` holds the text `Name`
    value = loader.construct_object(node, deep=True)
    if not node.style and isinstance(value, int | float) and not isinstance(value, bool):
        # Numbers keep their text (`0755`), which parameter values pass on as written.
        number = (YamlInt if isinstance(value, int) else YamlFloat)(value)
        number.yaml_text = node.value
        return number
    return value


# --------------------------------------------------------------------------------- reading


def addons_folder(root: Path, job: str) -> Path:
    from scheduled_jobs.components.contract import MANIFESTS_DIR

    return root / MANIFESTS_DIR / job / ADDONS_DIR


def read_addons(folder: Path, *, display: str | None = None) -> Addons | None:
    """The merged addons in `folder`, or None when it has no templates. Raises ManifestError
    with every problem found."""
    shown = display or str(folder)
    if not folder.is_dir():
        return None
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    templates = [n for n in names if n.endswith(TEMPLATE_SUFFIXES) and n not in PARAMETER_FILES]
    params_files = [n for n in names if n in PARAMETER_FILES]
    if not templates:
        return None
    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    origin: dict[tuple, tuple[str, int | None]] = {}  # merged path -> (file, line)
    lines: dict[str, dict[tuple, int]] = {}  # file -> every path's line in it
    for name in templates:
        parsed = _Parsed(f"{shown}/{name}")
        data = _parse(_read(folder / name, parsed), parsed)
        lines[parsed.file] = parsed.lines
        problems += parsed.problems
        if parsed.problems:
            continue
        if not isinstance(data, dict):
            problems.append(Problem("must be a CloudFormation template (a map with Resources)",
                                    file=parsed.file, line=1))  # fmt: skip
            continue
        problems += _merge(merged, origin, data, parsed)

    parameters: dict[str, Any] = {}
    params_display = None
    if len(params_files) > 1:
        both = " and ".join(PARAMETER_FILES)
        problems.append(Problem(f"defining {both} is not allowed; keep one",
                                file=f"{shown}/{params_files[1]}"))  # fmt: skip
    elif params_files:
        parsed = _Parsed(f"{shown}/{params_files[0]}")
        params_display = parsed
        data = _parse(_read(folder / params_files[0], parsed), parsed)
        problems += parsed.problems
        if not parsed.problems:
            if not isinstance(data, dict) or not isinstance(data.get("Parameters"), dict):
                problems.append(Problem("must define a top-level 'Parameters' map",
                                        file=parsed.file, line=1))  # fmt: skip
            else:
                parameters = data["Parameters"]
    if problems:
        raise ManifestError(problems)

    problems += _check_parameters(merged, origin, parameters, params_display, shown)
    outputs, output_problems = _outputs(merged, origin, shown)
    problems += output_problems
    where = _Where(origin, lines, shown)
    problems += _local_files(merged, where)
    condition_problems, warnings = _conditions(merged, outputs, where)
    problems += condition_problems
    if problems:
        raise ManifestError(problems)
    template = {key: merged[key] for key in SECTIONS if key in merged}
    return Addons(shown, tuple(templates), template, parameters, tuple(outputs), tuple(warnings))


def _read(path: Path, parsed: _Parsed) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            parsed.problems.append(
                Problem("is larger than CloudFormation's 1 MB template limit", file=parsed.file)
            )
            return ""
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        parsed.problems.append(Problem(f"cannot be read: {exc}", file=parsed.file))
        return ""


def _merge(merged: dict, origin: dict, data: dict, parsed: _Parsed) -> list[Problem]:
    problems = []
    for section, value in data.items():
        if section not in SECTIONS:
            continue  # AWSTemplateFormatVersion, Description: Copilot drops them too
        line = parsed.lines.get((section,))
        if section == "Transform":
            items = value if isinstance(value, list) else [value]
            target = merged.setdefault("Transform", [])
            target += [item for item in items if item not in target]
            continue
        if not isinstance(value, dict):
            problems.append(Problem(f'"{section}" must be a map', file=parsed.file, line=line))
            continue
        target = merged.setdefault(section, {})
        levels = 2 if section == "Mappings" else 1
        problems += _merge_map(target, value, (section,), levels, origin, parsed)
    return problems


_KIND = {
    "Metadata": "metadata",
    "Parameters": "parameter",
    "Mappings": "mapping",
    "Conditions": "condition",
    "Resources": "resource",
    "Outputs": "output",
}


def _merge_map(target, value, path, levels, origin, parsed) -> list[Problem]:
    problems = []
    for key, item in value.items():
        where = (*path, key)
        line = parsed.lines.get(where)
        if key not in target:
            target[key] = item
            origin[where] = (parsed.file, line)
            continue
        if levels > 1 and isinstance(item, dict) and isinstance(target[key], dict):
            problems += _merge_map(target[key], item, where, levels - 1, origin, parsed)
            continue
        if target[key] != item:
            first_file, first_line = origin[where]
            label = ".".join(str(p) for p in where[1:])
            problems.append(
                Problem(
                    f'{_KIND[path[0]]} "{label}" is different than in {first_file}:{first_line}; '
                    "templates may share a logical ID only with the same definition",
                    file=parsed.file,
                    line=line,
                )
            )
    return problems


def _check_parameters(merged, origin, custom, params_file, shown) -> list[Problem]:
    declared = merged.get("Parameters", {})
    problems = []
    first = next(iter(origin.values()), (f"{shown}/", None))
    for key in RESERVED_PARAMETERS:
        if key not in declared:
            problems.append(
                Problem(
                    f'required parameter "{key}" is missing from the template: addons templates '
                    "declare App, Env and Name (the job's application, environment and name)",
                    file=first[0],
                )
            )
    if params_file is not None:
        for key in custom:
            line = params_file.lines.get(("Parameters", key))
            if key in RESERVED_PARAMETERS:
                problems.append(Problem(f'"{key}" is reserved: App, Env and Name are passed by '
                                        "the job", file=params_file.file, line=line))  # fmt: skip
            elif key not in declared:
                problems.append(Problem(f'the template does not declare the parameter "{key}"',
                                        file=params_file.file, line=line))  # fmt: skip
            elif not _parameter_value_ok(custom[key]):
                problems.append(
                    Problem(
                        f'"{key}": use text, !Ref AppName, EnvName, WorkloadName, TaskRole or '
                        "LogGroup, or !GetAtt TaskRole.Arn or LogGroup.Arn",
                        file=params_file.file,
                        line=line,
                    )
                )
    for key, spec in declared.items():
        if key in RESERVED_PARAMETERS or key in custom:
            continue
        if not isinstance(spec, dict) or "Default" not in spec:
            file, line = origin.get(("Parameters", key), first)
            problems.append(
                Problem(
                    f'parameter "{key}" needs a Default or a value in {shown}/{PARAMETER_FILES[0]}',
                    file=file,
                    line=line,
                )
            )
    return problems


# What a parameter value may name of the job (Copilot pastes the value into the job's own
# template, so it may refer to the job's resources by their logical IDs there).
JOB_REFS = {
    ("Ref", "AppName"): "app",
    ("Ref", "EnvName"): "env",
    ("Ref", "WorkloadName"): "job",
    ("Ref", "TaskRole"): "task_role_name",
    ("Ref", "LogGroup"): "log_group_name",
    ("Fn::GetAtt", "TaskRole.Arn"): "task_role_arn",
    ("Fn::GetAtt", "LogGroup.Arn"): "log_group_arn",
}
# Not the execution role, task definition or state machine: they are built from the addons'
# outputs (secrets, variables), so the addons stack cannot wait for them.


def job_reference(value: Any) -> str | None:
    """The JOB_REFS key a parameter value names, or None for text."""
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        text = ".".join(arg) if isinstance(arg, list) else arg
        return JOB_REFS.get((fn, text))
    return None


def _parameter_value_ok(value: Any) -> bool:
    if isinstance(value, str | int | float | bool):
        return True
    return job_reference(value) is not None


_PSEUDO = re.compile(r"^AWS::[A-Za-z]+$")
_SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")


def _outputs(merged, origin, shown) -> tuple[list[AddonOutput], list[Problem]]:
    resources = merged.get("Resources")
    problems: list[Problem] = []
    first = next(iter(origin.values()), (f"{shown}/", None))
    if not isinstance(resources, dict) or not resources:
        problems.append(Problem('needs a "Resources" map with at least one resource',
                                file=first[0]))  # fmt: skip
        return [], problems
    types: dict[str, Any] = {}
    for logical_id, spec in resources.items():
        if logical_id == "Fn::Transform":
            continue  # an AWS::Include of more resources, not a resource
        file, line = origin.get(("Resources", logical_id), first)
        if not isinstance(spec, dict) or not isinstance(spec.get("Type"), str):
            problems.append(Problem(f'resource "{logical_id}" needs a Type', file=file, line=line))
            continue
        types[logical_id] = spec["Type"]
    names = set(resources) | set(merged.get("Parameters", {}))
    outputs = []
    for name, spec in (merged.get("Outputs") or {}).items():
        file, line = origin.get(("Outputs", name), first)
        if not isinstance(spec, dict) or "Value" not in spec:
            problems.append(Problem(f'output "{name}" needs a Value', file=file, line=line))
            continue
        for missing in sorted(_unresolved(spec["Value"], names, set(resources))):
            problems.append(
                Problem(
                    f'output "{name}" refers to {missing}, which is not a resource or parameter '
                    "of the addons template",
                    file=file,
                    line=line,
                )
            )
        value = spec["Value"]
        ref = value.get("Ref") if isinstance(value, dict) and len(value) == 1 else None
        outputs.append(AddonOutput(name, types.get(ref) if isinstance(ref, str) else None))
    return outputs, problems


def _unresolved(value: Any, names: set[str], resources: set[str]) -> set[str]:
    """Names that `Ref`, `GetAtt` or `Sub` in `value` use but the template lacks."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _unresolved(item, names, resources)
    elif isinstance(value, dict):
        for fn, arg in value.items():
            if fn == "Ref" and isinstance(arg, str):
                if arg not in names and not _PSEUDO.match(arg):
                    found.add(arg)
            elif fn == "Fn::GetAtt" and isinstance(arg, list) and arg:
                if isinstance(arg[0], str) and arg[0] not in resources:
                    found.add(arg[0])
            elif fn == "Fn::Sub":
                text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1] or {})
                if isinstance(text, str) and isinstance(local, dict):
                    for var in _SUB_VAR.findall(text):
                        stem = var.split(".", 1)[0].strip()
                        if stem not in names and stem not in local and not _PSEUDO.match(stem):
                            found.add(stem)
                found |= _unresolved(local, names, resources)
            else:
                found |= _unresolved(arg, names, resources)
    return found


class _Where:
    """The file and line of any path of the merged template (the file its top-level key came
    from, the line of the deepest part of the path that file records)."""

    def __init__(self, origin: dict, lines: dict[str, dict[tuple, int]], shown: str) -> None:
        self.origin, self.lines = origin, lines
        self.first = next(iter(origin.values()), (f"{shown}/", None))

    def __call__(self, path: tuple) -> tuple[str, int | None]:
        file, line = self.origin.get(path[:2], self.first)
        known = self.lines.get(file, {})
        for end in range(len(path), 1, -1):
            if path[:end] in known:
                return file, known[path[:end]]
        return file, line


# Resource properties that Copilot packages when they hold a local path: it uploads the file
# (zipped when marked so, or when it is a folder) to S3 and rewrites the property to the S3
# location (internal/pkg/addon/package.go resourcePackageConfig, which follows
# `aws cloudformation package`). Type -> [(property path, how the S3 location is written)].
PACKAGED: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "AWS::ApiGateway::RestApi": [(("BodyS3Location",), "{Bucket: ..., Key: ...}")],
    "AWS::Lambda::Function": [(("Code",), "{S3Bucket: ..., S3Key: ...} of a .zip (or ZipFile "
                                          "with the code inline)")],
    "AWS::Lambda::LayerVersion": [(("Content",), "{S3Bucket: ..., S3Key: ...} of a .zip")],
    "AWS::Serverless::Function": [(("CodeUri",), "s3://bucket/key of a .zip")],
    "AWS::Serverless::LayerVersion": [(("ContentUri",), "s3://bucket/key of a .zip")],
    "AWS::Serverless::Application": [(("Location",), "s3://bucket/key")],
    "AWS::AppSync::GraphQLSchema": [(("DefinitionS3Location",), "s3://bucket/key")],
    "AWS::AppSync::Resolver": [(("RequestMappingTemplateS3Location",), "s3://bucket/key"),
                               (("ResponseMappingTemplateS3Location",), "s3://bucket/key")],
    "AWS::AppSync::FunctionConfiguration": [
        (("RequestMappingTemplateS3Location",), "s3://bucket/key"),
        (("ResponseMappingTemplateS3Location",), "s3://bucket/key"),
    ],
    "AWS::Serverless::Api": [(("DefinitionUri",), "s3://bucket/key")],
    "AWS::ElasticBeanstalk::ApplicationVersion": [
        (("SourceBundle",), "{S3Bucket: ..., S3Key: ...}")
    ],
    "AWS::CloudFormation::Stack": [(("TemplateURL",), "the https:// URL of the template in S3")],
    "AWS::Glue::Job": [(("Command", "ScriptLocation"), "s3://bucket/key")],
    "AWS::StepFunctions::StateMachine": [(("DefinitionS3Location",), "{Bucket: ..., Key: ...}")],
    "AWS::Serverless::StateMachine": [(("DefinitionUri",), "{Bucket: ..., Key: ...}")],
    "AWS::CodeCommit::Repository": [(("Code", "S3"), "{Bucket: ..., Key: ...} of a .zip")],
}  # fmt: skip


def is_local_path(value: Any) -> bool:
    """Copilot's isFilePath: text that is not empty and not an s3://, http:// or https:// URL."""
    return (
        isinstance(value, str)
        and bool(value)
        and not value.startswith(("s3://", "http://", "https://"))
    )


_NO_PACKAGING = (
    "Copilot uploads local files of addons to S3 when it deploys (internal/pkg/addon/"
    "package.go); scheduled-jobs sends the template as it is and uploads nothing, so "
    "CloudFormation would get a path it cannot read"
)


def _local_files(merged: dict, where: _Where) -> list[Problem]:
    """Local paths where Copilot would package a file: refused, each with what to write."""
    problems = []
    for logical_id, spec in (merged.get("Resources") or {}).items():
        if not isinstance(spec, dict):
            continue
        for prop, form in PACKAGED.get(spec.get("Type"), []):
            value: Any = spec.get("Properties")
            for key in prop:
                value = value.get(key) if isinstance(value, dict) else None
            if not is_local_path(value):
                continue
            file, line = where(("Resources", logical_id, "Properties", *prop))
            problems.append(
                Problem(
                    f'resource "{logical_id}" ({spec["Type"]}): {".".join(prop)} is the local '
                    f"path {value!r}. {_NO_PACKAGING}",
                    file=file,
                    line=line,
                    hint=f"Upload it to S3 yourself (e.g. `aws s3 cp`) and set {'.'.join(prop)} "
                    f"to {form}.",
                )
            )
    for path, location in _include_locations(merged, ()):
        file, line = where(path)
        problems.append(
            Problem(
                f"AWS::Include names the local file {location!r}. {_NO_PACKAGING}",
                file=file,
                line=line,
                hint="Upload the snippet to S3 and set Location to its s3:// URL.",
            )
        )
    return problems


def _include_locations(value: Any, path: tuple) -> list[tuple[tuple, str]]:
    """(path, location) of every `Fn::Transform: {Name: AWS::Include}` with a local Location,
    in every section Copilot looks in (package.go packageIncludeTransforms)."""
    found: list[tuple[tuple, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not path and key not in SECTIONS:
                continue
            if key == "Fn::Transform" and isinstance(item, dict):
                location = (item.get("Parameters") or {}).get("Location")
                if item.get("Name") == "AWS::Include" and is_local_path(location):
                    found.append(((*path, key), location))
                    continue
            found += _include_locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _include_locations(item, (*path, index))
    return found


def _referenced(value: Any, *, under_if: bool = False) -> set[tuple[str, bool]]:
    """(logical ID, inside an Fn::If) of every resource-like name `value` refers to."""
    found: set[tuple[str, bool]] = set()
    if isinstance(value, list):
        for item in value:
            found |= _referenced(item, under_if=under_if)
    elif isinstance(value, dict):
        for fn, arg in value.items():
            if fn == "Ref" and isinstance(arg, str):
                found.add((arg, under_if))
            elif fn == "Fn::GetAtt" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add((arg[0], under_if))
            elif fn == "Fn::Sub":
                text = arg if isinstance(arg, str) else (arg[0] if arg else "")
                if isinstance(text, str):
                    found |= {
                        (v.split(".", 1)[0].strip(), under_if) for v in _SUB_VAR.findall(text)
                    }
                if isinstance(arg, list) and len(arg) > 1:
                    found |= _referenced(arg[1], under_if=under_if)
            elif fn == "Fn::If" and isinstance(arg, list):
                found |= _referenced(arg[1:], under_if=True)
            else:
                found |= _referenced(arg, under_if=under_if)
    return found


_TYPED = {POLICY: "a managed policy", SECRET: "a secret", SECURITY_GROUP: "a security group"}


def _conditions(merged: dict, outputs: list[AddonOutput], where: _Where):
    """Conditions that decide whether a resource or output exists, checked against what the
    job makes of the outputs: (problems, warnings)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    known = set(merged.get("Conditions") or {})
    resources = {k: v for k, v in (merged.get("Resources") or {}).items() if isinstance(v, dict)}
    condition_of = {k: v.get("Condition") for k, v in resources.items() if v.get("Condition")}
    for logical_id, name in condition_of.items():
        if name not in known:
            file, line = where(("Resources", logical_id, "Condition"))
            problems.append(Problem(f'resource "{logical_id}": condition "{name}" is not in '
                                    "Conditions", file=file, line=line))  # fmt: skip
    specs = merged.get("Outputs") or {}
    for output in outputs:
        spec = specs.get(output.name) or {}
        own = spec.get("Condition")
        file, line = where(("Outputs", output.name))
        if own is not None and own not in known:
            problems.append(Problem(f'output "{output.name}": condition "{own}" is not in '
                                    "Conditions", file=file, line=line))  # fmt: skip
        value = spec.get("Value")
        if output.is_policy and (own or condition_of.get(value.get("Ref"))):
            problems.append(
                Problem(
                    f'output "{output.name}" is a managed policy that exists only under a '
                    "condition; the job attaches every policy output to its task role in "
                    "every environment, so the attachment would fail when the condition is false",
                    file=file,
                    line=line,
                    hint="Make the policy and its output unconditional (conditions may go on "
                    "the policy's statements' resources instead), or move it out of the addons.",
                )
            )
            continue
        for ref, under_if in sorted(_referenced(value)):
            needs = condition_of.get(ref)
            if needs and not under_if and own is None:
                problems.append(
                    Problem(
                        f'output "{output.name}" refers to "{ref}", which exists only when '
                        f'condition "{needs}" holds; CloudFormation refuses the template',
                        file=file,
                        line=line,
                        hint=f"Give the output `Condition: {needs}` (the job then leaves out "
                        "what it would become when the condition is false), or wrap the value "
                        "in !If.",
                    )
                )
        if isinstance(value, dict) and "Fn::If" in value:
            kinds = sorted({_TYPED[t] for r, _ in _referenced(value)
                            if (t := resources.get(r, {}).get("Type")) in _TYPED})  # fmt: skip
            if kinds:
                warnings.append(
                    Problem(
                        f'output "{output.name}" chooses with !If between values that include '
                        f"{' and '.join(kinds)}; like Copilot, the job makes it the variable "
                        f"{output.env_name}, not {kinds[0]} of the job, because only an output "
                        "that is exactly !Ref of such a resource is one",
                        file=file,
                        line=line,
                    )
                )
    return problems, warnings


def describe(addons: Addons) -> list[str]:
    """One line per output: its logical ID and what the job makes of it."""
    width = max((len(o.name) for o in addons.outputs), default=0)
    return [f"{o.name.ljust(width)}  -> {o.becomes()}" for o in addons.outputs]
