# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection's module_utils importable as plain modules.

The repository is not installed under ansible_collections while unit tests
run, so tests import module_utils files by their file name
(``import serverless``).
"""

from __future__ import annotations

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_UTILS = os.path.join(REPO_ROOT, "plugins", "module_utils")

if MODULE_UTILS not in sys.path:
    sys.path.insert(0, MODULE_UTILS)
