import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from delegations.workshop_files import (
    WorkshopFileError,
    file_format_for,
    workshop_file_parse,
    workshop_import,
)


class Command(BaseCommand):
    help = (
        "Create or update a workshop from a YAML file (JSON when FILE ends in .json). "
        "Nothing is written unless the whole file is valid; importing twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The workshop file; - for standard input.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["yaml", "json"],
            help="Default: from the file name, else YAML.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate the file and report what would change, then write nothing.",
        )

    def handle(self, *args, file, fmt=None, dry_run=False, **options):
        name = "standard input" if file == "-" else file
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        try:
            data = workshop_file_parse(text=text, fmt=fmt or file_format_for(file))
            with transaction.atomic():
                result = workshop_import(data=data)
                transaction.set_rollback(dry_run)
        except WorkshopFileError as exc:
            raise CommandError(f"{name} was not imported:\n" + "\n".join(exc.errors)) from None
        verb = "Checked (nothing written)" if dry_run else "Imported"
        self.stdout.write(f"{verb} workshop {result.workshop.slug!r} from {name}:")
        kinds = dict.fromkeys([*result.created, *result.updated, *result.unchanged])
        for kind in kinds:
            self.stdout.write(
                f"  {kind}: {result.created[kind]} created, {result.updated[kind]} updated, "
                f"{result.unchanged[kind]} unchanged"
            )
