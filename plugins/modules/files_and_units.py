#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: files_and_units
short_description: Put a role's directories, files and systemd units in their state in one call
version_added: 0.2.0
description:
  - Reads the directories, files and units a role manages in one call and changes only what
    differs, in this order - directories, files, C(systemctl daemon-reload) when a file under a
    systemd directory changed, then the units.
  - A unit to be started that is not running is started, so it reads the files written just
    before; one that runs is restarted when a file of its O(units[].restart_on) changed or
    O(units[].restart) is true.
  - Each file is written whole and atomically; its content comes from the controller (for
    example a rendered template), so a rerun that changes nothing moves only the expected state.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
attributes:
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The content of a file given as O(files[].secret_content) is never shown.
options:
  directories:
    description: Directories to create, or to give this owner, group and mode.
    type: list
    elements: dict
    default: []
    suboptions:
      path: {description: The directory., type: path, required: true}
      owner: {description: Its owner; an empty string leaves it as it is., type: str, default: root}
      group: {description: Its group; an empty string leaves it as it is., type: str, default: root}
      mode: {description: Its mode in octal; an empty string leaves it as it is (a new one gets the umask's)., type: str, default: "0755"}
  files:
    description: Files to write with this content, owner, group and mode, or to remove.
    type: list
    elements: dict
    default: []
    suboptions:
      path: {description: The file., type: path, required: true}
      content: {description: Its whole content., type: str}
      secret_content:
        description: Its whole content, for a file that holds secrets - never shown, in a diff or in the task's arguments.
        type: str
      owner: {description: Its owner; an empty string leaves it as it is., type: str, default: root}
      group: {description: Its group; an empty string leaves it as it is., type: str, default: root}
      mode: {description: Its mode in octal; an empty string leaves it as it is (a new one gets 0600)., type: str, default: "0644"}
      state: {description: Whether it is there., type: str, choices: [present, absent], default: present}
      backup:
        description: Keep a copy of the file as it was, when it changes; RV(backup_files) names it.
        type: bool
        default: false
      validate:
        description:
          - A command that checks the new content before it replaces the file, with C(%s) for the
            path of a temporary copy; the file is left as it was when it fails. Not run in check mode.
        type: str
  units:
    description: systemd units to enable or disable, and to start, restart or stop.
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: The unit's full name., type: str, required: true}
      enabled: {description: Whether it starts at boot; unset leaves it as it is., type: bool}
      state:
        description: Whether it runs; unset leaves it as it is.
        type: str
        choices: [started, stopped]
      restart_on:
        description: Files of O(files) whose change restarts the unit when it runs.
        type: list
        elements: path
        default: []
      reload_on:
        description: Files of O(files) whose change reloads the unit when it runs and is not restarted.
        type: list
        elements: path
        default: []
      restart: {description: Restart the unit if it runs., type: bool, default: false}
"""

EXAMPLES = r"""
- name: Write daemon.json and run the engine with it
  langgraph_ops.standalone.files_and_units:
    directories:
      - {path: /etc/docker}
    files:
      - path: /etc/docker/daemon.json
        content: "{{ docker_daemon | to_nice_json }}\n"
    units:
      - name: docker.service
        enabled: true
        state: started
        restart_on: [/etc/docker/daemon.json]
"""

RETURN = r"""
changed_paths:
  description: The directories and files created, changed or removed.
  returned: always
  type: list
  elements: str
backup_files:
  description: The copy kept of each changed file with O(files[].backup), by the file's path.
  returned: always
  type: dict
units_changed:
  description: What was done to each unit, as C(<action> <unit>) (enable, disable, start, restart, reload, stop).
  returned: always
  type: list
  elements: str
started:
  description: The units this call started or restarted, which read the files as they are now.
  returned: always
  type: list
  elements: str
"""

import grp
import os
import pwd
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule

SYSTEMD_DIRECTORIES = ("/etc/systemd/", "/usr/lib/systemd/", "/lib/systemd/")
RUNNING = ("active", "activating", "reloading")
ENABLED = ("enabled", "enabled-runtime", "static", "alias", "indirect", "generated")


def ids(owner, group):
    """The user and group IDs to give, -1 for one left as it is (given as "")."""
    return (pwd.getpwnam(owner).pw_uid if owner else -1, grp.getgrnam(group).gr_gid if group else -1)


def attributes_differ(path, owner, group, mode):
    found = os.lstat(path)
    uid, gid = ids(owner, group)
    return (uid not in (-1, found.st_uid) or gid not in (-1, found.st_gid)
            or (mode != "" and stat.S_IMODE(found.st_mode) != int(mode, 8)))


def set_attributes(path, owner, group, mode):
    os.chown(path, *ids(owner, group))
    if mode != "":
        os.chmod(path, int(mode, 8))


def correct_attributes(module, spec):
    """Give an existing path its owner, group and mode; whether it had others."""
    if not attributes_differ(spec["path"], spec["owner"], spec["group"], spec["mode"]):
        return False
    if not module.check_mode:
        set_attributes(spec["path"], spec["owner"], spec["group"], spec["mode"])
    return True


def ensure_directory(module, spec):
    path = spec["path"]
    if not os.path.isdir(path):
        if not module.check_mode:
            os.makedirs(path)
            set_attributes(path, spec["owner"], spec["group"], spec["mode"])
        return True
    return correct_attributes(module, spec)


def ensure_file(module, spec, diffs, backups):
    path = spec["path"]
    exists = os.path.lexists(path)
    if spec["state"] == "absent":
        if exists and not module.check_mode:
            os.remove(path)
        if exists:
            diffs.append({"before_header": path, "after_header": path, "before": "(present)\n", "after": "(absent)\n"})
        return exists
    secret = spec["secret_content"] is not None
    text = spec["secret_content"] if secret else spec["content"] or ""
    wanted = text.encode()
    before = b""
    if exists:
        with open(path, "rb") as current:
            before = current.read()
    content_differs = not exists or before != wanted
    if content_differs:
        if secret:
            diffs.append({"before_header": path, "after_header": path,
                          "before": "(content not shown)\n" if exists else "", "after": "(content not shown, changed)\n"})
        else:
            diffs.append({"before_header": path, "after_header": path,
                          "before": before.decode(errors="replace"), "after": text})
        if not module.check_mode:
            ids(spec["owner"], spec["group"])  # an unknown one fails before anything is written
            directory = os.path.dirname(path)
            descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path))
            try:
                with os.fdopen(descriptor, "wb") as written:
                    written.write(wanted)
                set_attributes(temporary, spec["owner"], spec["group"], spec["mode"])
                if spec["validate"]:
                    check_content(module, spec["validate"], temporary, path)
                if spec["backup"] and exists:
                    backups[path] = module.backup_local(path)
                module.atomic_move(temporary, path, unsafe_writes=False)
            finally:
                # Left only when something failed: it may hold secrets.
                if os.path.lexists(temporary):
                    os.remove(temporary)
            # atomic_move keeps the old file's attributes where there was one.
            set_attributes(path, spec["owner"], spec["group"], spec["mode"])
        return True
    return correct_attributes(module, spec)


def check_content(module, command, temporary, path):
    rc, out, err = module.run_command(command.replace("%s", temporary))
    if rc != 0:
        os.remove(temporary)  # fail_json exits at once
        module.fail_json(msg="%s: the new content failed its check (%s): %s" % (path, command, (err or out).strip()), rc=rc)


def systemctl(module, *args):
    rc, out, err = module.run_command([module.get_bin_path("systemctl", required=True)] + list(args))
    if rc != 0:
        module.fail_json(msg="systemctl %s failed: %s" % (" ".join(args), (err or out).strip()), rc=rc)
    return out


def unit_states(module, names):
    """ActiveState, UnitFileState and LoadState of each unit, in one systemctl call."""
    out = systemctl(module, "show", "--property=ActiveState,UnitFileState,LoadState", "--", *names)
    blocks = [dict(line.split("=", 1) for line in block.splitlines() if "=" in line) for block in out.strip().split("\n\n")]
    return dict(zip(names, blocks))


def ensure_units(module, units, changed_paths):
    done = []
    if not units:
        return done
    states = unit_states(module, [unit["name"] for unit in units])
    for unit in units:
        name = unit["name"]
        found = states.get(name, {})
        if found.get("LoadState") == "not-found":
            if unit["state"] == "stopped" or unit["enabled"] is False:
                continue
            # In check mode the unit may come with a package or file not there yet.
            if not module.check_mode:
                module.fail_json(msg="systemd has no unit %s" % name)
        state = found.get("UnitFileState", "")
        if unit["enabled"] and state not in ENABLED:
            done.append("enable " + name)
        # A static, generated or alias unit cannot be disabled: it is left alone.
        elif unit["enabled"] is False and state in ("enabled", "enabled-runtime"):
            done.append("disable " + name)
        running = found.get("ActiveState", "") in RUNNING
        if unit["state"] == "started":
            if not running:
                done.append("start " + name)
            elif unit["restart"] or set(unit["restart_on"]) & set(changed_paths):
                done.append("restart " + name)
            elif set(unit["reload_on"]) & set(changed_paths):
                done.append("reload " + name)
        elif unit["state"] == "stopped" and running:
            done.append("stop " + name)
    if not module.check_mode:
        for action in done:
            verb, name = action.split(" ", 1)
            systemctl(module, verb, name)
    return done


class FilesAndUnitsModule(AnsibleModule):
    def _log_invocation(self):
        # The log of the target (the journal) would get str() of the files, whose
        # escaped newlines keep no_log from finding a multi-line secret_content:
        # only the paths and the units are logged.
        self.log("Invoked with directories=%s files=%s units=%s" % (
            [spec["path"] for spec in self.params["directories"]], [spec["path"] for spec in self.params["files"]],
            [unit["name"] for unit in self.params["units"]]))


def main():
    module = FilesAndUnitsModule(
        argument_spec=dict(
            directories=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
                mode=dict(type="str", default="0755"))),
            files=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                content=dict(type="str"),
                secret_content=dict(type="str", no_log=True),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
                mode=dict(type="str", default="0644"),
                state=dict(type="str", choices=["present", "absent"], default="present"),
                backup=dict(type="bool", default=False),
                validate=dict(type="str")),
                mutually_exclusive=[["content", "secret_content"]]),
            units=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                enabled=dict(type="bool"),
                state=dict(type="str", choices=["started", "stopped"]),
                restart_on=dict(type="list", elements="path", default=[]),
                reload_on=dict(type="list", elements="path", default=[]),
                restart=dict(type="bool", default=False))),
        ),
        supports_check_mode=True,
    )
    changed_paths, diffs, backups = [], [], {}
    try:
        for spec in module.params["directories"]:
            if ensure_directory(module, spec):
                changed_paths.append(spec["path"])
        for spec in module.params["files"]:
            if ensure_file(module, spec, diffs, backups):
                changed_paths.append(spec["path"])
    except (OSError, KeyError) as error:
        # KeyError: an owner or group the host does not know.
        module.fail_json(msg="%s: %s" % (spec["path"], error), changed_paths=changed_paths)
    unit_files = [path for path in changed_paths if path.startswith(SYSTEMD_DIRECTORIES)]
    if unit_files and not module.check_mode:
        systemctl(module, "daemon-reload")
    units_changed = ensure_units(module, module.params["units"], changed_paths)
    started = [action.split(" ", 1)[1] for action in units_changed if action.startswith(("start ", "restart "))]
    module.exit_json(changed=bool(changed_paths or units_changed), changed_paths=changed_paths,
                     backup_files=backups, units_changed=units_changed, started=started, diff=diffs)


if __name__ == "__main__":
    main()
