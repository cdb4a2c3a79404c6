"""The secret values a YAML tree holds: the strings under keys that name a password or a key.

Used by tests/run.sh (its secrets stage reads the lab passwords from the molecule
scenarios) and tests/bad_input/run.py (no case may print its own).
"""

from __future__ import annotations

import re

SECRET_KEY = re.compile(r"(password|_key|secret)$")


def secret_values(node, shortest=6):
    """Yield every string of at least ``shortest`` characters under a key SECRET_KEY matches."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and SECRET_KEY.search(str(key)):
                if len(value) >= shortest:
                    yield value
            else:
                yield from secret_values(value, shortest)
    elif isinstance(node, list):
        for item in node:
            yield from secret_values(item, shortest)
