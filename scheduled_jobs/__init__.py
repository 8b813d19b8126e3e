"""scheduled-jobs: the distribution's one import package.

Installed, `scheduled_jobs.cli` and `scheduled_jobs.components` are real subpackages. In a
clone of the repository the folders stay at its root (the product's layout), so the package
extends its search path to the root and the same import names work there too.
"""

import os as _os

_HERE = _os.path.dirname(_os.path.abspath(__file__))
if not _os.path.isdir(_os.path.join(_HERE, "components")):
    __path__.append(_os.path.dirname(_HERE))  # noqa: F821 (a package's __path__)
