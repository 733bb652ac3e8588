from django.core.management.base import BaseCommand, CommandError

from delegations.demo import DEMO_PASSWORD, demo_load
from delegations.workshop_files import WorkshopFileError

COLUMNS = ("username", "password", "role", "workshop", "delegation")


class Command(BaseCommand):
    help = (
        "Load the demo workshops from demo/*.yaml and create the demo accounts "
        "(facilitator, organiser, one rapporteur per delegation), all with the password "
        f"{DEMO_PASSWORD}. Safe to run again. Never on a server holding real workshop data."
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
