"""Grant or revoke the right to approve over an error-level finding (transactions.approve_over_error).

The Supervisor role does not have it: a plant names the few people ("lead supervisors") who may
override an error, and each grant or revocation is written to the audit trail.

    manage.py approve_over_error --grant lee.lead --reason "Lead supervisor, day shift"
    manage.py approve_over_error --revoke lee.lead --reason "Moved to nights"
    manage.py approve_over_error --list
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from audit.log import record


class Command(BaseCommand):
    help = "Grant, revoke or list the permission to approve a transaction over an error-level finding."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--grant", metavar="USERNAME")
        group.add_argument("--revoke", metavar="USERNAME")
        group.add_argument("--list", action="store_true")
        parser.add_argument("--reason", default="", help="Why (kept in the audit trail).")

    def handle(self, *args, grant=None, revoke=None, list=False, reason="", **options):
        permission = Permission.objects.get(content_type__app_label="transactions", codename="approve_over_error")
        User = get_user_model()
        if list:
            holders = User.objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission))
            for user in holders.distinct().order_by("username"):
                self.stdout.write(user.get_username())
            return
        username = grant or revoke
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        with transaction.atomic():
            had = user.user_permissions.filter(pk=permission.pk).exists()
            if grant:
                user.user_permissions.add(permission)
            else:
                user.user_permissions.remove(permission)
            if had != bool(grant):
                record([user], "grant" if grant else "revoke", actor_label="manage.py approve_over_error",
                       reason=reason, changes={"transactions.approve_over_error": [had, bool(grant)]})
        self.stdout.write(f"{username}: {'may' if grant else 'may not'} approve over an error-level finding.")
