from django.db import migrations, models


def fill(apps, schema_editor):
    """Copy each live post's latest wording from the record's content store."""
    Post = apps.get_model("desk", "Post")
    Revision = apps.get_model("desk", "Revision")
    Content = apps.get_model("record", "Content")
    for post in Post.objects.exclude(deletions__status="done").iterator():
        latest = Revision.objects.filter(post=post).order_by("-n").first()
        if latest is None:
            continue
        content = Content.objects.filter(entry_id=latest.seq, state="plain").first()
        if content is not None and content.body is not None:
            post.wording = bytes(content.body).decode("utf-8")
            post.save(update_fields=["wording"])


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
        ("record", "0002_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="wording",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
