"""English and Welsh: a bilingual pair published together, each recorded and pointing to the
other; the public site shows each post in its own language with a switch to the other; a
correction of one reminds the person to correct the other."""

import json
import re

from amends.actions import Correct, Publish
from amends.record import api as record
from amends.record.models import Entry
from tests.support.cli import run

ENGLISH = "The appeal closes on 4 May. Call 101."
WELSH = "Mae'r apêl yn cau ar 4 Mai. Ffoniwch 101."


def page(client, path):
    response = client.get(path)
    return response.status_code, b"".join(response.streaming_content).decode()


def test_a_bilingual_pair_is_published_together_and_each_page_speaks_its_language(people, client):
    english = Publish(people.alice, account="house:news", text=ENGLISH, twin_text=WELSH).run()
    welsh = english.pair
    assert welsh.pair == english
    assert (english.language, welsh.language) == ("en", "cy")
    assert welsh.wording == WELSH
    recorded = json.loads(Entry.objects.get(seq=welsh.revisions.get().seq).leaf)["data"]
    assert recorded["language"] == "cy"
    assert recorded["twin_of"] == english.pk

    _, html = page(client, f"/posts/{welsh.pk}/")
    assert '<html lang="cy">' in html
    assert "Neges, <time" in html
    assert "Cywiriadau a dileadau" in html
    assert (
        f'<a href="/posts/{english.pk}/" hreflang="en" lang="en">Read this in English</a>' in html
    )
    _, html = page(client, f"/posts/{english.pk}/")
    assert '<html lang="en-GB">' in html
    assert (
        f'<a href="/posts/{welsh.pk}/" hreflang="cy" lang="cy">Darllenwch hwn yn Gymraeg</a>'
        in html
    )

    # Corrected in Welsh: the page dates it in Welsh.
    Correct(
        people.alice, post=welsh.pk, text=WELSH.replace("4 Mai", "14 Mai"), reason="Dyddiad"
    ).run()
    _, html = page(client, f"/posts/{welsh.pk}/")
    assert "Cywirwyd <time" in html
    assert any(
        month in html
        for month in (
            "Ionawr",
            "Chwefror",
            "Mawrth",
            "Ebrill",
            "Mai",
            "Mehefin",
            "Gorffennaf",
            "Awst",
            "Medi",
            "Hydref",
            "Tachwedd",
            "Rhagfyr",
        )
    )


def test_a_correction_of_one_language_reminds_you_of_the_other(people, client):
    english = Publish(people.alice, account="house:news", text=ENGLISH, twin_text=WELSH).run()
    client.force_login(people.alice)
    done = client.post(
        f"/desk/posts/{english.pk}/correct/",
        {"text": ENGLISH.replace("4 May", "14 May"), "reason": "Wrong date"},
        follow=True,
    )
    said = done.content.decode()
    assert f"Its Welsh twin, post {english.pair_id}, still says the same: correct it too" in said


def test_the_desk_the_command_line_and_the_api_publish_a_pair(people, client):
    client.force_login(people.alice)
    sent = client.post(
        "/desk/posts/new/",
        {"account": "house:news", "text": WELSH, "language": "cy", "twin_text": ENGLISH},
        follow=True,
    )
    assert "Its twin in the other language is post" in sent.content.decode()
    out = run("post", "house:news", "--text", ENGLISH, "--twin-text", WELSH, "--as", "alice",
              "--json")  # fmt: skip
    made = json.loads(out.stdout)
    assert made["twin"] == made["post"] + 1
    size = record.size()
    refused = run("post", "house:news", "--text", ENGLISH, "--language", "fr", "--as", "alice")
    assert refused.exit_code != 0
    assert record.size() == size


def test_a_welsh_post_taken_down_says_so_in_welsh_on_its_platform_and_its_page(people, client):
    from amends.actions import RemoveNow
    from amends.actions.deletions import notice_for
    from amends.clock import now

    english = Publish(people.alice, account="house:news", text=ENGLISH, twin_text=WELSH).run()
    welsh = english.pair
    RemoveNow(
        people.sam,
        post=welsh.pk,
        ground="identified_person",
        explanation="Roedd yn enwi tyst.",
        rationale="A witness was named.",
    ).run()
    # What goes to the platform where the post was (the same words for every platform).
    said = notice_for(welsh, "identified_person", "Roedd yn enwi tyst.", now())
    assert said.startswith("Fe wnaethom ddileu un o'n negeseuon am ")
    assert "oherwydd roedd yn datgelu pwy yw rhywun" in said
    assert said.endswith("Roedd yn enwi tyst.")
    assert notice_for(english, "offensive", "", now()).endswith("because it was offensive.")

    status, html = page(client, f"/posts/{welsh.pk}/")
    assert status == 410
    assert '<html lang="cy">' in html
    assert "<h1>Cafodd y neges hon ei dileu</h1>" in html
    assert f"Fe wnaethom ddileu neges {welsh.pk} ar <time" in html
    assert "oherwydd roedd yn datgelu pwy yw rhywun" in html
    # The English twin is untouched, and in English.
    status, html = page(client, f"/posts/{english.pk}/")
    assert status == 200
    assert '<html lang="en-GB">' in html


def test_the_listing_pages_exist_in_welsh_with_a_switch_each_way(people, client):
    from amends.actions import RemoveNow

    english = Publish(people.alice, account="house:news", text=ENGLISH, twin_text=WELSH).run()
    Correct(
        people.alice,
        post=english.pk,
        text="The appeal closes on 14 May. Call 101.",
        reason="Wrong date.",
    ).run()
    doomed = Publish(people.alice, account="house:news", text="Rude words.").run()
    RemoveNow(
        people.sam,
        post=doomed.pk,
        ground="offensive",
        explanation="It was rude.",
        rationale="Offensive.",
    ).run()

    status, home = page(client, "/cy/")
    assert status == 200
    assert '<html lang="cy">' in home
    assert '<a href="/cy/corrections/">Cywiriadau a dileadau</a>' in home
    assert '<a href="/" hreflang="en" lang="en-GB">English</a>' in home
    assert re.search(r"Neges,\s*<time", home)
    assert "· cywirwyd" in home
    assert '<article lang="en-GB">' in home  # an English post on the Welsh page says so
    _, english_home = page(client, "/")
    assert '<a href="/cy/" hreflang="cy" lang="cy">Cymraeg</a>' in english_home

    status, corrections = page(client, "/cy/corrections/")
    assert status == 200
    assert f"neges {doomed.pk}</a> wedi&#39;i dileu oherwydd <bdi>roedd yn sarhaus</bdi>" in (
        corrections.replace("'", "&#39;")
    )
    assert "wedi&#39;i chywiro." in corrections.replace("'", "&#39;")
    _, english_corrections = page(client, "/corrections/")
    assert "removed because <bdi>it was offensive</bdi>" in english_corrections

    status, policy = page(client, "/cy/policy/")
    assert status == 200
    assert "<h1>Sut rydym yn cywiro ac yn dileu negeseuon</h1>" in policy
    assert "roedd yn sarhaus" in policy
