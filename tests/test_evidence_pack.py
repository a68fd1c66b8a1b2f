"""Evidence packs: a real incident exported, and checked by both verifiers (the module in this
process, and the pack's own verify.py in a bare Python that cannot import Amends)."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from amends.actions import (
    Apologise,
    ApproveDeletion,
    Correct,
    ExportPack,
    OpenIncident,
    PlaceHold,
    Publish,
    Reply,
    RequestDeletion,
    Unseal,
)
from amends.actions.base import Forbidden
from amends.errors import BadInput
from amends.evidence import verify as verifier
from amends.record import api as record
from amends.record.models import Content

ORIGINAL = "The appeal closes on 4 May. Officers arrested John Smith, 34, of Elm Road."
CORRECTED = "The appeal closes on 14 May. Officers arrested a man, 34."
APOLOGY = "Sorry, the date we gave was wrong and we named someone we should not have."
PURPOSE = "Complaint review under the Police Reform Act 2002"
REFERENCE = "CO/2026/17"


def build_incident(people) -> dict:
    """A post that went wrong and everything the team did about it, through the actions."""
    post = Publish(people.alice, account="house:news", text=ORIGINAL).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="Wrong date; named a suspect",
        rationale="Opened for the test.",
    ).run()
    Correct(people.alice, post=post.pk, text=CORRECTED, reason="Wrong date").run()
    apology = Apologise(people.alice, post=post.pk, text=APOLOGY).run()
    reply = Reply(people.andy, post=post.pk, text="Thank you for telling us.").run()
    deletion = RequestDeletion(
        people.sally,
        post=post.pk,
        ground="prejudicial",
        explanation="It named a suspect.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    Unseal(people.fiona, post=post.pk, purpose="Check the complaint", reference=REFERENCE).run()
    PlaceHold(people.fiona, post=post.pk, reference=REFERENCE).run()
    return {"post": post, "incident": incident, "apology": apology, "reply": reply}


def export(people, tmp_path, name="pack.zip", **kwargs):
    kwargs.setdefault("purpose", PURPOSE)
    kwargs.setdefault("reference", REFERENCE)
    return ExportPack(people.fiona, output=tmp_path / name, **kwargs).run()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename.split("/", 1)[1]: z.read(info) for info in z.infolist()}


def standalone(
    pack: Path, tmp_path: Path, *args: str, unwitnessed: bool = True
) -> subprocess.CompletedProcess:
    """Run the pack's own verify.py in an isolated Python (-I: no user site, no PYTHONPATH, no
    current folder) from an empty folder, so it cannot reach Amends."""
    folder = tmp_path / f"bare-{len(list(tmp_path.glob('bare-*')))}"
    folder.mkdir()
    (folder / "verify.py").write_bytes(members(pack)["verify.py"])
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-I", str(folder / "verify.py"), str(pack.resolve()), *args]
        + (["--unwitnessed"] if unwitnessed else []),
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def incident(people):
    return build_incident(people)


def test_a_real_incident_exports_and_verifies_with_both_verifiers(people, incident, tmp_path):
    done = export(people, tmp_path, incident=incident["incident"].pk)
    result = verifier.verify(str(done.path), unwitnessed=True)
    assert result["ok"]
    assert result["subject"] == f"incident:{incident['incident'].pk}"
    assert result["reference"] == REFERENCE
    assert result["contents"]["sealed"] == 2  # both revisions, opened for this pack
    assert result["custody"]["accessed"] >= 2  # the desk's unseal and this export's
    assert result["custody"]["exported"] == 1
    key = members(done.path)["data/key.txt"].decode().strip()
    bare = standalone(done.path, tmp_path, "--key", key)
    assert bare.returncode == 0, bare.stderr
    first = bare.stdout.splitlines()[0]
    assert first.startswith(
        f"NOT WITNESSED: the evidence pack about incident:{incident['incident'].pk}"
    )
    assert len(bare.stdout.splitlines()) <= 24  # one screen
    assert "(the key you gave)" in bare.stdout


def test_the_pack_holds_every_entry_about_the_incident_and_its_posts(people, incident, tmp_path):
    done = export(people, tmp_path, incident=incident["incident"].pk)
    files = members(done.path)
    rows = [json.loads(line) for line in files["data/entries.jsonl"].splitlines()]
    subjects = {f"incident:{incident['incident'].pk}"} | {
        f"post:{incident[k].pk}" for k in ("post", "apology", "reply")
    }
    expected = {e.seq for s in subjects for e in record.entries_about(s)}
    assert {row["seq"] for row in rows} == expected
    kinds = [row["kind"] for row in rows]
    for kind in (
        "post.published",
        "incident.opened",
        "post.revised",
        "apology.published",
        "reply.published",
        "deletion.requested",
        "deletion.approved",
        "post.deleted",
        "content.sealed",
        "content.accessed",
        "hold.placed",
        "export.created",
    ):
        assert kind in kinds, kind
    assert kinds[-1] == "export.created"
    for row in rows:
        assert files[f"data/entries/{row['seq']}.json"] == bytes(
            record.entries(row["seq"], 1)[0].leaf
        )
    assert files[f"data/content/{incident['post'].revisions.get(n=1).seq}.bin"] == ORIGINAL.encode()
    assert {"README.txt", "verify.py", "bagit.txt", "bag-info.txt"} <= set(files)
    assert files["data/report.pdf"].startswith(b"%PDF")
    assert b"<html" in files["data/report.html"].lower()


def test_the_export_is_recorded_before_the_pack_is_written(people, incident, tmp_path):
    done = export(people, tmp_path, incident=incident["incident"].pk)
    leaf = json.loads(record.entries(done.export, 1)[0].leaf)
    assert (leaf["kind"], leaf["actor"]) == ("export.created", "fiona")
    assert (leaf["data"]["purpose"], leaf["data"]["reference"]) == (PURPOSE, REFERENCE)
    revisions = sorted(incident["post"].revisions.values_list("seq", flat=True))
    assert leaf["data"]["sealed"] == revisions
    accessed = [
        json.loads(e.leaf)
        for e in record.entries_about(incident["post"].subject)
        if e.kind == "content.accessed"
    ]
    assert accessed[-1]["data"]["export"] == f"incident:{incident['incident'].pk}"
    assert accessed[-1]["data"]["entries"] == revisions
    assert done.checkpoint > done.export


def test_a_pack_written_without_sealed_content_holds_no_sealed_words(people, incident, tmp_path):
    done = export(people, tmp_path, incident=incident["incident"].pk, include_sealed=False)
    result = verifier.verify(str(done.path), unwitnessed=True)
    assert (result["contents"]["withheld"], result["contents"]["sealed"]) == (2, 0)
    seqs = list(incident["post"].revisions.values_list("seq", flat=True))
    salts = [bytes(c.salt) for c in Content.objects.filter(entry_id__in=seqs)]
    for name, data in members(done.path).items():
        for secret in ("John Smith", "Elm Road", "4 May", "14 May"):
            assert secret.encode() not in data, (name, secret)
        for salt in salts:
            assert salt not in data, name
    leaf = json.loads(record.entries(done.export, 1)[0].leaf)
    assert leaf["data"]["sealed"] == []


def test_a_post_pack_covers_the_post_and_its_answers(people, incident, tmp_path):
    done = export(people, tmp_path, post=incident["post"].pk)
    result = verifier.verify(str(done.path), unwitnessed=True)
    assert result["subject"] == incident["post"].subject
    subjects = json.loads(members(done.path)["data/index.json"])["subjects"]
    assert subjects == [f"post:{incident[k].pk}" for k in ("post", "apology", "reply")]


def test_an_older_pack_still_verifies_and_the_newer_pack_extends_its_checkpoint(
    people, incident, tmp_path
):
    first = export(people, tmp_path, "first.zip", incident=incident["incident"].pk)
    old_key = members(first.path)["data/key.txt"].decode().strip()
    Reply(people.alice, post=incident["post"].pk, text="We have nothing more to add.").run()
    record.rotate_key(actor="adam")
    second = export(people, tmp_path, "second.zip", incident=incident["incident"].pk)

    assert verifier.verify(str(first.path), old_key, unwitnessed=True)["ok"]
    assert standalone(first.path, tmp_path, "--key", old_key).returncode == 0
    newer = verifier.verify(str(second.path), unwitnessed=True)
    assert newer["custody"]["exported"] == 2
    assert newer["key"] != old_key

    old, new = members(first.path), members(second.path)
    # The first pack's signed checkpoint is in the second, with a proof that the second's
    # checkpoint extends it; the old key is trusted through the recorded rotation.
    assert first.checkpoint in json.loads(new["data/index.json"])["checkpoints"]
    assert new[f"data/checkpoints/{first.checkpoint}.txt"] == old["data/checkpoint.txt"]
    assert old_key in new["data/key-history.txt"].decode()
    a = verifier.Checkpoint(old["data/checkpoint.txt"].decode(), [verifier.Key(old_key)])
    b = verifier.Checkpoint(new["data/checkpoint.txt"].decode(), [verifier.Key(newer["key"])])
    proof = record.consistency_proof(a.size, b.size)
    assert verifier.consistent(a.size, b.size, a.root, b.root, proof.hashes)


def test_only_auditors_export(people, incident, tmp_path):
    for name in ("alice", "andy", "sam", "sally", "adam", "olly"):
        with pytest.raises(Forbidden, match="only auditor may export evidence packs"):
            ExportPack(
                getattr(people, name),
                incident=incident["incident"].pk,
                purpose=PURPOSE,
                reference=REFERENCE,
                output=tmp_path / f"{name}.zip",
            ).run()
        assert not (tmp_path / f"{name}.zip").exists()
    assert not [e for e in record.entries(0, 10_000) if e.kind == "export.created"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purpose": " "}, "purpose: must not be empty"),
        ({"reference": ""}, "reference: must not be empty"),
        ({"reference": "x" * 201}, "reference: must be at most 200 characters"),
        ({"post": 1}, "subject: name exactly one post, incident or account"),
        ({"incident": None}, "subject: name exactly one post, incident or account"),
    ],
)
def test_a_purpose_a_reference_and_one_subject_are_required(
    people, incident, tmp_path, changes, message
):
    kwargs = {
        "incident": incident["incident"].pk,
        "purpose": PURPOSE,
        "reference": REFERENCE,
        **changes,
    }
    size = record.size()
    with pytest.raises(BadInput, match=message):
        ExportPack(people.fiona, output=tmp_path / "x.zip", **kwargs).run()
    assert record.size() == size


def test_a_pack_is_never_overwritten(people, incident, tmp_path):
    export(people, tmp_path, incident=incident["incident"].pk)
    with pytest.raises(BadInput, match="exists"):
        export(people, tmp_path, incident=incident["incident"].pk)


def test_the_zip_is_deterministic_in_its_form(people, incident, tmp_path):
    done = export(people, tmp_path, incident=incident["incident"].pk)
    with zipfile.ZipFile(done.path) as z:
        infos = z.infolist()
    assert len({i.date_time for i in infos}) == 1
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert len({i.filename.split("/", 1)[0] for i in infos}) == 1


def test_proofs_in_batches_match_the_records_own_proofs(db):
    from amends.evidence.proofs import inclusion_proofs

    events = [record.event("record.note", {"n": n}) for n in range(300)]
    record.append_events(events)
    for size in (1, 2, 3, 7, 64, 65, 127, 200, 300):
        seqs = list(range(size))
        found = dict(inclusion_proofs(seqs, size))
        for seq in seqs:
            assert found[seq] == record.inclusion_proof(seq, size).hashes, (seq, size)


def test_destroyed_content_is_listed_and_its_commitment_still_proven(people, tmp_path):
    post = Publish(people.alice, account="house:news", text="Retention ends for this.").run()
    seq = post.revisions.get().seq
    record.destroy([seq], actor="fiona", reason="end of retention")
    done = export(people, tmp_path, post=post.pk)
    result = verifier.verify(str(done.path), unwitnessed=True)
    assert result["contents"] == {"plain": 0, "sealed": 0, "withheld": 0, "destroyed": 1}
    files = members(done.path)
    assert f"data/content/{seq}.bin" not in files
    assert json.loads(files[f"data/entries/{seq}.json"])["content"].startswith("sha256:")
    assert b"Retention ends" not in b"".join(files.values())


def test_custody_entries_about_several_posts_come_with_each_post(people, tmp_path):
    first = Publish(people.alice, account="house:news", text="One.").run()
    second = Publish(people.alice, account="house:news", text="Two.").run()
    seqs = [p.revisions.get().seq for p in (first, second)]
    sealed = record.seal(seqs, actor="fiona", reason="both named a witness")
    done = export(people, tmp_path, post=first.pk, include_sealed=False)
    rows = [json.loads(line) for line in members(done.path)["data/entries.jsonl"].splitlines()]
    assert {"seq": sealed.seq, "subject": None} in [
        {"seq": r["seq"], "subject": r["subject"]} for r in rows
    ]
    assert verifier.verify(str(done.path), unwitnessed=True)["contents"]["withheld"] == 1


def test_a_pack_from_before_a_rotation_verifies_with_the_published_key_history(
    people, incident, tmp_path, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = export(people, tmp_path, "first.zip", incident=incident["incident"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        record.rotate_key(actor="adam")
    well_known = Path(settings.SITE_DIR) / ".well-known/amends"
    history = json.loads((well_known / "keys.json").read_text())["keys"]
    [key] = [k["key"] for k in history if k["first_size"] <= first.checkpoint <= k["last_size"]]
    current = (well_known / "key").read_text().strip()
    assert key != current  # the site's key now is the new one
    assert verifier.verify(str(first.path), key, unwitnessed=True)["ok"]
    assert standalone(first.path, tmp_path, "--key", key).returncode == 0
    with pytest.raises(verifier.PackError, match="is not the key you gave"):
        verifier.verify(str(first.path), current, unwitnessed=True)
