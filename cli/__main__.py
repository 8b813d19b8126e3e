"""`python -m scheduled_jobs`: the same CLI as the `jobs` / `scheduled-jobs` commands."""

from scheduled_jobs.cli.main import main

main()
