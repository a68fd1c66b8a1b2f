"""Importing an account's history from its platform's own archive: X, Mastodon and Facebook
archives built here in their documented shapes (with edit chains and mojibake), a CAR exported
from the real Bluesky PDS, and a WXR exported from the real WordPress."""

import contextlib
import io
import json
import re
import uuid
import zipfile

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amends.actions import AddAccount, Forbidden
from amends.actions.imports import ImportArchive
from amends.connectors.archives import ArchiveError
from amends.connectors.facebook import archive as facebook_archive
from amends.connectors.mastodon import archive as mastodon_archive
from amends.connectors.wordpress import archive as wordpress_archive
from amends.connectors.x import archive as x_archive
from amends.delivery.models import Copy
from amends.desk.models import Archive, Post
from amends.errors import BadInput, Refused
from amends.record import api as record
from amends.record.models import Entry
from tests.support import bluesky as support
from tests.support.cli import run

FB_POSTS = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos"
X_TIME = "Mon May 04 09:12:44 +0000 2026"


ACCOUNTS = {
    "x": ({}, {"token": "t"}),
    "mastodon": ({"server": "https://police.example"}, {"token": "t"}),
    "facebook": ({"page": "1"}, {"token": "t"}),
    "wordpress": ({"server": "https://police.example", "user": "u"}, {"password": "p"}),
}


def connect(platform: str) -> str:
    """An account on ``platform``, never asked anything: an import reads only the file."""
    key = f"{platform}:examplepolice"
    settings, secrets = ACCOUNTS[platform]
    AddAccount(None, key=key, settings=settings, secrets=secrets, as_operator=True).run()
    return key


def tweet(ident: str, text: str, *, when: str = X_TIME, versions=None, first=None, **more) -> dict:
    edit = {"initial": {"editTweetIds": versions or [ident], "editsRemaining": "5"}}
    if first is not None:
        edit = {"edit": {"initialTweetId": first, "editControlInitial": {"editTweetIds": versions}}}
    return {
        "tweet": {
            "id_str": ident,
            "id": ident,
            "full_text": text,
            "created_at": when,
            "edit_info": edit,
            **more,
        }
    }


def js(name: str, items: list) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(items, indent=1)}".encode()


def zipped(tmp_path, name: str, files: dict[str, bytes]):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, data in files.items():
            z.writestr(member, data)
    return path


LONG = "Appeal: " + "a stolen bicycle, red, on Mill Lane. " * 10 + "Call 101."


def x_archive_file(
    tmp_path, name="twitter.zip", extra=(), first="Road closed on Mill Lane &amp; High St."
):
    tweets = [
        tweet("100", first),
        # An edited Post: two versions, the first names every version.
        tweet("200", "Missing: Ann, 14, seen on 4 May.", versions=["200", "201"]),
        tweet("201", "Missing: Ann, 14, seen on 14 May.", versions=["200", "201"], first="200"),
        # A long Post: tweets.js cuts it; note-tweet.js holds it whole.
        tweet("300", LONG[:270] + "… https://t.co/AbC123", when="Tue May 05 10:00:00 +0000 2026"),
        tweet("400", "RT @other: not ours"),
        {"like": {}},
        *extra,
    ]
    notes = [
        {
            "noteTweet": {
                "noteTweetId": "9",
                "createdAt": "2026-05-05T10:00:00.000Z",
                "core": {"text": LONG},
            }
        }
    ]
    deleted = [
        {
            "tweet": {
                "id_str": "500",
                "full_text": "Wrong picture.",
                "created_at": X_TIME,
                "deleted_at": "Mon May 04 10:00:00 +0000 2026",
                "edit_info": {"initial": {"editTweetIds": ["500"]}},
            }
        }
    ]
    return zipped(
        tmp_path,
        name,
        {
            "data/tweets.js": js("tweets", tweets),
            "data/note-tweet.js": js("note_tweet", notes),
            "data/deleted-tweets.js": js("deleted_tweets", deleted),
            "data/manifest.js": b"window.__THAR_CONFIG = {}",
        },
    )


