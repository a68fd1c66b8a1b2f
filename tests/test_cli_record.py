"""The record's command line: exact output shapes, errors and exit codes."""

import base64
import json
from hashlib import sha256

import pytest

from amends.record import api as record
from amends.record import merkle
from amends.record.note import CheckpointBody, Verifier, open_note
from tests.conftest import drop_triggers
from tests.support.cli import run

pytestmark = pytest.mark.django_db


def run_json(*args):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def log():
    for i in range(9):
        record.append("post.published", {"n": i}, subject=f"post:{i}", content=f"text {i}")


def test_verify_prints_ok_size_and_root(log):
    out = run_json("verify")
    assert out["ok"] is True
    assert out["size"] == 9
    assert out["root"] == record.tree_root(9).hex()


def test_verify_fails_with_exit_1_naming_the_entry(log):
    drop_triggers()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE record_content SET body = %s WHERE seq = 4", [b"changed"])
    result = run("verify", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "seq": 4,
        "error": "entry 4: content does not match its commitment",
    }
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1


def test_checkpoint_signs_a_note_the_published_key_verifies(log):
    out = run_json("checkpoint")
    assert out["size"] == 9
    assert out["root"] == record.tree_root(9).hex()
    key = run_json("record", "pubkey")["key"]
    opened = open_note(out["note"], [Verifier.parse(key)])
    body = CheckpointBody.parse(opened.text)
    assert (body.size, body.root.hex()) == (9, out["root"])
    assert run("record", "pubkey").stdout == key + "\n"


def test_entries_print_exact_leaf_bytes_and_hashes(log):
    out = run_json("record", "entries", "--from", "2", "--limit", "3")
    assert [e["seq"] for e in out["entries"]] == [2, 3, 4]
    for entry in out["entries"]:
        leaf = base64.b64decode(entry["leaf"])
        assert entry["hash"] == sha256(b"\x00" + leaf).hexdigest()
        assert json.loads(leaf)["seq"] == entry["seq"]
        assert entry["kind"] == "post.published"


def test_proof_defaults_to_the_latest_checkpoint_and_verifies(log):
    run_json("checkpoint")
    record.append("record.note")
    out = run_json("record", "proof", "5")
    assert out["size"] == 9
    assert "checkpoint" in out
    proof = [bytes.fromhex(h) for h in out["proof"]]
    assert merkle.verify_inclusion(
        5, 9, bytes.fromhex(out["leaf_hash"]), proof, bytes.fromhex(out["root"])
    )


def test_proof_against_an_explicit_size(log):
    out = run_json("record", "proof", "0", "--size", "3")
    assert out["root"] == record.tree_root(3).hex()


def test_proof_without_a_checkpoint_says_what_to_do(log):
    result = run("record", "proof", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: size: no checkpoint has been signed yet; run `amends checkpoint` or give --size\n"
    )


def test_proof_of_an_entry_outside_the_tree_is_an_error(log):
    result = run("record", "proof", "5", "--size", "3")
    assert result.exit_code == 1
    assert result.stderr == "error: seq: must be between 0 and 2 for a tree of size 3\n"
    result = run("record", "proof", "1", "--size", "99")
    assert result.stderr == "error: size: must be between 0 and the log size 9 (got 99)\n"


def test_consistency_between_two_sizes_verifies(log):
    out = run_json("record", "consistency", "--from", "3", "--to", "9")
    assert merkle.verify_consistency(
        3,
        9,
        bytes.fromhex(out["from_root"]),
        bytes.fromhex(out["to_root"]),
        [bytes.fromhex(h) for h in out["proof"]],
    )


def test_rotate_key_prints_the_new_key_and_the_log_still_verifies(log):
    before = run_json("record", "pubkey")["key"]
    out = run_json("record", "rotate-key")
    assert out["key"] != before
    assert out["key"] == run_json("record", "pubkey")["key"]
    assert run_json("verify")["ok"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["record", "proof", "abc"],
        ["record", "entries", "--limit", "0"],
        ["nonsense"],
        ["record", "consistency"],
    ],
)
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_every_command_documents_itself_with_an_example():
    import click

    from amends.devtools.clidocs import all_commands

    for path, command in all_commands():
        if not isinstance(command, click.Group):
            assert "Example: amends" in (command.help or ""), path
        assert (command.help or "").strip(), path
