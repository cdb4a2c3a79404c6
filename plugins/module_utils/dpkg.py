# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What dpkg has installed, read with dpkg-query, for the host_facts and host_state modules."""

from __future__ import annotations

SHOW_FORMAT = "--showformat=${Package} ${db:Status-Status} ${Version}\n"


def parse_installed(listing):
    """The installed packages, name to version, in dpkg-query's "<package> <status> <version>" lines."""
    versions = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] == "installed":
            versions[fields[0]] = fields[2]
    return versions


def installed_packages(module, names=()):
    """The packages dpkg has installed, name to version: every one, or those of names.

    Empty on a host without dpkg. A name dpkg does not know is not installed.
    """
    dpkg_query = module.get_bin_path("dpkg-query")
    if dpkg_query is None:
        return {}
    rc, out, err = module.run_command([dpkg_query, "--show", SHOW_FORMAT] + list(names))
    # rc 1 when a package asked for by name is unknown to dpkg.
    if rc != 0 and not (names and rc == 1):
        module.fail_json(msg=f"dpkg-query failed: {err.strip()}")
    return parse_installed(out)
