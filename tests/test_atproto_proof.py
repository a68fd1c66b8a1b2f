"""A Bluesky post as its repository signed it: the record proofs (CAR files) the real PDS gives,
checked by the evidence verifier's own code, which imports nothing but ``cryptography``.

Independent checks: the blocks decode as ``libipld`` (the Rust IPLD library the atproto SDK
uses) decodes them, the signatures verify as the SDK's ``atproto_crypto`` verifies them, and every
record the PDS lists is found on the tree path the verifier walks. Then each kind of tampering is
refused with a line saying what does not check."""

import contextlib
import uuid

import httpx
import libipld
import pytest
from atproto_crypto.verify import verify_signature
from hypothesis import given
from hypothesis import strategies as st

from amends.evidence import verify as v
from tests.support.bluesky import PASSWORD

POST = "app.bsky.feed.post"


def plain(value):
    """A value decoded by the verifier, as libipld decodes it (a CID as its bytes)."""
    if isinstance(value, v.Cid):
        return value.raw
    if isinstance(value, list):
        return [plain(x) for x in value]
    if isinstance(value, dict):
        return {k: plain(x) for k, x in value.items()}
    return value


@pytest.fixture(scope="module")
def repo(pds):
    """An account on the real PDS with 40 posts made directly on it, and its signing key."""
    handle = f"p{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(handle, PASSWORD)
    session = pds.xrpc(
        "POST", "com.atproto.server.createSession", json={"identifier": did, "password": PASSWORD}
    )
    uris = []
    for n in range(40):
        created = pds.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            headers={"Authorization": f"Bearer {session['accessJwt']}"},
            json={
                "repo": did,
                "collection": POST,
                "record": {
                    "$type": POST,
                    "text": f"Appeal {n}: have you seen this bike? Ffoniwch 101 ✓",
                    "createdAt": "2026-12-03T23:00:00.000Z",
                },
            },
        )
        uris.append(created["uri"])
    document = httpx.get(f"http://127.0.0.1:{pds.plc_port}/{did}").json()
    from atproto_core.did_doc import DidDocument
    from atproto_identity.did.atproto_data import AtprotoData

    key = AtprotoData.from_did_doc(DidDocument.from_dict(document)).signing_key
    return {"did": did, "uris": uris, "key": key, "pds": pds}


