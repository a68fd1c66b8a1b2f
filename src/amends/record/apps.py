from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "amends.record"
    label = "record"
    verbose_name = "The record"
    default_auto_field = "django.db.models.BigAutoField"
