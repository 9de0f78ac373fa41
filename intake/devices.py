"""Registering and revoking devices: each a service with its audit row."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.log import record
from transactions.models import Device
from kernel.tokens import make_token


def register_device(name: str, *, by=None, actor_label: str = "") -> tuple[Device, str]:
    """A new device and its token. The token is returned once and stored only as a hash."""
    new = make_token()
    with transaction.atomic():
        device = Device.objects.create(
            name=name.strip(), token_prefix=new.prefix, token_hash=new.digest, created_by=by if by else None
        )
        record([device], "registered", by=by, actor_label=actor_label, changes={"name": [None, device.name]})
    return device, new.token


def revoke_device(device: Device, *, by=None, reason: str = "") -> bool:
    """Revoke a device's token at once; False if it was already revoked."""
    now = timezone.now()
    with transaction.atomic():
        changed = Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now)
        if changed:
            device.revoked_at = now
            record([device], "revoked", by=by, reason=reason, changes={"revoked_at": [None, now]})
    return bool(changed)
