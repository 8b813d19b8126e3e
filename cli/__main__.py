"""`python -m cli`: the same CLI as the `jobs` / `scheduled-jobs` commands."""

from cli.main import main

main()
