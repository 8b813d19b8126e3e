"""The Pulumi program of this project (`pulumi up`, `jobs deploy`): see components/program.py."""

import pulumi

from components.errors import ManifestError
from components.resources.program import run

try:
    run()
except ManifestError as exc:
    # RunError: Pulumi prints the message alone, without a Python traceback.
    raise pulumi.RunError(f"invalid manifest:\n{exc}") from None
