from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "amends.site"
    label = "site"
    verbose_name = "Public site"
