"""Eight devices push overlapping batches at once, with retries, over real HTTP."""
from __future__ import annotations

import json
import random
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from audit.models import AuditEntry
from intake.devices import register_device
from transactions.models import Transaction
from tests.intake.conftest import PUSH_URL, labor

THREADS, PUSHES_PER_THREAD, BATCH, POOL = 8, 6, 60, 240


def _post(url: str, token: str, body: dict) -> dict:
    """One push with up to five tries, as a handheld on bad Wi-Fi retries."""
    data = json.dumps(body).encode()
    for attempt in range(5):
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Authorization": f"Token {token}", "Content-Type": "application/json",
        })
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if attempt == 4 or (isinstance(exc, urllib.error.HTTPError) and exc.code < 500):
                raise
    raise AssertionError("unreachable")


@pytest.mark.django_db(transaction=True)
def test_overlapping_pushes_from_eight_devices_store_each_transaction_exactly_once(live_server, mirror):
    pool = [labor(hours=1 + i % 5, employee=f"{i % 40:07d}", comment=f"pool line {i}") for i in range(POOL)]
    tokens = [register_device(f"Handheld {n:02d}")[1] for n in range(THREADS)]
    url = live_server.url + PUSH_URL
    answers: list[tuple[str, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def device(n: int) -> None:
        rng = random.Random(n)
        try:
            for _ in range(PUSHES_PER_THREAD):
                batch = rng.sample(pool, BATCH)
                for result in _post(url, tokens[n], {"transactions": batch})["results"]:
                    with lock:
                        answers.append((result["client_txn_id"], result))
                # a retry of the same batch after a "lost" answer
                if rng.random() < 0.5:
                    for result in _post(url, tokens[n], {"transactions": batch})["results"]:
                        assert result["status"] == "duplicate"
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=device, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not errors, errors
    pushed = {txn_id for txn_id, _ in answers}
    stored = dict(Transaction.objects.values_list("client_txn_id", "pk"))
    assert {str(txn_id) for txn_id in stored} == pushed  # none lost, none extra
    assert len(stored) == len(pushed)  # none twice (client_txn_id is unique, and counted here)
    accepted = [txn_id for txn_id, result in answers if result["status"] == "accepted"]
    assert sorted(accepted) == sorted(pushed)  # each accepted exactly once, the others duplicates
    assert {result["status"] for _, result in answers} <= {"accepted", "duplicate"}
    assert all(result["id"] == stored[uuid.UUID(txn_id)] for txn_id, result in answers)
    assert AuditEntry.objects.filter(action="collected").count() == len(pushed)
