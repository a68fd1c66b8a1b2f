from django.apps import AppConfig


class CopiesConfig(AppConfig):
    name = "amends.copies"
    label = "copies"
    verbose_name = "Copies"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from amends.copies.matching import fingerprint_new_revision
        from amends.desk.models import Revision

        # A revision's fingerprint is made while its wording is plain, before it can be
        # sealed (a post taken down): its copies stay recognisable.
        post_save.connect(
            fingerprint_new_revision, sender=Revision, dispatch_uid="amends.copies.fingerprint"
        )
