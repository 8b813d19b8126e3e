"""The example job: says hello, reports where it runs, and exits with a status code.

Set FAIL=1 (e.g. `jobs run hello --env dev --env-var FAIL=1 --wait`) to see a failed run.
"""

import os
import sys
from datetime import datetime, timezone


def main() -> int:
    app = os.environ.get("COPILOT_APPLICATION_NAME", "local")
    env = os.environ.get("COPILOT_ENVIRONMENT_NAME", "local")
    greeting = os.environ.get("GREETING", "Hello")
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print(
        f"{greeting} from job {os.environ.get('COPILOT_SERVICE_NAME', 'hello')} "
        f"in {app}/{env} at {now}",
        flush=True,
    )
    if os.environ.get("FAIL") == "1":
        print("ERROR: failing on purpose (FAIL=1)", file=sys.stderr, flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
