"""Copies of posts: fingerprints (property-based), recognising the post and revision that words
or a screenshot come from (rendered here, cropped, scaled and JPEG-compressed, read by the real
Tesseract in English and Welsh), and the register of copies with its record entries."""

import io
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from amends.actions import CopyGone, Correct, Publish, RecordCopy
from amends.copies.matching import index_missing, match
from amends.copies.models import Fingerprint
from amends.errors import AmendsError
from amends.record import api as record
from amends.text.fingerprint import fingerprint, normalise, similarity
from tests.support.cli import run

FONT = Path(__file__).resolve().parent.parent / "src/amends/evidence/fonts/DejaVuSans.ttf"
WRONG = (
    "Police are looking for a man in his 40s after a burglary on Heol y Castell, Cardiff, "
    "at 9pm on Tuesday. He was wearing a red jacket and drove a silver Ford Focus."
)
RIGHT = (
    "Police are looking for a man in his 40s after a burglary on Heol y Castell, Cardiff, "
    "at 9pm on Tuesday. He was wearing a blue jacket and drove a grey Vauxhall Astra."
)
WELSH = (
    "Mae'r heddlu'n chwilio am ddyn yn ei 40au ar ôl byrgleriaeth ar Heol y Castell, "
    "Caerdydd, am 9yh ddydd Mawrth. Roedd yn gwisgo siaced goch ac yn gyrru Ford Focus arian."
)
OTHERS = [
    "Happy birthday to PD Rex of our dog unit, five years old today and still the best nose.",
    "The A470 northbound is closed at Storey Arms after a collision. Please find another route.",
    "Join us at the community surgery in Llandrindod Wells library on Saturday from 10am.",
]

words = st.text(st.characters(categories=("L", "N", "Zs", "P")), min_size=12, max_size=300)


@given(words)
def test_a_wording_matches_itself_whatever_its_case_and_punctuation(text):
    found = fingerprint(text)
    if found is None:
        assert not normalise(text)
        return
    assert similarity(found.signature, found.signature) == 1.0
    shouted = fingerprint(text.upper().replace(" ", "  ...  "))
    if normalise(text.upper()) == normalise(text):  # casefold can change length (ß)
        assert shouted is not None
        assert shouted.signature == found.signature
        assert shouted.bands == found.bands


@given(words, words)
def test_similarity_is_symmetric_and_between_zero_and_one(a, b):
    fa, fb = fingerprint(a), fingerprint(b)
    if fa is None or fb is None:
        return
    score = similarity(fa.signature, fb.signature)
    assert 0.0 <= score <= 1.0
    assert score == similarity(fb.signature, fa.signature)


def test_close_wordings_score_high_and_unrelated_ones_low():
    wrong, right = fingerprint(WRONG), fingerprint(RIGHT)
    typed = fingerprint(WRONG.lower().replace("burglary", "burglery").replace(",", ""))
    assert similarity(wrong.signature, typed.signature) > 0.7
    assert 0.4 < similarity(wrong.signature, right.signature) < 0.95
    for other in OTHERS:
        assert similarity(wrong.signature, fingerprint(other).signature) < 0.15


@pytest.fixture
def posts(people):
    wrong = Publish(people.alice, account="house:news", text=WRONG).run()
    Correct(people.alice, post=wrong.pk, text=RIGHT, reason="Wrong jacket and car").run()
    welsh = Publish(people.alice, account="house:news", text=WELSH, language="cy").run()
    others = [Publish(people.alice, account="house:news", text=t).run() for t in OTHERS]
    return {"wrong": wrong, "welsh": welsh, "others": others}


def test_words_are_matched_to_the_post_and_the_revision_they_copy(posts):
    [best, *_] = match(WRONG.replace("red", "rd"))  # a re-typed copy, one slip
    assert (best.post, best.revision, best.shows_error) == (posts["wrong"].pk, 1, True)
    [best, *_] = match(RIGHT)
    assert (best.post, best.revision, best.shows_error) == (posts["wrong"].pk, 2, False)
    assert best.score > 0.9
    assert match("Lost cat found near the station, ginger with a white paw, answers to Milo.") == []
    [best, *_] = match(WELSH.upper())
    assert best.post == posts["welsh"].pk


