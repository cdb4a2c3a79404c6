# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection's module_utils importable as plain modules.

The repository is not installed under ansible_collections while unit tests
run, so tests import module_utils files by their file name
(``import serverless``), and filter plugins the same way (``import network``).
Modules that import the collection's module_utils find them through a
temporary ``ansible_collections/langgraph_ops/standalone`` symlink to the
repository, on sys.path and in PYTHONPATH for the module files tests run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_UTILS = os.path.join(REPO_ROOT, "plugins", "module_utils")
FILTERS = os.path.join(REPO_ROOT, "plugins", "filter")

for path in (MODULE_UTILS, FILTERS):
    if path not in sys.path:
        sys.path.insert(0, path)

COLLECTIONS_ROOT = tempfile.mkdtemp(prefix="langgraph-ops-collections-")
atexit.register(shutil.rmtree, COLLECTIONS_ROOT, True)
os.makedirs(os.path.join(COLLECTIONS_ROOT, "ansible_collections", "langgraph_ops"))
os.symlink(REPO_ROOT, os.path.join(COLLECTIONS_ROOT, "ansible_collections", "langgraph_ops", "standalone"))
sys.path.append(COLLECTIONS_ROOT)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [COLLECTIONS_ROOT, os.environ.get("PYTHONPATH")]))
