"""The secret values a YAML tree holds: the strings under keys that name a password or a key,
and the passwords in URIs (scheme://user:password@host).

Used by tests/run.sh (its secrets stage reads the lab passwords from the molecule
scenarios) and tests/bad_input/run.py (no case may print its own).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

SECRET_KEY = re.compile(r"(password|_key|secret)$")
URI_PASSWORD = re.compile(r"://[^:/@\s]*:([^@\s]+)@")


def secret_values(node, shortest=6):
    """Yield every string of at least ``shortest`` characters under a key SECRET_KEY matches."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and SECRET_KEY.search(str(key)):
                if len(value) >= shortest:
                    yield value
            else:
                yield from secret_values(value, shortest)
    elif isinstance(node, str):
        for password in URI_PASSWORD.findall(node):
            for form in sorted({password, unquote(password)}):
                if len(form) >= shortest:
                    yield form
    elif isinstance(node, list):
        for item in node:
            yield from secret_values(item, shortest)
