"""Tampering with a pack: every change must fail both verifiers, which name the file (and the
record entry) at fault.

Both verifiers are one code: the module runs in this process (and behind ``amends verify-pack``),
and the pack's own verify.py runs in an isolated Python that cannot import Amends or Django.
Two kinds of tamperer: one who changes a file and leaves the manifests (the checksums catch
it), and one who also rewrites the manifests (the proofs, commitments and signatures catch it).
"""

import ast
import hashlib
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from amends.cli import main
from amends.evidence import verify as verifier
from tests.test_evidence_pack import build_incident, export, members

SEED = 2026
PER_FILE = 5  # random single-byte changes in every file, besides its first and last byte
# Protected by the manifests alone: the proofs do not cover them (see docs/evidence.md).
MANIFEST_ONLY = {
    "data/report.html",
    "data/report.pdf",
    "bag-info.txt",
    "README.txt",
    "verify.py",
    "bagit.txt",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
}

DRIVER = """
import json, sys
sys.modules["amends"] = None  # any import of Amends or Django fails
sys.modules["django"] = None
sys.path.insert(0, sys.argv[1])
import verify
for path in sys.argv[2:]:
    try:
        verify.verify(path, unwitnessed=True)
        out = {"path": path, "ok": True}
    except verify.PackError as error:
        out = {"path": path, "ok": False, "error": str(error)}
    print(json.dumps(out))
loaded = [m for m in sys.modules if m.split(".")[0] in ("amends", "django") and sys.modules[m]]
assert not loaded, loaded
"""


@pytest.fixture
def pack(people, tmp_path):
    """The files of a pack about a real incident, and the pack's top folder."""
    found = build_incident(people)
    done = export(people, tmp_path, incident=found["incident"].pk)
    with zipfile.ZipFile(done.path) as z:
        top = z.infolist()[0].filename.split("/", 1)[0]
    return members(done.path), top


