"""A whole workshop from its admin pages: export (the file ``export_workshop`` writes),
import (the validation and messages of ``import_workshop``, nothing written on an
error) and duplicate (sessions and questions as drafts under a new slug). Facilitators
may; organisers, who only view workshops, may not."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

pytestmark = pytest.mark.django_db

HPG_FILE = Path(settings.BASE_DIR) / "demo" / "hpg-consultation.yaml"


def export_url(workshop):
    return reverse("admin:workshop_sessions_workshop_export", args=[workshop.pk])


def duplicate_url(workshop):
    return reverse("admin:workshop_sessions_workshop_duplicate", args=[workshop.pk])


IMPORT_URL = "/admin/workshop_sessions/workshop/import/"


def upload(client, name, text):
    return client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, text.encode("utf-8"))}, follow=True
    )


@pytest.fixture
def regional(session, delegation_a, delegation_b, member_a, member_b):
    """The shared workshop with session V, two delegations and their members."""
    return session.workshop


def command_export(slug):
    out = io.StringIO()
    call_command("export_workshop", slug, "-", stdout=out)
    return out.getvalue()


def test_import_url_is_the_admins():
    assert reverse("admin:workshop_sessions_workshop_import") == IMPORT_URL


def test_export_downloads_the_file_export_workshop_writes(facilitator_client, regional):
    response = facilitator_client.get(export_url(regional))
    assert (
        response.status_code,
        response["Content-Disposition"],
        response.content.decode("utf-8"),
    ) == (200, 'attachment; filename="regional.yaml"', command_export("regional"))


def test_export_import_export_round_trip_through_an_empty_database(facilitator_client, regional):
    exported = facilitator_client.get(export_url(regional)).content.decode("utf-8")
    Workshop.objects.all().delete()
    InterventionArea.objects.all().delete()
    User.objects.filter(is_staff=False).delete()
    assert (Workshop.objects.count(), Delegation.objects.count()) == (0, 0)

    response = upload(facilitator_client, "regional.yaml", exported)
    workshop = Workshop.objects.get(slug="regional")
    again = facilitator_client.get(export_url(workshop)).content.decode("utf-8")
    assert (response.redirect_chain[-1][0], again) == (
        reverse("admin:workshop_sessions_workshop_change", args=[workshop.pk]),
        exported,
    )


def test_import_reports_what_it_created(facilitator_client, staff_groups):
    response = upload(facilitator_client, "hpg-consultation.yaml", HPG_FILE.read_text("utf-8"))
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Imported workshop “hpg-consultation” from hpg-consultation.yaml: "
        "workshops: 1 created, 0 updated, 0 unchanged; "
        "sessions: 1 created, 0 updated, 0 unchanged; "
        "questions: 3 created, 0 updated, 0 unchanged; "
        "delegations: 2 created, 0 updated, 0 unchanged; "
        "users: 2 created, 0 updated, 0 unchanged; "
        "memberships: 2 created, 0 updated, 0 unchanged; "
        "financing sources: 0 created, 0 updated, 6 unchanged."
    ]


def test_import_refuses_an_invalid_file_by_key_path_and_writes_nothing(
    facilitator_client, staff_groups
):
    text = HPG_FILE.read_text("utf-8").replace("time_box_minutes: 60", "time_box_minutes: -5")
    response = upload(facilitator_client, "hpg.yaml", text)
    errors = response.context["file_errors"]
    assert (errors, Workshop.objects.count(), User.objects.filter(is_staff=False).count()) == (
        ["sessions[0].time_box_minutes: Ensure this value is greater than or equal to 1."],
        0,
        0,
    )


def test_import_refuses_a_yaml_syntax_error_with_its_line(facilitator_client, staff_groups):
    response = upload(facilitator_client, "broken.yaml", "format: 1\nworkshop: [\n")
    assert response.context["file_errors"][0].startswith("line 3, column 1:")


def test_import_refuses_a_file_that_is_not_utf8(facilitator_client, staff_groups):
    response = facilitator_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("w.yaml", "é".encode("latin-1"))}
    )
    assert response.context["form"].errors == {"file": ["The file is not UTF-8 text."]}


def test_duplicate_copies_the_workshop_with_draft_sessions(facilitator_client, regional):
    response = facilitator_client.post(duplicate_url(regional), {"slug": "regional-2027"})
    copy = Workshop.objects.get(slug="regional-2027")
    sessions = list(Session.objects.filter(workshop=copy))
    questions = GuidanceQuestion.objects.filter(session__workshop=copy).order_by("number")
    assert (
        response["Location"],
        (copy.title_en, copy.title_fr, copy.languages, copy.start_date),
        [(s.code, s.title_fr, s.status, s.deadline) for s in sessions],
        [q.text_fr for q in questions],
        Delegation.objects.filter(workshop=copy).count(),
    ) == (
        reverse("admin:workshop_sessions_workshop_change", args=[copy.pk]),
        ("Regional workshop", "Atelier régional", "en,fr", regional.start_date),
        [("V", "Mobiliser les ressources", "draft", None)],
        [f"Question {n} en français ?" for n in range(1, 6)],
        0,
    )


def test_duplicate_refuses_a_taken_slug(facilitator_client, regional):
    response = facilitator_client.post(duplicate_url(regional), {"slug": "regional"})
    assert (response.context["form"].errors, Workshop.objects.count()) == (
        {"slug": ["A workshop with the slug “regional” already exists."]},
        1,
    )


def test_change_page_shows_export_and_duplicate_to_facilitators(facilitator_client, regional):
    page = facilitator_client.get(
        reverse("admin:workshop_sessions_workshop_change", args=[regional.pk])
    ).content.decode()
    assert (
        f'href="{export_url(regional)}"' in page,
        f'href="{duplicate_url(regional)}"' in page,
    ) == (
        True,
        True,
    )


def test_changelist_shows_import_to_facilitators(facilitator_client, regional):
    page = facilitator_client.get(reverse("admin:workshop_sessions_workshop_changelist"))
    assert f'href="{IMPORT_URL}"' in page.content.decode()


# --- organisers only view ------------------------------------------------------------


def test_organiser_sees_no_workshop_file_buttons(organiser_client, regional):
    change = organiser_client.get(
        reverse("admin:workshop_sessions_workshop_change", args=[regional.pk])
    ).content.decode()
    changelist = organiser_client.get(
        reverse("admin:workshop_sessions_workshop_changelist")
    ).content.decode()
    assert (
        export_url(regional) in change,
        duplicate_url(regional) in change,
        IMPORT_URL in changelist,
    ) == (
        False,
        False,
        False,
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_organiser_is_refused_every_workshop_file_page(organiser_client, regional, method):
    send = getattr(organiser_client, method)
    statuses = [
        send(url).status_code for url in (export_url(regional), duplicate_url(regional), IMPORT_URL)
    ]
    assert statuses == [403, 403, 403]


def test_organiser_import_writes_nothing(organiser_client, staff_groups):
    organiser_client.post(IMPORT_URL, {"file": SimpleUploadedFile("h.yaml", HPG_FILE.read_bytes())})
    assert Workshop.objects.count() == 0


def test_export_of_an_unknown_workshop_is_404(facilitator_client, staff_groups):
    url = reverse("admin:workshop_sessions_workshop_export", args=[999999])
    assert facilitator_client.get(url).status_code == 404
