# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Variables with the collection's prefixes that it does not read: most likely misspelt."""

from __future__ import annotations

import difflib
import pathlib
import re

PREFIXES = ("langgraph", "docker", "postgresql", "redis", "proxy", "apt", "tls", "monitoring")
NAME_RE = re.compile(r"\b((?:%s)_[a-z0-9_]+)\b" % "|".join(PREFIXES))
# Where the names the collection reads are written: its roles, playbooks and plugins.
SOURCES = ("roles/**/*.yml", "roles/**/*.j2", "playbooks/*.yml", "plugins/**/*.py")
# A name this close to a known one is a typo, not a variable of its own.
CUTOFF = 0.85

_known = None


def known_variables():
    """Every name with one of the prefixes that appears in the collection's own files."""
    global _known  # pylint: disable=global-statement
    if _known is None:
        root = pathlib.Path(__file__).resolve().parents[2]
        _known = frozenset(name for pattern in SOURCES for path in root.glob(pattern)
                           for name in NAME_RE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return _known


def misspelt_variables(names, known=None):
    """One message per name the collection does not read but that is close to one it does."""
    known = known_variables() if known is None else frozenset(known)
    messages = []
    for name in sorted(set(names)):
        if name in known or not NAME_RE.fullmatch(name):
            continue
        close = difflib.get_close_matches(name, known, 1, CUTOFF)
        if close:
            messages.append(f"{name} is not a variable of langgraph_ops.standalone; did you mean {close[0]}?")
    return messages


class FilterModule:
    def filters(self):
        return {"misspelt_variables": misspelt_variables}
