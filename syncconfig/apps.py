from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_schedules_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """After ``migrate`` (and a test flush): the named schedules and the default Auto-sync Tables exist."""
    from syncconfig.autosync import ensure_default_tables
    from syncconfig.schedules import ensure_schedules

    if using == "default":
        ensure_default_tables()
        ensure_schedules()


class SyncconfigConfig(AppConfig):
    name = "syncconfig"
    verbose_name = "Auto-sync settings and pulls"

    def ready(self) -> None:
        # Connects the handler only; schedules are written by migrate, never at start-up.
        post_migrate.connect(ensure_schedules_after_migrate, sender=self)
