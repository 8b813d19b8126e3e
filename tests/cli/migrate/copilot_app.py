"""A Copilot application as Copilot leaves it, seeded into moto (fixture `aws`) and a folder.

Workspace files (copilot/.workspace, job and service manifests, addons, an environment
manifest), the SSM parameters of Copilot's config store, the environment stack `<app>-<env>`
with Copilot's outputs and exports, and the job stack `<app>-<env>-<job>` built by moto's
CloudFormation from a template shaped like Copilot's scheduled-job template
(reference/copilot-migration-facts.md 3.5; short-form YAML tags as Copilot writes them).

What moto's CloudFormation cannot create is left out of the job template and said here:
- `EnvControllerAction` (Custom::EnvControllerFunction): moto runs a custom resource's Lambda
  in Docker, which this machine has no daemon for, and the stack would never finish creating.
  The Lambda function and its role are in the template; the migration's handling of the custom
  resource is covered by plan tests on a listed resource instead.
The addons stack is created as Copilot creates it: a nested stack (`AddonsStack`) from the
addons template uploaded to S3, holding an S3 bucket.
The log group's streams are written directly (CloudFormation creates none), and so are its
tags: CloudFormation propagates a stack's tags to the resources it creates that take tags
[inferred, CloudFormation User Guide on stack tags], moto's does not.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

APP = "shop"
ENV = "test"
JOB = "report"
SERVICE = "api"
REGION = "us-east-1"
ACCOUNT = "123456789012"
SCHEDULE = "cron(0 9 ? * 2-6 *)"
RETENTION = 14
ARTIFACTS = "shop-infrastructure-pipelinebuiltartifactbuc-1x2y3z"
STREAMS = ["copilot/report/0f1e2d3c4b5a69788796a5b4c3d2e1f0", "states/2026-11-30-run"]

JOB_MANIFEST = """\
# The manifest for the "report" job.
name: report
type: Scheduled Job

on:
  schedule: "0 9 * * 1-5"
retries: 2
timeout: 1h

image:
  location: public.ecr.aws/docker/library/busybox:latest
command: ["echo", "report"]

cpu: 256
memory: 512

logging:
  retention: 14

variables:
  LOG_LEVEL: info

environments:
  test:
    variables:
      LOG_LEVEL: debug
"""

ADDON = """\
Parameters:
  App:
    Type: String
  Env:
    Type: String
  Name:
    Type: String
Resources:
  ReportBucket:
    Type: AWS::S3::Bucket
Outputs:
  ReportBucketName:
    Value: !Ref ReportBucket
"""

SERVICE_MANIFEST = """\
name: api
type: Backend Service
image:
  location: public.ecr.aws/docker/library/nginx:latest
cpu: 256
memory: 512
"""

ENV_MANIFEST = """\
name: test
type: Environment
observability:
  container_insights: false
"""

ENV_TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Description: CloudFormation environment template for infrastructure shared among Copilot workloads.
Parameters:
  AppName:
    Type: String
  EnvironmentName:
    Type: String
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet1:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.0.0/24
      VpcId: !Ref VPC
  PublicSubnet2:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.1.0/24
      VpcId: !Ref VPC
  PrivateSubnet1:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.2.0/24
      VpcId: !Ref VPC
  PrivateSubnet2:
    Type: AWS::EC2::Subnet
    Properties:
      CidrBlock: 10.0.3.0/24
      VpcId: !Ref VPC
  Cluster:
    Type: AWS::ECS::Cluster
  EnvironmentSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub 'Security group for ${AppName}-${EnvironmentName}'
      VpcId: !Ref VPC
Outputs:
  VpcId:
    Value: !Ref VPC
    Export:
      Name: !Sub ${AWS::StackName}-VpcId
  PublicSubnets:
    Value: !Join [ ',', [ !Ref PublicSubnet1, !Ref PublicSubnet2 ] ]
    Export:
      Name: !Sub ${AWS::StackName}-PublicSubnets
  PrivateSubnets:
    Value: !Join [ ',', [ !Ref PrivateSubnet1, !Ref PrivateSubnet2 ] ]
    Export:
      Name: !Sub ${AWS::StackName}-PrivateSubnets
  EnvironmentSecurityGroup:
    Value: !Ref EnvironmentSecurityGroup
    Export:
      Name: !Sub ${AWS::StackName}-EnvironmentSecurityGroup
  ClusterId:
    Value: !Ref Cluster
    Export:
      Name: !Sub ${AWS::StackName}-ClusterId
"""

