"""Accounts use Django's User and Group; roles are groups (see accounts.roles)."""
from axes.models import AccessAttempt
from django.db import models


class SignInAttempt(AccessAttempt):
    """Failed sign-ins as django-axes keeps them (one row per user name, address and browser), named
    for the audit trail: a lock of an address, or of a user name nobody has, is written on one."""

    label = ""  # set by accounts.throttle.audit_subject; not stored

    class Meta:
        proxy = True
        verbose_name = "failed sign-in"

    def __str__(self) -> str:
        return self.label or f"sign-in as {self.username!r} from {self.ip_address}"


class UserQuerySet(models.QuerySet):
    """Django's users, per user and action (``kernel.permissions.restrict``): an account
    may be changed (roles, password, unlock) by anyone with the permission, but a superuser's
    only by a superuser (an administrator who could set a superuser's password could become one)."""

    def narrow_for(self, user, action: str):
        if action == "view" or user.is_superuser:
            return self
        return self.exclude(is_superuser=True)
