from django.apps import AppConfig


class MasConfig(AppConfig):
    name = "mas"
    verbose_name = "Sage MAS boundary"
