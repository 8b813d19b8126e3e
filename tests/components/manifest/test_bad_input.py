"""Bad input, case by case: every one is a ManifestError naming the file, the line and the
field path, never another exception, and every problem of a manifest comes in one run."""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from scheduled_jobs.components import ManifestError, load_manifest
from scheduled_jobs.components.manifest.load import load_manifest_text
from scheduled_jobs.components.manifest.source import MAX_MANIFEST_BYTES

HEAD = "name: report\ntype: Scheduled Job\n"  # lines 1-2
IMAGE = "image:\n  location: public.ecr.aws/docker/library/busybox:stable\n"  # lines 3-4
ON = "on:\n  schedule: '@daily'\n"  # lines 5-6
BASE = HEAD + IMAGE + ON  # extra text starts on line 7


def problems_of(text: str, env: str | None = None, **kwargs) -> list[tuple[int | None, str, str]]:
    """(line, path, message) of every problem, in the order reported."""
    kwargs.setdefault("environ", {})
    with pytest.raises(ManifestError) as caught:
        load_manifest_text(text, env, file="m.yml", **kwargs)
    for problem in caught.value.problems:
        assert problem.file == "m.yml"
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def assert_one(text: str, line: int, path: str, fragment: str, **kwargs) -> None:
    found = problems_of(text, **kwargs)
    assert [(ln, p) for ln, p, _ in found] == [(line, path)], found
    assert fragment in found[0][2], found[0][2]


# ------------------------------------------------------------------ values YAML cannot build


@pytest.mark.parametrize(
    ("extra", "line", "fragment"),
    [
        pytest.param("cpu: !!int abc\n", 7, "'abc' is not a valid int", id="int-tag-on-text"),
        pytest.param("cpu: !!float y\n", 7, "'y' is not a valid float", id="float-tag-on-text"),
        pytest.param(
            "variables: {D: !!timestamp 2024-02-30}\n",
            7,
            "not a valid timestamp",
            id="timestamp-tag-on-impossible-date",
        ),
        pytest.param(
            "cpu: " + "1" * 4301 + "\n", 7, "more digits than allowed", id="integer-of-4301-digits"
        ),
        pytest.param(
            "variables:\n  ? {a: 1}\n  : x\n", 8, "cannot be a field name", id="map-as-a-key"
        ),
        pytest.param(
            "variables:\n  ? !!set {a}\n  : x\n", 8, "cannot be a field name", id="set-as-a-key"
        ),
        pytest.param(
            "command: &c [sh, *c]\n", 7, "alias *c refers to no anchor", id="self-referencing-alias"
        ),
        pytest.param("variables: &v {A: *v}\n", 7, "alias *v", id="self-referencing-map-alias"),
    ],
)
def test_values_yaml_cannot_build(extra, line, fragment):
    assert_one(BASE + extra, line, "", fragment)


def test_an_impossible_date_is_text_as_in_copilot():
    job = load_manifest_text(BASE + "variables: {D: 2024-02-30, E: 2024-01-31}\n")
    assert job.variables == {"D": "2024-02-30", "E": "2024-01-31"}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("0755", "0755", id="octal-looking-mode"),
        pytest.param("12:30", "12:30", id="sexagesimal-looking-time"),
        pytest.param("0x1F", "0x1F", id="hex"),
        pytest.param("1_000", "1_000", id="underscores"),
        pytest.param("1.50", "1.50", id="trailing-zero"),
    ],
)
def test_numbers_where_text_is_wanted_keep_their_text_as_in_copilot(written, value):
    job = load_manifest_text(BASE + f"variables: {{V: {written}}}\ncommand: [run, {written}]\n")
    assert (job.variables["V"], job.command[1]) == (value, value)


def test_numbers_where_a_number_is_wanted_are_numbers():
    job = load_manifest_text(BASE + "cpu: 0x400\nmemory: 2048\n")
    assert (job.cpu, type(job.cpu)) == (1024, int)


# ------------------------------------------------------------------------ paths on disk


