"""`python -m scheduled_jobs`: the same CLI as the `scheduled-jobs` / `jobs` commands."""

from scheduled_jobs.cli.main import main

main()