def test_an_x_archive_brings_in_every_post_with_its_edits(people, tmp_path):
    key = connect("x")
    path = x_archive_file(tmp_path)
    size = record.size()
    done = ImportArchive(people.sam, platform="x", path=path, account=key).run()
    assert done.as_dict() == {
        "archive": done.archive,
        "posts": 4,
        "already": 0,
        "refused": 2,
        "discrepancies": 0,
    }
    archive = Archive.objects.get()
    first = Entry.objects.get(seq=archive.seq)
    assert first.kind == "archive.imported"
    assert json.loads(first.leaf)["data"]["sha256"] == done.archive
    assert archive.seq == size  # recorded before any post

    by_id = {c.remote_id: c for c in Copy.objects.filter(post__imported__archive=archive)}
    assert set(by_id) == {"100", "201", "300", "500"}
    assert by_id["100"].post.wording == "Road closed on Mill Lane & High St."
    edited = by_id["201"].post
    assert edited.wording == "Missing: Ann, 14, seen on 14 May."
    assert by_id["201"].edits == 1
    versions = [record.read(r.seq).decode() for r in edited.revisions.order_by("n")]
    assert versions == ["Missing: Ann, 14, seen on 4 May.", "Missing: Ann, 14, seen on 14 May."]
    leaf = json.loads(Entry.objects.get(seq=edited.revisions.get(n=1).seq).leaf)["data"]
    assert leaf["version_id"] == "200"
    assert leaf["path"] == "data/tweets.js#2"
    assert by_id["300"].post.wording == LONG  # whole, from note-tweet.js
    assert by_id["500"].gone_at is not None  # deleted on X
    assert by_id["100"].post.created_at.isoformat() == "2026-05-04T09:12:44+00:00"

    # The same file again: nothing added.
    size = record.size()
    again = ImportArchive(people.sam, platform="x", path=path, account=key).run()
    assert again.again
    assert again.already == 4
    assert record.size() == size
    assert Post.objects.filter(imported__isnull=False).count() == 4


def test_a_later_archive_adds_only_new_posts_and_never_overwrites(people, tmp_path, client):
    key = connect("x")
    ImportArchive(people.sam, platform="x", path=x_archive_file(tmp_path), account=key).run()
    # A later archive: one new Post, and one known Post showing other words.
    newer = x_archive_file(
        tmp_path, "later.zip", extra=[tweet("600", "New appeal.")], first="Changed!"
    )
    done = ImportArchive(people.sam, platform="x", path=newer, account=key).run()
    assert (done.posts, done.discrepancies) == (1, 1)
    known = Copy.objects.get(remote_id="100").post
    assert known.wording == "Road closed on Mill Lane & High St."  # not overwritten
    found = record.entries_about(known.subject)[-1]
    assert found.kind == "post.discrepancy"
    assert record.read(found.seq) == b"Changed!"
    # The desk says where the post came from, and that an archive disagrees.
    client.force_login(people.alice)
    page = client.get(f"/desk/posts/{known.pk}/").content.decode()
    assert "Imported from X's own archive of the account (twitter.zip" in page
    assert "shows this post with other words than Amends holds" in page
    # And so does the evidence pack's report.
    from amends.actions import ExportPack

    done = ExportPack(
        people.fiona, output=tmp_path / "p.zip", post=known.pk, purpose="Complaint", reference="C"
    ).run()
    with zipfile.ZipFile(done.path) as z:
        (name,) = [n for n in z.namelist() if n.endswith("data/report.html")]
        assert "Imported from X&#39;s own archive of the account (SHA-256" in z.read(name).decode()
    assert f"record entry {found.seq}" in page


def test_a_mastodon_archive_brings_in_statuses_not_boosts(people, tmp_path):
    key = connect("mastodon")
    outbox = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "OrderedCollection",
        "orderedItems": [
            {
                "type": "Create",
                "published": "2026-05-04T09:00:00Z",
                "object": {
                    "id": "https://police.example/users/force/statuses/111",
                    "type": "Note",
                    "url": "https://police.example/@force/111",
                    "content": "<p>Road closed &amp; diverted.</p><p>Sorry for the delay.</p>",
                    "published": "2026-05-04T09:00:00Z",
                },
            },
            {"type": "Announce", "object": "https://elsewhere.example/statuses/5"},
        ],
    }
    path = zipped(tmp_path, "archive.zip", {"outbox.json": json.dumps(outbox).encode()})
    done = ImportArchive(people.sam, platform="mastodon", path=path, account=key).run()
    assert (done.posts, done.refused) == (1, 1)
    copy = Copy.objects.get(remote_id="111")
    assert copy.url == "https://police.example/@force/111"
    assert "Road closed & diverted." in copy.post.wording
    assert "Sorry for the delay." in copy.post.wording
    # The bare outbox.json reads the same.
    bare = tmp_path / "outbox.json"
    bare.write_text(json.dumps(outbox))
    items = list(mastodon_archive.read(bare))
    assert [getattr(i, "id", None) for i in items] == ["111", None]


