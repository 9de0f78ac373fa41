"""Managing people: add a user, change their details and roles, set their password.

Each is one service: it runs in one transaction and writes one audit row (never the password).
Roles are the role groups of ``accounts.roles`` and nothing else: these services never give
raw permissions or superuser status, and leave any other group a user is in as it was.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import throttle, usernames
from accounts.models import SignInAttempt
from accounts.roles import Role
from audit.actions import AuditAction
from audit.log import record

User = get_user_model()

# The fields of a user the Users pages edit, besides the roles.
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "is_active")

OWN_ADMINISTRATOR_ROLE = (
    "You cannot remove your own Administrator role: if no one is left who can manage users, "
    "the plant is locked out. Ask another administrator to do it."
)
OWN_DEACTIVATION = (
    "You cannot deactivate your own account: you would be signed out at once, and if no one is left "
    "who can manage users, the plant is locked out. Ask another administrator to do it."
)


def may_manage(by, user) -> bool:
    """Whether ``by`` may change ``user``: a superuser only by a superuser (an administrator who
    could set a superuser's password could become one)."""
    return by.is_superuser or not user.is_superuser


def role_names(user) -> list[str]:
    """The user's roles, in the order of the Role enum."""
    held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    return [role.value for role in Role if role.value in held]


def lockout_problems(user, *, by, roles: Iterable[str], is_active: bool) -> dict[str, str]:
    """Why this change would lock ``by`` out of managing users, per form field; empty if it would not."""
    if by is None or user.pk is None or user.pk != by.pk:
        return {}
    problems = {}
    if Role.ADMINISTRATOR.value in role_names(user) and Role.ADMINISTRATOR.value not in set(roles):
        problems["roles"] = OWN_ADMINISTRATOR_ROLE
    if user.is_active and not is_active:
        problems["is_active"] = OWN_DEACTIVATION
    return problems


def create_user(
    *, by, username: str, password: str, roles: Iterable[str] = (), first_name: str = "", last_name: str = "",
    email: str = "", is_active: bool = True,
) -> User:
    """A new user with these roles and this password (already checked by the password validators)."""
    roles = _checked_roles(roles)
    username = usernames.check(username)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, email=email, first_name=first_name, last_name=last_name,
            is_active=is_active,
        )
        user.groups.add(*Group.objects.filter(name__in=roles))
        changes = {name: [None, getattr(user, name)] for name in PROFILE_FIELDS}
        changes["roles"] = [None, _label(roles)]
        record([user], AuditAction.CREATED, by=by, changes=changes)
    return user


def update_user(user, *, by, roles: Iterable[str], **fields) -> dict[str, list]:
    """Change a user's details and roles; return ``{field: [before, after]}`` of what changed.

    Refuses (``ValidationError``) to let someone remove their own Administrator role or deactivate
    themselves, and (``PermissionDenied``) to let anyone but a superuser change a superuser.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not a field the Users pages change: {', '.join(sorted(unknown))}")
    roles = _checked_roles(roles)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if by is not None and not may_manage(by, current):
            raise PermissionDenied("Only a superuser may change a superuser.")
        problems = lockout_problems(current, by=by, roles=roles, is_active=fields.get("is_active", current.is_active))
        if problems:
            raise ValidationError(problems)
        if "username" in fields and fields["username"] != current.username:
            fields["username"] = usernames.check(fields["username"])
        changes = {
            name: [getattr(current, name), value] for name, value in fields.items() if getattr(current, name) != value
        }
        before = role_names(current)
        if set(before) != set(roles):
            changes["roles"] = [_label(before), _label(roles)]
        if not changes:
            return {}
        for name, value in fields.items():
            setattr(current, name, value)
        profile = [name for name in changes if name != "roles"]
        if profile:
            current.save(update_fields=profile)
        role_groups = Group.objects.filter(name__in=Role.values)
        current.groups.remove(*role_groups.exclude(name__in=roles))
        current.groups.add(*role_groups.filter(name__in=roles))
        record([current], AuditAction.CHANGED, by=by, changes=changes)
    for name in fields:
        setattr(user, name, getattr(current, name))
    return changes


def set_password(user, password: str, *, by) -> None:
    """Set a user's password (already checked by the password validators). The audit row says only
    that it was set; the user's other sessions end, as with any password change."""
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if by is not None and not may_manage(by, current):
            raise PermissionDenied("Only a superuser may set a superuser's password.")
        user.set_password(password)
        User.objects.filter(pk=user.pk).update(password=user.password)
        record([user], AuditAction.PASSWORD_SET, by=by, changes={"password": [None, "set"]})


def _checked_roles(roles: Iterable[str]) -> list[str]:
    roles = [str(role) for role in roles]
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Not a role: {', '.join(sorted(unknown))}")
    return [role.value for role in Role if role.value in roles]


def _label(roles: Iterable[str]) -> str:
    """Roles as the audit trail shows them: 'Supervisor, Administrator', or '' for none."""
    held = set(roles)
    return ", ".join(role.value for role in Role if role.value in held)


def unlock_user(user, *, by) -> int:
    """Lift the sign-in lock of ``user``'s user name (forget its wrong passwords); one ``unlocked``
    audit row when there was something to forget. Returns how many failed-attempt rows were removed."""
    return _unlock(throttle.USER_NAME, user.get_username(), by=by)


def unlock_address(address: str, *, by) -> int:
    """Lift the sign-in lock of an address (a shared desktop, a network behind one router)."""
    return _unlock(throttle.ADDRESS, address, by=by)


def _unlock(kind: str, value: str, *, by) -> int:
    with transaction.atomic():
        counted = throttle.failures(kind, value)
        locked = counted >= throttle.failure_limit(kind)
        subject = throttle.audit_subject(kind, value)
        removed, _ = SignInAttempt.objects.filter(**{kind: value}).delete()
        if removed and subject is not None:
            record([subject], AuditAction.UNLOCKED, by=by, changes={
                "locked": ["yes" if locked else "no", "no"], "failures": [counted, 0],
            })
    return removed


def reset_password(user, password: str) -> None:
    """Set the password a person chose through the e-mailed reset link (already checked by the password
    validators): one ``password_reset`` audit row by them, and their user name's sign-in lock lifted."""
    with transaction.atomic():
        user.set_password(password)
        User.objects.filter(pk=user.pk).update(password=user.password)
        record([user], AuditAction.PASSWORD_RESET, by=user, changes={"password": [None, "set"]},
               reason="through the e-mailed reset link")
        _unlock(throttle.USER_NAME, user.get_username(), by=user)
