"""``manage.py create_device NAME``: register a device and print only its token (for scripts)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from intake.devices import register_device
from transactions.models import Device


class Command(BaseCommand):
    help = "Register a Sync Mode device and print its token (shown this once only)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The device's name, unique, e.g. 'Handheld 07'.")

    def handle(self, *args, name: str, **options):
        name = name.strip()
        if not name or len(name) > Device._meta.get_field("name").max_length:
            raise CommandError("Give a device name of 1 to 100 characters.")
        if Device.objects.filter(name=name).exists():
            raise CommandError(
                f"A device named {name!r} exists already; revoke it on the Devices page or pick another name."
            )
        _, token = register_device(name, actor_label="manage.py create_device")
        self.stdout.write(token)
