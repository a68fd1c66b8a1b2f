"""The closed list of record event kinds. Each is registered once, with its label.

An entry of any other kind is refused. Later parts of Amends add their kinds here, never
elsewhere, so that an auditor can read the whole vocabulary of the record in one place.
"""

KINDS: dict[str, str] = {
    # posts
    "post.published": "Post published",
    "post.adopted": "Post made outside Amends adopted from its link",
    "incident.assigned": "Incident handed to a new owner",
    "incident.noted": "Internal note written on an incident",
    "delivery.by_hand": "Delivery waiting for a person to do it in the platform's app",
    "delivery.confirmed_by_hand": "Delivery done by hand, confirmed by a person",
    "post.recaptured": "Adopted post's wording captured again",
    "post.captured": "What the platform answered, kept exactly (WARC)",
    "post.signed": "The post as its platform signed it (a Bluesky record proof), checked",
    "archive.imported": "A platform's own archive of an account imported",
    "post.imported": "Post brought in from a platform's own archive",
    "post.discrepancy": "An archive shows other words than the record holds for a post",
    "post.revised": "Post corrected",
    "post.deleted": "Post deleted",
    "post.changed_outside": "Post changed outside Amends",
    "post.deleted_outside": "Post deleted outside Amends",
    "apology.published": "Apology published",
    "reply.published": "Reply published",
    "statement.published": "Final statement published",
    # deletions
    "deletion.requested": "Deletion requested",
    "deletion.approved": "Deletion approved",
    "deletion.rejected": "Deletion rejected",
    "deletion.withdrawn": "Deletion request withdrawn",
    "deletion.urgent": "Post removed urgently",
    "deletion.reviewed": "Urgent removal reviewed",
    # incidents
    "incident.opened": "Incident opened",
    "incident.closed": "Incident closed",
    "incident.names_protected": "Protected names set",
    "incident.post_added": "Another channel's post added to the incident",
    # holds and retention
    "hold.placed": "Hold placed",
    "hold.released": "Hold released",
    "retention.destroyed": "Content destroyed at the end of retention",
    # content custody
    "content.sealed": "Content sealed",
    "content.accessed": "Sealed content accessed",
    "export.created": "Evidence pack exported",
    # delivery to the platforms
    "delivery.sent": "Delivered to the platform",
    "delivery.failed": "Delivery failed",
    "delivery.retried": "Failed delivery sent again",
    "post.outside_change_seen": "Change made outside Amends acknowledged",
    # people and accounts
    "user.added": "User added",
    "user.role_set": "Role changed",
    "user.deactivated": "User deactivated",
    "user.reactivated": "User reactivated",
    "user.password_set": "Password set",
    "user.second_factor_added": "Second factor turned on",
    "user.second_factor_removed": "Second factor turned off",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "account.added": "Account added",
    "account.connected": "Account credentials set",
    "account.checked": "Account checked with its platform",
    # sending to the platforms, stopped and started again
    "sending.paused": "All sending paused",
    "sending.resumed": "Sending resumed",
    # telling the people on call
    "notification.sent": "Notification sent",
    "channel.added": "Notification channel added",
    "channel.removed": "Notification channel removed",
    "shift.added": "On-call shift added",
    "shift.removed": "On-call shift removed",
    # the log itself
    "key.rotated": "Signing key rotated",
    "record.note": "Note",
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
