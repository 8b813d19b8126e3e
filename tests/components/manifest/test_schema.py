from __future__ import annotations

import json

import jsonschema
import pytest

from scheduled_jobs.components import load_manifest
from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.load import load_manifest_text
from scheduled_jobs.components.manifest.schema import manifest_schema
from scheduled_jobs.components.manifest.source import parse
from tests.paths import ROOT as _ROOT

ROOT = _ROOT
# Every example job and every testdata manifest is a valid one (invalid cases live inline in
# the loader's tests), so each must pass both the loader and the schema.
MANIFESTS = sorted(ROOT.glob("manifests/*/manifest.yml")) + sorted(
    (ROOT / "tests" / "testdata").glob("*.yml")
)


def _validator():
    schema = manifest_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_every_manifest_the_loader_accepts(path, monkeypatch):
    # testdata manifests name their files relative to tests/testdata, as a project root.
    root = ROOT if path.parent.parent.name == "manifests" else path.parent
    load_manifest(path, app="demo", root=root)
    data = parse(path.read_text()).data
    errors = [e.message for e in _validator().iter_errors(data)]
    assert errors == []


def test_schema_rejects_unknown_keys():
    data = {
        "name": "job",
        "type": "Scheduled Job",
        "image": {"location": "x"},
        "on": {"schedule": "@daily"},
        "memry": 1,
    }
    assert not _validator().is_valid(data)


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "manifests" / "manifest.schema.json").read_text())
    assert committed == manifest_schema(), (
        "refresh it: scheduled-jobs schema -o manifests/manifest.schema.json"
    )


@pytest.mark.parametrize(
    "fragment",
    [
        pytest.param("variables: {PORT: 8080, RATIO: 2.50, DEBUG: true}", id="variables"),
        pytest.param("image: {location: x, labels: {version: 3.10}}", id="labels"),
        pytest.param("command: [sleep, 30]", id="command-list"),
        pytest.param("sidecars: {s: {image: x, variables: {N: 1_000}}}", id="sidecar-variables"),
    ],
)
def test_schema_admits_unquoted_scalars_where_copilot_reads_text(fragment):
    text = "name: job\ntype: Scheduled Job\non: {schedule: '@daily'}\n" + fragment + "\n"
    if not fragment.startswith("image:"):
        text += "image: {location: x}\n"
    errors = [e.message for e in _validator().iter_errors(parse(text).data)]
    assert errors == []


# ------------------------------------------------------------------ every field is described


def _declared_properties(node, where=""):
    """(where, property schema) for the fields of every model: the `properties` of objects,
    not those inside the rules' if/then conditions."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("if", "then", "else", "not"):
                continue
            if key == "properties":
                for name, child in value.items():
                    yield f"{where}.{name}", child
                    yield from _declared_properties(child, f"{where}.{name}")
            else:
                yield from _declared_properties(value, where if key.startswith("$") else where)
    elif isinstance(node, list):
        for child in node:
            yield from _declared_properties(child, where)


def test_every_field_at_every_level_has_a_description():
    schema = manifest_schema()
    properties = list(_declared_properties(schema))
    assert len(properties) > 150  # the job, its maps, the override copies
    missing = [where for where, child in properties if not child.get("description")]
    assert missing == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(("on", "timezone"), id="on.timezone"),
        pytest.param(("on", "window"), id="on.window"),
        pytest.param(("alerts",), id="alerts"),
        pytest.param(("concurrency",), id="concurrency"),
        pytest.param(("capacity",), id="capacity"),
    ],
)
def test_additions_say_they_are_additions(path):
    node = manifest_schema()
    defs = node["$defs"]
    for key in path:
        node = node["properties"][key]
        ref = node.get("$ref")
        if ref and key != path[-1]:
            node = defs[ref.rsplit("/", 1)[-1]]
    assert node["description"].startswith("Addition:")


def test_network_connect_is_not_offered():
    connect = manifest_schema()["$defs"]["Network"]["properties"]["connect"]
    assert connect["deprecated"] is True and connect["doNotSuggest"] is True
    assert connect["enum"] == [False, None]


# ------------------------------------------------- the schema and the loader agree, value by value

BASE = """\
name: job
type: Scheduled Job
image:
  location: public.ecr.aws/docker/library/busybox:latest
on:
  schedule: "@daily"
