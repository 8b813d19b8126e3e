"""The one import package of the distribution (metadata, dependencies: pyproject.toml).

The repository keeps `cli/` and `components/` at its root; the wheel installs them as
`scheduled_jobs.cli` and `scheduled_jobs.components` (scheduled_jobs/__init__.py makes the same
names work in a clone), so an installed copy never takes the top-level names `cli` and
`components`. Computed from the tree, so a new subpackage needs no entry here.
"""

from setuptools import find_namespace_packages, setup

PACKAGE = "scheduled_jobs"
FOLDERS = ("cli", "components")

setup(
    packages=[
        PACKAGE,
        *(
            f"{PACKAGE}.{name}"
            # Namespace discovery: components/resources/plugin (the Pulumi package's folder) has
            # no __init__.py and is still shipped; never the virtualenv Pulumi makes there.
            for name in find_namespace_packages(
                include=[p for f in FOLDERS for p in (f, f + ".*")],
                exclude=["*.venv", "*.venv.*", "*__pycache__*", "*node_modules*"],
            )
        ),
    ],
    package_dir={PACKAGE: PACKAGE, **{f"{PACKAGE}.{folder}": folder for folder in FOLDERS}},
)
