from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "amends.delivery"
    label = "delivery"
    verbose_name = "Delivery"
