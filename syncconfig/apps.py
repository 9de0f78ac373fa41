from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SyncconfigConfig(AppConfig):
    name = "syncconfig"
    verbose_name = "Auto-sync settings and pulls"

    def ready(self) -> None:
        from syncconfig.signals import ensure_schedules_after_migrate

        # Connects the handler only; schedules are written by migrate, never at start-up.
        post_migrate.connect(ensure_schedules_after_migrate, sender=self)
