"""The Pulumi program of this project (`pulumi up`, `scheduled-jobs deploy`): every job under
manifests/, run by scheduled_jobs.components.resources.program (`scheduled-jobs init` writes this
same file into a new project)."""

from scheduled_jobs.components.resources.program import main

main()
