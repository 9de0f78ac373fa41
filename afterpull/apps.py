from django.apps import AppConfig


class AfterpullConfig(AppConfig):
    name = "afterpull"
    verbose_name = "A pull and its follow-ups (re-check open lines, reconcile batches)"