def test_a_facebook_download_is_read_with_its_mojibake_undone(people, tmp_path):
    key = connect("facebook")
    posts = [
        {
            "timestamp": 1777885964,
            "data": [{"post": "Caf\u00c3\u00a9 on Mill Lane: we\u00e2\u0080\u0099re sorry."}],
            "title": "Example Police updated their status.",
        },
        {"timestamp": 1777885000, "attachments": [{"data": []}]},
    ]
    path = zipped(
        tmp_path,
        "facebook.zip",
        {
            f"{FB_POSTS}_1.json": json.dumps(posts).encode(),
        },
    )
    done = ImportArchive(people.sam, platform="facebook", path=path, account=key).run()
    assert (done.posts, done.refused) == (1, 1)
    post = Post.objects.get(imported__isnull=False)
    assert post.wording == "Café on Mill Lane: we’re sorry."
    assert not Copy.objects.filter(post=post).exists()  # Facebook's download names no post
    again = zipped(
        tmp_path, "facebook2.zip", {"posts/your_posts_1.json": json.dumps(posts).encode()}
    )
    assert (
        ImportArchive(people.sam, platform="facebook", path=again, account=key).run().already == 1
    )


def test_a_wxr_exported_from_the_real_wordpress_is_imported(people, wordpress, tmp_path):
    key = f"wordpress:blog{uuid.uuid4().hex[:6]}"
    AddAccount(
        None,
        key=key,
        settings={"server": wordpress.url, "user": wordpress.user},
        secrets={"password": wordpress.app_password},
        as_operator=True,
    ).run()
    words = f"Appeal {uuid.uuid4().hex[:6]}: have you seen this bike? Café & bar."
    made = wordpress._json(
        "POST", "posts", json={"title": "Appeal", "content": words, "status": "publish"}
    )
    wordpress._json("POST", "posts", json={"title": "Draft", "content": "x", "status": "draft"})
    path = tmp_path / "export.xml"
    path.write_bytes(wordpress.export())
    done = ImportArchive(people.sam, platform="wordpress", path=path, account=key).run()
    assert done.posts >= 1
    copy = Copy.objects.get(post__account__handle=key.split(":")[1], remote_id=f"post:{made['id']}")
    assert copy.post.wording == wordpress.post(made["id"])["content"]["raw"]
    assert copy.url == made["link"]
    assert done.refused >= 1  # the draft, pages, attachments


