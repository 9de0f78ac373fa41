"""One token check for both token APIs: ``kernel.tokens.holder``."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from batches.models import ImporterClient
from intake.devices import register_device, revoke_device
from transactions.models import Device
from kernel import tokens

pytestmark = pytest.mark.django_db


def _importer(name: str) -> tuple[ImporterClient, str]:
    new = tokens.make_token()
    return ImporterClient.objects.create(name=name, token_prefix=new.prefix, token_hash=new.digest), new.token


def _device(name: str) -> tuple[Device, str]:
    return register_device(name)


@pytest.mark.parametrize("make,model", [(_device, Device), (_importer, ImporterClient)], ids=["device", "importer"])
def test_the_holder_of_a_token_is_found_only_while_it_is_not_revoked(make, model):
    holder, token = make("Holder one")
    other, other_token = make("Holder two")

    assert tokens.holder(model, f"Token {token}") == holder
    assert tokens.holder(model.objects.all(), f"Token {other_token}") == other
    for header in (None, "", "Token", "Token ", f"Bearer {token}", f"token {token}", token, "Token not-a-token"):
        assert tokens.holder(model, header) is None, header
    model.objects.filter(pk=holder.pk).update(revoked_at=timezone.now())
    assert tokens.holder(model, f"Token {token}") is None
    assert tokens.holder(model, f"Token {other_token}") == other


def test_a_device_token_is_no_importer_token_and_the_other_way_round():
    _device_row, device_token = _device("Handheld 01")
    _importer_row, importer_token = _importer("WOScan Sync ABC")

    assert tokens.holder(ImporterClient, f"Token {device_token}") is None
    assert tokens.holder(Device, f"Token {importer_token}") is None


def test_both_apis_check_their_tokens_with_the_one_helper(client, monkeypatch):
    device, device_token = _device("Handheld 02")
    _importer_row, importer_token = _importer("WOScan Sync XYZ")
    asked = []
    real = tokens.holder

    def holder(holders, authorization, **options):
        found = real(holders, authorization, **options)
        # True: the helper named a holder that may act (a revoked one it names only to say so)
        asked.append((getattr(holders, "__name__", None), found is not None and found.revoked_at is None))
        return found

    monkeypatch.setattr(tokens, "holder", holder)

    listed = client.get(reverse("importer_api:batch_list"), HTTP_AUTHORIZATION=f"Token {importer_token}")
    assert listed.status_code == 200
    pushed = client.post(reverse("sync_api:push"), '{"transactions": []}', content_type="application/json",
                         HTTP_AUTHORIZATION=f"Token {device_token}")
    assert pushed.status_code == 200
    revoke_device(device)
    refused = client.post(reverse("sync_api:push"), '{"transactions": []}', content_type="application/json",
                          HTTP_AUTHORIZATION=f"Token {device_token}")

    assert refused.status_code == 401
    assert asked == [("ImporterClient", True), ("Device", True), ("Device", False)]
