from django.apps import AppConfig


class WitnessConfig(AppConfig):
    name = "amends.witness"
    label = "witness"
    verbose_name = "Witnesses"

    def ready(self) -> None:
        from amends.record import checkpoints
        from amends.witness.asking import fork_problem

        if fork_problem not in checkpoints.OUTSIDE_CHECKS:
            checkpoints.OUTSIDE_CHECKS.append(fork_problem)
