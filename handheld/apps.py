from django.apps import AppConfig


class HandheldConfig(AppConfig):
    name = "handheld"
    verbose_name = "The handheld (an offline-first Sync Mode client in the browser)"