@pytest.mark.parametrize(
    ("extra", "line", "path", "fragment"),
    [
        pytest.param(
            "env_file: " + "a" * 300 + ".env\n",
            7,
            "env_file",
            "cannot be checked: File name too long",
            id="env-file-name-too-long",
        ),
        pytest.param(
            "sidecars:\n  s:\n    image: busybox\n    env_file: " + "b/" * 3000 + "x.env\n",
            10,
            "sidecars.s.env_file",
            "cannot be checked",
            id="sidecar-env-file-path-too-long",
        ),
    ],
)
def test_paths_that_the_file_system_refuses(tmp_path, extra, line, path, fragment):
    assert_one(BASE + extra, line, path, fragment, root=tmp_path)


def test_build_context_name_too_long(tmp_path):
    text = HEAD + "image:\n  build:\n    context: " + "c" * 300 + "\n" + ON
    assert_one(text, 4, "image.build", "cannot be checked: File name too long", root=tmp_path)


# ------------------------------------------------------------------------------ limits


def test_billion_laughs_is_refused_in_well_under_a_second():
    levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = BASE + "x:\n" + "".join(f"  {line}\n" for line in levels)
    start = time.perf_counter()
    found = problems_of(text)
    assert time.perf_counter() - start < 0.5
    assert "expands to more than" in found[0][2]


def test_a_manifest_over_the_size_limit_is_refused():
    text = BASE + "variables: {A: '" + "x" * MAX_MANIFEST_BYTES + "'}\n"
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (None, "")
    assert f"at most {MAX_MANIFEST_BYTES:,} bytes" in message


def test_substitution_cannot_grow_a_manifest_past_the_limit():
    text = BASE + "variables: {A: '${BIG}'}\n"
    [(_, _, message)] = problems_of(text, environ={"BIG": "x" * MAX_MANIFEST_BYTES})
    assert "a manifest may be at most" in message


def test_deep_nesting_is_refused():
    text = BASE + "variables: " + "[" * 10_000 + "]" * 10_000 + "\n"
    [(line, _, message)] = problems_of(text)
    assert line == 7 and "nested more than" in message


# ----------------------------------------------------------------- files that are not files


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "manifest.yml"
    os.mkfifo(fifo)
    with pytest.raises(ManifestError, match="not a regular file"):
        load_manifest(fifo)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="is a folder"):
        load_manifest(tmp_path)


def test_a_looping_symlink_is_refused(tmp_path):
    path = tmp_path / "manifest.yml"
    path.symlink_to(path)
    with pytest.raises(ManifestError, match="loops back to itself"):
        load_manifest(path)


def test_a_dangling_symlink_is_refused(tmp_path):
    path = tmp_path / "manifest.yml"
    path.symlink_to(tmp_path / "gone.yml")
    with pytest.raises(ManifestError, match="symbolic link to nothing"):
        load_manifest(path)


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "manifest.yml"
    path.write_text(BASE + "#" * MAX_MANIFEST_BYTES)
    with pytest.raises(ManifestError, match="a manifest may be at most"):
        load_manifest(path)


def test_text_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "manifest.yml"
    path.write_bytes(BASE.encode() + b"variables: {A: \xff}\n")
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert caught.value.problems[0].line == 7


# ------------------------------------------------------------------------- shell forms


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("${TAG:-latest}", id="colon-dash-default"),
        pytest.param("${TAG-latest}", id="dash-default"),
        pytest.param("${TAG:=latest}", id="assign-default"),
        pytest.param("${TAG:?set TAG}", id="error-if-unset"),
        pytest.param("${TAG:+x}", id="alternative-value"),
        pytest.param("${#TAG}", id="length"),
        pytest.param("${ TAG}", id="space-inside-braces"),
    ],
)
def test_shell_forms_are_refused_with_their_field(form):
    text = BASE + f"variables:\n  A: ok\n  B: 'v-{form}'\n"
    assert_one(text, 9, "variables.B", f"{form!r} is not expanded")


