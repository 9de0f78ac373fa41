"""Enrolling a handheld without typing a token: a one-time code from the device page.

An administrator registers a handheld (or asks for a new code for one already registered) and
is shown a code such as ``K7QM-2XPA`` and its QR code; the handheld opens ``/handheld/``, scans or
types it, and ``POST /api/sync/v1/enrol`` answers the device's token. The code is 8 characters of
an alphabet without the look-alikes 0/O and 1/I (32 symbols: 40 bits), stored only as a keyed
hash, works once and expires after ``WOSCAN_ENROL_CODE_MINUTES``. Enrolling gives the device a
new token, so a handheld enrolled before with the same device stops at its next sync.

Guessing is throttled per address: after ``WOSCAN_ENROL_FAILURES_PER_ADDRESS`` refused codes in
``FAILURE_WINDOW`` the address is answered 429 without the code being looked at.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.actions import AuditAction
from audit.log import record
from intake.models import EnrolmentCode, EnrolmentFailure
from transactions.models import Device
from kernel.display import plant_datetime
from kernel.tokens import make_token

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I
CODE_LENGTH = 8
FAILURE_WINDOW = timedelta(minutes=15)
HANDHELD_PATH = "/handheld/"  # the handheld app; the QR code opens it with ?code=
_IN_URL = re.compile(r"[?&#]code=([^&#\s]*)", re.IGNORECASE)
_IGNORED = re.compile(r"[\s\-]+")


class EnrolmentRefused(Exception):
    """The code gives no token; the message says why and what to do, for the handheld's screen."""


@dataclass(frozen=True)
class NewCode:
    code: str  # XXXX-XXXX: show it once, never store it
    record: EnrolmentCode

    @property
    def expires_at(self) -> datetime:
        return self.record.expires_at


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise(text: str) -> str | None:
    """The 8 characters of a code as typed or scanned, or None when it cannot be one.

    Case, dashes and spaces do not matter; a URL carrying ``code=…`` (what the QR code holds)
    gives the code in it.
    """
    found = _IN_URL.search(text)
    if found:
        text = unquote(found.group(1))
    code = _IGNORED.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    return salted_hmac("woscan.intake.enrolment", code, algorithm="sha256").hexdigest()


def handheld_url(base_url: str, code: str) -> str:
    """What the QR code holds: the handheld app with the code, e.g. https://portal/handheld/?code=K7QM-2XPA."""
    return f"{base_url.rstrip('/')}{HANDHELD_PATH}?code={display(code)}"


# --- issuing a code --------------------------------------------------------------------------------
def issue_code(device: Device, *, by=None) -> NewCode:
    """A new one-time code for ``device``; any code it had before stops working."""
    if not device.is_active:
        raise ValueError(f"{device.name} is revoked: register a new handheld instead.")
    now = timezone.now()
    expires_at = now + timedelta(minutes=settings.WOSCAN_ENROL_CODE_MINUTES)
    with transaction.atomic():
        EnrolmentCode.objects.filter(device=device, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        for _attempt in range(5):
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with transaction.atomic():
                    issued = EnrolmentCode.objects.create(
                        device=device, code_hash=code_hash(code), expires_at=expires_at, created_by=by if by else None
                    )
                break
            except IntegrityError:  # one in 2**40: the same code was issued once before
                continue
        else:  # pragma: no cover - five collisions in a row
            raise RuntimeError("could not make a new enrolment code")
        record([device], AuditAction.ENROLMENT_CODE_ISSUED, by=by, changes={"enrolment_code_expires_at": [None, expires_at]})
    return NewCode(code=code, record=issued)


def register_handheld(name: str, *, by=None) -> tuple[Device, NewCode]:
    """A new device for a handheld and its first enrolment code (its token is issued on enrolment)."""
    from intake.devices import register_device

    with transaction.atomic():
        device, _token = register_device(name, by=by)  # a token no one is shown: enrolling replaces it
        return device, issue_code(device, by=by)


# --- enrolling --------------------------------------------------------------------------------------
def locked_until(address: str | None, now: datetime | None = None) -> datetime | None:
    """When the address may try again, if it has had too many refused codes lately; else None."""
    if not address:
        return None
    now = now or timezone.now()
    recent = list(
        EnrolmentFailure.objects.filter(address=address, at__gt=now - FAILURE_WINDOW)
        .order_by("-at").values_list("at", flat=True)[: settings.WOSCAN_ENROL_FAILURES_PER_ADDRESS]
    )
    if len(recent) < settings.WOSCAN_ENROL_FAILURES_PER_ADDRESS:
        return None
    return recent[-1] + FAILURE_WINDOW  # the oldest of the last N leaves the window then


def _failed(address: str | None, now: datetime) -> None:
    if address:
        EnrolmentFailure.objects.filter(at__lte=now - FAILURE_WINDOW).delete()
        EnrolmentFailure.objects.create(address=address, at=now)


def enrol(text: str, *, address: str | None = None) -> tuple[Device, str]:
    """The device a code was issued for and its new token; ``EnrolmentRefused`` otherwise.

    A code that is well formed but gives no token (unknown, used, expired, or its device revoked)
    counts against the address; a text that cannot be a code does not.
    """
    code = normalise(text)
    if code is None:
        raise EnrolmentRefused(
            f"That is not an enrolment code: a code has {CODE_LENGTH} letters and digits, shown as XXXX-XXXX "
            "on the device page."
        )
    now = timezone.now()
    issued = EnrolmentCode.objects.select_related("device", "created_by").filter(code_hash=code_hash(code)).first()
    problem = _problem(issued, now)
    if problem is None:
        new = make_token()
        with transaction.atomic():
            # compare-and-set: of two handhelds sending the same code at once, one is enrolled
            used = EnrolmentCode.objects.filter(pk=issued.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
            rotated = used and Device.objects.filter(pk=issued.device_id, revoked_at__isnull=True).update(
                token_prefix=new.prefix, token_hash=new.digest
            )
            if rotated:
                device = issued.device
                old_prefix, device.token_prefix, device.token_hash = device.token_prefix, new.prefix, new.digest
                by = issued.created_by.get_username() if issued.created_by else "an administrator"
                record(
                    [device], AuditAction.ROTATED, actor_label=device.name,
                    reason=f"Enrolled with the one-time code {by} issued at {plant_datetime(issued.created_at)}.",
                    changes={"token_prefix": [old_prefix, new.prefix]},
                )
                return device, new.token
            transaction.set_rollback(True)
        issued.refresh_from_db()
        issued.device.refresh_from_db()
        problem = _problem(issued, now) or "This enrolment code was used already."
    _failed(address, now)
    raise EnrolmentRefused(problem)


def _problem(issued: EnrolmentCode | None, now: datetime) -> str | None:
    ask = "ask an administrator for a new code on the device page."
    if issued is None:
        return f"This enrolment code is not known: check it, or {ask}"
    if issued.device.revoked_at is not None:
        return "This handheld was revoked: ask an administrator to register it again."
    if issued.used_at is not None:
        return f"This enrolment code was used already (at {plant_datetime(issued.used_at)}): {ask}"
    if issued.expires_at <= now:
        return f"This enrolment code expired at {plant_datetime(issued.expires_at)}: {ask}"
    return None
