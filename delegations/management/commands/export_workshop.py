from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from delegations.workshop_files import file_format_for, workshop_export, workshop_file_render
from sessions.models import Workshop


class Command(BaseCommand):
    help = (
        "Write a whole workshop (sessions, questions, intervention areas, delegations and "
        "their members, every translation) to a YAML file, or JSON when FILE ends in .json."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The workshop's slug.")
        parser.add_argument("file", help="Where to write; - for standard output.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["yaml", "json"],
            help="Default: from the file name, else YAML.",
        )

    def handle(self, *args, slug, file, fmt=None, **options):
        try:
            workshop = Workshop.objects.get(slug=slug)
        except Workshop.DoesNotExist:
            raise CommandError(f"No workshop with the slug {slug!r}.") from None
        fmt = fmt or file_format_for(file)
        text = workshop_file_render(data=workshop_export(workshop=workshop), fmt=fmt)
        if file == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(file).write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote workshop {slug!r} to {file}.")