def test_shell_forms_in_an_image_and_an_environment_block():
    text = (
        HEAD
        + "image:\n  location: 'repo:${TAG:-latest}'\n"
        + ON
        + "environments:\n  prod:\n    variables: {A: '${X:-1}'}\n"
    )
    found = problems_of(text)
    assert [(line, path) for line, path, _ in found] == [
        (4, "image.location"),
        (9, "environments.prod.variables.A"),
    ]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param("command: sh -c 'echo ${HOME:-/root}'\n", id="command-string"),
        pytest.param("entrypoint: [sh, -c, 'exec ${APP:-run}']\n", id="entrypoint-list"),
        pytest.param(
            "sidecars:\n  s:\n    image: busybox\n    command: sh -c 'echo ${X:-1}'\n",
            id="sidecar-command",
        ),
        pytest.param("variables: {A: 'cost $5', B: '$HOME'}\n", id="bare-dollar-is-text"),
        pytest.param("variables: {A: '\\${X}'}\n", id="escaped-plain-form"),
    ],
)
def test_what_the_container_shell_expands_is_kept(extra):
    load_manifest_text(BASE + extra)


def test_reserved_names_stay_unexpanded_without_an_environment():
    text = BASE.replace("busybox:stable", "busybox:${COPILOT_ENVIRONMENT_NAME}")
    text += "secrets: {A: '/app/${COPILOT_ENVIRONMENT_NAME}/a'}\n"
    assert load_manifest_text(text).image.location.endswith("${COPILOT_ENVIRONMENT_NAME}")
    assert load_manifest_text(text, "prod").image.location.endswith(":prod")


# ---------------------------------------------------------------------- every problem at once


def test_model_errors_do_not_hide_schedule_and_size_problems():
    text = (
        HEAD
        + IMAGE
        + "memory: 4096\n"  # 5: does not fit the default cpu 256
        + "retries: lots\n"  # 6: model error
        + "on:\n  schedule: every day\n"  # 8: schedule rule
        + "variables: 5\n"  # 9: model error
    )
    assert [(line, path) for line, path, _ in problems_of(text)] == [
        (5, "memory"),
        (6, "retries"),
        (8, "on.schedule"),
        (9, "variables"),
    ]


def test_a_value_that_did_not_parse_is_not_checked_as_its_default():
    # cpu did not parse: "4096 does not fit cpu 256" would blame the default, not the user.
    text = BASE + "cpu: lots\nmemory: 4096\n"
    assert [(line, path) for line, path, _ in problems_of(text)] == [(7, "cpu")]


def test_a_sidecar_that_did_not_parse_is_not_called_unknown():
    text = (
        HEAD
        + "image:\n  location: busybox\n  depends_on: {proxy: start}\n"
        + ON
        + "sidecars:\n  proxy: {image: [5]}\n"
        + "cpu: 300\n"
    )
    found = problems_of(text)
    assert [(line, path) for line, path, _ in found] == [
        (9, "sidecars.proxy.image"),
        (10, "cpu"),  # the size rule still runs; the container rule, which reads sidecars, not
    ]


def test_missing_required_fields_do_not_hide_the_rest():
    text = "name: Report\nmemory: 3\ncpu: 256\nvariables: {'A=B': x}\n"
    assert [(line, path) for line, path, _ in problems_of(text)] == [
        (1, "image"),  # required: reported at the top
        (1, "name"),
        (1, "on"),
        (2, "memory"),
        (4, "variables.A=B"),
    ]


def test_unset_variables_do_not_hide_the_rest():
    text = BASE + "cpu: ${CPU}\nretries: -1\n"
    found = problems_of(text)
    assert [(line, path) for line, path, _ in found] == [(7, "cpu"), (8, "retries")]
    assert "CPU is not set" in found[0][2]


def test_environment_block_problems_do_not_hide_the_rest():
    text = BASE + "retries: -1\nenvironments:\n  prod: 5\n  test: {name: other, cpu: 3}\n"
    assert [(line, path) for line, path, _ in problems_of(text)] == [
        (7, "retries"),
        (9, "environments.prod"),
        (10, "environments.test.cpu"),
        (10, "environments.test.name"),
    ]


