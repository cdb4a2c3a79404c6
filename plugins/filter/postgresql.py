# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which login roles and databases the postgresql role still has to set, from
what one query read on the host, so that a rerun calls the modules only for
those. The documentation is in logins_to_set.yml and databases_to_set.yml."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SCRAM_RE = re.compile(r"^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$")


def scram_verifies(verifier, password):
    """Whether a SCRAM-SHA-256 verifier of pg_authid was made from password.
    Only printable ASCII passwords, which SASLprep leaves as they are: for
    any other, False, and the module sets the password itself."""
    found = SCRAM_RE.match(verifier or "")
    if not found or not re.match(r"^[\x20-\x7e]+$", password):
        return False
    iterations, salt, stored_key, server_key = found.groups()
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))
            and hmac.compare_digest(hmac.new(salted, b"Server Key", hashlib.sha256).digest(), base64.b64decode(server_key)))


def logins_to_set(users, found):
    """The entries of postgresql_users whose role is missing, has other
    attributes than a plain login, or another password."""
    found = {role["name"]: role for role in found}
    return [user for user in users
            if user["name"] not in found
            or not found[user["name"]]["plain_login"]
            or not scram_verifies(found[user["name"]]["verifier"], str(user["password"]))]


def databases_to_set(databases, found):
    """The entries of postgresql_databases that are missing, or differ in
    owner, encoding or the locale given."""
    found = {database["name"]: database for database in found}

    def as_wanted(database):
        there = found.get(database["name"])
        return (there is not None and there["owner"] == database["owner"]
                and there["encoding"].upper() == str(database.get("encoding", "UTF8")).upper()
                and all(there[key] == database[key] for key in ("lc_collate", "lc_ctype") if database.get(key)))
    return [database for database in databases if not as_wanted(database)]


class FilterModule:
    def filters(self):
        return {"logins_to_set": logins_to_set, "databases_to_set": databases_to_set}
