"""Demo only: play the MAS Transaction Journal update (post a batch), or delete a batch in MAS."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.importer import delete_batch
from demo.journal import NothingToPost, post_batch


class Command(BaseCommand):
    help = (
        "Demo stand-in for MAS: post batch NUMBER from Work Order Transaction Entry into history and move the "
        "work orders' quantities, or --delete it from Transaction Entry. The next pull (or "
        "manage.py reconcile_batches) shows it in the portal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("number", type=int)
        parser.add_argument("--delete", action="store_true", help="Delete the batch from Transaction Entry instead.")

    def handle(self, *args, number: int, delete: bool, **options) -> None:
        company = settings.WOSCAN_DEMO_MAS_PATH
        if not company.is_file():
            raise CommandError(f"No demo company at {company}: run manage.py build_demo_mas first.")
        if delete:
            lines = delete_batch(company, number)
            self.stdout.write(f"Batch {number:06d}: {lines} lines deleted from Transaction Entry.")
            return
        try:
            lines = post_batch(company, number)
        except NothingToPost as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Batch {number:06d}: {lines} lines posted to history."))
