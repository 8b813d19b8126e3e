"""The manifest pipeline: every rule, with the file, line and field path it reports."""

from __future__ import annotations

import textwrap

import pytest

from scheduled_jobs.components import ManifestError, load_manifest
from scheduled_jobs.components.manifest.load import load_manifest_text

BASE = """\
name: report
type: Scheduled Job
image:
  location: public.ecr.aws/docker/library/busybox:stable
on:
  schedule: "@daily"
"""


def load(extra: str = "", env: str | None = None, base: str = BASE, **kwargs):
    return load_manifest_text(base + textwrap.dedent(extra), env, file="m.yml", **kwargs)


def problems(extra: str = "", env: str | None = None, base: str = BASE, **kwargs) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load(extra, env, base, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_defaults_are_copilots():
    job = load()
    assert (job.cpu, job.memory, job.count) == (256, 512, 1)
    assert job.network.vpc.placement == "public"
    assert job.logging.retention == 30
    assert job.retries is None and job.timeout is None
    assert job.schedule_expression == "cron(0 0 * * ? *)"


def test_fully_specified_manifest_loads():
    job = load(
        """\
        entrypoint: /bin/sh -c
        command: ["echo", 42]
        cpu: 1024
        memory: 2048
        platform: {osfamily: linux, architecture: arm64}
        count: 1
        exec: false
        variables: {LOG_LEVEL: debug, PORT: 8080, DEBUG: true}
        secrets:
          DB: /app/db
          KEY: {secretsmanager: app/key}
        storage:
          ephemeral: 50
          readonly_fs: true
          volumes:
            scratch: {path: /scratch, read_only: false, efs: false}
        logging: {retention: 90}
        sidecars:
          proxy:
            image: public.ecr.aws/nginx/nginx:stable
            port: 8080/tcp
            essential: false
            mount_points: [{source_volume: scratch, path: /scratch}]
            depends_on: {report: start}
        retries: 3
        timeout: 1h30m
        network:
          vpc:
            placement: private
            security_groups: [sg-1, sg-2]
        """
    )
    assert job.entrypoint == ["/bin/sh", "-c"]
    assert job.command == ["echo", "42"]
    assert job.platform.ecs_cpu_architecture == "ARM64"
    assert job.variables == {"LOG_LEVEL": "debug", "PORT": "8080", "DEBUG": "true"}
    assert job.secrets["DB"] == "/app/db"
    assert job.secrets["KEY"].secretsmanager == "app/key"
    assert job.timeout_seconds == 5400
    assert job.network.vpc.security_groups.groups == ["sg-1", "sg-2"]
    assert job.sidecars["proxy"].image.location.endswith("nginx:stable")
    assert job.placement == "private"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            "memry: 512\n",
            "m.yml:7: memry: unknown field 'memry'; did you mean 'memory'?",
            id="unknown-key-suggests",
        ),
        pytest.param(
            "image:\n  location: x\n  buid: .\n",
            "image.buid: unknown field 'buid'; did you mean 'build'?",
            id="unknown-nested-key-suggests",
        ),
        pytest.param(
            "retries: -1\n", "m.yml:7: retries: cannot be negative", id="retries-negative"
        ),
        pytest.param("retries: 11\n", "retries: 11 is more than 10", id="retries-upper-bound"),
        pytest.param("retries: many\n", "retries: must be a whole number", id="retries-not-int"),
        pytest.param(
            "timeout: 500ms\n",
            "timeout: '500ms' must be at least 1s",
            id="timeout-below-one-second",
        ),
        pytest.param(
            "timeout: 1.5s\n",
            "timeout: '1.5s' must be a whole number of seconds",
            id="timeout-fractional-seconds",
        ),
        pytest.param(
            "timeout: soon\n", 'timeout: "soon" is not a duration', id="timeout-not-duration"
        ),
        pytest.param("cpu: 300\n", "cpu: 300 is not a Fargate CPU size", id="cpu-not-fargate"),
        pytest.param(
            "memory: 4096\n",
            "memory: 4096 MiB does not fit cpu 256 on Fargate",
            id="memory-does-not-fit-cpu",
        ),
        pytest.param(
            "cpu: 4096\nmemory: 8000\n",
            "8192 to 30720 in steps of 1024",
            id="memory-range-explained",
        ),
        pytest.param(
            "platform: windows/amd64\n",
            "platform: Windows tasks need cpu of at least 1024",
            id="windows-minimum-cpu-default",
        ),
        pytest.param(
            "platform: windows/amd64\ncpu: 1024\nmemory: 1024\n",
            "memory: Windows tasks need at least 2048 MiB",
            id="windows-minimum-memory",
        ),
        pytest.param(
            "platform: linux/ppc64\n",
            "platform: 'linux/ppc64' is not a platform",
            id="platform-unknown",
        ),
        pytest.param("platform: linux\n", "must be in the form os/arch", id="platform-no-slash"),
        pytest.param(
            "platform: {osfamily: linux}\n",
            "platform.architecture: is required",
            id="platform-map-needs-both",
        ),
        pytest.param(
            "platform: {osfamily: windows, architecture: arm64}\ncpu: 1024\nmemory: 2048\n",
            "Windows containers run on x86_64 only",
            id="platform-windows-arm",
        ),
        pytest.param(
            "storage: {ephemeral: 10}\n",
            "storage.ephemeral: must be greater than or equal to 20",
            id="ephemeral-too-small",
        ),
        pytest.param(
            "storage: {ephemeral: 201}\n",
            "storage.ephemeral: must be less than or equal to 200",
            id="ephemeral-too-large",
        ),
        pytest.param(
            "network: {vpc: {placement: privat}}\n",
            "network.vpc.placement: 'privat' must be one of public, private",
            id="placement-invalid",
        ),
        pytest.param(
            "network: {vpc: {placement: ''}}\n", "placement: cannot be empty", id="placement-empty"
        ),
        pytest.param(
            "network: {vpc: {placement: {subnets: []}}}\n",
            "network.vpc.placement.subnets: must not be empty",
            id="placement-subnets-empty",
        ),
        pytest.param(
            "network: {vpc: {security_groups: {deny_default: true}}}\n",
            "deny_default: leaves the task with no security group",
            id="deny-default-needs-groups",
        ),
        pytest.param(
            "env_file: vars.txt\n",
            "env_file: 'vars.txt' must have a .env extension",
            id="env-file-extension",
        ),
        pytest.param("count: 2\n", "count: 2 is not supported", id="count-not-one"),
        pytest.param(
            "count: {range: 1-10}\n", "cannot have autoscaling options", id="count-autoscaling"
        ),
        pytest.param(
            "command: echo 'unclosed\n",
            "command: cannot split into words",
            id="command-bad-quoting",
        ),
        pytest.param(
            "secrets: {X: {secretsmanager: a, from_cfn: b}}\n",
            "secrets.X: must be an SSM parameter name or ARN",
            id="secret-two-forms",
        ),
        pytest.param("secrets: {X: ''}\n", "secrets.X: cannot be empty", id="secret-empty"),
        pytest.param(
            "logging: {retention: 10}\n",
            "10 is not a CloudWatch Logs retention",
            id="log-retention-invalid",
        ),
        pytest.param(
            "image:\n  location: x\n  depends_on: {ghost: start}\n",
            "'ghost' is not a container of this job",
            id="depends-on-unknown-container",
        ),
        pytest.param(
            "image:\n  location: x\n  depends_on: {report: start}\n",
            "cannot depend on itself",
            id="depends-on-self",
        ),
        pytest.param(
            "image:\n  location: x\n  depends_on: {side: sometimes}\nsidecars:\n"
            "  side: {image: y}\n",
            "'sometimes' is not a dependency condition",
            id="depends-on-bad-condition",
        ),
        pytest.param(
            "image:\n  location: x\n  depends_on: {side: success}\nsidecars:\n  side: {image: y}\n",
            "'side' is essential, so only start or healthy",
            id="depends-on-essential-needs-start-or-healthy",
        ),
        pytest.param(
            "image:\n  location: x\n  depends_on: {side: healthy}\nsidecars:\n  side: {image: y}\n",
            "'side' has no healthcheck",
            id="healthy-needs-healthcheck",
        ),
        pytest.param(
            "sidecars:\n  a: {image: x, essential: false, depends_on: {b: complete}}\n"
            "  b: {image: y, essential: false, depends_on: {a: complete}}\n",
            "cycle: a -> b -> a",
            id="depends-on-cycle",
        ),
        pytest.param(
            "sidecars:\n  a: {image: x, port: 80}\n  b: {image: y, port: 80}\n",
            "port 80 is already used by 'a'",
            id="sidecar-ports-unique",
        ),
        pytest.param(
            "sidecars:\n  report: {image: x}\n",
            "taken by the job's own container",
            id="sidecar-named-like-job",
        ),
        pytest.param(
            "sidecars:\n  a: {image: x, mount_points: [{source_volume: data, path: /d}]}\n",
            "'data' is not a volume in storage.volumes",
            id="mount-unknown-volume",
        ),
        pytest.param(
            "storage:\n  volumes:\n    v: {path: '/bad path'}\n",
            "storage.volumes.v.path",
            id="volume-path-charset",
        ),
        pytest.param(
            "image:\n  location: x\n  healthcheck: {command: [CMD, true], interval: 1s}\n",
            "whole seconds from 5s to 300s",
            id="healthcheck-interval-range",
        ),
        pytest.param("on:\n  schedule: every day\n", "on.schedule:", id="schedule-invalid"),
        pytest.param(
            "storage: {readonly_fs: true}\nplatform: windows/amd64\ncpu: 1024\nmemory: 2048\n",
            "storage.readonly_fs: is not supported for Windows",
            id="windows-readonly-fs",
        ),
        pytest.param(
            "storage: {volumes: {v: {path: /v, efs: {id: fs-1}}}}\nplatform: windows/amd64\n"
            "cpu: 1024\nmemory: 2048\n",
            "storage.volumes.v.efs: EFS is not supported for Windows containers (Fargate mounts",
            id="windows-efs-external",
        ),
        pytest.param(
            "storage: {volumes: {v: {path: /v, efs: true}}}\nplatform: windows/amd64\n"
            "cpu: 1024\nmemory: 2048\n",
            "storage.volumes.v.efs: EFS is not supported for Windows containers",
            id="windows-efs-managed",
        ),
        pytest.param(
            "storage: {volumes: {v: {path: /v, efs: true}}}\n"
            "network: {vpc: {security_groups: {groups: [sg-1], deny_default: true}}}\n",
            "deny_default: takes the environment's security group off the task, and the managed "
            "EFS volume v is reachable only from that group (NFS, TCP 2049)",
            id="deny-default-cuts-off-managed-efs",
        ),
        pytest.param(
            "storage: {volumes: {a: {path: /a, efs: true},\n"
            "                    b: {path: /b, efs: {uid: 5, gid: 5}}}}\n",
            "only one managed EFS volume is allowed, found a, b",
            id="one-managed-efs-volume",
        ),
    ],
)
def test_rule(extra: str, expected: str):
    # Later keys replace BASE's ones in YAML, so strip duplicates first.
    keys = {line.split(":")[0] for line in extra.splitlines() if line and not line[0].isspace()}
    base = "".join(chunk for chunk in _top_level_chunks(BASE) if chunk.split(":")[0] not in keys)
    found = problems(extra, base=base)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param("storage: {volumes: {v: {path: /v, efs: {id: fs-1}}}}\n"
                     "network: {vpc: {security_groups: {groups: [sg-1], deny_default: true}}}\n",
                     id="deny-default-with-own-efs"),  # its mount targets are the user's
        pytest.param("storage: {volumes: {v: {path: /v, efs: true}}}\n"
                     "network: {vpc: {security_groups: {groups: [sg-1]}}}\n",
                     id="managed-efs-keeps-the-environment-group"),
        pytest.param("storage: {volumes: {v: {path: /v, efs: false}}}\nplatform: windows/amd64\n"
                     "cpu: 1024\nmemory: 2048\n", id="windows-scratch-volume"),
    ],
)  # fmt: skip
def test_efs_combinations_that_work(extra: str):
    keys = {line.split(":")[0] for line in extra.splitlines() if line and not line[0].isspace()}
    base = "".join(chunk for chunk in _top_level_chunks(BASE) if chunk.split(":")[0] not in keys)
    load(extra, base=base)  # no ManifestError


