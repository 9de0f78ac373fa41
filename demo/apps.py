from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: MAS company "ABC", the MAS-side stand-ins and the ``demo_*`` commands. The product never
    imports it; it is installed for its management commands (``make demo`` and the tests use them)."""

    name = "demo"
    verbose_name = "Demo company"
