"""Signed notes and checkpoints, byte for byte as Go's golang.org/x/mod/sumdb/note."""

import pytest

from amends.record.note import CheckpointBody, NoteError, Signer, Verifier, open_note

pytestmark = pytest.mark.once  # the same whatever the database

# The example key and note from golang.org/x/mod/sumdb/note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# The example from the C2SP signed-note specification.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi"
    "2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_signing_the_go_example_gives_the_go_note_byte_for_byte():
    signer = Signer.parse(GO_SKEY)
    assert str(signer.verifier) == GO_VKEY
    assert signer.private_text() == GO_SKEY
    assert signer.sign(GO_TEXT) == GO_NOTE


def test_the_go_and_spec_examples_open_with_their_keys():
    assert open_note(GO_NOTE, [Verifier.parse(GO_VKEY)]).text == GO_TEXT
    assert open_note(SPEC_NOTE, [Verifier.parse(SPEC_VKEY)]).text == "This is an example message.\n"


def test_a_changed_text_or_signature_does_not_open():
    verifier = Verifier.parse(GO_VKEY)
    with pytest.raises(NoteError, match="does not verify"):
        open_note(GO_NOTE.replace("answer", "Answer"), [verifier])
    with pytest.raises(NoteError, match="does not verify"):
        open_note(GO_NOTE.replace("SNXgKvqf", "SNXgKvqg"), [verifier])


def test_a_note_from_an_unknown_key_is_not_trusted():
    with pytest.raises(NoteError, match="no signature by a trusted key"):
        open_note(GO_NOTE, [Verifier.parse(SPEC_VKEY)])


def test_keys_with_a_wrong_hash_are_refused():
    with pytest.raises(NoteError, match="hash does not match"):
        Verifier.parse(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError, match="hash does not match"):
        Signer.parse(GO_SKEY.replace("c74f20a3", "c74f20a4"))


def test_a_generated_key_round_trips_and_signs_checkpoints():
    signer = Signer.generate("police.example/amends")
    again = Signer.parse(signer.private_text())
    assert str(again.verifier) == str(signer.verifier)
    body = CheckpointBody("police.example/amends", 42, bytes(range(32)))
    note = signer.sign(body.text())
    opened = open_note(note, [Verifier.parse(str(signer.verifier))])
    assert CheckpointBody.parse(opened.text) == body
    assert (
        body.text() == "police.example/amends\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    )


@pytest.mark.parametrize(
    "text",
    ["origin\n42\n", "origin\n-1\nAAAA\n", "origin\n042\n" + "A" * 43 + "=\n", "\n1\nAA==\n"],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        CheckpointBody.parse(text)
