"""Finish half-written batches and export approved lines, from the command line."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from batches import services


class Command(BaseCommand):
    help = (
        "Finish any batch a crash left half-written, then export approved lines as one batch: "
        "those approved by the automatic processing option (default) or --all of them."
    )

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="Export every approved line, not only automatic ones.")
        group.add_argument("--recover", action="store_true", help="Only finish half-written batches.")

    def handle(self, *args, all: bool, recover: bool, **options) -> None:
        if recover:
            done = services.recover_batches()
            self.stdout.write(f"Finished {len(done)} half-written batch(es): {done}")
            return
        outcome = services.export_transactions(automatic_only=not all, actor_label="export_batches command")
        if outcome.recovered:
            self.stdout.write(f"Finished half-written batch(es): {outcome.recovered}")
        if outcome.batch is None:
            self.stdout.write("No approved line to export.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{outcome.batch}: {outcome.batch.lines} lines, {outcome.batch.get_status_display().lower()}."
            ))