def _top_level_chunks(text: str) -> list[str]:
    chunks: list[str] = []
    for line in text.splitlines(keepends=True):
        if line[0].isspace() and chunks:
            chunks[-1] += line
        else:
            chunks.append(line)
    return chunks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "must be a YAML map", id="empty-file"),
        pytest.param("null: 1\n", "m.yml:1: None: field names must be text", id="null-key"),
        pytest.param("- a\n- b\n", "must be a YAML map", id="list-not-map"),
        pytest.param("name: [\n", "not valid YAML", id="yaml-syntax"),
        pytest.param("name: a\nname: b\n", "m.yml:2: key 'name' appears twice", id="duplicate-key"),
        pytest.param(
            "name: web\ntype: Load Balanced Web Service\n",
            '"Load Balanced Web Service" manifests are not supported',
            id="other-copilot-type",
        ),
        pytest.param("name: x\ntype: Cron\n", "'Cron' is not a manifest type", id="unknown-type"),
        pytest.param(
            "type: Scheduled Job\nimage: {location: x}\non: {schedule: '@daily'}\n",
            "name: is required",
            id="name-missing",
        ),
        pytest.param(
            "name: report\nimage: {location: x}\n",
            "on: is required: when to run",
            id="schedule-missing",
        ),
        pytest.param(
            "name: Report\nimage: {location: x}\non: {schedule: '@daily'}\n",
            "name: 'Report' must start with a lowercase letter",
            id="name-uppercase",
        ),
        pytest.param(
            "name: a--b\nimage: {location: x}\non: {schedule: '@daily'}\n",
            "single hyphens",
            id="name-double-hyphen",
        ),
        pytest.param(
            "name: report\non: {schedule: '@daily'}\n", "image: is required", id="image-missing"
        ),
        pytest.param(
            "name: report\nimage: {build: Dockerfile, location: x}\non: {schedule: '@daily'}\n",
            'needs exactly one of "build"',
            id="image-build-and-location",
        ),
    ],
)
def test_file_level_problem(text: str, expected: str):
    with pytest.raises(ManifestError) as caught:
        load_manifest_text(text, file="m.yml")
    assert expected in str(caught.value)


