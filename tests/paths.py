"""Where the suite's files are, for modules that need them at import time."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "tests" / "testdata"