def test_the_name_must_match_its_folder_beside_other_problems(tmp_path):
    path = tmp_path / "manifests" / "daily" / "manifest.yml"
    path.parent.mkdir(parents=True)
    path.write_text(BASE + "retries: -1\n")
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert [(p.line, p.path) for p in caught.value.problems] == [(1, "name"), (7, "retries")]


def test_problem_paths_are_yaml_paths_never_files_or_job_names(tmp_path):
    text = BASE + "env_file: x.env\nsidecars:\n  s: {image: 'A*'}\nvariables: {'': 1}\n"
    for _, path, _ in problems_of(text, root=tmp_path):
        assert path and "m.yml" not in path and ":" not in path
        assert path.split(".")[0] in {"env_file", "sidecars", "variables"}


# --------------------------------------------------------------------- values AWS rejects


def secret_problems(value: str) -> list[tuple[int | None, str, str]]:
    return problems_of(BASE + f"secrets:\n  S: {value}\n")


@pytest.mark.parametrize(
    ("value", "path", "fragment"),
    [
        pytest.param(
            "arn:aws:iam::123456789012:role/app", "secrets.S", "ARN of 'iam'", id="iam-role-arn"
        ),
        pytest.param("arn:aws:s3:::bucket/key.env", "secrets.S", "ARN of 's3'", id="s3-object-arn"),
        pytest.param(
            "arn:aws:kms:us-east-1:123456789012:key/abc", "secrets.S", "ARN of 'kms'", id="kms-arn"
        ),
        pytest.param(
            "arn:aws-xx:ssm:us-east-1:123456789012:parameter/a",
            "secrets.S",
            "not an AWS partition",
            id="unknown-partition",
        ),
        pytest.param(
            "arn:aws-cn:ssm:us-east-1:123456789012:parameter/a",
            "secrets.S",
            "not in partition 'aws-cn'",
            id="region-of-another-partition",
        ),
        pytest.param(
            "arn:aws:ssm:cn-north-1:123456789012:parameter/a",
            "secrets.S",
            "not in partition 'aws'",
            id="china-region-in-aws-partition",
        ),
        pytest.param(
            "arn:aws:ssm:us-east-1:1234:parameter/a",
            "secrets.S",
            "12-digit account",
            id="short-account",
        ),
        pytest.param(
            "arn:aws:ssm:us-east-1:123456789012:document/a",
            "secrets.S",
            "ends in parameter/<name>",
            id="ssm-document-not-parameter",
        ),
        pytest.param(
            "arn:aws:secretsmanager:us-east-1:123456789012:rotation:x",
            "secrets.S",
            "ends in secret:<name>",
            id="secretsmanager-arn-without-secret",
        ),
        pytest.param("'*'", "secrets.S", "'*' and '?' are not allowed", id="star"),
        pytest.param("/myapp/*", "secrets.S", "are not allowed", id="partial-pattern"),
        pytest.param("/myapp/db?", "secrets.S", "are not allowed", id="question-mark"),
        pytest.param(
            "arn:aws:ssm:us-east-1:123456789012:parameter/*",
            "secrets.S",
            "are not allowed",
            id="star-in-arn",
        ),
        pytest.param(
            "{secretsmanager: '*'}",
            "secrets.S.secretsmanager",
            "not allowed",
            id="secretsmanager-star",
        ),
        pytest.param(
            "{secretsmanager: 'app/*'}",
            "secrets.S.secretsmanager",
            "not allowed",
            id="secretsmanager-pattern",
        ),
        pytest.param(
            "'my param'", "secrets.S", "is not an SSM parameter name", id="space-in-parameter-name"
        ),
        pytest.param(
            "{secretsmanager: 'a:b'}",
            "secrets.S.secretsmanager",
            "json-key:version-stage:version-id",
            id="secretsmanager-half-selector",
        ),
    ],
)
def test_secrets_aws_would_refuse_or_widen(value, path, fragment):
    [(line, found_path, message)] = secret_problems(value)
    assert (line, found_path) == (8, path)
    assert fragment in message


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("/demo/dev/db-password", id="parameter-name"),
        pytest.param("token", id="parameter-without-hierarchy"),
        pytest.param("arn:aws:ssm:eu-west-1:123456789012:parameter/a/b", id="ssm-arn-other-region"),
        pytest.param("arn:aws-cn:ssm:cn-north-1:123456789012:parameter/a", id="ssm-arn-china"),
        pytest.param(
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf",
            id="secret-arn-govcloud",
        ),
        pytest.param(
            "'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::'",
            id="secret-arn-with-json-key",
        ),
        pytest.param("{secretsmanager: demo/dev/api-key}", id="secretsmanager-name"),
        pytest.param("{secretsmanager: 'db:password::'}", id="secretsmanager-json-key"),
        pytest.param("{from_cfn: SharedSecretExport}", id="from-cfn-aside"),
    ],
)
def test_secrets_aws_accepts(value):
    load_manifest_text(BASE + f"secrets:\n  S: {value}\n")


