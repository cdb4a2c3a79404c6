# Offline stand-in for the pip bootstrap script that ansible-test downloads
# (from a host the lab cannot reach) when it creates the virtualenvs of its
# sanity tests. lab/bootstrap.sh puts it in ansible-test's cache. It installs
# the interpreter's bundled pip, then the requested packages from the package
# index that pip is configured for.
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
# ansible-test clears PIP_* variables; keep the system CA bundle in use.
if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
    args = ["--cert", "/etc/ssl/certs/ca-certificates.crt"] + args
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
