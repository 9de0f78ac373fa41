from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "batches"
    verbose_name = "Export batches"

    def ready(self) -> None:
        from batches import conf
        from batches.reconcile import on_pull_finished
        from syncconfig.signals import pull_finished

        conf.check()
        # After each pull, read the batches back from MAS (its own gateway, its own errors).
        pull_finished.connect(on_pull_finished, dispatch_uid="batches.reconcile_after_pull")
