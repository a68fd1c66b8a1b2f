"""Verification recomputes everything: every kind of tampering fails and names the entry."""

import pytest
from django.db import connection

from amends.record import api as record
from amends.record import keys
from amends.record.models import Checkpoint
from amends.record.note import Signer
from tests.conftest import drop_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """Twelve entries with content, checkpoints at 5 and 12, then three more entries."""
    for i in range(5):
        record.append("post.published", {"n": i}, subject=f"post:{i}", content=f"post {i}")
    record.sign_checkpoint()
    for i in range(5, 12):
        record.append("post.revised", {"n": i}, subject=f"post:{i % 5}", content=f"fix {i}")
    record.sign_checkpoint()
    for i in range(12, 15):
        record.append("record.note", {"n": i})
    assert record.verify().ok
    drop_triggers()


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def leaf(seq):
    with connection.cursor() as cursor:
        cursor.execute("SELECT leaf FROM record_entry WHERE seq = %s", [seq])
        return bytes(cursor.fetchone()[0])


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def failure():
    result = record.verify()
    assert not result.ok
    return result


def test_an_untouched_log_verifies_with_its_root_and_counts(log):
    result = record.verify()
    assert result.ok
    assert (result.size, result.checkpoints, result.contents) == (15, 2, 12)
    assert result.root == record.tree_root(15).hex()


@pytest.mark.parametrize("at", [1, 40, -3])
def test_one_byte_of_leaf_data_changed_is_named(log, at):
    execute("UPDATE record_entry SET leaf = %s WHERE seq = 7", [flip(leaf(7), at % len(leaf(7)))])
    result = failure()
    assert result.seq == 7
    assert result.error.startswith("entry 7: ")


def test_a_changed_entry_no_checkpoint_covers_yet_is_named(log):
    execute(
        "UPDATE record_entry SET leaf = %s WHERE seq = 13", [leaf(13).replace(b'"n":13', b'"n":31')]
    )
    result = failure()
    assert (result.seq, result.error) == (13, "entry 13: leaf data does not match its leaf hash")


def test_a_rewritten_tail_fails_against_the_tree_stored_at_append_time(log):
    from amends.record.merkle import leaf_hash

    forged = leaf(13).replace(b'"n":13', b'"n":31')
    execute(
        "UPDATE record_entry SET leaf = %s, leaf_hash = %s WHERE seq = 13",
        [forged, leaf_hash(forged)],
    )
    result = failure()
    assert result.seq == 12
    assert result.error == (
        "entries from 12 on do not match the tree stored when they were appended"
    )


def test_leaf_data_and_its_hash_rewritten_together_fail_at_the_checkpoint(log):
    from amends.record.merkle import leaf_hash

    forged = leaf(3).replace(b'"n":3', b'"n":4')
    execute(
        "UPDATE record_entry SET leaf = %s, leaf_hash = %s WHERE seq = 3",
        [forged, leaf_hash(forged)],
    )
    result = failure()
    assert result.seq == 4
    assert result.checkpoint is not None
    assert "checkpoint" in result.error


def test_one_byte_of_content_changed_is_named(log):
    execute("UPDATE record_content SET body = %s WHERE seq = 9", [b"fiz 9"])
    result = failure()
    assert (result.seq, result.error) == (9, "entry 9: content does not match its commitment")


def test_one_byte_of_sealed_content_changed_is_named(log):
    record.seal([2], actor="sam", reason="deleted")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM record_content WHERE seq = 2")
        body = bytes(cursor.fetchone()[0])
    execute("UPDATE record_content SET body = %s WHERE seq = 2", [flip(body, len(body) - 5)])
    result = failure()
    assert result.seq == 2
    assert "altered" in result.error


def test_one_byte_of_a_checkpoint_changed_is_named(log):
    first = Checkpoint.objects.order_by("id").first()
    note = first.note
    position = len(note) - 12  # inside the signature, after the key hash
    changed = note[:position] + ("A" if note[position] != "A" else "B") + note[position + 1 :]
    execute("UPDATE record_checkpoint SET note = %s WHERE id = %s", [changed, first.id])
    result = failure()
    assert result.checkpoint == first.id
    assert result.seq == 4
    assert "does not verify" in result.error


def test_a_checkpoint_root_changed_is_named(log):
    first = Checkpoint.objects.order_by("id").first()
    execute("UPDATE record_checkpoint SET root = %s WHERE id = %s", [bytes(32), first.id])
    result = failure()
    assert result.checkpoint == first.id


def test_a_checkpoint_signed_by_another_key_is_not_trusted(log):
    from amends.record import checkpoints

    stranger = Signer.generate("localhost/amends")
    checkpoints._sign(stranger, record.size())
    result = failure()
    assert "does not trust" in result.error


def test_a_deleted_entry_is_named(log):
    execute("DELETE FROM record_content WHERE seq = 6")
    execute("DELETE FROM record_entry WHERE seq = 6")
    result = failure()
    assert (result.seq, result.error) == (6, "entry 6 is missing")


def test_a_deleted_last_entry_is_named(log):
    execute("DELETE FROM record_entry WHERE seq = 14")
    result = failure()
    assert result.seq == 14


def test_deleted_content_is_named(log):
    execute("DELETE FROM record_content WHERE seq = 8")
    result = failure()
    assert (result.seq, result.error) == (8, "entry 8: its content is missing")


def test_two_swapped_rows_are_named(log):
    a, b = leaf(12), leaf(13)
    from amends.record.merkle import leaf_hash

    execute("UPDATE record_entry SET leaf = %s, leaf_hash = %s WHERE seq = 12", [b, leaf_hash(b)])
    execute("UPDATE record_entry SET leaf = %s, leaf_hash = %s WHERE seq = 13", [a, leaf_hash(a)])
    result = failure()
    assert result.seq == 12
    assert "another position" in result.error


def test_two_swapped_contents_are_named(log):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, salt, body FROM record_content WHERE seq IN (3, 4) ORDER BY seq"
        )
        (_, salt3, body3), (_, salt4, body4) = cursor.fetchall()
    execute("UPDATE record_content SET salt = %s, body = %s WHERE seq = 3", [salt4, body4])
    execute("UPDATE record_content SET salt = %s, body = %s WHERE seq = 4", [salt3, body3])
    assert failure().seq == 3


def test_key_rotation_keeps_old_checkpoints_verifiable(log):
    old = str(keys.signing_store().signer().verifier)
    record.rotate_key(actor="admin")
    new = str(keys.signing_store().signer().verifier)
    assert new != old
    result = record.verify()
    assert result.ok, result.error
    assert result.checkpoints == 3


def test_a_rotation_entry_forged_after_the_fact_is_caught(log):
    stranger = Signer.generate("localhost/amends")
    record.append("key.rotated", {"from": str(stranger.verifier), "to": str(stranger.verifier)})
    from amends.record import checkpoints

    checkpoints._sign(stranger, record.size())
    assert "does not trust" in failure().error


def test_a_leaf_with_a_mangled_commitment_is_named(log):
    mangled = leaf(6).replace(b'"content":"sha256:', b'"content":"sha256:zz', 1)[:-3] + b'"}'
    execute("UPDATE record_entry SET leaf = %s WHERE seq = 6", [mangled])
    result = failure()
    assert result.seq == 6
    assert result.error.startswith("entry 6: ")
