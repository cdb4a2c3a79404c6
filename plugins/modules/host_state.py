#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_state
short_description: Read in one call the images, containers, units, packages and small files a role decides on
version_added: 0.3.0
description:
  - Reads, without changing anything, the Docker images and containers named, the systemd services
    matching patterns, the versions of packages dpkg has installed, and the content of small files,
    so that a role decides what to change from one call to the host rather than one per thing.
  - Of a container it returns its state, image and labels only, not its environment, which holds
    secrets.
  - Reads the Docker engine's API over its UNIX socket (O(docker_socket); C(DOCKER_HOST) is not
    read); images and containers are asked only when some are named.
  - A container's labels may hold what should not be shown (the langgraph_server role's hold a
    hash of its configuration); such a task wants C(no_log), or O(container_labels=false).
extends_documentation_fragment:
  - langgraph_ops.standalone.module
options:
  images:
    description: Docker images, by name or ID.
    type: list
    elements: str
    default: []
  containers:
    description: Docker containers, by name.
    type: list
    elements: str
    default: []
  container_labels:
    description: Return the containers' labels; V(false) returns an empty C(labels) for each.
    type: bool
    default: true
  units:
    description: Patterns of systemd service names, as C(systemctl list-units) takes them.
    type: list
    elements: str
    default: []
  packages:
    description: Packages whose installed version dpkg is asked for.
    type: list
    elements: str
    default: []
  files:
    description:
      - Files to read, each at most 64 KiB, as UTF-8 text.
      - Use C(no_log) on the task when they hold secrets.
    type: list
    elements: path
    default: []
  docker_socket:
    description: The Docker engine's API socket.
    type: path
    default: /var/run/docker.sock
"""

EXAMPLES = r"""
- name: Read the server's image, container, queue worker units and migration record
  langgraph_ops.standalone.host_state:
    images: [langchain/langgraph-api:0.11]
    containers: [langgraph-server]
    units: ["langgraph-server-queue@*.service"]
    files: [/var/lib/langgraph/langgraph-server.migrated]
  register: state

- name: Read the Redis version and a password file
  langgraph_ops.standalone.host_state:
    packages: [redis-server]
    files: [/etc/redis/admin.password]
  register: redis_state
  no_log: true

- name: Restart when the container runs another configuration
  ansible.builtin.debug:
    msg: "{{ state.containers['langgraph-server'].labels['org.langgraph-ops.config'] | default('none') }}"
"""

RETURN = r"""
images:
  description: Each image asked, by the name given, with its ID; an empty string when the host lacks it.
  returned: always
  type: dict
  sample: {"langchain/langgraph-api:0.11": "sha256:4f0c..."}
containers:
  description: Each container asked, by name.
  returned: always
  type: dict
  sample: {"langgraph-server": {"exists": true, "running": true, "status": "running", "image": "sha256:4f0c...",
           "labels": {"org.langgraph-ops.config": "9b1e..."}}}
  contains:
    exists: {description: Whether there is such a container., type: bool}
    running: {description: Whether it runs., type: bool}
    status:
      description: Docker's state of it, such as V(created), V(running) or V(exited); empty when there is none.
      type: str
    image: {description: The ID of the image it runs; empty when there is none., type: str}
    labels: {description: Its labels., type: dict}
units:
  description: The services systemd knows (loaded, or listed because they failed) that match a pattern.
  returned: always
  type: list
  elements: dict
  sample: [{"unit": "langgraph-server-queue@8101.service", "load": "loaded", "active": "active", "sub": "running"}]
packages:
  description: Each package asked, with the version dpkg has installed; an empty string when it is not installed.
  returned: always
  type: dict
  sample: {"redis-server": "5:7.0.15-1~deb12u1"}
files:
  description: Each file asked, by path, with its content; null when there is no such file.
  returned: always
  type: dict
  sample: {"/var/lib/langgraph/langgraph-server.migrated": "sha256:4f0c...\n"}
"""

import http.client
import json
import os
import socket
from urllib.parse import quote

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.langgraph_ops.standalone.plugins.module_utils.dpkg import installed_packages

FILE_LIMIT = 64 * 1024


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a UNIX socket, as the Docker engine serves its API."""

    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def docker_get(connection, path):
    """The JSON of GET path, or None when Docker answers 404."""
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status == 404:
        return None
    if response.status != 200:
        raise OSError(f"GET {path}: {response.status} {body.decode('utf-8', 'replace').strip()}")
    return json.loads(body)


def read_docker(socket_path, images, containers, labels=True):
    connection = UnixHTTPConnection(socket_path)
    try:
        found_images = {}
        for name in images:
            image = docker_get(connection, f"/images/{quote(name, safe='/:@')}/json")
            found_images[name] = image["Id"] if image else ""
        found_containers = {}
        for name in containers:
            container = docker_get(connection, f"/containers/{quote(name, safe='')}/json")
            state = (container or {}).get("State") or {}
            found_containers[name] = {
                "exists": container is not None,
                "running": bool(state.get("Running")),
                "status": state.get("Status", ""),
                "image": (container or {}).get("Image", ""),
                "labels": (((container or {}).get("Config") or {}).get("Labels") or {}) if labels else {},
            }
        return found_images, found_containers
    finally:
        connection.close()


def parse_units(listing):
    """systemctl list-units --plain --no-legend lines as dicts."""
    units = []
    for line in listing.splitlines():
        fields = line.split(None, 4)
        if fields:
            fields += [""] * (4 - len(fields))
            units.append({"unit": fields[0], "load": fields[1], "active": fields[2], "sub": fields[3]})
    return units


def read_file(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        content = handle.read(FILE_LIMIT + 1)
    if len(content) > FILE_LIMIT:
        raise OSError(f"{path} is larger than {FILE_LIMIT} bytes")
    return content.decode("utf-8", "replace")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            images=dict(type="list", elements="str", default=[]),
            containers=dict(type="list", elements="str", default=[]),
            container_labels=dict(type="bool", default=True),
            units=dict(type="list", elements="str", default=[]),
            files=dict(type="list", elements="path", default=[]),
            packages=dict(type="list", elements="str", default=[]),
            docker_socket=dict(type="path", default="/var/run/docker.sock"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    result = dict(changed=False, images={}, containers={}, units=[], packages={}, files={})
    try:
        if params["images"] or params["containers"]:
            result["images"], result["containers"] = read_docker(
                params["docker_socket"], params["images"], params["containers"], params["container_labels"])
        result["files"] = {path: read_file(path) for path in params["files"]}
    except (OSError, ValueError, http.client.HTTPException) as error:
        module.fail_json(msg=str(error), **result)
    if params["units"]:
        systemctl = module.get_bin_path("systemctl", required=True)
        rc, out, err = module.run_command([systemctl, "list-units", "--all", "--plain", "--no-legend", "--type=service"] + params["units"])
        if rc != 0:
            module.fail_json(msg=f"systemctl list-units failed: {err.strip()}", **result)
        result["units"] = parse_units(out)
    if params["packages"]:
        installed = installed_packages(module, params["packages"])
        result["packages"] = {name: installed.get(name, "") for name in params["packages"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
