"""Witnesses, both sides, over real HTTP on loopback.

The witness side (``amends.witness.side``) answers every status of C2SP tlog-witness. The
client side asks a witness written from the specs inside the tests (tests/support/spec_witness,
no Amends code in it), keeps its cosignatures, shows them on the site, puts them with the
policy in evidence packs, and raises a fork loudly. Packs with cosignatures verify with both
verifiers; removing or altering a cosignature or the policy fails both."""

import base64
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import settings as django_settings

from amends.actions import AddWitness, Publish
from amends.cli import main
from amends.evidence import verify as verifier
from amends.notify.models import Alert
from amends.record import api as record
from amends.witness import side
from amends.witness.asking import ask, ask_if_due, cosigned_note, policy
from amends.witness.cosignature import AddCheckpoint
from amends.witness.models import Cosignature, Witness
from tests.support.net import free_port
from tests.support.spec_witness import SpecWitness
from tests.test_evidence_mutations import remanifest, write_zip
from tests.test_evidence_pack import build_incident, export, members, standalone


def grow(people, n: int) -> None:
    for i in range(n):
        Publish(people.alice, account="house:news", text=f"Road closed, update {i}.").run()


def request(checkpoint, old: int = 0, proof=()) -> bytes:
    return AddCheckpoint(old, tuple(proof), checkpoint.note).body()


# --- the witness side ----------------------------------------------------------------------


def test_the_witness_side_answers_every_status_of_the_protocol(people):
    grow(people, 3)
    first = record.sign_checkpoint()
    assert side.add_checkpoint(request(first)).status == 404  # not witnessed here
    side.add_log(django_settings.RECORD_ORIGIN, record.verifier_key())

    assert side.add_checkpoint(b"garbage").status == 400
    answer = side.add_checkpoint(request(first, old=first.size + 1))
    assert answer.status == 400  # old larger than the checkpoint
    stranger = first.note.split("\n\n")[0] + "\n\n\u2014 someone AAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    assert side.add_checkpoint(AddCheckpoint(0, (), stranger).body()).status == 403

    answer = side.add_checkpoint(request(first))
    assert answer.status == 200
    key = side.cosigner().key
    text = first.note[: first.note.rfind("\n\n") + 1]
    assert key.timestamp_of(answer.body.rstrip("\n"), text) is not None
    log = side.find(django_settings.RECORD_ORIGIN)
    assert (log.size, bytes(log.root)) == (first.size, bytes(first.root))  # kept before answering

    grow(people, 2)
    second = record.sign_checkpoint()
    stale = side.add_checkpoint(request(second, old=0))
    assert (stale.status, stale.body, stale.content_type) == (
        409,
        f"{first.size}\n",
        "text/x.tlog.size",
    )
    wrong = [bytes(32)] * len(record.consistency_proof(first.size, second.size).hashes)
    assert side.add_checkpoint(request(second, first.size, wrong)).status == 422
    good = record.consistency_proof(first.size, second.size).hashes
    assert side.add_checkpoint(request(second, first.size, good)).status == 200
    # The same checkpoint again is cosigned again; a lost race is a 409, never a rollback.
    assert side.add_checkpoint(request(second, second.size)).status == 200
    assert side.add_checkpoint(request(second, first.size, good)).status == 409
    assert side.find(django_settings.RECORD_ORIGIN).size == second.size
    assert side.find(django_settings.RECORD_ORIGIN).refusals == 3


# --- the client side, against a witness written from the spec --------------------------------


def test_a_spec_witness_cosigns_and_the_site_shows_it(
    people, spec_witness, settings, django_capture_on_commit_callbacks
):
    grow(people, 3)
    with django_capture_on_commit_callbacks(execute=True):
        first = record.sign_checkpoint()
        asked = ask(first)
    assert asked.cosigned == [spec_witness.name]
    assert not asked.problems
    note = cosigned_note(first)
    assert note.startswith(first.note)
    assert f"\u2014 {spec_witness.name} " in note
    shown = Path(settings.SITE_DIR) / ".well-known/amends/checkpoint"
    assert shown.read_text() == note
    published = (Path(settings.SITE_DIR) / ".well-known/amends/witness-policy").read_text()
    assert f"witness {spec_witness.name} " in published
    assert "quorum witnesses" in published

    grow(people, 4)  # the next one goes with a consistency proof from the last
    second = record.sign_checkpoint()
    assert ask(second).cosigned == [spec_witness.name]
    assert spec_witness.logs[django_settings.RECORD_ORIGIN]["size"] == second.size
    assert spec_witness.requests == [200, 200]

    # A client that lost what the witness saw is told with a 409, and asks again from there.
    Witness.objects.update(size=0)
    grow(people, 1)
    third = record.sign_checkpoint()
    assert ask(third).cosigned == [spec_witness.name]
    assert spec_witness.requests[-2:] == [409, 200]
    assert Witness.objects.get().state == Witness.State.OK
    assert record.health().ok


