"""Make an API token for the MAS-side importer (WOScan Sync); it is shown once."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.log import record
from batches.models import ImporterClient
from kernel.tokens import make_token


class Command(BaseCommand):
    help = "Create (or --rotate) the API token of an importer, or --revoke it. The token is printed once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help='The importer\'s name, e.g. "WOScan Sync ABC".')
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rotate", action="store_true", help="Replace the token of an existing importer.")
        group.add_argument("--revoke", action="store_true", help="Revoke the importer's token.")

    def handle(self, *args, name: str, rotate: bool, revoke: bool, **options) -> None:
        client = ImporterClient.objects.filter(name=name).first()
        if revoke:
            if client is None:
                raise CommandError(f"No importer is called {name!r}.")
            ImporterClient.objects.filter(pk=client.pk).update(revoked_at=timezone.now())
            record([client], "revoke", actor_label="create_importer_token command")
            self.stdout.write(f"Revoked the token of {name}.")
            return
        if client is not None and not rotate:
            raise CommandError(f"{name!r} already has a token; use --rotate to replace it.")
        new = make_token()
        if client is None:
            client = ImporterClient.objects.create(name=name, token_prefix=new.prefix, token_hash=new.digest)
            record([client], "create", actor_label="create_importer_token command")
        else:
            ImporterClient.objects.filter(pk=client.pk).update(token_prefix=new.prefix, token_hash=new.digest, revoked_at=None)
            record([client], "rotate", actor_label="create_importer_token command")
        self.stdout.write(f"Importer {name}: token (shown once, keep it in WOScan Sync's settings):")
        self.stdout.write(new.token)
