# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection's module_utils importable as plain modules.

The repository is not installed under ansible_collections while unit tests
run, so tests import module_utils files by their file name
(``import serverless``), and filter plugins the same way (``import network``).
"""

from __future__ import annotations

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_UTILS = os.path.join(REPO_ROOT, "plugins", "module_utils")
FILTERS = os.path.join(REPO_ROOT, "plugins", "filter")

for path in (MODULE_UTILS, FILTERS):
    if path not in sys.path:
        sys.path.insert(0, path)