def test_a_fork_is_refused_and_raised_everywhere(people, spec_witness):
    grow(people, 4)
    ask(record.sign_checkpoint())
    # The witness saw another history at this size: the record was rewritten since.
    spec_witness.logs[django_settings.RECORD_ORIGIN]["root"] = bytes(32)
    grow(people, 2)
    asked = ask(record.sign_checkpoint())
    assert asked.forks == [spec_witness.name]
    assert spec_witness.requests[-1] == 422
    witness = Witness.objects.get()
    assert witness.state == Witness.State.FORK
    assert "refused checkpoint" in witness.problem
    [refused] = record.latest_of_kind("witness.refused")
    assert refused.data["witness"] == spec_witness.name
    health = record.health()
    assert not health.ok
    assert spec_witness.name in health.problem
    assert Alert.objects.filter(event="record.forked", settled_at__isnull=True).exists()
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 1
    assert "refused checkpoint" in result.stderr
    # A fork stays raised while the witness keeps refusing.
    ask(record.sign_checkpoint())
    assert Witness.objects.get().state == Witness.State.FORK


def test_a_fork_is_red_on_today_for_everyone_in_english_and_welsh(people, spec_witness, client):
    grow(people, 2)
    ask(record.sign_checkpoint())
    spec_witness.logs[django_settings.RECORD_ORIGIN]["root"] = bytes(32)
    grow(people, 1)
    ask(record.sign_checkpoint())
    client.force_login(people.alice)
    page = client.get("/desk/").content.decode()
    assert "The record does not verify" in page
    assert f"witness {spec_witness.name} refused checkpoint" in page
    assert "tell an admin at once" in page
    welsh = client.get("/desk/", headers={"accept-language": "cy"}).content.decode()
    assert "tell an admin at once" not in welsh
    assert f"gwrthododd y tyst {spec_witness.name} bwynt gwirio" in welsh


def test_a_witness_that_saw_more_than_the_record_holds_is_a_rollback(people, spec_witness):
    grow(people, 2)
    checkpoint = record.sign_checkpoint()
    spec_witness.logs[django_settings.RECORD_ORIGIN].update(size=checkpoint.size + 5, root=b"x")
    asked = ask(checkpoint)
    assert asked.forks == [spec_witness.name]
    assert "entries it saw are gone" in Witness.objects.get().problem


def test_refusals_and_silence_are_shown_not_raised_as_forks(people, spec_witness):
    grow(people, 1)
    checkpoint = record.sign_checkpoint()
    spec_witness.logs.clear()  # it no longer witnesses this log
    assert "does not witness this log" in ask(checkpoint).problems[spec_witness.name]
    assert Witness.objects.get().state == Witness.State.REFUSED
    spec_witness.trust(django_settings.RECORD_ORIGIN, Signer_key_of_another_log())
    assert "does not trust" in ask(checkpoint).problems[spec_witness.name]
    Witness.objects.update(url=f"http://127.0.0.1:{free_port()}/")
    assert "no answer" in ask(checkpoint).problems[spec_witness.name]
    assert Witness.objects.get().state == Witness.State.UNREACHABLE
    assert record.health().ok  # none of these says the record changed


def Signer_key_of_another_log() -> str:
    from amends.record.note import Signer

    return str(Signer.generate(django_settings.RECORD_ORIGIN).verifier)


def test_the_worker_asks_when_due_and_at_least_daily(people, spec_witness, settings):
    settings.WITNESS_INTERVAL = 300
    grow(people, 2)
    assert ask_if_due() is not None  # never asked: asks now, signing what is new
    assert ask_if_due() is None  # asked a moment ago
    Witness.objects.update(asked_at=None)
    assert ask_if_due() is None  # nothing new, and cosigned today
    from datetime import timedelta

    from amends.clock import now

    Witness.objects.update(asked_at=None, cosigned_at=now() - timedelta(days=1, minutes=1))
    again = ask_if_due()
    assert again is not None
    assert again.cosigned == [spec_witness.name]
    assert Cosignature.objects.count() == 2


def test_adding_a_witness_is_recorded_and_checked(people):
    other = SpecWitness("witness.test/two")
    with pytest.raises(Exception, match="name: must be the name in the witness's key"):
        AddWitness(people.adam, name="another", url="https://w.example/", key=other.vkey).run()
    with pytest.raises(Exception, match="url: must be the witness's submission prefix"):
        AddWitness(people.adam, name=other.name, url="ftp://w.example/", key=other.vkey).run()
    with pytest.raises(Exception, match="only admin may add witnesses"):
        AddWitness(people.sam, name=other.name, url="https://w.example/", key=other.vkey).run()
    AddWitness(people.adam, name=other.name, url="https://w.example/", key=other.vkey).run()
    [added] = record.latest_of_kind("witness.added")
    assert added.data["key"] == other.vkey
    assert added.actor == "adam"


# --- evidence packs -----------------------------------------------------------------------


