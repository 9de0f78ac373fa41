"""Sign-in throttling on django-axes: how many wrong passwords lock what, for how long, and the page then.

Two locks, counted apart (axes' ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``):

- a **user name** is locked after ``WOSCAN_SIGNIN_FAILURES`` wrong passwords for it, from anywhere;
- an **address** after ``WOSCAN_SIGNIN_FAILURES_PER_ADDRESS`` wrong passwords from it, for any user
  names (higher: a floor desktop or a whole network behind one router is shared by many people).

Each lasts ``WOSCAN_SIGNIN_LOCK_MINUTES`` from the last wrong password counted; tries made while locked
are not counted and do not extend it. Every lockout is one ``locked_out`` audit row; an
administrator lifts a lock sooner on *Users* (``accounts.services.unlock_user``/``unlock_address``).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.models import SignInAttempt
from audit.actions import AuditAction
from audit.log import record

USER_NAME = "username"
ADDRESS = "ip_address"


@dataclass(frozen=True)
class Lock:
    """One lock in force: a user name's or an address's."""

    kind: str  # USER_NAME or ADDRESS
    value: str
    failures: int
    last_failure: datetime

    @property
    def until(self) -> datetime:
        return self.last_failure + lock_duration()

    @property
    def limit(self) -> int:
        return failure_limit(self.kind)

    def describe(self) -> str:
        what = "for this user name" if self.kind == USER_NAME else f"from address {self.value}"
        return f"{self.failures} wrong passwords {what} within {settings.WOSCAN_SIGNIN_LOCK_MINUTES} minutes"


def lock_duration() -> timedelta:
    return timedelta(minutes=settings.WOSCAN_SIGNIN_LOCK_MINUTES)


def failure_limit(kind: str) -> int:
    return settings.WOSCAN_SIGNIN_FAILURES if kind == USER_NAME else settings.WOSCAN_SIGNIN_FAILURES_PER_ADDRESS


def _counted(now: datetime | None = None):
    """The failures that still count: those since one lock duration ago."""
    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - lock_duration())


def failures(kind: str, value: str, now=None) -> int:
    """The wrong passwords that count now against this user name or address."""
    return _counted(now).filter(**{kind: value}).aggregate(n=Sum("failures_since_start"))["n"] or 0


def locks_for(*, username: str | None = None, address: str | None = None, now=None) -> list[Lock]:
    """The locks in force on this user name and this address (either may be left out)."""
    locks = []
    for kind, value in ((USER_NAME, username), (ADDRESS, address)):
        if not value:
            continue
        found = _counted(now).filter(**{kind: value}).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if (found["n"] or 0) >= failure_limit(kind):
            locks.append(Lock(kind, value, found["n"], found["last"]))
    return locks


def current_locks(now=None) -> list[Lock]:
    """Every lock in force now: user names first, then addresses, each by name."""
    locks = []
    for kind in (USER_NAME, ADDRESS):
        rows = (
            _counted(now).exclude(**{f"{kind}__isnull": True}).values(kind)
            .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(n__gte=failure_limit(kind)).order_by(kind)
        )
        locks += [Lock(kind, row[kind], row["n"], row["last"]) for row in rows]
    return locks


def client_address(request) -> str | None:
    """The address that signs in. Behind the portal's proxy (``WOSCAN_BEHIND_PROXY``) it is the last
    ``X-Forwarded-For`` entry, the one the proxy itself added (earlier ones are the client's to forge)."""
    candidates = []
    if settings.WOSCAN_BEHIND_PROXY:
        candidates.append(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuses a sign-in while its user name or address is locked (axes' backend).

    Only sign-ins through a request are throttled: ``authenticate()`` called without one (a
    management command, the test client's ``login``) is not a sign-in anyone can repeat from outside.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for addresses, and an audit row per lockout."""

    def get_failures(self, request, credentials=None) -> int:
        # axes compares this with AXES_FAILURE_LIMIT, the user-name limit: a locked address counts as reaching it.
        by_name, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.WOSCAN_SIGNIN_FAILURES_PER_ADDRESS:
            return max(by_name, settings.WOSCAN_SIGNIN_FAILURES)
        return by_name

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not already_locked and getattr(request, "axes_locked_out", False):
            username = get_client_username(request, credentials)
            for lock in locks_for(username=username, address=request.axes_ip_address):
                _record_lockout(lock, username=username, address=request.axes_ip_address)


def audit_subject(kind: str, value: str):
    """The object an audit row about a lock of ``value`` is written on: the user of that name if there is
    one, else the latest failed attempt behind the lock."""
    if kind == USER_NAME:
        user = get_user_model().objects.filter(username=value).first()
        if user is not None:
            return user
    attempt = SignInAttempt.objects.filter(**{kind: value}).order_by("-attempt_time").first()
    if attempt is not None:
        attempt.label = f"sign-in as {value!r}" if kind == USER_NAME else f"sign-in from address {value}"
    return attempt


def _record_lockout(lock: Lock, *, username: str | None, address: str | None) -> None:
    subject = audit_subject(lock.kind, lock.value)
    if subject is None:
        return
    changes = {
        "failures": [None, lock.failures],
        "locked_until": [None, timezone.localtime(lock.until).strftime("%Y-%m-%d %H:%M:%S")],
    }
    if lock.kind == USER_NAME:
        changes["address"] = [None, address or ""]
    else:
        changes["user_name"] = [None, username or ""]
    record([subject], AuditAction.LOCKED_OUT, actor_label="sign-in", changes=changes, reason=lock.describe())


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page when a sign-in is refused for a lock: what is locked, until when (axes' callable)."""
    username = get_client_username(request, credentials)
    locks = locks_for(username=username, address=getattr(request, "axes_ip_address", None))
    until = max((lock.until for lock in locks), default=timezone.now() + lock_duration())
    context = {
        "locked_name": any(lock.kind == USER_NAME for lock in locks),
        "locked_address": any(lock.kind == ADDRESS for lock in locks),
        "username": username or "",
        "until": until,
        "minutes": max(1, -(-int((until - timezone.now()).total_seconds()) // 60)),
        "password_reset_available": settings.WOSCAN_EMAIL_CONFIGURED,
    }
    return render(request, "registration/locked_out.html", context, status=429)
