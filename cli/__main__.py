"""`python -m scheduled_jobs.cli` (`python -m cli` in a clone): the same CLI as the
`scheduled-jobs` / `jobs` commands and `python -m scheduled_jobs`."""

from scheduled_jobs.cli.main import main

main()
