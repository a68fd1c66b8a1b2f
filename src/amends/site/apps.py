from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "amends.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        # Every signed checkpoint goes on the site at once (amends.record.checkpoints.signed).
        from amends.record import api as record

        record.signed.connect(_publish, dispatch_uid="amends.site.publish_checkpoint")
        # ... and again when witnesses cosign it.
        from amends.witness.asking import cosigned

        cosigned.connect(_publish, dispatch_uid="amends.site.publish_cosigned")


def _publish(sender, checkpoint, **kwargs) -> None:
    from amends.site.render import publish_checkpoint

    publish_checkpoint(checkpoint)