def test_several_problems_reported_together_sorted_by_line():
    found = problems("retries: -1\ntimeout: 0s\nmemry: 1\n")
    assert [p.split(":")[1] for p in found] == ["7", "8", "9"]


def test_unsupported_field_is_rejected_by_name():
    found = problems("network:\n  connect: true\n")
    assert any("network.connect: " in p and "Service Connect" in p for p in found), found


def test_protected_taskdef_override_path():
    found = problems("taskdef_overrides:\n  - path: Family\n    value: x\n")
    assert any('"Family" cannot be overridden' in p for p in found), found


@pytest.mark.parametrize(
    ("text", "enabled"),
    [
        pytest.param("exec: false\n", False, id="bool-false"),
        pytest.param("exec: true\n", True, id="bool-true"),
        pytest.param("exec:\n  enable: true\n", True, id="map-form"),
    ],
)
def test_exec_is_accepted(text, enabled):
    assert load(text).exec.enable is enabled


class TestEnvironments:
    MANIFEST = BASE + textwrap.dedent(
        """\
        cpu: 256
        variables: {A: base, B: base}
        network:
          vpc:
            placement: {subnets: [subnet-1]}
        environments:
          prod:
            cpu: 1024
            memory: 2048
            variables: {B: prod}
            image:
              build: Dockerfile
            network:
              vpc:
                placement: private
          test:
            on:
              schedule: none
        """
    )

    def test_scalars_replace_maps_merge_unions_clear(self):
        job = load_manifest_text(self.MANIFEST, "prod")
        assert (job.cpu, job.memory) == (1024, 2048)
        assert job.variables == {"A": "base", "B": "prod"}
        assert job.image.location is None and job.image.build.dockerfile == "Dockerfile"
        assert job.network.vpc.placement == "private"

    def test_schedule_override_keeps_everything_else(self):
        job = load_manifest_text(self.MANIFEST, "test")
        assert job.schedule_expression is None
        assert job.image.location and job.cpu == 256

    def test_unknown_environment_gets_the_base(self):
        assert load_manifest_text(self.MANIFEST, "staging").cpu == 256

    def test_errors_point_into_the_environment_block(self):
        text = BASE + "environments:\n  prod:\n    retries: -2\n"
        with pytest.raises(ManifestError) as caught:
            load_manifest_text(text, "prod", file="m.yml")
        assert str(caught.value) == "m.yml:9: environments.prod.retries: cannot be negative"

    def test_without_env_every_environment_is_checked(self):
        text = BASE + "environments:\n  prod:\n    cpu: 3\n"
        with pytest.raises(ManifestError) as caught:
            load_manifest_text(text, file="m.yml")
        assert "m.yml:9: environments.prod.cpu: 3 is not a Fargate CPU size" in str(caught.value)

    @pytest.mark.parametrize("key", ["name", "type"])
    def test_name_and_type_cannot_be_overridden(self, key):
        text = BASE + f"environments:\n  prod:\n    {key}: other\n"
        with pytest.raises(ManifestError, match="cannot be overridden per environment"):
            load_manifest_text(text, "prod")


