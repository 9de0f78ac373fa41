from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Collected transactions in (devices, API, direct entry)"

    def ready(self) -> None:
        from transactions.revalidation import recheck_after_pull
        from syncconfig.signals import pull_finished

        # When the mirror changes, lines still open for review are checked again.
        pull_finished.connect(recheck_after_pull, dispatch_uid="intake.recheck_after_pull")
