"""Create one demo user per role and print their passwords.

Passwords are made at random on first run and kept in ``var/demo-credentials.json``
(readable by the owner only) so that a second run prints the same ones and changes nothing.
"""
from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import Role

DEMO_USERS = {
    "supervisor": (Role.SUPERVISOR, "Sam", "Supervisor"),
    "accountant": (Role.ACCOUNTANT, "Alex", "Accountant"),
    "admin": (Role.ADMINISTRATOR, "Ada", "Administrator"),
    "floor": (Role.FLOOR_DESKTOP, "Flo", "Floor"),
}


class Command(BaseCommand):
    help = "Create the demo users (one per role) and print their passwords."

    def handle(self, *args, **options) -> None:
        path = settings.VAR_DIR / "demo-credentials.json"
        saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        User = get_user_model()
        with transaction.atomic():
            for username, (role, first, last) in DEMO_USERS.items():
                user, created = User.objects.get_or_create(
                    username=username, defaults={"first_name": first, "last_name": last}
                )
                if created or username not in saved:
                    saved[username] = secrets.token_urlsafe(9)
                    user.set_password(saved[username])
                    user.save()
                user.groups.add(Group.objects.get(name=role))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(saved, indent=2))
        self.stdout.write("Demo users (sign in at the portal's address):")
        for username, (role, _first, _last) in DEMO_USERS.items():
            self.stdout.write(f"  {role.label:<14} user {username:<11} password {saved[username]}")
