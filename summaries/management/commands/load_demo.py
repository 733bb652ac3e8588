import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from delegations.demo import DEMO_PASSWORD, demo_load
from delegations.workshop_files import WorkshopFileError
from sessions.models import Workshop
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
        self.stdout.write(f"Demo workshops dated around today ({timezone.localdate():%Y-%m-%d}):")
        slugs = {login.workshop for login in logins if login.delegation}
        for workshop in Workshop.objects.filter(slug__in=slugs).order_by("start_date", "slug"):
            zone = zoneinfo.ZoneInfo(workshop.time_zone)
            deadlines = sorted(
                f"{session.code} due {timezone.localtime(session.deadline, zone):%Y-%m-%d %H:%M}"
                for session in workshop.sessions.exclude(deadline=None)
            )
            self.stdout.write(
                f"  {workshop.slug}: {workshop.start_date:%Y-%m-%d} to {workshop.end_date:%Y-%m-%d}"
                + (f" ({', '.join(deadlines)})" if deadlines else "")
            )
        if options["sample_answers"]:
            slugs = sorted({login.workshop for login in logins if login.delegation})
            count = demo_sample_answers(workshop_slugs=slugs)
            self.stdout.write(f"{count} sample answers written.")
