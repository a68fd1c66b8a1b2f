"""Pages of a deleted post answer plainly, never with a server error (security issue, finding
10: the correction page of a deleted post answered 500 on GET)."""

import pytest

from amends.actions import ApproveDeletion, Publish, RequestDeletion


@pytest.fixture
def deleted(people):
    post = Publish(people.alice, account="house:news", text="Rude words.").run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="It was rude.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    return post


def test_the_correction_page_of_a_deleted_post_says_it_cannot_be_corrected(client, people, deleted):
    client.force_login(people.alice)
    response = client.get(f"/desk/posts/{deleted.pk}/correct/")
    assert response.status_code == 409
    assert b"was deleted, so it cannot be corrected" in response.content
    assert b"Rude words" not in response.content
    posted = client.post(
        f"/desk/posts/{deleted.pk}/correct/", {"text": "Kind words.", "reason": "Rude"}
    )
    assert posted.status_code == 409
    assert b"Rude words" not in posted.content


@pytest.mark.parametrize("page", ["", "apologise/", "reply/", "delete/"])
def test_other_pages_of_a_deleted_post_answer_without_error(client, people, deleted, page):
    client.force_login(people.alice)
    response = client.get(f"/desk/posts/{deleted.pk}/{page}")
    assert response.status_code < 500
    assert b"Rude words" not in response.content
