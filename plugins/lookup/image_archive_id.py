# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: image_archive_id
author:
  - langgraph_ops maintainers (@langgraph-ops)
version_added: 0.2.0
short_description: The image ID a docker save archive on the controller loads as
description:
  - Reads C(manifest.json) of each archive (a C(docker save) tar file, also compressed) and returns
    the ID of its first image (C(sha256:<hex>)), as C(docker image inspect) shows it once it is
    loaded. Of an uncompressed archive only the members' headers are read up to the manifest, not
    the layers, so a rerun decides "already loaded" without reading the whole archive; a
    compressed one is decompressed up to the manifest.
options:
  _terms:
    description: Paths of archives on the controller.
    required: true
    type: list
    elements: path
"""

EXAMPLES = r"""
- name: Note whether the host has the archive's image
  ansible.builtin.set_fact:
    image_loaded: "{{ lookup('langgraph_ops.standalone.image_archive_id', 'images/server.tar') == host_image_id }}"
"""

RETURN = r"""
_raw:
  description: One image ID per archive.
  type: list
  elements: str
"""

import json
import os
import tarfile

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


def archive_image_id(path):
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.name.lstrip("./") == "manifest.json":
                    manifest = json.load(archive.extractfile(member))
                    config = manifest[0]["Config"]
                    return "sha256:" + os.path.basename(config).removesuffix(".json")
    except (OSError, tarfile.TarError, ValueError, KeyError, IndexError, TypeError) as error:
        raise AnsibleLookupError("%s: not a docker save archive with a manifest.json" % path) from error
    raise AnsibleLookupError("%s: not a docker save archive with a manifest.json" % path)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return [archive_image_id(self.find_file_in_search_path(variables, "files", term) or term) for term in terms]
