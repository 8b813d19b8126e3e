import textwrap

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scheduled_jobs.components.convert.container_definitions import (
    ContainerContext,
    container_definitions,
    exports_used,
    secret_reads,
)
from scheduled_jobs.components.manifest.load import load_manifest_text

CTX = ContainerContext(
    app="demo",
    env="dev",
    region="us-east-1",
    account="123456789012",
    partition="aws",
    log_group="/copilot/demo-dev-report",
    images={"report": "repo/report@sha256:abc", "proxy": "nginx:stable"},
    exports={"shared-db-secret": "arn:aws:secretsmanager:us-east-1:1:secret:db-Ab12Cd",
             "shared-url": "https://example.com"},
    env_files={"report": "arn:aws:s3:::bucket/manual/env-files/a.env/123.env"},
)  # fmt: skip


def job(body: str):
    head = "name: report\ntype: Scheduled Job\non:\n  schedule: '@daily'\n"
    return load_manifest_text(head + textwrap.dedent(body), "dev", app="demo", environ={})


def main(body: str) -> dict:
    return container_definitions(job(body), CTX)[0]


def test_minimal_main_container():
    assert main("image:\n  location: x\n") == {
        "name": "report",
        "image": "repo/report@sha256:abc",
        "essential": True,
        "environment": [
            {"name": "COPILOT_APPLICATION_NAME", "value": "demo"},
            {"name": "COPILOT_SERVICE_DISCOVERY_ENDPOINT", "value": "dev.demo.local"},
            {"name": "COPILOT_ENVIRONMENT_NAME", "value": "dev"},
            {"name": "COPILOT_SERVICE_NAME", "value": "report"},
        ],
        "environmentFiles": [
            {"value": "arn:aws:s3:::bucket/manual/env-files/a.env/123.env", "type": "s3"}
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-region": "us-east-1",
                "awslogs-group": "/copilot/demo-dev-report",
                "awslogs-stream-prefix": "copilot",
            },
        },
    }


