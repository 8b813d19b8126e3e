"""The `jobs` command line: deploys jobs through Pulumi and operates them with boto3."""
