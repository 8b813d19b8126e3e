import pytest

from scheduled_jobs.components.convert.settings import EnvironmentSettings, settings_from_config
from scheduled_jobs.components.errors import ManifestError


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param({}, EnvironmentSettings(env="dev"), id="no-stack-file-defaults"),
        pytest.param(
            {
                "aws:region": "eu-west-1",
                "scheduled-jobs:app": "shop",
                "scheduled-jobs:cluster": "arn:aws:ecs:eu-west-1:1:cluster/shared",
                "scheduled-jobs:subnets": ["subnet-a", "subnet-b"],
                "scheduled-jobs:privateSubnets": ["subnet-p"],
                "scheduled-jobs:securityGroups": ["sg-1"],
                "scheduled-jobs:tags": {"team": "data"},
                "scheduled-jobs:excludedJobs": ["old"],
                "other:key": "ignored",
            },
            EnvironmentSettings(
                env="dev",
                app="shop",
                region="eu-west-1",
                cluster="arn:aws:ecs:eu-west-1:1:cluster/shared",
                subnets=("subnet-a", "subnet-b"),
                private_subnets=("subnet-p",),
                security_groups=("sg-1",),
                tags={"team": "data"},
                excluded_jobs=frozenset({"old"}),
            ),
            id="every-key",
        ),
        pytest.param(
            {"scheduled-jobs:subnets": "subnet-a, subnet-b"},
            EnvironmentSettings(env="dev", subnets=("subnet-a", "subnet-b")),
            id="comma-separated-list",
        ),
    ],
)
def test_settings_from_config(values, expected):
    assert settings_from_config("dev", values) == expected


@pytest.mark.parametrize(
    "values, field",
    [
        pytest.param({"scheduled-jobs:subnets": [1, 2]}, "scheduled-jobs:subnets", id="list-ints"),
        pytest.param({"scheduled-jobs:tags": ["a"]}, "scheduled-jobs:tags", id="tags-not-map"),
        pytest.param({"scheduled-jobs:cluster": ["a"]}, "scheduled-jobs:cluster", id="cluster"),
    ],
)
def test_wrong_shapes_name_the_key(values, field):
    with pytest.raises(ManifestError, match=field):
        settings_from_config("dev", values)


def test_default_app_comes_from_the_project():
    assert settings_from_config("dev", {}, default_app="shop").app == "shop"


@pytest.mark.parametrize(
    "env, values, path",
    [
        pytest.param("BAD_Env", {}, "environment", id="environment-uppercase-underscore"),
        pytest.param("my env", {}, "environment", id="environment-space"),
        pytest.param("e" * 200, {}, "environment", id="environment-too-long"),
        pytest.param("dev", {"scheduled-jobs:app": "MyApp"}, "scheduled-jobs:app", id="app-upper"),
    ],
)
def test_app_and_environment_names_are_checked_once_here(env, values, path):
    from scheduled_jobs.components.errors import SettingsError

    with pytest.raises(SettingsError) as caught:
        settings_from_config(env, values, file="Pulumi.x.yaml")
    (problem,) = caught.value.problems
    assert problem.path == path and "lowercase letters" in problem.message
    assert problem.file == "Pulumi.x.yaml"


@pytest.mark.parametrize(
    "imports, ok",
    [
        pytest.param({"report": {"log-group": "/copilot/demo-dev-report"}}, True, id="log-group"),
        pytest.param({"report": {"state-machine": "arn"}}, False, id="role-not-importable"),
        pytest.param({"report": ["/copilot/x"]}, False, id="not-a-map-of-roles"),
        pytest.param({"report": {"log-group": ""}}, False, id="empty-id"),
        pytest.param("report", False, id="a-string"),
    ],
)
def test_imports_name_jobs_roles_and_ids(imports, ok):
    from scheduled_jobs.components.errors import SettingsError

    values = {"scheduled-jobs:imports": imports}
    if ok:
        assert settings_from_config("dev", values).imports == imports
    else:
        with pytest.raises(SettingsError, match="scheduled-jobs:imports: must map job names"):
            settings_from_config("dev", values)
