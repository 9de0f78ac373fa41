"""Accounts use Django's User and Group; roles are groups (see accounts.roles)."""
from axes.models import AccessAttempt


class SignInAttempt(AccessAttempt):
    """Failed sign-ins as django-axes keeps them (one row per user name, address and browser), named
    for the audit trail: a lock of an address, or of a user name nobody has, is written on one."""

    label = ""  # set by accounts.throttle.audit_subject; not stored

    class Meta:
        proxy = True
        verbose_name = "failed sign-in"

    def __str__(self) -> str:
        return self.label or f"sign-in as {self.username!r} from {self.ip_address}"
