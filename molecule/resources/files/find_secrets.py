"""Where a host holds the secrets given on stdin (a JSON list), plain or URL-encoded.

Prints JSON: how many times the journal holds any of them, and every regular
file that holds one, with its owner, group, mode, whether any user can read it
(its mode and every directory above it let others in) and which of the secrets
it holds (their places in the list). Never prints a secret.
"""

import grp
import json
import os
import pwd
import stat
import subprocess
import sys
from urllib.parse import quote, quote_plus

ROOTS = ["/etc", "/root", "/home", "/opt", "/srv", "/usr/local", "/var", "/tmp", "/run"]
# Image layers and the database's own files: large, and not where a deployment writes secrets.
SKIP = ["/var/lib/docker/overlay2", "/var/lib/docker/image", "/var/lib/postgresql", "/var/log/journal", "/var/cache"]

def others_can_read(path, info):
    if not info.st_mode & stat.S_IROTH:
        return False
    directory = path
    while directory != "/":
        directory = os.path.dirname(directory)
        if not os.stat(directory).st_mode & stat.S_IXOTH:
            return False
    return True


secret_forms = [{form.encode() for form in (secret, quote(secret, safe=""), quote_plus(secret))} for secret in json.load(sys.stdin)]
forms = set().union(*secret_forms)
# Every field of every entry (the message, and command lines too).
journal = subprocess.run(["journalctl", "--no-pager", "--output=json"], capture_output=True, check=True).stdout
files = []
for root in ROOTS:
    for directory, subdirectories, names in os.walk(root):
        # ansible-tmp-*: the running task's own files (this search and its
        # input among them), removed when it ends.
        subdirectories[:] = [d for d in subdirectories
                             if os.path.join(directory, d) not in SKIP and not d.startswith("ansible-tmp-")]
        for name in names:
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size > 16 << 20:
                    continue
                with open(path, "rb") as handle:
                    content = handle.read()
            except OSError:
                continue
            matches = [index for index, held in enumerate(secret_forms) if any(form in content for form in held)]
            if matches:
                files.append({
                    "path": path,
                    "mode": format(stat.S_IMODE(info.st_mode), "04o"),
                    "owner": pwd.getpwuid(info.st_uid).pw_name,
                    "group": grp.getgrgid(info.st_gid).gr_name,
                    "others_can_read": others_can_read(path, info),
                    "matches": matches,
                })
print(json.dumps({"journal_hits": sum(journal.count(form) for form in forms), "files": files}))
