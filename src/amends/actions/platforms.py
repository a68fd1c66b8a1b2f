"""Accounts on the platforms and their deliveries: checking credentials, sending a failed
delivery again, and acknowledging a change made outside the desk."""

from django.db import transaction
from django.utils.translation import gettext

from amends.actions.base import Action
from amends.clock import now
from amends.connectors import PlatformError, connector_for
from amends.connectors.errors import NotAllowed
from amends.delivery.models import Delivery, OutsideChange
from amends.desk.lookups import account_by_key, get
from amends.desk.models import Account
from amends.errors import BadInput, Refused
from amends.notify import api as notify
from amends.record import api as record


def outcome(error: PlatformError) -> str:
    """What a failed check says: Amends' own words, never the server's answer. The server is
    whatever an admin typed, so echoing its answer (or telling a refused connection from a
    silent one) would let the check read, or map, whatever it can reach."""
    if isinstance(error, NotAllowed):
        return error.message.split(": ", 1)[-1]  # without the platform's prefix
    if error.status is None:
        return "the server could not be reached"
    if error.status in (401, 403):
        return f"the server refused the credentials ({error.status})"
    if error.status == 429:
        return "the server asks to try again later (429)"
    if error.status < 400:
        return f"the server's answer could not be read ({error.status})"
    return f"the server answered {error.status}"


class CheckAccount(Action):
    """Prove that an account's credentials work, and keep what the platform says of itself
    (its length limit, the account's id). The platform is asked before the transaction."""

    roles = ("admin",)
    verb = "check accounts"

    def __init__(self, actor, *, account: str, as_operator: bool = False):
        super().__init__(actor)
        self.key, self.as_operator = account, as_operator
        self.learnt: dict = {}

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def before(self) -> None:
        """The platform is asked outside the transaction."""
        account = account_by_key(self.key)
        connector = connector_for(account)
        if not connector.local:
            try:
                self.learnt = connector.check()
            except PlatformError as error:
                raise Refused(f"account: {account} does not work: {outcome(error)}") from None
            finally:
                connector.seam.close()

    def apply(self) -> Account:
        account = Account.objects.select_for_update().get(pk=account_by_key(self.key).pk)
        account.settings = {**account.settings, **self.learnt}
        account.save(update_fields=["settings"])
        record.append(
            "account.checked",
            {"account": str(account), "learnt": self.learnt},
            actor=self.actor_name,
            subject=f"account:{account}",
        )
        return account


class RetryDelivery(Action):
    """Send a failed delivery again, now, with a fresh count of tries."""

    roles = ("supervisor", "admin")
    verb = "retry deliveries"

    def __init__(self, actor, *, delivery):
        super().__init__(actor)
        self.delivery_id = delivery

    def apply(self) -> Delivery:
        delivery = get(Delivery, self.delivery_id, "delivery")
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
            if delivery.status != Delivery.Status.FAILED:
                raise Refused(
                    f"delivery: delivery {delivery.pk} is {delivery.status}; only a failed "
                    "delivery can be retried",
                    field="delivery",
                )
            failed_with = delivery.error
            delivery.status, delivery.tries, delivery.due_at = Delivery.Status.PENDING, 0, now()
            delivery.save(update_fields=["status", "tries", "due_at"])
            record.append(
                "delivery.retried",
                {
                    "delivery": delivery.pk,
                    "post": delivery.post_id,
                    "account": str(delivery.account),
                    "op": delivery.op,
                    "error": failed_with[:1000],
                },
                actor=self.actor_name,
                subject=f"post:{delivery.post_id}",
            )
        return delivery

    def after(self, result: Delivery) -> Delivery:
        notify.settle(f"delivery:{result.pk}")
        return result


