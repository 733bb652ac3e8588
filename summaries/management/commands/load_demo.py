from django.core.management.base import BaseCommand, CommandError

from delegations.demo import DEMO_PASSWORD, demo_load
from delegations.workshop_files import WorkshopFileError
from summaries.demo import demo_sample_answers

COLUMNS = ("username", "password", "role", "workshop", "delegation")


class Command(BaseCommand):
    help = (
        "Load the demo workshops from demo/*.yaml and create the demo accounts "
        "(facilitator, organiser, one rapporteur per delegation), all with the password "
        f"{DEMO_PASSWORD}. Safe to run again. Never on a server holding real workshop data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample-answers",
            action="store_true",
            help="Also fill plausible answers for the demo delegations (answers they "
            "already have are left alone), so that the organisers' views can be tried.",
        )

    def handle(self, *args, **options):
        try:
            logins = demo_load()
        except WorkshopFileError as exc:
            raise CommandError("The demo was not loaded:\n" + "\n".join(exc.errors)) from None
        rows = [
            COLUMNS,
            *([getattr(login, column) or "-" for column in COLUMNS] for login in logins),
        ]
        widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        self.stdout.write(
            self.style.WARNING(f"{len(logins)} demo accounts share a known password: demo only.")
        )
        if options["sample_answers"]:
            slugs = sorted({login.workshop for login in logins if login.delegation})
            count = demo_sample_answers(workshop_slugs=slugs)
            self.stdout.write(f"{count} sample answers written.")
