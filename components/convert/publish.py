"""`publish.topics`: the job's SNS topics, as Copilot makes them
(templates/workloads/partials/cf/publish.yml, taskrole.yml, envvars-common.yml;
manifest/workload.go publishedTopics; template/workload.go Topic.ARN). Pure.

- A FIFO topic's name gets `.fifo`; the topic is `{app}-{env}-{job}-{name}` (Copilot's
  `${AWS::StackName}-{name}`), encrypted with the AWS-managed key `alias/aws/sns`.
- Its policy lets the account subscribe SQS queues to it (and nothing else), as Copilot's.
- COPILOT_SNS_TOPIC_ARNS, in every container: Go's JSON of {name: ARN} (keys sorted).
- The task role may `sns:Publish` to exactly these topics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from scheduled_jobs.components.convert import naming
from scheduled_jobs.components.manifest.model import FifoConfig, Job

# Topic names: at most 256 characters (the .fifo suffix included).
MAX_TOPIC_NAME = 256


@dataclass(frozen=True)
class TopicSpec:
    name: str  # as the job knows it: the manifest's name, `.fifo` added for FIFO topics
    topic_name: str  # the SNS topic's name
    fifo: bool
    content_based_deduplication: bool | None
    arn: str


def topics(job: Job, *, app: str, env: str, region: str, account: str, partition: str):
    specs = []
    for topic in job.publish.topics if job.publish else []:
        fifo = topic.fifo is True or isinstance(topic.fifo, FifoConfig)
        name = f"{topic.name}.fifo" if fifo else topic.name
        dedup = (
            topic.fifo.content_based_deduplication if isinstance(topic.fifo, FifoConfig) else None
        )
        topic_name = f"{naming.base_name(app, env, job.name)}-{name}"
        arn = f"arn:{partition}:sns:{region}:{account}:{topic_name}"
        specs.append(TopicSpec(name, topic_name, fifo, dedup, arn))
    return specs


def topic_inputs(spec: TopicSpec, tags: dict) -> dict:
    inputs: dict = {"name": spec.topic_name, "kmsMasterKeyId": "alias/aws/sns", "tags": tags}
    if spec.fifo:
        inputs["fifoTopic"] = True
        if spec.content_based_deduplication is not None:
            inputs["contentBasedDeduplication"] = spec.content_based_deduplication
    return inputs


def topic_policy(spec: TopicSpec, *, account: str, partition: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "sns:Subscribe",
                "Resource": spec.arn,
                "Condition": {"StringEquals": {"sns:Protocol": "sqs"}},
            }
        ],
    }


def topic_arns_variable(specs: list[TopicSpec]) -> list[dict[str, str]]:
    if not specs:
        return []
    value = json.dumps({s.name: s.arn for s in sorted(specs, key=lambda s: s.name)},
                       separators=(",", ":"), ensure_ascii=False)  # fmt: skip
    return [{"name": "COPILOT_SNS_TOPIC_ARNS", "value": value}]


def publish_statements(specs: list[TopicSpec]) -> list[dict]:
    if not specs:
        return []
    return [{"Sid": "Publish2SNS", "Effect": "Allow", "Action": "sns:Publish",
             "Resource": [s.arn for s in specs]}]  # fmt: skip
