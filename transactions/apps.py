from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "transactions"
    verbose_name = "Collected transactions: the core (lines, findings, validation, processing options)"

    def ready(self) -> None:
        from syncconfig.signals import pull_finished
        from transactions.revalidation import recheck_after_pull

        # When the mirror changes, lines still open for review are checked again.
        pull_finished.connect(recheck_after_pull, dispatch_uid="transactions.recheck_after_pull")
