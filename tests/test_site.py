"""The public site's record pages: the latest checkpoint and the verifier key."""

import pytest

from amends.record import api as record
from amends.record.keys import signing_store
from amends.record.note import Verifier, open_note

pytestmark = pytest.mark.django_db


def test_the_checkpoint_is_published_and_verifies_with_the_published_key(client):
    assert client.get("/.well-known/amends/checkpoint").status_code == 404
    record.append("record.note", content="x")
    signed = record.sign_checkpoint()
    page = client.get("/.well-known/amends/checkpoint")
    assert page.status_code == 200
    assert page.content.decode() == signed.note
    key = client.get("/.well-known/amends/key").content.decode().strip()
    assert key == str(signing_store().signer().verifier)
    assert open_note(signed.note, [Verifier.parse(key)])


def test_the_home_page_says_how_large_the_record_is(client):
    record.append("record.note")
    record.append("record.note")
    page = client.get("/")
    assert page.status_code == 200
    assert b"2 entries" in page.content
    assert b'lang="en-GB"' in page.content


def test_record_pages_refuse_anything_but_reading(client):
    assert client.post("/.well-known/amends/key").status_code == 405
