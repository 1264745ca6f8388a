"""Label Studio exports (JSON or JSON_MIN) → annotation sets, a gold candidate and a problem list.

`read` loads a file and reads its format into typed records (`records`); `convert` checks every
task and span with the contract's checks and sorts the items into sets (`convert_export`).
"""

from .convert import DEFAULT_POLICY, POLICIES, convert_export
from .read import ExportFormatError, detect_format, load_export
from .records import CATEGORY_DIRS, Problem, PullResult

__all__ = [
    "CATEGORY_DIRS",
    "DEFAULT_POLICY",
    "POLICIES",
    "ExportFormatError",
    "Problem",
    "PullResult",
    "convert_export",
    "detect_format",
    "load_export",
]
