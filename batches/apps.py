from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "batches"
    verbose_name = "Export batches"

    def ready(self) -> None:
        from batches import conf

        conf.check()