# Copilot's state machine definition (reference/copilot-scheduled-job.md 3.2), with the
# substitutions CloudFormation fills in.
DEFINITION = {
    "Version": "1.0",
    "Comment": "Run AWS Fargate task",
    "StartAt": "Run Fargate Task",
    "States": {
        "Run Fargate Task": {
            "Type": "Task",
            "Resource": "arn:${AWS::Partition}:states:::ecs:runTask.sync",
            "Parameters": {
                "LaunchType": "FARGATE",
                "PlatformVersion": "LATEST",
                "Cluster": "${Cluster}",
                "TaskDefinition": "${TaskDefinition}",
                "PropagateTags": "TASK_DEFINITION",
                "Group.$": "$$.Execution.Name",
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "Subnets": ["${Subnets}"],
                        "AssignPublicIp": "ENABLED",
                        "SecurityGroups": ["${SecurityGroup}"],
                    }
                },
            },
            "Retry": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "IntervalSeconds": 10,
                    "MaxAttempts": 2,
                    "BackoffRate": 1.5,
                }
            ],
            "End": True,
        }
    },
    "TimeoutSeconds": 3600,
}

JOB_TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Description: CloudFormation template that represents a scheduled job on Amazon ECS.
Metadata:
  Version: v1.33.2
Parameters:
  AppName:
    Type: String
  EnvName:
    Type: String
  WorkloadName:
    Type: String
  Schedule:
    Type: String
  ContainerImage:
    Type: String
  TaskCPU:
    Type: String
  TaskMemory:
    Type: String
  TaskCount:
    Type: Number
  LogRetention:
    Type: Number
    Default: 30
  AddonsTemplateURL:
    Type: String
    Default: ""
Conditions:
  HasAddons: !Not [!Equals [!Ref AddonsTemplateURL, ""]]
Resources:
  LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /copilot/${AppName}-${EnvName}-${WorkloadName}
      RetentionInDays: !Ref LogRetention
  EnvControllerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  EnvControllerFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Timeout: 900
      MemorySize: 512
      Role: !GetAtt EnvControllerRole.Arn
      Code:
        ZipFile: exports.handler = async () => {};
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: DenyIAM
          PolicyDocument:
            Version: 2012-10-17
            Statement:
              - Effect: Deny
                Action: iam:*
                Resource: "*"
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    DependsOn: LogGroup
    Properties:
      Family: !Sub ${AppName}-${EnvName}-${WorkloadName}
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      Cpu: !Ref TaskCPU
      Memory: !Ref TaskMemory
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      TaskRoleArn: !GetAtt TaskRole.Arn
      ContainerDefinitions:
        - Name: !Ref WorkloadName
          Image: !Ref ContainerImage
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-region: !Ref AWS::Region
              awslogs-group: !Ref LogGroup
              awslogs-stream-prefix: copilot
  StateMachineRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: states.amazonaws.com}
            Action: sts:AssumeRole
  StateMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub ${AppName}-${EnvName}-${WorkloadName}
      RoleArn: !GetAtt StateMachineRole.Arn
      DefinitionString: !Sub
        - '@DEFINITION@'
        - Cluster: {'Fn::ImportValue': !Sub '${AppName}-${EnvName}-ClusterId'}
          Subnets: {'Fn::ImportValue': !Sub '${AppName}-${EnvName}-PublicSubnets'}
          SecurityGroup: {'Fn::ImportValue': !Sub '${AppName}-${EnvName}-EnvironmentSecurityGroup'}
  RuleRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: EventRulePolicy
          PolicyDocument:
            Version: 2012-10-17
            Statement:
              - Effect: Allow
                Action: states:StartExecution
                Resource: !Ref StateMachine
  AddonsStack:
    Type: AWS::CloudFormation::Stack
    Condition: HasAddons
    Properties:
      Parameters:
        App: !Ref AppName
        Env: !Ref EnvName
        Name: !Ref WorkloadName
      TemplateURL: !Ref AddonsTemplateURL
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: !Ref Schedule
      State: ENABLED
      Targets:
        - Arn: !Ref StateMachine
          Id: statemachine
          RoleArn: !GetAtt RuleRole.Arn