def test_a_post_taken_down_is_still_recognised_without_unsealing_it(posts, people):
    from amends.actions import RemoveNow

    RemoveNow(
        people.sam,
        post=posts["others"][1].pk,
        ground="prejudicial",
        explanation="It named a road where officers were still working.",
        rationale="Officers are still working at the scene.",
    ).run()
    [best, *_] = match(OTHERS[1])
    assert best.post == posts["others"][1].pk
    assert best.shows_error  # its words are down now
    accessed = record.latest_of_kind("content.accessed")
    assert accessed == []  # nothing was unsealed to match it


def test_revisions_made_in_bulk_are_fingerprinted_by_index_missing(posts):
    Fingerprint.objects.all().delete()
    assert match(OTHERS[2]) == []  # not yet known
    assert index_missing() == len(OTHERS) + 3
    assert match(OTHERS[2])[0].post == posts["others"][2].pk
    assert index_missing() == 0  # nothing left, not even what cannot be read


def screenshot(text: str, *, width: int = 900, size: int = 26) -> Image.Image:
    """A post as a phone screenshot might show it: wrapped text on white, a header bar."""
    font = ImageFont.truetype(str(FONT), size)
    lines = textwrap.wrap(text, width=52)
    image = Image.new("RGB", (width, 120 + len(lines) * (size + 12)), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 60), fill=(24, 77, 145))
    draw.text((20, 15), "Example Police", font=font, fill="white")
    for n, line in enumerate(lines):
        draw.text((20, 90 + n * (size + 12)), line, font=font, fill=(20, 20, 20))
    return image


def jpeg(image: Image.Image, quality: int = 60) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_a_screenshot_names_the_post_and_revision_in_english_and_welsh(posts, tmp_path):
    shot = screenshot(WRONG)
    cropped = shot.crop((0, 70, shot.width - 40, shot.height))  # the header cut off
    scaled = cropped.resize((int(cropped.width * 0.8), int(cropped.height * 0.8)))
    (tmp_path / "wrong.jpg").write_bytes(jpeg(scaled))
    result = run("copies", "match", tmp_path / "wrong.jpg", "--json")
    assert result.exit_code == 0, result.stderr
    [best, *_] = json.loads(result.stdout)["matches"]
    assert (best["post"], best["revision"], best["shows_error"]) == (posts["wrong"].pk, 1, True)

    (tmp_path / "welsh.png").write_bytes(_png(screenshot(WELSH)))
    [best, *_] = json.loads(run("copies", "match", tmp_path / "welsh.png", "--json").stdout)[
        "matches"
    ]
    assert best["post"] == posts["welsh"].pk

    unrelated = screenshot("Lost cat found near the station, ginger with a white paw. Call 101.")
    (tmp_path / "cat.jpg").write_bytes(jpeg(unrelated))
    assert json.loads(run("copies", "match", tmp_path / "cat.jpg", "--json").stdout) == {
        "matches": []
    }
    blank = Image.new("RGB", (400, 300), (200, 180, 90))
    (tmp_path / "blank.png").write_bytes(_png(blank))
    assert json.loads(run("copies", "match", tmp_path / "blank.png", "--json").stdout) == {
        "matches": []
    }


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_file_that_is_neither_text_nor_an_image_is_one_clear_error(tmp_path, people):
    (tmp_path / "x.bin").write_bytes(b"\xff\xfe\x00binary")
    result = run("copies", "match", tmp_path / "x.bin")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: file: x.bin is neither UTF-8 text nor a PNG, JPEG, GIF or WebP image\n"
    ).replace("x.bin", str(tmp_path / "x.bin"))


