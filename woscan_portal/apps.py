from django.apps import AppConfig


class WoscanPortalConfig(AppConfig):
    name = "woscan_portal"
    verbose_name = "WOScan Portal"

    def ready(self) -> None:
        from woscan_portal import checks  # noqa: F401 - registers the deployment checks