class SeeOutsideChange(Action):
    """Acknowledge a change made on the platform: it leaves the Today page (the record keeps
    it)."""

    roles = ("author", "supervisor", "admin")
    verb = "acknowledge outside changes"

    def __init__(self, actor, *, change):
        super().__init__(actor)
        self.change_id = change

    def apply(self) -> OutsideChange:
        change = get(OutsideChange, self.change_id, "change")
        if change.seen_at is not None:
            raise Refused(
                f"change: already seen by {change.seen_by.username}",
                field="change",
                said=gettext("%(name)s has already seen this change.")
                % {"name": change.seen_by.username},
            )
        change.seen_by, change.seen_at = self.actor, now()
        change.save(update_fields=["seen_by", "seen_at"])
        record.append(
            "post.outside_change_seen",
            {"post": change.post_id, "kind": change.kind, "entry": change.seq},
            actor=self.actor_name,
            subject=f"post:{change.post_id}",
        )
        return change

    def after(self, result: OutsideChange) -> OutsideChange:
        notify.settle(f"change:{result.pk}")
        return result


SCREENSHOT_LIMIT = 5 * 1024 * 1024
PICTURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class ConfirmByHand(Action):
    """A person says they did by hand, in the platform's own app, what its API cannot do (an
    Instagram caption edited, a Nextdoor post deleted): the delivery is done. A screenshot of
    the result, where given, is kept in the record as the entry's content (sealable like any
    content). Where the platform can be read, the worker also sees it done by itself."""

    roles = ("author", "supervisor")
    verb = "confirm steps done by hand"

    def __init__(self, actor, *, delivery, note: str = "", screenshot: bytes | None = None):
        super().__init__(actor)
        self.delivery_id, self.note, self.screenshot = delivery, note or "", screenshot

    def validate(self):
        if len(self.note) > 1000:
            raise BadInput(
                "note: must be at most 1,000 characters",
                field="note",
                said=gettext("The note must be 1,000 characters or fewer"),
            )
        if self.screenshot is not None:
            if len(self.screenshot) > SCREENSHOT_LIMIT:
                raise BadInput(
                    "screenshot: must be at most 5 MB",
                    field="screenshot",
                    said=gettext("The screenshot must be smaller than 5 MB"),
                )
            if not any(self.screenshot.startswith(m) for m in PICTURES):
                raise BadInput(
                    "screenshot: must be a PNG or JPEG picture",
                    field="screenshot",
                    said=gettext("The screenshot must be a PNG or JPEG picture"),
                )

    def apply(self) -> Delivery:
        from amends.connectors import rules_for
        from amends.delivery.models import Copy
        from amends.delivery.wording import text_of

        delivery = Delivery.objects.select_for_update().get(
            pk=get(Delivery, self.delivery_id, "delivery").pk
        )
        if not (delivery.by_hand and delivery.status == Delivery.Status.PENDING):
            raise Refused(
                f"delivery: delivery {delivery.pk} is not waiting for a step done by hand",
                field="delivery",
                said=gettext(
                    "This step is no longer waiting to be done by hand: nothing to confirm."
                ),
            )
        at = now()
        delivery.status, delivery.done_at, delivery.error = Delivery.Status.DONE, at, ""
        delivery.lease_until = None
        delivery.save(update_fields=["status", "done_at", "error", "lease_until"])
        copies = Copy.objects.filter(post_id=delivery.post_id)
        if delivery.op == Delivery.Op.DELETE:
            copies.update(gone_at=at, active_at=at)
        elif delivery.op == Delivery.Op.EDIT and (copy := copies.first()) is not None:
            rules = rules_for(delivery.account)
            copy.expect(rules.comparable(text_of(delivery, rules)))
            copy.edits += 1
            copy.active_at = at
            copy.save(update_fields=["expected", "salt", "edits", "active_at"])
        record.append(
            "delivery.confirmed_by_hand",
            {
                "delivery": delivery.pk,
                "post": delivery.post_id,
                "account": str(delivery.account),
                "op": delivery.op,
                "note": self.note,
                "screenshot": self.screenshot is not None,
            },
            actor=self.actor_name,
            subject=f"post:{delivery.post_id}",
            content=self.screenshot,
        )
        return delivery
