from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "amends.record"
    label = "record"
    verbose_name = "The record"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amends.record import checkpoints, log

        # After every committed append, sign a checkpoint if one is due.
        if checkpoints.checkpoint_if_due not in log.AFTER_COMMIT:
            log.AFTER_COMMIT.append(checkpoints.checkpoint_if_due)
