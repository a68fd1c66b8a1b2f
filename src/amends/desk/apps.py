from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "amends.desk"
    label = "desk"
    verbose_name = "Desk"
