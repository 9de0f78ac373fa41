"""Demo only: play WOScan Sync importing export batches into the demo MAS company."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.importer import import_from_folder, ready_batches


class Command(BaseCommand):
    help = (
        "Demo stand-in for WOScan Sync: import batch NUMBER (or every exported batch whose .ctl is in the export folder) "
        "into the demo company's Work Order Transaction Entry, then acknowledge it to the portal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("numbers", nargs="*", type=int, help="Batch numbers (default: every batch waiting).")

    def handle(self, *args, numbers: list[int], **options) -> None:
        from batches import services  # the acknowledgement the importer API also makes
        from batches.models import BatchStatus, ExportBatch

        company, folder = settings.WOSCAN_DEMO_MAS_PATH, settings.WOSCAN_EXPORT_DIR
        if not company.is_file():
            raise CommandError(f"No demo company at {company}: run manage.py build_demo_mas first.")
        actor = "WOScan Sync (demo stand-in)"
        # Ask the portal first, as WOScan Sync does through the importer API: only an exported batch is taken.
        waiting = set(ExportBatch.objects.filter(status=BatchStatus.EXPORTED).values_list("number", flat=True))
        if not numbers:  # what the importer API would list: exported, control file in the folder
            numbers = [n for n in ready_batches(folder) if n in waiting]
            if not numbers:
                self.stdout.write("No batch is waiting to be imported.")
        for number in numbers:
            if number not in waiting:
                batch = ExportBatch.objects.filter(number=number).first()
                said = f"is {batch.get_status_display().lower()}" if batch else "does not exist"
                self.stdout.write(self.style.WARNING(f"Batch {number:06d} {said} in the portal: not imported."))
                continue
            result = import_from_folder(company, folder, number)
            try:
                if result.status == "refused":
                    services.refuse_import(number, result.reason, actor_label=actor)
                    self.stdout.write(self.style.WARNING(f"Batch {number:06d} refused: {result.reason}"))
                    continue
                services.acknowledge_import(number, actor_label=actor)
            except services.BatchStateError as exc:
                self.stdout.write(self.style.WARNING(str(exc)))
                continue
            words = "already in" if result.status == "already_imported" else "imported into"
            self.stdout.write(self.style.SUCCESS(f"Batch {number:06d}: {result.lines} lines {words} Transaction Entry."))
