"""Put the export folder right and export approved lines, from the command line."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from batches import services
from batches.models import BatchStatus, ExportBatch
from transactions.lifecycle import Actor

COMMAND = Actor.system("export_batches command")


class Command(BaseCommand):
    help = (
        "Put the export folder right (finish half-written batches, write again the lost or changed files of "
        "exported batches, retire those of re-exported and voided ones), then export approved lines as one batch: "
        "those approved by the automatic processing option (default) or --all of them."
    )

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="Export every approved line, not only automatic ones.")
        group.add_argument("--recover", action="store_true", help="Only put the export folder right, export nothing.")

    def handle(self, *args, all: bool, recover: bool, **options) -> None:
        try:
            self._run(all=all, recover=recover)
        except services.ExportFolderError as exc:
            raise CommandError(str(exc)) from exc
        # A batch left half-written (the folder could be read but not written) is not a success.
        stuck = list(ExportBatch.objects.filter(status=BatchStatus.WRITING).order_by("number"))
        if stuck:
            raise CommandError(
                f"The files of {', '.join(str(b) for b in stuck)} could not be written to the export folder "
                f"(WOSCAN_EXPORT_DIR = {settings.WOSCAN_EXPORT_DIR}; is it writable?): the lines are kept in the "
                "batch, and the next run or 'export_batches --recover' writes the files once the folder is writable."
            )

    def _run(self, *, all: bool, recover: bool) -> None:
        if recover:
            done = services.recover_batches()
            self.stdout.write(f"Wrote the files of {len(done)} batch(es) again: {done}")
            return
        outcome = services.export_transactions(automatic_only=not all, by=COMMAND)
        if outcome.recovered:
            self.stdout.write(f"Wrote the files of batch(es) again: {outcome.recovered}")
        if outcome.batch is None:
            self.stdout.write("No approved line to export.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{outcome.batch}: {outcome.batch.lines} lines, {outcome.batch.get_status_display().lower()}."
            ))