def write_zip(path: Path, top: str, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(f"{top}/{name}", data)
    return path


def remanifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """What a tamperer who knows BagIt does after changing files: new checksums, new oxum."""
    files = dict(files)

    def manifest(names):
        lines = [f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(names)]
        return "".join(lines).encode()

    payload = [n for n in files if n.startswith("data/")]
    octets = sum(len(files[n]) for n in payload)
    info = files["bag-info.txt"].decode().splitlines(keepends=True)
    info = [
        f"Payload-Oxum: {octets}.{len(payload)}\n" if line.startswith("Payload-Oxum:") else line
        for line in info
    ]
    files["bag-info.txt"] = "".join(info).encode()
    files["manifest-sha256.txt"] = manifest(payload)
    tags = [n for n in files if not n.startswith("data/") and n != "tagmanifest-sha256.txt"]
    files["tagmanifest-sha256.txt"] = manifest(tags)
    return files


def flip(data: bytes, at: int, rng: random.Random) -> bytes:
    return data[:at] + bytes([data[at] ^ rng.randrange(1, 256)]) + data[at + 1 :]


def positions(data: bytes, rng: random.Random) -> list[int]:
    if not data:
        return []
    return sorted({0, len(data) - 1, *(rng.randrange(len(data)) for _ in range(PER_FILE))})


def in_process(path: Path) -> str:
    with pytest.raises(verifier.PackError) as caught:
        verifier.verify(str(path), unwitnessed=True)
    cli = CliRunner().invoke(main, ["verify-pack", "--unwitnessed", str(path)])
    assert cli.exit_code == 1
    assert cli.stderr == f"error: {caught.value}\n"
    return str(caught.value)


def standalone(files: dict[str, bytes], paths: list[Path], tmp_path: Path) -> dict[str, str]:
    """Run the original pack's verify.py on every path in one isolated Python."""
    folder = tmp_path / "bare"
    folder.mkdir(exist_ok=True)
    (folder / "verify.py").write_bytes(files["verify.py"])
    result = subprocess.run(
        [sys.executable, "-I", "-c", DRIVER, str(folder), *map(str, paths)],
        cwd=folder,
        env={"LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    found = {}
    for line in result.stdout.splitlines():
        out = json.loads(line)
        assert not out["ok"], f"{out['path']} verified, but it was tampered with"
        found[out["path"]] = out["error"]
    return found


def names_it(error: str, name: str) -> bool:
    seq = verifier.entry_of(name)
    return name in error or (seq is not None and f"entry {seq}:" in error)


def test_the_untouched_pack_verifies_in_every_form(pack, tmp_path):
    files, top = pack
    path = write_zip(tmp_path / "same.zip", top, files)
    assert verifier.verify(str(path), unwitnessed=True)["ok"]
    folder = tmp_path / "unpacked"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    assert verifier.verify(str(folder), unwitnessed=True)["ok"]
    assert files["verify.py"] == Path(verifier.__file__).read_bytes()


def test_the_verifier_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(Path(verifier.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}


def test_changing_any_single_byte_of_any_file_fails_both_verifiers_naming_it(pack, tmp_path):
    files, top = pack
    rng = random.Random(SEED)
    cases = {}
    for name in sorted(files):
        for at in positions(files[name], rng):
            path = tmp_path / f"m{len(cases)}.zip"
            write_zip(path, top, {**files, name: flip(files[name], at, rng)})
            cases[str(path)] = (name, at)
    assert len(cases) > 5 * len(files)
    bare = standalone(files, [Path(p) for p in cases], tmp_path)
    for path, (name, at) in cases.items():
        error = in_process(Path(path))
        assert names_it(error, name), (name, at, error)
        assert bare[path] == error


def test_a_tamperer_who_rewrites_the_manifests_is_still_caught(pack, tmp_path):
    files, top = pack
    rng = random.Random(SEED + 1)
    cases = {}
    for name in sorted(set(files) - MANIFEST_ONLY):
        for at in positions(files[name], rng):
            path = tmp_path / f"d{len(cases)}.zip"
            write_zip(path, top, remanifest({**files, name: flip(files[name], at, rng)}))
            cases[str(path)] = (name, at)
    bare = standalone(files, [Path(p) for p in cases], tmp_path)
    for path, (name, at) in cases.items():
        error = in_process(Path(path))
        assert names_it(error, name), (name, at, error)
        assert bare[path] == error


def test_removing_any_file_fails_naming_it(pack, tmp_path):
    files, top = pack
    cases = {}
    for name in sorted(files):
        kept = {n: d for n, d in files.items() if n != name}
        cases[str(write_zip(tmp_path / f"r{len(cases)}.zip", top, kept))] = name
        if name not in MANIFEST_ONLY:
            path = tmp_path / f"rr{len(cases)}.zip"
            cases[str(write_zip(path, top, remanifest(kept)))] = name
    bare = standalone(files, [Path(p) for p in cases], tmp_path)
    for path, name in cases.items():
        error = in_process(Path(path))
        assert names_it(error, name), (name, error)
        assert bare[path] == error


def swapped(files: dict[str, bytes], a: str, b: str) -> dict[str, bytes]:
    return {**files, a: files[b], b: files[a]}


def test_swapping_two_entries_fails_naming_them(pack, tmp_path):
    files, top = pack
    rows = files["data/entries.jsonl"].splitlines(keepends=True)
    seqs = [json.loads(row)["seq"] for row in rows]
    rng = random.Random(SEED + 2)
    cases = {}
    for _ in range(12):
        a, b = sorted(rng.sample(seqs, 2))
        for folder, ext in (("entries", "json"), ("proofs", "tlog-proof")):
            pair = (f"data/{folder}/{a}.{ext}", f"data/{folder}/{b}.{ext}")
            for rewrite in (False, True):
                changed = swapped(files, *pair)
                changed = remanifest(changed) if rewrite else changed
                path = write_zip(tmp_path / f"s{len(cases)}.zip", top, changed)
                cases[str(path)] = (a, b)
        # the two lines of the index, in place of each other
        i, j = seqs.index(a), seqs.index(b)
        lines = list(rows)
        lines[i], lines[j] = lines[j], lines[i]
        changed = remanifest({**files, "data/entries.jsonl": b"".join(lines)})
        cases[str(write_zip(tmp_path / f"s{len(cases)}.zip", top, changed))] = (a, b)
    bare = standalone(files, [Path(p) for p in cases], tmp_path)
    for path, (a, b) in cases.items():
        error = in_process(Path(path))
        assert f"entry {a}" in error or f"entry {b}" in error, error
        assert bare[path] == error


def test_an_added_file_or_a_second_copy_fails(pack, tmp_path):
    files, top = pack
    seq = verifier.entry_of(next(n for n in files if n.startswith("data/entries/")))
    extra = {**files, f"data/entries/{seq}.json.bak": files[f"data/entries/{seq}.json"]}
    for changed in (extra, remanifest(extra)):
        error = in_process(write_zip(tmp_path / "extra.zip", top, changed))
        assert f"data/entries/{seq}.json.bak" in error
    path = tmp_path / "twice.zip"
    write_zip(path, top, files)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr(f"{top}/data/key.txt", b"someone+else\n")
    assert "data/key.txt" in in_process(path)


def test_a_pack_verified_against_another_key_fails(pack, tmp_path):
    files, top = pack
    path = write_zip(tmp_path / "pack.zip", top, files)
    other = "localhost/amends+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(verifier.PackError, match=r"^data/key\.txt: is not the key you gave"):
        verifier.verify(str(path), other, unwitnessed=True)


def test_leaving_out_an_access_that_spans_posts_is_caught(people, tmp_path):
    """An access to two posts at once names no subject, so no ``prev`` chain holds it: the
    count in the export entry does."""
    from amends.actions import Publish
    from amends.record import api as record

    first = Publish(people.alice, account="house:news", text="One.").run()
    second = Publish(people.alice, account="house:news", text="Two.").run()
    seqs = [p.revisions.get().seq for p in (first, second)]
    record.unseal(seqs, actor="fiona", purpose="Both at once", reference="FOI/9")
    done = export(people, tmp_path, post=first.pk)
    files = members(done.path)
    with zipfile.ZipFile(done.path) as z:
        top = z.infolist()[0].filename.split("/", 1)[0]
    rows = files["data/entries.jsonl"].splitlines(keepends=True)
    (access,) = [r for r in rows if b'"subject":null' in r]
    seq = json.loads(access)["seq"]
    kept = {
        n: d
        for n, d in files.items()
        if n not in (f"data/entries/{seq}.json", f"data/proofs/{seq}.tlog-proof")
    }
    kept["data/entries.jsonl"] = b"".join(r for r in rows if r != access)
    error = in_process(write_zip(tmp_path / "less.zip", top, remanifest(kept)))
    assert error.startswith("data/entries.jsonl: lists ")
    assert "the export entry counted" in error


def test_leaving_out_a_key_rotation_is_caught(people, tmp_path):
    """The export entry counts the rotations before it, and is signed with the anchor's root:
    a tamperer who drops a ``key.rotated`` entry (its files, its row, its key-history line)
    is caught, even where no older checkpoint would have needed the old key."""
    from amends.actions import Publish
    from amends.record import api as record

    post = Publish(people.alice, account="house:news", text="Before the rotation.").run()
    record.rotate_key(actor="adam")
    done = export(people, tmp_path, post=post.pk)
    files = members(done.path)
    with zipfile.ZipFile(done.path) as z:
        top = z.infolist()[0].filename.split("/", 1)[0]
    rows = files["data/entries.jsonl"].splitlines(keepends=True)
    (rotation,) = [r for r in rows if b'"kind":"key.rotated"' in r]
    seq = json.loads(rotation)["seq"]
    kept = {
        n: d
        for n, d in files.items()
        if n not in (f"data/entries/{seq}.json", f"data/proofs/{seq}.tlog-proof")
    }
    kept["data/entries.jsonl"] = b"".join(r for r in rows if r != rotation)
    kept["data/key-history.txt"] = b""
    error = in_process(write_zip(tmp_path / "norotation.zip", top, remanifest(kept)))
    assert error == (
        "data/key-history.txt: lists 0 key rotations before the export; the export entry counted 1"
    )
