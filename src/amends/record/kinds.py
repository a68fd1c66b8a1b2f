"""The closed list of record event kinds. Each is registered once, with its label.

An entry of any other kind is refused. Later parts of Amends add their kinds here, never
elsewhere, so that an auditor can read the whole vocabulary of the record in one place. The
labels are English in the record and its evidence packs; the desk shows them in Welsh too.
"""

from django.utils.translation import gettext_noop

KINDS: dict[str, str] = {
    # posts
    "post.published": gettext_noop("Post published"),
    "post.adopted": gettext_noop("Post made outside Amends adopted from its link"),
    "incident.assigned": gettext_noop("Incident handed to a new owner"),
    "incident.noted": gettext_noop("Internal note written on an incident"),
    "delivery.by_hand": gettext_noop(
        "Delivery waiting for a person to do it in the platform's app"
    ),
    "delivery.confirmed_by_hand": gettext_noop("Delivery done by hand, confirmed by a person"),
    "post.recaptured": gettext_noop("Adopted post's wording captured again"),
    "post.captured": gettext_noop("What the platform answered, kept exactly (WARC)"),
    "post.signed": gettext_noop(
        "The post as its platform signed it (a Bluesky record proof), checked"
    ),
    "archive.imported": gettext_noop("A platform's own archive of an account imported"),
    "post.imported": gettext_noop("Post brought in from a platform's own archive"),
    "post.discrepancy": gettext_noop(
        "An archive shows other words than the record holds for a post"
    ),
    "post.revised": gettext_noop("Post corrected"),
    "post.deleted": gettext_noop("Post deleted"),
    "post.changed_outside": gettext_noop("Post changed outside Amends"),
    "post.deleted_outside": gettext_noop("Post deleted outside Amends"),
    "apology.published": gettext_noop("Apology published"),
    "reply.published": gettext_noop("Reply published"),
    "statement.published": gettext_noop("Final statement published"),
    # deletions
    "deletion.requested": gettext_noop("Deletion requested"),
    "deletion.approved": gettext_noop("Deletion approved"),
    "deletion.rejected": gettext_noop("Deletion rejected"),
    "deletion.withdrawn": gettext_noop("Deletion request withdrawn"),
    "deletion.urgent": gettext_noop("Post removed urgently"),
    "deletion.reviewed": gettext_noop("Urgent removal reviewed"),
    # incidents
    "incident.opened": gettext_noop("Incident opened"),
    "incident.closed": gettext_noop("Incident closed"),
    "incident.names_protected": gettext_noop("Protected names set"),
    "incident.post_added": gettext_noop("Another channel's post added to the incident"),
    # copies of posts out in the world
    "copy.found": gettext_noop("Copy of a post found"),
    "copy.notified": gettext_noop("Copy's owner told of the correction"),
    "copy.gone": gettext_noop("Copy no longer shows the post"),
    # holds and retention
    "hold.placed": gettext_noop("Hold placed"),
    "hold.released": gettext_noop("Hold released"),
    "retention.destroyed": gettext_noop("Content destroyed at the end of retention"),
    # content custody
    "content.sealed": gettext_noop("Content sealed"),
    "content.accessed": gettext_noop("Sealed content accessed"),
    "export.created": gettext_noop("Evidence pack exported"),
    # delivery to the platforms
    "delivery.sent": gettext_noop("Delivered to the platform"),
    "delivery.failed": gettext_noop("Delivery failed"),
    "delivery.retried": gettext_noop("Failed delivery sent again"),
    "post.outside_change_seen": gettext_noop("Change made outside Amends acknowledged"),
    # people and accounts
    "user.added": gettext_noop("User added"),
    "user.role_set": gettext_noop("Role changed"),
    "user.deactivated": gettext_noop("User deactivated"),
    "user.reactivated": gettext_noop("User reactivated"),
    "user.password_set": gettext_noop("Password set"),
    "user.second_factor_added": gettext_noop("Second factor turned on"),
    "user.second_factor_removed": gettext_noop("Second factor turned off"),
    "token.created": gettext_noop("API token created"),
    "token.revoked": gettext_noop("API token revoked"),
    "account.added": gettext_noop("Account added"),
    "account.connected": gettext_noop("Account credentials set"),
    "account.checked": gettext_noop("Account checked with its platform"),
    # sending to the platforms, stopped and started again
    "sending.paused": gettext_noop("All sending paused"),
    "sending.resumed": gettext_noop("Sending resumed"),
    # telling the people on call
    "notification.sent": gettext_noop("Notification sent"),
    "channel.added": gettext_noop("Notification channel added"),
    "channel.removed": gettext_noop("Notification channel removed"),
    "shift.added": gettext_noop("On-call shift added"),
    "shift.removed": gettext_noop("On-call shift removed"),
    # the log itself
    "key.rotated": gettext_noop("Signing key rotated"),
    "witness.added": gettext_noop("Witness added"),
    "witness.refused": gettext_noop(
        "A witness refused a checkpoint: the log differs from its view"
    ),
    "record.note": gettext_noop("Note"),
}


def label(kind: str) -> str:
    return KINDS[kind]


def check(kind: object) -> str:
    from amends.errors import BadInput

    if not isinstance(kind, str) or kind not in KINDS:
        allowed = ", ".join(sorted(KINDS))
        raise BadInput(f"kind: unknown event kind {kind!r}; allowed: {allowed}", field="kind")
    return kind


# Entries whose data names an auditor's purpose and reference: shown in full to auditors only.
AUDITORS_ONLY = frozenset({"content.accessed", "export.created"})