def test_a_pack_carries_the_cosignatures_and_the_policy_and_verifies_witnessed(
    people, spec_witness, tmp_path
):
    found = build_incident(people)
    done = export(people, tmp_path, incident=found["incident"].pk)
    assert done.witnessed
    files = members(done.path)
    assert f"\u2014 {spec_witness.name} " in files["data/checkpoint.txt"].decode()
    assert files["data/witness-policy.txt"].decode() == policy().text()

    result = verifier.verify(str(done.path))
    assert result["witnessed"]
    assert list(result["cosigners"]) == [spec_witness.name]
    cli = CliRunner().invoke(main, ["verify-pack", str(done.path), "--json"])
    assert cli.exit_code == 0
    assert json.loads(cli.stdout)["witnessed"]
    bare = standalone(done.path, tmp_path, unwitnessed=False)
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout.startswith("OK: ")
    assert f"witnessed    by {spec_witness.name}" in bare.stdout

    with zipfile.ZipFile(done.path) as z:
        top = z.infolist()[0].filename.split("/", 1)[0]

    anchor = files["data/checkpoint.txt"].decode()

    def fails(changed: dict[str, bytes], name: str, note: str | None = None) -> str:
        if note is not None:  # the anchor as a tamperer changes it: in every file holding it
            changed = {
                k: v.replace(anchor.encode(), note.encode()) if k.startswith("data/") else v
                for k, v in changed.items()
            }
        path = write_zip(tmp_path / name, top, remanifest(changed))
        with pytest.raises(verifier.PackError) as caught:
            verifier.verify(str(path))
        cli = CliRunner().invoke(main, ["verify-pack", str(path)])
        assert cli.exit_code == 1
        assert cli.stderr == f"error: {caught.value}\n"
        bare = standalone(path, tmp_path, unwitnessed=False)
        assert bare.returncode == 1
        assert bare.stderr == f"error: {caught.value}\n"
        return str(caught.value)

    kept, cosig = anchor.rsplit("\u2014 ", 1)
    removed = fails(files, "removed.zip", kept)
    assert removed.startswith("data/checkpoint.txt: lacks its witnesses' quorum")
    raw = bytearray(base64.b64decode(cosig.split(" ")[1]))
    raw[-1] ^= 1
    altered_line = f"\u2014 {spec_witness.name} {base64.b64encode(bytes(raw)).decode()}\n"
    altered = fails(files, "alt.zip", kept + altered_line)
    assert altered == f"data/checkpoint.txt: the cosignature by {spec_witness.name} does not verify"
    weaker = files["data/witness-policy.txt"].replace(b"quorum witnesses", b"quorum none")
    said = fails({**files, "data/witness-policy.txt": weaker}, "weaker.zip")
    assert said == "data/witness-policy.txt: is not the witness policy the export entry names"
    without = {k: v for k, v in files.items() if k != "data/witness-policy.txt"}
    assert fails(without, "without.zip") == "data/witness-policy.txt: is missing"


def test_a_pack_short_of_its_quorum_is_refused_unless_accepted(
    people, spec_witness, tmp_path, settings
):
    silent = SpecWitness("witness.test/silent")  # never started: it does not answer
    silent.url = f"http://127.0.0.1:{free_port()}/"
    AddWitness(people.adam, name=silent.name, url=silent.url, key=silent.vkey).run()
    settings.WITNESS_QUORUM = "all"
    found = build_incident(people)
    done = export(people, tmp_path, incident=found["incident"].pk)
    assert not done.witnessed
    with pytest.raises(verifier.PackError, match="lacks its witnesses' quorum \\(cosigned by"):
        verifier.verify(str(done.path))
    accepted = verifier.verify(str(done.path), unwitnessed=True)
    assert not accepted["witnessed"]
    assert list(accepted["cosigners"]) == [spec_witness.name]
    assert verifier.summary(accepted).startswith("NOT WITNESSED: ")


def test_an_ml_dsa_44_witness_counts_towards_the_quorum(people, tmp_path, settings):
    """C2SP's post-quantum cosignature: a witness with an ML-DSA-44 key signs the binary
    subtree/v1 message; Amends and verify.py check it with cryptography's ML-DSA."""
    with SpecWitness("witness.test/pq", ml_dsa=True) as witness:
        witness.trust(django_settings.RECORD_ORIGIN, record.verifier_key())
        AddWitness(people.adam, name=witness.name, url=witness.url, key=witness.vkey).run()
        grow(people, 2)
        assert ask(record.sign_checkpoint()).cosigned == [witness.name]
        found = build_incident(people)
        done = export(people, tmp_path, incident=found["incident"].pk)
    assert done.witnessed
    assert len(members(done.path)["data/witness-policy.txt"]) > 2624  # the key, in hex
    result = verifier.verify(str(done.path))
    assert list(result["cosigners"]) == [witness.name]
    bare = standalone(done.path, tmp_path, unwitnessed=False)
    assert bare.returncode == 0, bare.stderr
