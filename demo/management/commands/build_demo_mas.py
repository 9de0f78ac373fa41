"""Build the demo MAS company "ABC" (a SQLite file the portal reads over ODBC), unless it is current."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.company import SCHEMA_VERSION, build_company, is_current


class Command(BaseCommand):
    help = "Build the demo MAS company ABC; does nothing if it is already current (use --force to rebuild)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild even if the company is current.")
        parser.add_argument("--path", type=Path, help="Where to write it (default: WOSCAN_DEMO_MAS_PATH).")

    def handle(self, *args, force: bool, path: Path | None, **options) -> None:
        path = Path(path or getattr(settings, "WOSCAN_DEMO_MAS_PATH"))
        if is_current(path) and not force:
            self.stdout.write(f"Demo MAS company ABC is up to date at {path}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        counts = build_company(path)
        self.stdout.write(self.style.SUCCESS(f"Built demo MAS company ABC (schema {SCHEMA_VERSION}) at {path}"))
        width = max(map(len, counts))
        for table, count in counts.items():
            self.stdout.write(f"  {table:<{width}}  {count:>5}")