@pytest.mark.parametrize(
    ("location", "fragment"),
    [
        pytest.param("busybox:*", "cannot hold '*' or '?'", id="wildcard-tag"),
        pytest.param("repo/*", "cannot hold '*' or '?'", id="wildcard-repository"),
        pytest.param("Busy/Box:1", "is not an image reference", id="uppercase-repository"),
        pytest.param("repo:", "is not an image reference", id="empty-tag"),
        pytest.param("repo:bad tag", "is not an image reference", id="space-in-tag"),
        pytest.param("repo@sha256:abc", "is not an image reference", id="short-digest"),
        pytest.param("repo@sha256:" + "a" * 65, "exactly 64 hex digits", id="long-sha256-digest"),
        pytest.param(
            "123456789012.dkr.ecr.amazonaws.com/app:1",
            "a 12-digit account and a region",
            id="ecr-without-region",
        ),
        pytest.param(
            "1234.dkr.ecr.us-east-1.amazonaws.com/app:1",
            "a 12-digit account",
            id="ecr-short-account",
        ),
        pytest.param("a/" * 130 + "b", "ECS accepts at most 255", id="longer-than-ecs-allows"),
    ],
)
def test_image_locations_aws_would_refuse(location, fragment):
    text = HEAD + f"image:\n  location: '{location}'\n" + ON
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (4, "image.location")
    assert fragment in message


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("busybox", id="bare-name"),
        pytest.param("busybox:1.36", id="name-and-tag"),
        pytest.param("docker.io/library/busybox:1.36", id="docker-hub"),
        pytest.param("localhost:5000/team/app:v1", id="registry-with-port"),
        pytest.param("public.ecr.aws/docker/library/busybox:stable", id="ecr-public"),
        pytest.param("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app/job:v1", id="ecr"),
        pytest.param("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1", id="ecr-china"),
        pytest.param("repo@sha256:" + "0" * 64, id="digest"),
        pytest.param("repo:v1@sha256:" + "0" * 64, id="tag-and-digest"),
    ],
)
def test_image_locations_aws_accepts(location):
    load_manifest_text(HEAD + f"image:\n  location: '{location}'\n" + ON)


@pytest.mark.parametrize(
    ("extra", "line", "path", "fragment"),
    [
        pytest.param(
            "  credentials: arn:aws:ssm:us-east-1:123456789012:parameter/login\n",
            5,
            "image.credentials",
            "must be a Secrets Manager secret",
            id="credentials-as-ssm-parameter",
        ),
        pytest.param(
            "  credentials: 'dockerhub/*'\n",
            5,
            "image.credentials",
            "not allowed",
            id="credentials-wildcard",
        ),
        pytest.param(
            "sidecars:\n  s:\n    image: busybox\n    credentialsParameter: 'a b'\n",
            10,
            "sidecars.s.credentialsParameter",
            "is not a Secrets Manager secret name or ARN",
            id="sidecar-credentials-with-space",
        ),
    ],
)
def test_registry_credentials_aws_would_refuse(extra, line, path, fragment):
    text = HEAD + IMAGE + extra + ON if extra.startswith("  ") else BASE + extra
    assert_one(text, line, path, fragment)


