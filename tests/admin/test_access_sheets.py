"""Access sheets are rendered by a task worker: the admin's request changes the
passwords in a short transaction and renders nothing, so nothing waits on it; the
page then follows the rendering and downloads the sheet, or offers to try again."""

import datetime as dt
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delegations.models import AccessSheet
from tests.factories import make_delegation

from .conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

WORKSHOPS_URL = reverse("admin:workshop_sessions_workshop_changelist")


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def print_sheet(client, workshop):
    return client.post(
        WORKSHOPS_URL,
        {"action": "create_delegation_accounts", "_selected_action": [workshop.pk], "apply": "yes"},
    )


def sheet_url(sheet):
    return reverse("admin:delegations_access_sheet", args=[sheet.pk])


def test_printing_changes_passwords_and_leaves_the_rendering_to_a_worker(
    facilitator_client, workshop, delegation_a, member_a
):
    response = print_sheet(facilitator_client, workshop)
    sheet = AccessSheet.objects.get()
    member_a.refresh_from_db()
    page = facilitator_client.get(response.url)
    assert (
        response.url,
        sheet.status,
        member_a.check_password("pass-alice"),
        DBTaskResult.objects.filter(status="READY").count(),
        "Waiting for a worker (manage.py db_worker)…" in page.text,
    ) == (sheet_url(sheet), "queued", False, 1, True)


def test_rendered_sheet_is_downloaded_and_its_passwords_forgotten(
    facilitator_client, workshop, delegation_a, member_a
):
    response = print_sheet(facilitator_client, workshop)
    run_worker()
    download = facilitator_client.get(response.url)
    sheet = AccessSheet.objects.get()
    assert (
        download["Content-Type"],
        download["Content-Disposition"],
        download.content[:5],
        sheet.cards,
    ) == (
        "application/pdf",
        'attachment; filename="access-cards-regional-senegal.pdf"',
        b"%PDF-",
        [],
    )


def test_an_autosave_succeeds_while_the_worker_renders_the_sheet(
    facilitator_client, workshop, delegation_a, member_a, session
):
    for number in range(40):  # five pages of cards: the rendering takes a while
        make_delegation(workshop, f"district-{number}")
    print_sheet(facilitator_client, workshop)
    member_a.refresh_from_db()  # a card of theirs was printed: a new password
    member = signed_in(member_a)
    seen = {}
    options = connection.settings_dict["OPTIONS"]
    timeout = options.get("timeout")

    def autosave_during_the_rendering():
        if connection.vendor == "sqlite":
            # This thread's connection gives up on SQLite's lock after 0.5 s, not 20 s.
            options["timeout"] = 0.5
        try:
            deadline = time.monotonic() + 60
            while AccessSheet.objects.get().status == "queued" and time.monotonic() < deadline:
                time.sleep(0.01)
            url = reverse(
                "summaries:answer_save",
                kwargs={
                    "workshop": "regional",
                    "delegation": "senegal",
                    "session": "V",
                    "number": 1,
                },
            )
            saved = member.post(url, {"text": "Saved meanwhile", "language": "fr", "version": 0})
            seen.update(status=saved.status_code, sheet=AccessSheet.objects.get().status)
        finally:
            connection.close()

    autosave = threading.Thread(target=autosave_during_the_rendering, daemon=True)
    autosave.start()
    try:
        run_worker()  # in this thread, as a worker runs: it handles signals
    finally:
        autosave.join(120)
        if connection.vendor == "sqlite":
            options["timeout"] = timeout
    assert (seen, AccessSheet.objects.get().status) == (
        {"status": 200, "sheet": "rendering"},
        "ready",
    )


def test_sheet_whose_worker_died_offers_to_try_again_and_then_renders(
    facilitator_client, workshop, delegation_a, member_a
):
    response = print_sheet(facilitator_client, workshop)
    # A worker claimed it and was killed: its claim has run out.
    AccessSheet.objects.update(status="rendering", leased_until=timezone.now() - dt.timedelta(1))
    page = facilitator_client.get(response.url)
    retried = facilitator_client.get(response.url + "?retry=1")
    run_worker()
    assert (
        "The worker making this access sheet stopped before it was done." in page.text,
        'id="document-retry"' in page.text,
        "Waiting for a worker" in retried.text,
        facilitator_client.get(response.url)["Content-Type"],
    ) == (True, True, True, "application/pdf")


def test_sheet_past_the_time_limit_says_so_and_offers_to_try_again(
    facilitator_client, workshop, delegation_a, member_a, settings
):
    settings.PDF_RENDER_SECONDS = 0.001
    response = print_sheet(facilitator_client, workshop)
    run_worker()
    page = facilitator_client.get(response.url)
    assert (
        AccessSheet.objects.get().status,
        "needed more time or memory than a PDF may take" in page.text,
        'id="document-retry"' in page.text,
    ) == ("failed", True, True)


def test_sheet_is_served_only_to_who_asked_for_it(
    facilitator_client, staff_groups, workshop, delegation_a, member_a
):
    response = print_sheet(facilitator_client, workshop)
    run_worker()
    colleague = User.objects.create_user("colleague", is_staff=True)
    colleague.groups.add(staff_groups["Facilitators"])
    assert signed_in(colleague).get(response.url).status_code == 404


def test_sheet_is_no_longer_served_after_an_hour(
    facilitator_client, workshop, delegation_a, member_a
):
    response = print_sheet(facilitator_client, workshop)
    run_worker()
    AccessSheet.objects.update(created_at=timezone.now() - dt.timedelta(hours=1, minutes=1))
    assert facilitator_client.get(response.url).status_code == 404


def test_a_new_print_deletes_sheets_older_than_an_hour(
    facilitator_client, workshop, delegation_a, member_a
):
    print_sheet(facilitator_client, workshop)
    AccessSheet.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    print_sheet(facilitator_client, workshop)
    assert AccessSheet.objects.count() == 1