""".replace("@DEFINITION@", json.dumps(DEFINITION, separators=(",", ":")))


@dataclass
class Seeded:
    root: Path  # the repository with copilot/
    app: str
    env: str
    job: str
    job_stack: str
    env_stack: str
    log_group: str


def tags(*, job: str | None = None, env: str | None = None) -> list[dict[str, str]]:
    found = [{"Key": "copilot-application", "Value": APP}]
    if env:
        found.append({"Key": "copilot-environment", "Value": env})
    if job:
        found.append({"Key": "copilot-service", "Value": job})
    return found


def write_workspace(root: Path, *, app: str = APP) -> Path:
    copilot = root / "copilot"
    (copilot / JOB / "addons").mkdir(parents=True, exist_ok=True)
    (copilot / SERVICE).mkdir(parents=True, exist_ok=True)
    (copilot / "environments" / ENV).mkdir(parents=True, exist_ok=True)
    (copilot / ".workspace").write_text(f"application: {app}\n")
    (copilot / JOB / "manifest.yml").write_text(JOB_MANIFEST)
    (copilot / JOB / "addons" / "bucket.yml").write_text(ADDON)
    (copilot / SERVICE / "manifest.yml").write_text(SERVICE_MANIFEST)
    (copilot / "environments" / ENV / "manifest.yml").write_text(ENV_MANIFEST)
    return copilot


def write_ssm(*, app: str = APP, env: str = ENV, region: str = REGION) -> None:
    ssm = boto3.client("ssm", region_name=region)
    base = f"/copilot/applications/{app}"
    ssm.put_parameter(
        Name=base,
        Type="String",
        Description="Copilot Application",
        Value=json.dumps(
            {
                "name": app,
                "account": ACCOUNT,
                "domain": "",
                "domainHostedZoneID": "",
                "version": "1.0",
                "tags": {"team": "data"},
            }
        ),
        Tags=[{"Key": "copilot-application", "Value": app}],
    )
    ssm.put_parameter(
        Name=f"{base}/environments/{env}",
        Type="String",
        Description=f"The {env} deployment stage",
        Value=json.dumps(
            {
                "app": app,
                "name": env,
                "region": region,
                "accountID": ACCOUNT,
                "registryURL": "",
                "executionRoleARN": f"arn:aws:iam::{ACCOUNT}:role/{app}-{env}-CFNExecutionRole",
                "managerRoleARN": f"arn:aws:iam::{ACCOUNT}:role/{app}-{env}-EnvManagerRole",
                "prod": False,  # legacy key older parameters still carry
            }
        ),
    )
    for name, kind in ((JOB, "Scheduled Job"), (SERVICE, "Backend Service")):
        ssm.put_parameter(
            Name=f"{base}/components/{name}",
            Type="String",
            Description=f"Copilot {kind} {name}",
            Value=json.dumps({"app": app, "name": name, "type": kind}),
        )


def write_stacks(*, app: str = APP, env: str = ENV, region: str = REGION) -> tuple[str, str]:
    cfn = boto3.client("cloudformation", region_name=region)
    env_stack = f"{app}-{env}"
    cfn.create_stack(
        StackName=env_stack,
        TemplateBody=ENV_TEMPLATE,
        Parameters=[
            {"ParameterKey": "AppName", "ParameterValue": app},
            {"ParameterKey": "EnvironmentName", "ParameterValue": env},
        ],
        Tags=tags(env=env),
    )
    job_stack = f"{app}-{env}-{JOB}"
    # Copilot uploads the addons template to the application's artifact bucket.
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=ARTIFACTS)
    key = f"manual/addons/{JOB}/0123abcd.yml"
    s3.put_object(Bucket=ARTIFACTS, Key=key, Body=ADDON.encode())
    addons_url = f"https://{ARTIFACTS}.s3.{region}.amazonaws.com/{key}"
    parameters = {
        "AppName": app,
        "EnvName": env,
        "WorkloadName": JOB,
        "Schedule": SCHEDULE,
        "ContainerImage": "public.ecr.aws/docker/library/busybox:latest",
        "TaskCPU": "256",
        "TaskMemory": "512",
        "TaskCount": "1",
        "LogRetention": str(RETENTION),
        "AddonsTemplateURL": addons_url,
    }
    cfn.create_stack(
        StackName=job_stack,
        TemplateBody=JOB_TEMPLATE,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
        RoleARN=f"arn:aws:iam::{ACCOUNT}:role/{app}-{env}-CFNExecutionRole",
        Tags=[{"Key": "team", "Value": "data"}, *tags(env=env, job=JOB)],
    )
    logs = boto3.client("logs", region_name=region)
    group = f"/copilot/{job_stack}"
    stack_tags = {"team": "data", **{t["Key"]: t["Value"] for t in tags(env=env, job=JOB)}}
    logs.tag_resource(
        resourceArn=f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{group}", tags=stack_tags
    )
    now = int(time.time() * 1000)
    for stream in STREAMS:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            # AWS (and moto) refuse events older than 14 days: an hour ago.
            logEvents=[{"timestamp": now - 3_600_000, "message": f"past run in {stream}"}],
        )
    return env_stack, job_stack


def seed(root: Path) -> Seeded:
    """The whole application: workspace in `root`, SSM and both stacks in moto."""
    write_workspace(root)
    write_ssm()
    env_stack, job_stack = write_stacks()
    return Seeded(
        root=root,
        app=APP,
        env=ENV,
        job=JOB,
        job_stack=job_stack,
        env_stack=env_stack,
        log_group=f"/copilot/{job_stack}",
    )