def test_the_register_records_each_copy_and_says_whether_it_shows_the_error(posts, people):
    post = posts["wrong"]
    added = RecordCopy(
        people.alice,
        post=post.pk,
        url="https://forum.example/t/991",
        found_by="screenshot",
        revision=1,
        note="Posted with the old car details.",
    ).run()
    RecordCopy(people.andy, post=post.pk, url="https://news.example/a/5", found_by="text").run()
    [found] = record.latest_of_kind("copy.found", limit=1)
    assert found.data["url"] == "https://news.example/a/5"
    assert found.data["revision"] == 2
    assert found.data["shows_error"] is False
    result = run("copies", str(post.pk), "--json")
    assert result.exit_code == 0, result.stderr
    said = json.loads(result.stdout)
    assert said["post"] == post.pk
    assert [
        {k: c[k] for k in ("url", "found_by", "revision", "shows_error")} for c in said["copies"]
    ] == [
        {"url": "https://forum.example/t/991", "found_by": "screenshot", "revision": 1,
         "shows_error": True},
        {"url": "https://news.example/a/5", "found_by": "text", "revision": 2,
         "shows_error": False},
    ]  # fmt: skip
    assert all(c["found_at"].startswith("20") for c in said["copies"])

    CopyGone(people.alice, copy=added.pk).run()
    assert record.latest_of_kind("copy.gone", limit=1)[0].data["copy"] == added.pk
    [first, _] = json.loads(run("copies", str(post.pk), "--json").stdout)["copies"]
    assert first["gone_at"] is not None
    assert first["shows_error"] is False


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"url": "forum.example/t/1"}, "url: must be a web address starting with https://"),
        ({"found_by": "rumour"}, "found_by: must be one of webmention, pingback, quote"),
        ({"revision": 3}, "revision: post"),
        ({"post": 99999}, "post: there is no post 99999"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(posts, people, change, says):
    before = record.size()
    kwargs = {"post": posts["wrong"].pk, "url": "https://x.example/1", "found_by": "text", **change}
    with pytest.raises(AmendsError, match=says):
        RecordCopy(people.alice, **kwargs).run()
    assert record.size() == before


def test_the_same_place_twice_and_people_without_a_role_are_refused(posts, people):
    kwargs = {"post": posts["wrong"].pk, "url": "https://x.example/1", "found_by": "text"}
    RecordCopy(people.alice, **kwargs).run()
    with pytest.raises(AmendsError, match="already recorded"):
        RecordCopy(people.sam, **kwargs).run()
    with pytest.raises(AmendsError, match="may record copies of posts"):
        RecordCopy(people.olly, **{**kwargs, "url": "https://y.example/"}).run()
    with pytest.raises(AmendsError, match="may record copies of posts"):
        RecordCopy(people.adam, **{**kwargs, "url": "https://y.example/"}).run()


def test_on_the_desk_a_screenshot_is_checked_and_its_copy_recorded(posts, people, client):
    client.force_login(people.andy)
    shot = io.BytesIO(jpeg(screenshot(WRONG)))
    shot.name = "found.jpg"
    page = client.post("/desk/copies/check/", {"screenshot": shot})
    assert page.status_code == 200
    html = page.content.decode()
    post = posts["wrong"]
    assert f"Post {post.pk}</a> on house:news, revision 1" in html
    assert "this version has since been corrected or taken down" in html
    link = f"/desk/posts/{post.pk}/?found_by=screenshot&amp;revision=1#copies"
    assert link in html
    form = client.get(f"/desk/posts/{post.pk}/?found_by=screenshot&revision=1").content.decode()
    assert 'value="screenshot" required checked' in form
    assert '<option value="1" selected>' in form
    bad = client.post(
        f"/desk/posts/{post.pk}/copies/",
        {"url": "not a link", "found_by": "screenshot", "revision": "1"},
    )
    assert bad.status_code == 400
    said = "Enter the copy&#x27;s web address, starting with https:// or http://"
    assert said in bad.content.decode()
    done = client.post(
        f"/desk/posts/{post.pk}/copies/",
        {"url": "https://forum.example/t/5", "found_by": "screenshot", "revision": "1"},
    )
    assert done.status_code == 302
    shown = client.get(done["Location"]).content.decode()
    assert "https://forum.example/t/5" in shown
    assert "still shows the error" in shown
    nothing = client.post("/desk/copies/check/", {"words": ""})
    assert nothing.status_code == 400
    assert "Choose a screenshot, or paste the words you found." in nothing.content.decode()