"""


ENVIRON = {"TIMEOUT": "1h", "NAME": "job"}


def _accepted_by_loader(text: str) -> bool:
    try:
        load_manifest_text(text, app="demo", environ=ENVIRON)
    except ManifestError:
        return False
    return True


def _accepted_by_schema(text: str) -> bool:
    return _validator().is_valid(parse(text).data)


def _case(fragment: str, accepted: bool, id: str):
    return pytest.param(fragment, accepted, id=f"{id}-{'ok' if accepted else 'refused'}")


AGREE = [
    _case("retries: 0", True, "retries-0"),
    _case("retries: 10", True, "retries-10"),
    _case("retries: 11", False, "retries-11"),
    _case("retries: 20", False, "retries-20"),
    _case("retries: -1", False, "retries-negative"),
    _case("timeout: 1h30m", True, "timeout-1h30m"),
    _case("timeout: 90s", True, "timeout-90s"),
    _case("timeout: 5 minutes", False, "timeout-words"),
    _case("timeout: 90", False, "timeout-no-unit"),
    _case("timeout: ${TIMEOUT}", True, "timeout-interpolated"),
    _case("name: ${NAME}", True, "name-interpolated"),
    _case("storage: {ephemeral: 20}", True, "ephemeral-20"),
    _case("storage: {ephemeral: 200}", True, "ephemeral-200"),
    _case("storage: {ephemeral: 19}", False, "ephemeral-19"),
    _case("storage: {ephemeral: 201}", False, "ephemeral-201"),
    _case("cpu: 256\nmemory: 2048", True, "size-256-2048"),
    _case("memory: 1024", True, "size-default-cpu-1024"),
    _case("memory: 4096", False, "size-default-cpu-4096"),
    _case("cpu: 512", False, "size-512-default-memory"),
    _case("cpu: 512\nmemory: 4096", True, "size-512-4096"),
    _case("cpu: 1024\nmemory: 1024", False, "size-1024-1024"),
    _case("cpu: 4096\nmemory: 30720", True, "size-4096-30720"),
    _case("cpu: 8192\nmemory: 20480", True, "size-8192-20480"),
    _case("cpu: 8192\nmemory: 17408", False, "size-8192-17408"),
    _case("cpu: 16384\nmemory: 122880", True, "size-16384-122880"),
    _case("cpu: 300\nmemory: 1024", False, "cpu-300"),
    _case("platform: linux/arm64", True, "platform-arm64"),
    _case("platform: Linux/ARM64", True, "platform-any-case"),
    _case("platform: linux/386", False, "platform-386"),
    _case("platform: linux", False, "platform-no-arch"),
    _case("platform: windows/x86_64\ncpu: 1024\nmemory: 2048", True, "platform-windows"),
    _case("platform: windows/x86_64", False, "windows-default-size"),
    _case("platform: {osfamily: windows_server_2022_core, architecture: x86_64}", False, "win-map"),
    _case(
        "platform: {osfamily: Windows_Server_2022_Core, architecture: X86_64}\ncpu: 1024\n"
        "memory: 2048",
        True,
        "windows-map-any-case",
    ),
    _case("platform: {osfamily: windows, architecture: arm64}", False, "windows-arm"),
    _case("platform: {osfamily: solaris, architecture: x86_64}", False, "osfamily-unknown"),
    _case("capacity: spot", True, "spot"),
    _case("capacity: spot\nplatform: linux/arm64", False, "spot-arm"),
    _case("capacity: on-demand\nplatform: linux/arm64", True, "on-demand-arm"),
    _case("capacity: cheap", False, "capacity-unknown"),
    _case("count: 1", True, "count-1"),
    _case("count: 2", False, "count-2"),
    _case("network: {connect: false}", True, "connect-false"),
    _case("network: {connect: true}", False, "connect-true"),
    _case("network: {connect: {alias: x}}", False, "connect-map"),
    _case("network: {vpc: {placement: private}}", True, "placement-private"),
    _case("network: {vpc: {placement: internal}}", False, "placement-unknown"),
    _case("logging: {retention: 30}", True, "retention-30"),
    _case("logging: {retention: 31}", False, "retention-31"),
    _case("sidecars: {s: {image: x, port: 8080}}", True, "port-number"),
    _case("sidecars: {s: {image: x, port: 8125/udp}}", True, "port-udp"),
    _case("sidecars: {s: {image: x, port: 70000}}", False, "port-too-high"),
    _case("sidecars: {s: {image: x, port: 80/sctp}}", False, "port-sctp"),
    _case("image: {location: x, depends_on: {s: START}}\nsidecars: {s: {image: y}}", True, "dep"),
    _case("image: {location: x, depends_on: {s: ready}}\nsidecars: {s: {image: y}}", False, "dep"),
    _case("image: {location: x, build: Dockerfile}", False, "build-and-location"),
    _case("image: {labels: {a: b}}", False, "neither-build-nor-location"),
    _case("image: {location: x, healthcheck: {command: [CMD, x], retries: 0}}", False, "hc-retry"),
    _case("image: {location: x, healthcheck: {command: [CMD, x], interval: 30s}}", True, "hc"),
    _case("image: {location: x, healthcheck: {command: []}}", False, "hc-no-command"),
    _case("publish: {topics: [{name: events_1}]}", True, "topic-name"),
    _case("publish: {topics: [{name: events.1}]}", False, "topic-name"),
    _case("variables: {LOG_LEVEL: info}", True, "variable-name"),
    _case("variables: {LOG LEVEL: info}", False, "variable-name-space"),
    _case("variables: {A=B: info}", False, "variable-name-equals"),
    _case("storage: {volumes: {v: {path: /data}}}", True, "volume-path"),
    _case("storage: {volumes: {v: {path: /da ta}}}", False, "volume-path-space"),
    _case("storage: {volumes: {v: {path: /d, efs: {uid: 1000, gid: 1000}}}}", True, "efs-uid"),
    _case("storage: {volumes: {v: {path: /d, efs: {uid: 0, gid: 0}}}}", False, "efs-uid-0"),
    _case("storage: {volumes: {v: {path: /d, efs: {uid: 1000}}}}", False, "efs-uid-alone"),
    _case("storage: {volumes: {v: {path: /d, efs: {id: fs-1, uid: 1, gid: 1}}}}", False, "efs"),
    _case("storage: {volumes: {v: {path: /d, efs: {id: fs-1, from_cfn: x}}}}", False, "efs-2"),
    _case("secrets: {A: {secretsmanager: demo/db, from_cfn: x}}", False, "secret-two-forms"),
    _case("secrets: {A: {secretsmanager: demo/db}}", True, "secret-secretsmanager"),
    _case("on: {schedule: '@daily', window: 15m}", True, "window-15m"),
    _case("on: {schedule: '@daily', window: 15 minutes}", False, "window-words"),
    _case("concurrency: forbid", True, "concurrency"),
    _case("concurrency: never", False, "concurrency-unknown"),
    _case("alerts: none", True, "alerts-none"),
    _case("alerts: None", True, "alerts-none-any-case"),
    _case("alerts: {email: [ops@example.com]}", True, "alerts-email"),
    _case("alerts: {email: [ops]}", False, "alerts-email-bad"),
    _case("alerts: {topic: arn:aws:sns:eu-west-1:123456789012:ops}", True, "alerts-topic"),
    _case("alerts: {topic: ops}", False, "alerts-topic-bad"),
    _case("alerts: {on: []}", False, "alerts-on-empty"),
    # environments: a block is laid over the top (merge.py), so it may be partial
    _case("environments: {prod: {on: {timezone: Europe/London}}}", True, "env-on-partial"),
    _case("environments: {prod: {platform: linux/arm64}}", True, "env-platform-string"),
    _case("environments: {prod: {command: python -m report}}", True, "env-command-string"),
    _case("environments: {prod: {exec: true}}", True, "env-exec-bool"),
    _case("environments: {prod: {retries: null}}", True, "env-null-is-unset"),
    _case("environments: {prod: {cpu: 2048, memory: 4096}}", True, "env-size"),
    _case("environments: {prod: {cpu: 2048, memory: 1024}}", False, "env-size-bad"),
    _case("environments: {prod: {retries: 11}}", False, "env-retries-11"),
    _case("environments: {prod: {network: {connect: true}}}", False, "env-connect"),
    _case("environments: {prod: {capacity: spot, platform: linux/arm64}}", False, "env-spot"),
    _case("environments: {prod: {name: other}}", False, "env-name"),
    _case(
        "sidecars: {s: {image: x}}\nenvironments: {prod: {sidecars: {s: {essential: false}}}}",
        True,
        "env-sidecar-partial",
    ),
]


@pytest.mark.parametrize(("fragment", "accepted"), AGREE)
def test_schema_and_loader_agree(fragment, accepted):
    text = _with(fragment)
    assert _accepted_by_loader(text) is accepted, "the loader disagrees with the table"
    assert _accepted_by_schema(text) is accepted, "the schema disagrees with the loader"


# Rules a JSON Schema cannot say: the schema admits these and `validate` refuses them (an
# editor must never flag a valid manifest, so where the two differ the schema is looser).
LOOSER = [
    pytest.param("timeout: 1500ms", id="timeout-not-whole-seconds"),
    pytest.param("timeout: 0s", id="timeout-under-1s"),
    pytest.param("timeout: 9000h", id="timeout-over-a-year"),
    pytest.param("on: {schedule: '@daily', window: 90s}", id="window-not-whole-minutes"),
    pytest.param("on: {schedule: 'every day'}", id="schedule-grammar"),
    pytest.param("on: {schedule: '@daily', timezone: Mars/Olympus}", id="unknown-zone"),
    pytest.param("sidecars: {s: {image: x, port: '0'}}", id="port-zero-text"),
    pytest.param("image: {location: BusyBox}", id="image-reference-grammar"),
    pytest.param("secrets: {A: 'arn:aws:s3:::bucket'}", id="secret-arn-service"),
    pytest.param("cpu: 1024\nmemory: 2048\nenvironments: {prod: {memory: 1024}}", id="env-pair"),
]


@pytest.mark.parametrize("fragment", LOOSER)
def test_schema_is_looser_only_where_json_schema_cannot_say_the_rule(fragment):
    text = _with(fragment)
    assert not _accepted_by_loader(text)
    assert _accepted_by_schema(text), "the schema now says this rule: move the case to AGREE"


def _with(fragment: str) -> str:
    """The base job with `fragment`'s top-level keys replacing the base's."""
    replaced = {line.split(":", 1)[0] for line in fragment.splitlines() if not line[:1].isspace()}
    kept, skipping = [], False
    for line in BASE.splitlines():
        if not line[:1].isspace():
            skipping = line.split(":", 1)[0] in replaced
        if not skipping:
            kept.append(line)
    return "\n".join([*kept, fragment]) + "\n"