@pytest.mark.parametrize(
    "body, key, expected",
    [
        pytest.param("command: echo 'a b'\n", "command", ["echo", "a b"], id="command-shell-split"),
        pytest.param("entrypoint: [sh, -c]\n", "entryPoint", ["sh", "-c"], id="entrypoint-list"),
        pytest.param(
            "variables:\n  A: '1'\n  URL:\n    from_cfn: shared-url\n",
            "environment",
            [{"name": "A", "value": "1"}, {"name": "URL", "value": "https://example.com"}],
            id="variables-plain-and-from-cfn",
        ),
        pytest.param(
            "secrets:\n  P: /demo/p\n  S:\n    secretsmanager: demo/s\n  C:\n    from_cfn: "
            "shared-db-secret\n",
            "secrets",
            [  # sorted by name, as Copilot renders them
                {"name": "C", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:db-Ab12Cd"},
                {"name": "P", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/demo/p"},
                {"name": "S",
                 "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/s"},
            ],
            id="secrets-become-arns",
        ),
        pytest.param(
            "storage:\n  readonly_fs: true\n", "readonlyRootFilesystem", True, id="readonly-fs"
        ),
        pytest.param(
            "image:\n  location: x\n  labels:\n    team: data\n",
            "dockerLabels",
            {"team": "data"},
            id="labels",
        ),
        pytest.param(
            "image:\n  location: x\n  credentials: arn:aws:secretsmanager:us-east-1:1:secret:c\n",
            "repositoryCredentials",
            {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:1:secret:c"},
            id="repository-credentials",
        ),
        pytest.param(
            "image:\n  location: x\n  healthcheck:\n    command: [CMD, true]\n",
            "healthCheck",
            {"command": ["CMD", "true"], "interval": 10, "retries": 2, "timeout": 5,
             "startPeriod": 0},
            id="healthcheck-copilot-defaults",
        ),
        pytest.param(
            "storage:\n  volumes:\n    tmp:\n      path: /tmp/x\n      efs: false\n",
            "mountPoints",
            [{"sourceVolume": "tmp", "containerPath": "/tmp/x", "readOnly": True}],
            id="scratch-volume-read-only-by-default",
        ),
    ],
)  # fmt: skip
def test_main_container_fields(body, key, expected):
    if "image:" not in body:
        body = "image:\n  location: x\n" + body
    container = main(body)
    if key == "environment":
        assert container[key][4:] == expected  # after the four Copilot variables
    else:
        assert container[key] == expected


def test_sidecar_fields():
    containers = container_definitions(
        job(
            """\
            image:
              location: x
              depends_on: {proxy: healthy}
            sidecars:
              proxy:
                image: nginx:stable
                port: 8080/udp
                essential: false
                variables: {A: b}
                secrets: {T: token}
                depends_on: {init: complete}
                healthcheck: {command: [CMD, "true"]}
              init: {image: busybox, essential: false}
            """
        ),
        ContainerContext(**{**CTX.__dict__, "images": {**CTX.images, "init": "busybox"}}),
    )
    main_container, _, proxy = containers  # sidecars sorted by name: init, proxy
    assert main_container["dependsOn"] == [{"containerName": "proxy", "condition": "HEALTHY"}]
    assert proxy["name"] == "proxy"
    assert proxy["image"] == "nginx:stable"
    assert proxy["essential"] is False
    assert proxy["portMappings"] == [{"containerPort": 8080, "protocol": "udp"}]
    assert proxy["environment"][-1] == {"name": "A", "value": "b"}
    assert proxy["secrets"] == [
        {"name": "T", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/token"}
    ]
    assert proxy["dependsOn"] == [{"containerName": "init", "condition": "COMPLETE"}]
    assert proxy["logConfiguration"] == main_container["logConfiguration"]


COPILOT_FIRST = [
    "COPILOT_APPLICATION_NAME",
    "COPILOT_SERVICE_DISCOVERY_ENDPOINT",
    "COPILOT_ENVIRONMENT_NAME",
    "COPILOT_SERVICE_NAME",
]
VOLUMES = """\
storage:
  volumes:
    zdata: {path: /data, efs: false}
    cache: {path: /var/cache, efs: false}
"""


@pytest.mark.parametrize(
    ("body", "index", "expected"),
    [
        pytest.param("variables: {A: b}\n", 0, [*COPILOT_FIRST, "A"], id="main-no-volumes"),
        pytest.param(
            "variables: {A: b}\n" + VOLUMES,
            0,
            [*COPILOT_FIRST, "A", "COPILOT_MOUNT_POINTS"],
            id="main-mount-points-after-own-variables",
        ),
        pytest.param(
            VOLUMES + "sidecars:\n  s:\n    image: x\n    variables: {B: c}\n",
            1,
            [*COPILOT_FIRST, "B"],
            id="sidecar-without-mount-points",
        ),
        pytest.param(
            VOLUMES
            + "sidecars:\n  s:\n    image: x\n    variables: {B: c}\n"
            + "    mount_points: [{source_volume: zdata, path: /in}]\n",
            1,
            [*COPILOT_FIRST, "B", "COPILOT_MOUNT_POINTS"],
            id="sidecar-with-mount-points",
        ),
    ],
)
def test_injected_variables_in_copilots_order(body, index, expected):
    ctx = ContainerContext(**{**CTX.__dict__, "images": {**CTX.images, "s": "x"}})
    container = container_definitions(job("image:\n  location: x\n" + body), ctx)[index]
    assert [v["name"] for v in container["environment"]] == expected
    values = {v["name"]: v["value"] for v in container["environment"]}
    assert values["COPILOT_SERVICE_DISCOVERY_ENDPOINT"] == "dev.demo.local"


@pytest.mark.parametrize(
    ("body", "index", "expected"),
    [
        pytest.param(
            VOLUMES, 0, '{"cache":"/var/cache","zdata":"/data"}', id="main-go-json-sorted"
        ),
        pytest.param(
            VOLUMES + "sidecars:\n  s:\n    image: x\n"
            "    mount_points: [{source_volume: zdata, path: /in}]\n",
            1,
            '{"zdata":"/in"}',
            id="sidecar-its-own-mounts",
        ),
    ],
)
def test_mount_points_value(body, index, expected):
    ctx = ContainerContext(**{**CTX.__dict__, "images": {**CTX.images, "s": "x"}})
    container = container_definitions(job("image:\n  location: x\n" + body), ctx)[index]
    values = {v["name"]: v["value"] for v in container["environment"]}
    assert values["COPILOT_MOUNT_POINTS"] == expected


def test_secret_reads_cover_every_reference():
    containers = container_definitions(
        job(
            """\
            image:
              location: x
              credentials: arn:aws:secretsmanager:us-east-1:1:secret:creds
            secrets: {P: p, S: {secretsmanager: "db:password::"}}
            """
        ),
        CTX,
    )
    reads = secret_reads(containers)
    assert reads.ssm_parameter_arns == ("arn:aws:ssm:us-east-1:123456789012:parameter/p",)
    assert reads.secret_arns == (
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????",
        "arn:aws:secretsmanager:us-east-1:1:secret:creds-??????",
    )


def test_exports_used_lists_every_from_cfn():
    parsed = job(
        """\
        image: {location: x}
        variables: {A: {from_cfn: one}}
        secrets: {B: {from_cfn: two}}
        network: {vpc: {security_groups: [{from_cfn: three}, sg-1]}}
        """
    )
    assert exports_used(parsed) == ["one", "three", "two"]


def test_register_task_definition_payload_is_valid_for_botocore():
    containers = container_definitions(
        job(
            """\
            image:
              location: x
              healthcheck: {command: [CMD, "true"]}
            secrets: {P: p}
            storage: {volumes: {tmp: {path: /tmp/x, efs: false}}}
            sidecars:
              proxy: {image: nginx, port: 80, mount_points: [{source_volume: tmp, path: /y}]}
            """
        ),
        CTX,
    )
    model = botocore.session.get_session().get_service_model("ecs")
    payload = {
        "family": "demo-dev-report",
        "containerDefinitions": containers,
        "volumes": [{"name": "tmp"}],
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
    }
    shape = model.operation_model("RegisterTaskDefinition").input_shape
    report = ParamValidator().validate(payload, shape)
    assert not report.has_errors(), report.generate_report()
    # The check is real: a misspelt key is caught.
    containers[0]["entrypoint"] = ["x"]
    assert ParamValidator().validate(payload, shape).has_errors()


ORDERS = """\
image:
  location: x
  depends_on: {zeta: start, alpha: start}
  labels: {z.label: "1", a.label: "2"}
variables: {ZED: "1", Alpha: "2", alpha: "3", _U: "4", A10: "5", A9: "6"}
secrets: {ZS: /p/z, AS: /p/a}
storage:
  volumes:
    zdata: {path: /data, efs: false}
    cache: {path: /var/cache, efs: false}
sidecars:
  zeta:
    image: x
    variables: {Y: "1", B: "2"}
    secrets: {Y: /p/y, B: /p/b}
    mount_points: [{source_volume: zdata, path: /z}, {source_volume: cache, path: /c}]
  alpha: {image: x, essential: false}
"""


@pytest.mark.parametrize(
    ("pick", "expected"),
    [
        pytest.param(lambda cs: [c["name"] for c in cs], ["report", "alpha", "zeta"],
                     id="containers-main-then-sidecars-sorted"),
        pytest.param(lambda cs: [v["name"] for v in cs[0]["environment"]][4:],
                     ["A10", "A9", "Alpha", "ZED", "_U", "alpha", "COPILOT_MOUNT_POINTS"],
                     id="main-variables-byte-order"),
        pytest.param(lambda cs: [v["name"] for v in cs[2]["environment"]][4:],
                     ["B", "Y", "COPILOT_MOUNT_POINTS"], id="sidecar-variables-sorted"),
        pytest.param(lambda cs: [s["name"] for s in cs[0]["secrets"]], ["AS", "ZS"],
                     id="main-secrets-sorted"),
        pytest.param(lambda cs: [s["name"] for s in cs[2]["secrets"]], ["B", "Y"],
                     id="sidecar-secrets-sorted"),
        pytest.param(lambda cs: [d["containerName"] for d in cs[0]["dependsOn"]],
                     ["alpha", "zeta"], id="depends-on-sorted"),
        pytest.param(lambda cs: list(cs[0]["dockerLabels"]), ["a.label", "z.label"],
                     id="labels-sorted"),
        pytest.param(lambda cs: [m["sourceVolume"] for m in cs[0]["mountPoints"]],
                     ["cache", "zdata"], id="main-mount-points-sorted"),
        pytest.param(lambda cs: [m["sourceVolume"] for m in cs[2]["mountPoints"]],
                     ["zdata", "cache"], id="sidecar-mount-points-manifest-order"),
    ],
)  # fmt: skip
def test_orders_are_copilots(pick, expected):
    """Copilot's templates range over Go maps (keys sorted, byte order) and its transformers
    sort sidecars and volumes by name: ours must list everything in the same order."""
    ctx = ContainerContext(**{**CTX.__dict__, "images": {**CTX.images, "zeta": "x", "alpha": "x"}})
    assert pick(container_definitions(job(ORDERS), ctx)) == expected


def test_addon_and_topic_variables_sit_between_copilots_and_the_users():
    ctx = ContainerContext(
        **{**CTX.__dict__, "addon_variables": [("ZZ_TABLE", "t"), ("AA_URL", "u")],
           "topic_arns": [{"name": "COPILOT_SNS_TOPIC_ARNS", "value": "{}"}]}
    )  # fmt: skip
    container = container_definitions(job("image:\n  location: x\nvariables: {B: b, A: a}\n"), ctx)[
        0
    ]
    assert [v["name"] for v in container["environment"]] == [
        *COPILOT_FIRST,
        "ZZ_TABLE",  # addon outputs in the template's order (envvars-common.yml)
        "AA_URL",
        "COPILOT_SNS_TOPIC_ARNS",
        "A",
        "B",
    ]
