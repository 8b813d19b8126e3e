"""A job's addons stack as plan inputs, and what its outputs become in the job, as Copilot
renders them (templates/workloads/partials/cf/addons.yml, envvars-common.yml, secrets.yml,
taskrole.yml, state-machine.yml). Pure.

The merged template is sent as JSON (`templateBody`; CloudFormation reads JSON and YAML alike)
to one `aws.cloudformation.Stack` per job and environment, with the parameters App, Env and
Name plus those of `addons.parameters.yml`. Output values are read from the stack's `outputs`
map once it is deployed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scheduled_jobs.components.convert import naming
from scheduled_jobs.components.manifest.addons import Addons, job_reference
from scheduled_jobs.components.manifest.source import source_text

# Addons hold IAM resources (named or not) and may use transforms (AWS::Serverless).
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# CreateStack's TemplateBody limit; larger templates would need an S3 upload (TemplateURL).
MAX_TEMPLATE_BODY = 51_200
MAX_STACK_NAME = 128


def stack_name(app: str, env: str, job: str) -> str:
    """`{app}-{env}-{job}-AddonsStack`: Copilot's nested stack carries `AddonsStack` too."""
    return naming.fit(f"{naming.base_name(app, env, job)}-AddonsStack", MAX_STACK_NAME)


def template_body(addons: Addons) -> str:
    return json.dumps(addons.template, indent=2)


def stack_parameters(
    addons: Addons, *, app: str, env: str, job: str, refs: Mapping[str, Any]
) -> dict[str, Any]:
    """App, Env, Name, then the parameters file's values (text, or the job values `refs`
    holds under components.manifest.addons.JOB_REFS names)."""
    values = {"App": app, "Env": env, "Name": job}
    known = {"app": app, "env": env, "job": job, **refs}
    for key, value in addons.parameters.items():
        ref = job_reference(value)
        if ref is not None:
            values[key] = known[ref]
        elif isinstance(value, bool):
            values[key] = "true" if value else "false"
        else:
            values[key] = source_text(value) or str(value)  # `0755` stays "0755"
    return values


def variables(addons: Addons, outputs: Mapping[str, str]) -> list[tuple[str, str]]:
    """(NAME, value) for each variable output, in the template's order. An output whose
    Condition left it out of the deployed stack is left out here too."""
    return [(o.env_name, outputs[o.name]) for o in addons.outputs
            if o.is_variable and o.name in outputs]  # fmt: skip


def secrets(addons: Addons, outputs: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(o.env_name, outputs[o.name]) for o in addons.outputs
            if o.is_secret and o.name in outputs]  # fmt: skip


def policy_outputs(addons: Addons) -> list[str]:
    return [o.name for o in addons.outputs if o.is_policy]


def security_groups(addons: Addons, outputs: Mapping[str, str]) -> list[str]:
    return [outputs[o.name] for o in addons.outputs if o.is_security_group and o.name in outputs]
