# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the real files_and_units module on files and directories of a temporary
directory, the way Ansible runs it on a target: the module file with an
arguments file. Its units are exercised against systemd by the molecule
scenarios, which need a host that runs systemd.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
MODULE = os.path.join(REPO_ROOT, "plugins", "modules", "files_and_units.py")
OWNER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def run(tmp_path, check_mode=False, **args):
    arguments = dict(args, _ansible_check_mode=check_mode, _ansible_diff=True)
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
    done = subprocess.run([sys.executable, MODULE, str(path)], capture_output=True, text=True, check=False)
    return json.loads(done.stdout)


def a_file(path, content, **extra):
    return dict({"path": str(path), "content": content, "owner": OWNER, "group": GROUP}, **extra)


def test_writes_what_differs_and_nothing_on_a_rerun(tmp_path):
    directory = tmp_path / "conf"
    wanted = {"directories": [{"path": str(directory), "owner": OWNER, "group": GROUP, "mode": "0750"}],
              "files": [a_file(directory / "a.conf", "a = 1\n", mode="0640")]}

    first = run(tmp_path, **wanted)
    assert first["changed"] is True
    assert first["changed_paths"] == [str(directory), str(directory / "a.conf")]
    assert (directory / "a.conf").read_text() == "a = 1\n"
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(directory / "a.conf").st_mode) == 0o640

    second = run(tmp_path, **wanted)
    assert second["changed"] is False
    assert second["changed_paths"] == []


def test_check_mode_reports_without_writing(tmp_path):
    target = tmp_path / "a.conf"
    target.write_text("a = 1\n")
    result = run(tmp_path, check_mode=True, files=[a_file(target, "a = 2\n")])
    assert result["changed"] is True
    assert result["changed_paths"] == [str(target)]
    assert result["diff"] == [{"before_header": str(target), "after_header": str(target),
                               "before": "a = 1\n", "after": "a = 2\n"}]
    assert target.read_text() == "a = 1\n"


def test_a_mode_alone_is_corrected(tmp_path):
    target = tmp_path / "a.conf"
    target.write_text("same\n")
    os.chmod(target, 0o666)
    result = run(tmp_path, files=[a_file(target, "same\n", mode="0600")])
    assert result["changed_paths"] == [str(target)]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert result["diff"] == []


def test_secret_content_never_shows(tmp_path):
    target = tmp_path / "secret.env"
    target.write_text("PASSWORD=old-s3cret\n")
    result = run(tmp_path, files=[{"path": str(target), "secret_content": "PASSWORD=new-s3cret\n",
                                   "owner": OWNER, "group": GROUP, "mode": "0600"}])
    assert result["changed"] is True
    assert target.read_text() == "PASSWORD=new-s3cret\n"
    assert "s3cret" not in json.dumps(result)


def test_absent_removes_and_is_then_unchanged(tmp_path):
    target = tmp_path / "old.conf"
    target.write_text("x\n")
    first = run(tmp_path, files=[{"path": str(target), "state": "absent"}])
    assert first["changed_paths"] == [str(target)]
    assert not target.exists()
    assert run(tmp_path, files=[{"path": str(target), "state": "absent"}])["changed"] is False


def test_content_and_secret_content_are_exclusive(tmp_path):
    result = run(tmp_path, files=[{"path": str(tmp_path / "x"), "content": "a", "secret_content": "b"}])
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]


def test_content_that_fails_its_check_leaves_the_file(tmp_path):
    target = tmp_path / "a.conf"
    target.write_text("good\n")
    result = run(tmp_path, files=[a_file(target, "bad\n", validate="grep -q good %s")])
    assert result["failed"] is True
    assert "failed its check" in result["msg"]
    assert target.read_text() == "good\n"
    assert sorted(os.listdir(tmp_path)) == ["a.conf", "args.json"]
    assert run(tmp_path, files=[a_file(target, "good again\n", validate="grep -q good %s")])["changed"] is True


def test_an_empty_owner_and_group_are_left_as_they_are(tmp_path):
    target = tmp_path / "targets.json"
    result = run(tmp_path, files=[{"path": str(target), "content": "[]\n", "owner": "", "group": ""}])
    assert result["changed_paths"] == [str(target)]
    assert (os.stat(target).st_uid, os.stat(target).st_gid) == (os.getuid(), os.getgid())
    assert run(tmp_path, files=[{"path": str(target), "content": "[]\n", "owner": "", "group": ""}])["changed"] is False


def test_backup_keeps_the_file_as_it_was(tmp_path):
    target = tmp_path / "users.acl"
    target.write_text("user old\n")
    result = run(tmp_path, files=[a_file(target, "user new\n", backup=True)])
    kept = result["backup_files"][str(target)]
    assert open(kept).read() == "user old\n"
    assert target.read_text() == "user new\n"
    assert run(tmp_path, files=[a_file(target, "user new\n", backup=True)])["backup_files"] == {}


def test_the_target_log_gets_the_paths_only(tmp_path, monkeypatch):
    """AnsibleModule logs each invocation on the target (syslog, the journal)."""
    sys.path.insert(0, os.path.dirname(MODULE))
    import files_and_units

    logged = []
    monkeypatch.setattr(files_and_units.FilesAndUnitsModule, "log", lambda self, msg, log_args=None: logged.append(msg))
    target = tmp_path / "server.env"
    arguments = {"files": [{"path": str(target), "secret_content": "A=1\nPASSWORD=s3cret\n", "owner": OWNER, "group": GROUP}]}
    (tmp_path / "args.json").write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
    monkeypatch.setattr(sys, "argv", [MODULE, str(tmp_path / "args.json")])
    try:
        files_and_units.main()
    except SystemExit:
        pass
    assert logged and all("s3cret" not in message for message in logged)
    assert str(target) in logged[0]


def test_a_missing_directory_or_owner_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere" / "a.conf"
    result = run(tmp_path, files=[a_file(missing, "x\n")])
    assert result["failed"] is True
    assert result["msg"].startswith(str(missing) + ":")
    unknown = run(tmp_path, files=[{"path": str(tmp_path / "b.conf"), "content": "x\n", "owner": "no-such-user"}])
    assert unknown["failed"] is True
    assert "no-such-user" in unknown["msg"]
    assert sorted(os.listdir(tmp_path)) == ["args.json"]


def test_an_empty_mode_leaves_a_directory_as_it_is(tmp_path):
    directory = tmp_path / "targets"
    directory.mkdir()
    os.chmod(directory, 0o2775)
    wanted = {"directories": [{"path": str(directory), "owner": "", "group": "", "mode": ""}]}
    assert run(tmp_path, **wanted)["changed"] is False
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o2775
