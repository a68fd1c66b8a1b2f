from django.db import migrations, models


class Migration(migrations.Migration):
    """What went wrong, now asked when an incident opens. Incidents opened before were about a
    wrong fact or wording: the only playbook there was."""

    dependencies = [("desk", "0005_second_factor_sealed_and_sign_in_failures")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="kind",
            field=models.CharField(
                choices=[
                    ("fact", "A wrong fact or wording"),
                    ("tone", "A tone or humour misjudgement"),
                    ("harmful", "Harmful content"),
                ],
                default="fact",
                max_length=16,
            ),
            preserve_default=False,
        ),
    ]