class TestInterpolation:
    def test_variables_and_reserved_names(self):
        text = (
            BASE.replace("busybox:stable", "${TAG}") + "variables:\n  WHERE: "
            "${COPILOT_APPLICATION_NAME}-${COPILOT_ENVIRONMENT_NAME}\n  RAW: \\${HOME}\n"
        )
        job = load_manifest_text(text, "dev", app="shop", environ={"TAG": "v2"})
        assert job.image.location == "public.ecr.aws/docker/library/v2"
        assert job.variables == {"WHERE": "shop-dev", "RAW": "${HOME}"}

    def test_unset_variable_names_the_line(self):
        with pytest.raises(ManifestError) as caught:
            load_manifest_text(BASE + "variables: {X: '${NOPE}'}\n", file="m.yml", environ={})
        assert str(caught.value).startswith(
            "m.yml:7: variables.X: ${NOPE}: environment variable NOPE is not set"
        )


class TestFromFile:
    def test_missing_file(self, tmp_path):
        with pytest.raises(ManifestError, match="no such file"):
            load_manifest(tmp_path / "nope.yml")

    def test_name_must_match_folder(self, tmp_path):
        path = tmp_path / "manifests" / "other" / "manifest.yml"
        path.parent.mkdir(parents=True)
        path.write_text(BASE)
        with pytest.raises(ManifestError, match="does not match its folder manifests/other/"):
            load_manifest(path)

    def test_files_checked_against_the_project_root(self, tmp_path):
        path = tmp_path / "manifest.yml"
        path.write_text(
            BASE.replace(
                "location: public.ecr.aws/docker/library/busybox:stable", "build: jobs/Dockerfile"
            )
            + "env_file: app.env\n"
        )
        with pytest.raises(ManifestError) as caught:
            load_manifest(path, root=tmp_path)
        text = str(caught.value)
        assert "env_file: 'app.env' does not exist" in text
        assert "image.build: build context 'jobs' does not exist" in text
        (tmp_path / "jobs").mkdir()
        (tmp_path / "jobs" / "Dockerfile").write_text("FROM scratch\n")
        (tmp_path / "app.env").write_text("A=1\n")
        assert load_manifest(path, root=tmp_path).image.build.dockerfile == "jobs/Dockerfile"

    def test_example_job_loads_for_every_environment(self, project_root):
        path = project_root / "manifests" / "hello" / "manifest.yml"
        for env in (None, "dev", "prod"):
            job = load_manifest(path, env, app="demo", root=project_root)
            assert job.name == "hello"
        assert load_manifest(path, "prod", root=project_root).retries == 3