def car_for(repo, uri: str) -> bytes:
    rkey = uri.rsplit("/", 1)[1]
    params = {"did": repo["did"], "collection": POST, "rkey": rkey}
    answer = httpx.get(f"{repo['pds'].url}/xrpc/com.atproto.sync.getRecord", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.ipld.car")
    return answer.content


def test_every_post_proves_itself_as_the_sdk_reads_it(repo):
    for n in (0, 17, 39):
        uri = repo["uris"][n]
        car = car_for(repo, uri)
        checked = v.atproto_record(car, uri=uri, did_key=repo["key"])
        assert checked["record"]["text"].startswith(f"Appeal {n}:")
        # The blocks decode as libipld decodes them, each under the CID libipld reads.
        header, blocks = libipld.decode_car(car)
        root, ours = v.car_blocks(car)
        assert header["roots"] == [root.raw]
        assert {cid.raw: plain(v.cbor_decode(block)) for cid, block in ours.items()} == blocks
        # Canonical: what the verifier encodes is what libipld encodes.
        for block in ours.values():
            assert v.cbor_encode(v.cbor_decode(block)) == block
        # The signature verifies as the SDK verifies it.
        commit = v.cbor_decode(ours[root])
        unsigned = {k: x for k, x in commit.items() if k != "sig"}
        assert verify_signature(repo["key"], v.cbor_encode(unsigned), commit["sig"])
        assert str(root) == checked["commit"]


def test_the_tree_walk_finds_every_record_the_pds_lists(repo):
    answer = httpx.get(
        f"{repo['pds'].url}/xrpc/com.atproto.sync.getRepo", params={"did": repo["did"]}
    )
    root, blocks = v.car_blocks(answer.content)
    commit = v.cbor_decode(blocks[root])
    listed = repo["pds"].list_records(repo["did"])
    assert len(listed) == 40
    for item in listed:
        path = f"{POST}/{item['uri'].rsplit('/', 1)[1]}"
        assert str(v.mst_find(blocks, commit["data"], path)) == item["cid"]
    # Keys that are not there, before, between and after the records.
    for missing in (f"{POST}/2222222222222", f"{POST}/zzzzzzzzzzzzz", "app.bsky.feed.like/x"):
        assert v.mst_find(blocks, commit["data"], missing) is None


def _flip(car: bytes, find: bytes) -> bytes:
    at = car.rindex(find)
    return car[:at] + bytes([car[at] ^ 0x01]) + car[at + 1 :]


def test_tampering_is_refused_saying_what_does_not_check(repo, pds):
    uri = repo["uris"][5]
    car = car_for(repo, uri)
    check = v.atproto_record
    with pytest.raises(v.ProofError, match="does not match its hash"):
        check(_flip(car, b"Appeal 5"), uri=uri, did_key=repo["key"])
    with pytest.raises(v.ProofError, match="truncated"):
        check(car[:-10], uri=uri, did_key=repo["key"])
    # Another account's key: the commit was not signed by it.
    other, _ = pds.create_account(f"o{uuid.uuid4().hex[:10]}.test", PASSWORD)
    document = httpx.get(f"http://127.0.0.1:{pds.plc_port}/{other}").json()
    from atproto_core.did_doc import DidDocument
    from atproto_identity.did.atproto_data import AtprotoData

    stranger = AtprotoData.from_did_doc(DidDocument.from_dict(document)).signing_key
    with pytest.raises(v.ProofError, match="signature does not verify"):
        check(car, uri=uri, did_key=stranger)
    # The proof of one record is no proof of another (whichever way the tree path runs out).
    with pytest.raises(
        v.ProofError, match=r"lacks tree node|lacks the record block|holds no record"
    ):
        check(car, uri=repo["uris"][30], did_key=repo["key"])
    # A commit by another repository.
    with pytest.raises(v.ProofError, match="the commit is by"):
        check(car, uri=uri.replace(repo["did"], other), did_key=repo["key"])
    # A re-signed commit with a high-S twin of the signature, which atproto refuses.
    root, blocks = v.car_blocks(car)
    commit = v.cbor_decode(blocks[root])
    order = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    high = order - int.from_bytes(commit["sig"][32:], "big")
    twin = {**commit, "sig": commit["sig"][:32] + high.to_bytes(32, "big")}
    assert not v.did_key_verifies(
        repo["key"], v.cbor_encode({k: x for k, x in twin.items() if k != "sig"}), twin["sig"]
    )


def test_the_signing_key_must_be_a_did_key_on_a_known_curve():
    with pytest.raises(v.ProofError, match="not a did:key"):
        v.did_key_verifies("zQ3sh", b"m", b"\x00" * 64)
    with pytest.raises(v.ProofError, match="neither P-256 nor secp256k1"):
        # an Ed25519 did:key (multicodec 0xed)
        v.did_key_verifies(
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", b"m", b"\x00" * 64
        )


# --- the codec, against libipld -------------------------------------------------------------

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.text()
    | st.binary(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@given(values)
def test_the_codec_is_canonical_dag_cbor(value):
    encoded = v.cbor_encode(value)
    assert encoded == libipld.encode_dag_cbor(value)
    assert v.cbor_decode(encoded) == value


@given(st.binary(max_size=400))
def test_junk_is_refused_with_a_proof_error_only(junk):
    with contextlib.suppress(v.ProofError):
        v.atproto_record(junk, uri="at://did:plc:abc/app.bsky.feed.post/3k", did_key="did:key:z")


@given(st.binary(max_size=200))
def test_junk_blocks_decode_or_are_refused(junk):
    with contextlib.suppress(v.ProofError):
        v.cbor_decode(junk)