def test_a_car_exported_from_the_real_pds_is_verified_and_imported(people, pds, tmp_path):
    account = support.connect(pds)
    uris = [account.post_directly(f"Appeal {n}: have you seen this bike?") for n in range(12)]
    car = httpx.get(f"{pds.url}/xrpc/com.atproto.sync.getRepo", params={"did": account.did})
    path = tmp_path / "repo.car"
    path.write_bytes(car.content)
    done = ImportArchive(people.sam, platform="bluesky", path=path, account=account.key).run()
    assert done.posts == 12
    assert set(Copy.objects.filter(remote_id__in=uris).values_list("remote_id", flat=True)) == set(
        uris
    )
    # Another account's repository is refused, and writes nothing.
    other = support.connect(pds, "b")
    size = record.size()
    with pytest.raises(Refused, match="this archive was imported into bluesky:a"):
        ImportArchive(people.sam, platform="bluesky", path=path, account=other.key).run()
    account.post_directly("One more.")
    later = tmp_path / "later.car"
    later.write_bytes(
        httpx.get(f"{pds.url}/xrpc/com.atproto.sync.getRepo", params={"did": account.did}).content
    )
    with pytest.raises(Refused, match=r"the repository is did:plc:\w+'s, not bluesky:b"):
        ImportArchive(people.sam, platform="bluesky", path=later, account=other.key).run()
    assert record.size() == size
    # A changed record: its block no longer matches its hash.
    broken = tmp_path / "broken.car"
    data = car.content
    at = data.rindex(b"Appeal 3")
    broken.write_bytes(data[:at] + b"Appeal 8" + data[at + 8 :])
    with pytest.raises(Refused, match="does not match its hash"):
        ImportArchive(people.sam, platform="bluesky", path=broken, account=account.key).run()
    assert record.size() == size
    assert Archive.objects.count() == 1


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss><channel><item><title>&lol2;</title></item></channel></rss>"""


@pytest.mark.parametrize(
    ("platform", "name", "data", "said"),
    [
        ("x", "t.zip", b"PK\x03\x04 truncated", "is not an X archive (not a whole zip file"),
        ("x", "t.txt", b"hello", "is not an X archive"),
        ("wordpress", "w.xml", BOMB, "declares XML entities"),
        ("wordpress", "w.xml", b"<rss><channel><item>", "is not whole XML"),
        ("wordpress", "w.xml", b"<html></html>", "is not a WordPress export"),
        ("mastodon", "o.json", b"[1, 2]", "is neither a Mastodon archive nor its outbox.json"),
        ("facebook", "f.json", b"{}", "is not Facebook's list of your posts"),
    ],
)
def test_a_bad_archive_gets_one_line_and_writes_nothing(
    people, tmp_path, platform, name, data, said
):
    key = connect(platform)
    path = tmp_path / name
    path.write_bytes(data)
    size = record.size()
    with pytest.raises(Refused, match=re.escape(said)) as refused:
        ImportArchive(people.sam, platform=platform, path=path, account=key).run()
    assert "\n" not in str(refused.value)
    assert str(refused.value).endswith("nothing was imported")
    assert record.size() == size
    assert not Archive.objects.exists()


def test_a_zip_cut_short_half_way_writes_nothing(people, tmp_path):
    key = connect("x")
    whole = x_archive_file(tmp_path).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    size = record.size()
    with pytest.raises(Refused, match="nothing was imported"):
        ImportArchive(people.sam, platform="x", path=cut, account=key).run()
    assert record.size() == size
    assert not Post.objects.filter(imported__isnull=False).exists()


def test_who_may_import_and_what_is_asked(people, tmp_path):
    key = connect("x")
    path = x_archive_file(tmp_path)
    for who in (people.alice, people.fiona, people.olly):
        with pytest.raises(Forbidden):
            ImportArchive(who, platform="x", path=path, account=key).run()
    ImportArchive(people.adam, platform="x", path=path, account=key).run()
    with pytest.raises(BadInput, match=r"^platform: must be one of x, mastodon"):
        ImportArchive(people.sam, platform="myspace", path=path, account=key).run()
    with pytest.raises(BadInput, match=r"^file: there is no file"):
        ImportArchive(people.sam, platform="x", path=tmp_path / "nope.zip", account=key).run()
    with pytest.raises(
        BadInput, match=r"^account: x:examplepolice is on x; an archive from mastodon"
    ):
        ImportArchive(people.sam, platform="mastodon", path=path, account=key).run()


def test_the_command_line_imports_and_says_what_it_did(people, tmp_path):
    key = connect("x")
    path = x_archive_file(tmp_path)
    out = run("import", "x", str(path), "--account", key, "--as", "sam", "--json")
    done = json.loads(out.stdout)
    assert done["posts"] == 4
    assert set(done) == {"archive", "posts", "already", "refused", "discrepancies"}
    said = run("import", "x", str(path), "--account", key, "--as", "sam")
    assert "was imported before: nothing added" in said.stdout


# --- the readers on junk --------------------------------------------------------------------

READERS = [x_archive.read, mastodon_archive.read, wordpress_archive.read, facebook_archive.read]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=300), which=st.sampled_from(READERS), zip_it=st.booleans())
def test_junk_is_an_archive_error_or_nothing(tmp_path, junk, which, zip_it):
    path = tmp_path / "junk"
    if zip_it:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("data/tweets.js", b"window.YTD.tweets.part0 = " + junk)
            z.writestr("outbox.json", junk)
            z.writestr("posts/your_posts_1.json", junk)
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(junk)
    with contextlib.suppress(ArchiveError):
        for _ in which(path):
            pass
