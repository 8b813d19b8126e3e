"""`jobs migrate copilot`: move a Copilot application's scheduled jobs into this project.

discover (workspace, SSM, CloudFormation) -> project (manifests/, Pulumi.<env>.yaml) -> plan
(pure: what happens to each resource of a Copilot job stack) -> apply (retain, remove the job
stack, deploy with the kept resources imported, verify). Only `apply` touches Pulumi, through
cli/stacks/seam.py.
"""
