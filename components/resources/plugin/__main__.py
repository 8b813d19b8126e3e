"""Entry point of the scheduled-jobs Pulumi package (PulumiPlugin.yaml beside it): serve the
`Job` component with the SDK's component provider host, which infers the schema from
components/resources/package.py's annotations and answers the engine's Construct calls."""

import sys
from pathlib import Path

# Run from this folder by the Python runtime. In a clone, make the repository's packages
# importable even when the virtualenv does not carry them (an editable install normally does);
# installed (scheduled_jobs/components/resources/plugin), the package is importable already and
# its own folder must not go on the path (it would expose `cli` and `components` top-level).
_ROOT = Path(__file__).resolve().parents[3]
if (_ROOT / "scheduled_jobs" / "__init__.py").is_file():
    sys.path.insert(0, str(_ROOT))

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from scheduled_jobs.components.resources.package import PACKAGE_NAME, Job  # noqa: E402


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE_NAME)  # the distribution has the package's name
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    component_provider_host([Job], name=PACKAGE_NAME, version=_version())
