"""Trusted timestamps (RFC 3161) from a real time-stamping authority on loopback: OpenSSL's
`openssl ts -reply` behind a small HTTP endpoint (tests/support/tsa.py). Amends checks each
answer with rfc3161-client before keeping it; packs carry the answers and the roots, and the
pack's own verify.py checks them offline with cryptography and its own DER reading. Removing or
altering a timestamp, or the roots, fails both verifiers."""

import json
import zipfile

import pytest
from click.testing import CliRunner
from cryptography import x509

from amends.cli import main
from amends.evidence import verify as verifier
from amends.record import api as record
from amends.witness.models import Timestamp
from tests.support.net import free_port
from tests.support.tsa import TimeStampingAuthority
from tests.test_evidence_mutations import remanifest, write_zip
from tests.test_evidence_pack import build_incident, export, members, standalone
from tests.test_witness import grow


@pytest.fixture
def tsa(tmp_path, settings):
    with TimeStampingAuthority(tmp_path) as authority:
        roots = tmp_path / "tsa-roots.pem"
        roots.write_bytes(authority.root_pem)
        settings.TSA_URLS = [authority.url]
        settings.TSA_ROOTS_FILE = roots
        yield authority


def test_amends_timestamp_keeps_a_checked_timestamp_of_the_latest_checkpoint(people, tsa):
    grow(people, 3)
    result = CliRunner().invoke(main, ["timestamp", "--json"])
    assert result.exit_code == 0, result.stderr
    said = json.loads(result.stdout)
    assert said["size"] == record.size()
    [stamp] = said["timestamps"]
    assert stamp["tsa"] == tsa.url
    kept = Timestamp.objects.get()
    assert kept.checkpoint.size == record.size()
    # What verify.py reads: the same answer checks offline against the root, over that note.
    from amends.witness.asking import cosigned_note

    roots = x509.load_pem_x509_certificates(tsa.root_pem)
    checked = verifier.timestamp(
        bytes(kept.response), cosigned_note(kept.checkpoint).encode(), roots
    )
    assert checked["authority"] == "CN=Amends Test TSA"
    assert checked["time"].startswith(stamp["time"][:16])
    with pytest.raises(ValueError, match="not a timestamp of this checkpoint"):
        verifier.timestamp(bytes(kept.response), b"another checkpoint\n", roots)


def test_an_authority_that_is_down_or_untrusted_is_a_problem_not_a_timestamp(
    people, tsa, settings, tmp_path
):
    grow(people, 1)
    tsa.refuse = True
    result = CliRunner().invoke(main, ["timestamp"])
    assert result.exit_code == 1
    assert "answered 503" in result.stderr
    tsa.refuse = False
    with TimeStampingAuthority(tmp_path, "Another TSA") as other:
        settings.TSA_ROOTS_FILE.write_bytes(other.root_pem)  # trusts another root only
        result = CliRunner().invoke(main, ["timestamp"])
    assert result.exit_code == 1
    assert "does not check" in result.stderr
    settings.TSA_URLS = [f"http://127.0.0.1:{free_port()}/tsa"]
    result = CliRunner().invoke(main, ["timestamp"])
    assert "no answer" in result.stderr
    assert not Timestamp.objects.exists()


def test_the_worker_stamps_daily(people, tsa):
    from amends.witness import timestamps

    grow(people, 1)
    timestamps._tried_at = None
    assert timestamps.stamp_if_due() is not None
    assert timestamps.stamp_if_due() is None  # stamped less than a day ago
    assert Timestamp.objects.count() == 1


def test_a_pack_carries_timestamps_that_verify_offline_and_fail_when_touched(
    people, tsa, tmp_path, spec_witness
):
    found = build_incident(people)
    done = export(people, tmp_path, incident=found["incident"].pk)
    assert done.timestamped
    files = members(done.path)
    assert "data/timestamps/0.tsr" in files
    assert files["data/timestamps/roots.pem"].strip() == tsa.root_pem.strip()

    assert done.witnessed
    result = verifier.verify(str(done.path))
    [stamp] = result["timestamps"]
    assert stamp["tsa"] == tsa.url
    assert stamp["authority"] == "CN=Amends Test TSA"
    assert not result["untimestamped"]
    cli = CliRunner().invoke(main, ["verify-pack", str(done.path)])
    assert cli.exit_code == 0
    assert f"timestamped  {stamp['time']} by CN=Amends Test TSA" in cli.stdout
    bare = standalone(done.path, tmp_path, unwitnessed=False)
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout.startswith("OK: ")
    assert "timestamped  " in bare.stdout

    with zipfile.ZipFile(done.path) as z:
        top = z.infolist()[0].filename.split("/", 1)[0]

    def fails(changed: dict[str, bytes], name: str, unwitnessed: bool = False) -> str:
        path = write_zip(tmp_path / name, top, remanifest(changed))
        with pytest.raises(verifier.PackError) as caught:
            verifier.verify(str(path), unwitnessed=unwitnessed)
        args = ["verify-pack", str(path)] + (["--unwitnessed"] if unwitnessed else [])
        cli = CliRunner().invoke(main, args)
        assert cli.exit_code == 1
        assert cli.stderr == f"error: {caught.value}\n"
        bare = standalone(path, tmp_path, unwitnessed=unwitnessed)
        assert bare.returncode == 1
        assert bare.stderr == f"error: {caught.value}\n"
        return str(caught.value)

    token = bytearray(files["data/timestamps/0.tsr"])
    token[-5] ^= 1
    altered = fails({**files, "data/timestamps/0.tsr": bytes(token)}, "altered.zip")
    assert altered.startswith(f"data/timestamps/0.tsr: the timestamp by {tsa.url} fails: ")
    without = {k: v for k, v in files.items() if k != "data/timestamps/0.tsr"}
    missing = fails(without, "missing.zip")
    assert missing.startswith(f"data/checkpoint.txt: has no timestamp by {tsa.url}")
    # Accepted with --unwitnessed, and said loudly.
    accepted = verifier.verify(
        str(write_zip(tmp_path / "ok.zip", top, remanifest(without))), unwitnessed=True
    )
    assert accepted["untimestamped"] == [tsa.url]
    assert f"NOT TIMESTAMPED by {tsa.url}" in verifier.summary(accepted)
    with TimeStampingAuthority(tmp_path, "Forger TSA") as forger:
        swapped = {**files, "data/timestamps/roots.pem": forger.root_pem}
        said = fails(swapped, "roots.zip")
    assert said == "data/timestamps/roots.pem: holds a root the export entry does not name"
    extra = fails({**files, "data/timestamps/1.tsr": files["data/timestamps/0.tsr"]}, "x.zip")
    assert extra == "data/timestamps/1.tsr: is not a timestamp the export calls for"
