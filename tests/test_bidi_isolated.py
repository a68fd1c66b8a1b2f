"""Text people wrote is shown with its direction isolated, so a right-to-left override in a
reason or a name cannot flip the words around it (security issue, finding 12)."""

from amends.actions import Correct, Publish

RLO = "\u202e"


def test_a_reason_with_a_direction_override_is_isolated_on_the_site_and_the_desk(
    client, people, settings
):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    reason = f"Wrong date {RLO}kcilc ereh"
    Correct(people.alice, post=post.pk, text="Closes on 14 May.", reason=reason).run()
    public = (settings.SITE_DIR / "posts" / str(post.pk) / "index.html").read_text()
    assert f"<bdi>{reason}</bdi>" in public
    client.force_login(people.sam)
    desk = client.get(f"/desk/posts/{post.pk}/").content.decode()
    assert f"<bdi>{reason}</bdi>" in desk
    assert "<bdi>alice</bdi>" in desk
    assert 'class="wording" dir="auto"' in desk
