"""No wording in the outbox: a delivery names its revision, a copy keeps a fingerprint.

Existing publish and correction deliveries are linked to the revision they sent (a publish to
revision 1; a correction to the newest revision made no later than the delivery) and their text
is emptied; only deletion notices keep their public words. Each copy's expected wording becomes
a salted SHA-256 of its comparable form.
"""

import hashlib
import secrets

from django.db import migrations, models
from django.db.models.deletion import PROTECT

CORRECTIONS = ("edit", "thread", "quote")


def forwards(apps, schema_editor):
    from amends.connectors import CONNECTORS

    Delivery = apps.get_model("delivery", "Delivery")
    Copy = apps.get_model("delivery", "Copy")
    Revision = apps.get_model("desk", "Revision")
    for delivery in Delivery.objects.filter(op__in=("publish", *CORRECTIONS)).iterator():
        revisions = Revision.objects.filter(post_id=delivery.post_id)
        if delivery.op == "publish":
            revision = revisions.filter(n=1).first()
        else:
            revision = (
                revisions.filter(n__gt=1, created_at__lte=delivery.created_at)
                .order_by("-n")
                .first()
            )
        delivery.revision = revision
        delivery.text = ""
        delivery.save(update_fields=["revision", "text"])
    for copy in Copy.objects.select_related("post__account").iterator():
        connector = CONNECTORS[copy.post.account.platform]("", {}, {})
        copy.salt = secrets.token_hex(16)
        comparable = connector.comparable(copy.expected)
        copy.expected = hashlib.sha256(
            bytes.fromhex(copy.salt) + comparable.encode("utf-8")
        ).hexdigest()
        copy.save(update_fields=["salt", "expected"])


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_quote"),
        ("desk", "0004_wording_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=PROTECT,
                related_name="+",
                to="desk.revision",
            ),
        ),
        migrations.AddField(
            model_name="copy",
            name="salt",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="copy",
            name="expected",
            field=models.CharField(max_length=64),
        ),
    ]