@pytest.mark.parametrize(
    "extra, path, hint",
    [
        pytest.param("memry: 512\n", "memry", "Did you mean 'memory'?", id="field-typo"),
        pytest.param("on:\n  schedule: '@daily'\n  timzone: UTC\n", "on.timzone",
                     "Did you mean 'timezone'?", id="nested-typo"),
        pytest.param("on:\n  schedule: '@daily'\n  timezone: Europe/Londn\n", "on.timezone",
                     "Did you mean 'Europe/London'?", id="zone-typo"),
        pytest.param("logging:\n  zzz: 1\n", "logging.zzz", "Allowed here: ", id="allowed-keys"),
        pytest.param("retries: -1\n", "retries", None, id="no-suggestion-no-hint"),
    ],
)  # fmt: skip
def test_suggestions_are_also_the_problems_hint(extra, path, hint):
    base = BASE.replace('on:\n  schedule: "@daily"\n', "") if extra.startswith("on:") else BASE
    with pytest.raises(ManifestError) as caught:
        load(extra, base=base)
    (problem,) = [p for p in caught.value.problems if p.path == path]
    if hint is None:
        assert problem.hint is None
    else:
        assert problem.hint is not None and problem.hint.startswith(hint), problem
        assert problem.hint.lower() in problem.message.lower()  # the message keeps it too
