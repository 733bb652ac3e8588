"""The demo: the workshops in ``demo/`` and accounts that sign in with a known password.

For trying the portal and for training, never on a server holding real workshop
data: every demo account has the password ``DEMO_PASSWORD``.

The files carry the dates of the events they come from; :func:`demo_load` moves each
workshop's dates (first and last day, session deadlines) by whole days so that it
runs on the day the demo is loaded (:func:`demo_dated`): a demo loaded any day shows
open sessions and working card links.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Membership
from .services import staff_groups_ensure
from .workshop_files import (
    WorkshopFileError,
    workshop_file_parse,
    workshop_file_validate,
    workshop_import,
)

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_PASSWORD = "demo1234"
ALL_WORKSHOPS = "(all)"
# (username, group, role shown in the table of logins)
DEMO_STAFF = (
    ("facilitator", "Facilitators", "facilitator"),
    ("organiser", "Organisers", "organiser"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    workshop: str
    delegation: str


# A workshop whose sessions are due before its first day (answers sent ahead of a
# meeting) is dated so that its first deadline is this far away.
DEADLINE_AHEAD = dt.timedelta(days=2)


def demo_dated(data, *, now=None):
    """The parsed workshop file ``data`` with every date moved by the same whole number
    of days so that the workshop is live at ``now`` (default: the current time): it
    starts today in its own time zone, or, when a session is due before the first day,
    that first deadline is ``DEADLINE_AHEAD`` away. Times of day are kept."""
    workshop = data["workshop"]
    try:
        zone = zoneinfo.ZoneInfo(workshop.get("time_zone") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    now = (now or timezone.now()).astimezone(zone)
    start = dt.date.fromisoformat(str(workshop["start_date"]))
    shift = now.date() - start
    deadlines = [
        dt.datetime.fromisoformat(str(session["deadline"]))
        for session in data.get("sessions", [])
        if session.get("deadline")
    ]
    if deadlines and min(deadlines).astimezone(zone).date() < start:
        first = min(deadlines).astimezone(zone)
        shift = dt.timedelta(days=((now + DEADLINE_AHEAD).date() - first.date()).days)
    dated = {**data, "workshop": {**workshop}}
    for key in ("start_date", "end_date"):
        dated["workshop"][key] = (dt.date.fromisoformat(str(workshop[key])) + shift).isoformat()
    dated["sessions"] = [
        {
            **session,
            "deadline": (dt.datetime.fromisoformat(str(session["deadline"])) + shift).isoformat()
            if session.get("deadline")
            else session.get("deadline"),
        }
        for session in data.get("sessions", [])
    ]
    return dated


@transaction.atomic
def demo_load(*, directory=DEMO_DIR, now=None):
    """Import every ``*.yaml`` workshop file in ``directory``, dated around ``now``
    (:func:`demo_dated`), and set up the demo accounts.

    Returns the logins, staff first. Idempotent: a second run on the same day changes
    nothing (on a later day it moves the dates again). The password is set only on
    the demo accounts: ``facilitator``, ``organiser`` and the rapporteurs named in
    the demo files. Raises ``WorkshopFileError`` (each message prefixed with the file
    name) and writes nothing if a file is refused.
    """
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise WorkshopFileError([f"{directory}: no *.yaml workshop file"])
    groups = _staff_groups()
    logins = [
        DemoLogin(
            _demo_account(username, group=groups[group]).username,
            DEMO_PASSWORD,
            role,
            ALL_WORKSHOPS,
            "",
        )
        for username, group, role in DEMO_STAFF
    ]
    for path in paths:
        try:
            data = workshop_file_parse(text=path.read_text(encoding="utf-8"))
            if "sessions" in data and "workshop" in data:
                data = demo_dated(data, now=now)
            result = workshop_import(data=data)
        except WorkshopFileError as exc:
            raise WorkshopFileError([f"{path.name}: {error}" for error in exc.errors]) from None
        for delegation in workshop_file_validate(data)["delegations"]:
            for member in delegation["members"]:
                if member["role"] == Membership.Role.RAPPORTEUR:
                    _demo_account(member["username"])
                    logins.append(
                        DemoLogin(
                            member["username"],
                            DEMO_PASSWORD,
                            member["role"],
                            result.workshop.slug,
                            delegation["slug"],
                        )
                    )
    return logins


def _staff_groups():
    return staff_groups_ensure()


def _demo_account(username, *, group=None):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    changed = user.pk is None
    if group is not None and not user.is_staff:
        user.is_staff = changed = True
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.full_clean()
        user.save()
    if group is not None:
        user.groups.add(group)
    return user