def test_sidecar_image_is_checked_too():
    text = BASE + "sidecars:\n  s:\n    image: 'nginx:*'\n"
    assert_one(text, 9, "sidecars.s.image.location", "cannot hold '*'")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        pytest.param("''", "cannot be empty", id="empty-name"),
        pytest.param("A=B", "may not contain '='", id="equals-sign"),
        pytest.param("'A B'", "may not contain", id="space"),
        pytest.param("'A\t'", "may not contain", id="tab"),
        pytest.param('"A\\0"', "may not contain", id="nul"),
    ],
)
@pytest.mark.parametrize("field", ["variables", "secrets"])
def test_variable_names_the_container_cannot_hold(field, key, fragment):
    value = "/p" if field == "secrets" else "v"
    [(line, path, message)] = problems_of(BASE + f"{field}:\n  {key}: {value}\n")
    assert line == 8 and path.startswith(f"{field}.")
    assert fragment in message


def test_variables_past_the_task_definition_limit():
    text = BASE + "variables: {BIG: '${BIG}', SMALL: x}\n"
    [(line, path, message)] = problems_of(text, environ={"BIG": "x" * 60_000})
    assert (line, path) == (7, "variables")
    assert "ECS accepts at most 64 KiB" in message


def test_sidecar_values_count_toward_the_limit():
    text = BASE + "variables: {A: '${HALF}'}\nsidecars:\n  s:\n    image: busybox\n"
    text += "    variables: {B: '${HALF}', C: '${HALF}'}\n"
    [(_, path, _)] = problems_of(text, environ={"HALF": "x" * 20_000})
    assert path == "sidecars.s.variables"


def test_what_passes_the_size_rule_fits_in_a_task_definition():
    # Many small variables: the per-entry overhead of ECS's {"name", "value"} form counts.
    from scheduled_jobs.components.convert.container_definitions import (
        ContainerContext,
        container_definitions,
    )

    def job_with(count: int):
        lines = "".join(f"  VARIABLE_{i:05}: value-{i:05}\n" for i in range(count))
        return load_manifest_text(BASE + "variables:\n" + lines)

    def accepted(count: int) -> bool:
        try:
            job_with(count)
        except ManifestError:
            return False
        return True

    low, high = 1, 4000  # bisect for the most variables the rule lets through
    assert accepted(low) and not accepted(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if accepted(middle) else (low, middle)
    job = job_with(low)
    context = ContainerContext(
        app="demo",
        env="prod",
        region="us-east-1",
        account="123456789012",
        partition="aws",
        log_group="/copilot/demo-prod-report",
        images={"report": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/report:v1"},
    )
    size = len(json.dumps(container_definitions(job, context)).encode())
    assert size <= 64 * 1024


def test_more_containers_than_ecs_allows():
    sidecars = "".join(f"  s{i}: {{image: busybox}}\n" for i in range(10))
    [(line, path, message)] = problems_of(BASE + "sidecars:\n" + sidecars)
    assert (line, path) == (7, "sidecars")
    assert "11 containers" in message and "at most 10" in message


def test_ten_containers_are_allowed():
    sidecars = "".join(f"  s{i}: {{image: busybox}}\n" for i in range(9))
    assert len(load_manifest_text(BASE + "sidecars:\n" + sidecars).sidecars) == 9


def test_fully_specified_manifest_is_well_within_every_limit():
    root = Path(__file__).parents[2] / "testdata"
    text = (root / "fully-specified.yml").read_text()
    load_manifest_text(text, root=root)
    assert len(textwrap.dedent(text).encode()) < MAX_MANIFEST_BYTES // 50
