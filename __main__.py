"""The Pulumi program of this project (`pulumi up`, `jobs deploy`): see
components/resources/program.py."""

import pulumi

from scheduled_jobs.components.errors import ManifestError, SettingsError
from scheduled_jobs.components.resources.program import run

try:
    run()
except SettingsError as exc:
    # RunError: Pulumi prints the message alone, without a Python traceback.
    raise pulumi.RunError(f"invalid stack settings:\n{exc}") from None
except ManifestError as exc:
    raise pulumi.RunError(f"invalid manifest:\n{exc}") from None
