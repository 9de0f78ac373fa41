"""Pull MAS master data into the mirror now (every enabled table, or one), then its follow-ups."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from afterpull.followups import pull_now
from syncconfig.autosync import ensure_default_tables
from syncconfig.models import AutoSyncTable, PullRun, PullStatus, PullTrigger
from syncconfig.pull_lock import PullAlreadyRunning


class Command(BaseCommand):
    help = "Pull MAS master data into the portal's mirror now, in this process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--table", help="Pull only this Auto-sync Table (its name, e.g. work_orders).")
        parser.add_argument(
            "--if-never-pulled", action="store_true", help="Do nothing if a pull has ever succeeded (first start)."
        )

    def handle(self, *args, table: str | None = None, if_never_pulled: bool = False, **options) -> None:
        if if_never_pulled and PullRun.objects.filter(status=PullStatus.SUCCEEDED).exists():
            self.stdout.write("The mirror has been pulled before; nothing to do.")
            return
        ensure_default_tables()
        only = None
        if table:
            only = AutoSyncTable.objects.filter(name=table).first()
            if only is None:
                names = ", ".join(AutoSyncTable.objects.values_list("name", flat=True))
                raise CommandError(f"No Auto-sync Table called {table!r}. Known: {names}")
        try:
            run = pull_now(trigger=PullTrigger.COMMAND, table=only)
        except PullAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'table':<18} {'read':>8} {'inserted':>8} {'updated':>8} {'inactive':>8} {'same':>8}")
        for t in run.tables.all():
            line = f"{t.name:<18} {t.read:>8} {t.inserted:>8} {t.updated:>8} {t.deactivated:>8} {t.unchanged:>8}"
            self.stdout.write(line + (f"  FAILED: {t.error}" if t.error else ""))
        if run.status in (PullStatus.FAILED, PullStatus.ABANDONED):
            raise CommandError(f"Pull {run.pk} {run.get_status_display().lower()}:\n{run.error}")
        for problem in run.follow_up_problems:  # the pull's own data is in: say it, do not fail the command
            self.stderr.write(problem)
        self.stdout.write(self.style.SUCCESS(f"Pull {run.pk} succeeded."))
