"""``amends export`` and ``amends verify-pack``: output, errors, exit codes, and verifying with
no database at all."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from amends.record import api as record
from tests.support.cli import run
from tests.test_evidence_pack import PURPOSE, REFERENCE, build_incident, members

pytestmark = pytest.mark.django_db


def fails(*args, code=1):
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    if code == 1:
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1
    return result.stderr


@pytest.fixture
def incident(people):
    return build_incident(people)["incident"]


def exported(incident, tmp_path, name="pack.zip", *extra):
    out = tmp_path / name
    result = run(
        "export",
        "--incident",
        incident.pk,
        "--purpose",
        PURPOSE,
        "--reference",
        REFERENCE,
        "-o",
        out,
        "--as",
        "fiona",
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_export_writes_a_pack_that_verify_pack_accepts(incident, tmp_path):
    done = exported(incident, tmp_path)
    assert done["file"] == str(tmp_path / "pack.zip")
    assert done["subject"] == f"incident:{incident.pk}"
    assert done["checkpoint"] > done["export"]
    checked = run("verify-pack", "--unwitnessed", done["file"])
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.startswith(
        f"NOT WITNESSED: the evidence pack about incident:{incident.pk} verifies"
    )
    as_json = json.loads(run("verify-pack", "--unwitnessed", done["file"], "--json").stdout)
    assert as_json["ok"]
    assert as_json["export"] == done["export"]
    key = str(record.latest_checkpoint().signer)
    assert run("verify-pack", "--unwitnessed", done["file"], "--key", key).exit_code == 0


def test_export_prints_where_the_pack_went(incident, tmp_path):
    out = tmp_path / "p.zip"
    result = run(
        "export", "--incident", incident.pk, "--purpose", "p", "--reference", "r", "-o", out,
        "--as", "fiona",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{out}: ")
    assert f"amends verify-pack {out}" in result.stdout


def test_a_whole_account_can_be_exported(incident, tmp_path):
    out = tmp_path / "account.zip"
    result = run(
        "export", "--account", "house:news", "--purpose", PURPOSE, "--reference", REFERENCE,
        "-o", out, "--as", "fiona", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    checked = json.loads(run("verify-pack", "--unwitnessed", out, "--json").stdout)
    assert checked["subject"] == "account:house:news"
    assert checked["subjects"] == 5  # the account, the incident, the post and two answers


@pytest.mark.parametrize("who", ["alice", "andy", "sam", "sally", "adam", "olly"])
def test_only_auditors_may_export(incident, tmp_path, who):
    out = tmp_path / "pack.zip"
    error = fails(
        "export", "--incident", incident.pk, "--purpose", PURPOSE, "--reference", REFERENCE,
        "-o", out, "--as", who,
    )  # fmt: skip
    assert error == f"error: as: only auditor may export evidence packs; {who} may not\n"
    assert not out.exists()


def test_export_needs_a_purpose_a_reference_and_one_subject(incident, tmp_path):
    out = tmp_path / "pack.zip"
    base = ["-o", out, "--as", "fiona"]
    fails("export", "--incident", incident.pk, "--reference", REFERENCE, *base, code=2)
    fails("export", "--incident", incident.pk, "--purpose", PURPOSE, *base, code=2)
    assert (
        fails("export", "--incident", incident.pk, "--purpose", " ", "--reference", "R", *base)
        == "error: purpose: must not be empty\n"
    )
    assert fails(
        "export", "--incident", incident.pk, "--post", 1, "--purpose", "P", "--reference", "R",
        *base,
    ) == "error: subject: name exactly one post, incident or account\n"  # fmt: skip
    assert (
        fails("export", "--incident", 999, "--purpose", "P", "--reference", "R", *base)
        == "error: incident: there is no incident 999\n"
    )
    assert not out.exists()


def test_verify_pack_names_the_file_that_fails(incident, tmp_path):
    done = exported(incident, tmp_path)
    files = members(tmp_path / "pack.zip")
    seq = done["export"]
    files[f"data/entries/{seq}.json"] = files[f"data/entries/{seq}.json"].replace(
        REFERENCE.encode(), b"CO/2026/99"
    )
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as z:
        for name, data in files.items():
            z.writestr(f"pack/{name}", data)
    error = fails("verify-pack", tmp_path / "bad.zip")
    assert error == (
        f"error: data/entries/{seq}.json: entry {seq}: does not match its checksum in "
        "manifest-sha256.txt\n"
    )
    result = run("verify-pack", tmp_path / "bad.zip", "--json")
    assert json.loads(result.stdout) == {
        "ok": False,
        "file": f"data/entries/{seq}.json",
        "entry": seq,
        "error": "does not match its checksum in manifest-sha256.txt",
    }
    assert fails("verify-pack", tmp_path / "nothing.zip").startswith(
        "error: nothing.zip: is not a readable zip file"
    )


def test_verify_pack_and_verify_py_need_no_database(incident, tmp_path):
    exported(incident, tmp_path)
    pack = tmp_path / "pack.zip"
    env = {
        **os.environ,
        "AMENDS_HOME": str(tmp_path / "nowhere"),
        "AMENDS_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "amends", "verify-pack", "--unwitnessed", str(pack)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("NOT WITNESSED: ")
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "verify.py").write_bytes(members(pack)["verify.py"])
    unwitnessed = [str(pack), "--unwitnessed"]
    for args, code in (
        (unwitnessed, 0),
        ([*unwitnessed, "--key", "x+1+2"], 1),
        ([str(pack)], 1),
        ([], 2),
    ):
        result = subprocess.run(
            [sys.executable, "-I", "verify.py", *args],
            cwd=bare,
            env={"PATH": os.environ.get("PATH", "")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == code, result.stderr
        if code == 1 and "--key" in args:
            assert result.stderr == "error: data/key.txt: is not the key you gave (--key)\n"
        elif code == 1:
            assert result.stderr.startswith("error: data/checkpoint.txt: is not witnessed: ")
            assert result.stderr.endswith("run with --unwitnessed\n")
