"""Read the batches back from MAS now (the pull does it too, after every pull)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from batches.reconcile import reconcile
from mas.gateway import MASError


class Command(BaseCommand):
    help = "Move each export batch to what MAS shows (imported, posted, deleted in MAS) and flag differences."

    def handle(self, *args, **options) -> None:
        try:
            outcome = reconcile()
        except MASError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(outcome))
