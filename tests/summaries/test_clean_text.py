"""Control characters are cleaned at the door, on every path text comes in by, and an
old row that still holds one never fails an export."""

import io

import pytest
from django.db.models import TextField
from django.urls import reverse
from openpyxl import load_workbook

from summaries import services
from summaries.exports import ExportTable, table_xlsx
from summaries.models import ActionItem, Answer, Summary, TARequest

pytestmark = pytest.mark.django_db

# Word's manual line break, a start-of-heading, an escape, a NUL and a C1 control.
DIRTY = "Budget\x0bline\x01 2027\x1b[0m\x00\x85end"
CLEAN = "Budget\nline 2027[0m\nend"
# The same in a one-line box (a title, a name): each line break a space.
LINE = "Budget line 2027[0m end"
# What an old row may hold: PostgreSQL never stored NUL, SQLite did.
OLD_ROW = DIRTY.replace("\x00", "")


def summary_url(name, delegation, session, **kwargs):
    return reverse(
        f"summaries:{name}",
        kwargs={
            "workshop": delegation.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
            **kwargs,
        },
    )


def plan_url(name, delegation, **kwargs):
    return reverse(
        f"summaries:{name}",
        kwargs={"workshop": delegation.workshop.slug, "delegation": delegation.slug, **kwargs},
    )


def test_autosaved_answer_is_cleaned(client, delegation_a, session, member_a):
    client.force_login(member_a)
    response = client.post(
        summary_url("answer_save", delegation_a, session, number=1),
        {"text": DIRTY, "discussed": "on", "language": "fr", "version": 0},
        headers={"accept": "application/json"},
    )
    assert (response.status_code, response.json()["values"]["text"]) == (200, CLEAN)
    assert Answer.objects.get().text == CLEAN


def test_summary_details_are_cleaned(client, delegation_a, session, member_a):
    summary = services.summary_get_or_create(delegation=delegation_a, session=session)
    client.force_login(member_a)
    response = client.post(
        summary_url("details_save", delegation_a, session),
        {"participants": DIRTY, "rapporteur": "Awa\x0bDiop", "version": summary.version},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    summary = Summary.objects.get()
    assert (summary.participants, summary.rapporteur) == (CLEAN, "Awa Diop")


@pytest.mark.parametrize(
    ("kind", "text_fields", "extra"),
    [
        (
            "action",
            ("title", "description", "milestone", "responsible", "partners", "resources_needed"),
            {"start_month": 1, "end_month": 24, "currency": "USD"},
        ),
        (
            "ta",
            ("title", "need", "preferred_provider"),
            {"kind": "expertise", "priority": "medium", "status": "draft", "currency": "USD"},
        ),
    ],
)
def test_every_plan_field_is_cleaned(client, delegation_a, member_a, kind, text_fields, extra):
    client.force_login(member_a)
    data = {**extra, **{name: f"{name}: {DIRTY}" for name in text_fields}}
    response = client.post(plan_url("plan_item_create", delegation_a, kind=kind), data)
    assert response.status_code == 302
    model = ActionItem if kind == "action" else TARequest
    item = model.objects.get()
    one_line = {
        name for name in text_fields if not isinstance(model._meta.get_field(name), TextField)
    }
    assert one_line  # titles at least
    assert {name: getattr(item, name) for name in text_fields} == {
        name: f"{name}: {LINE if name in one_line else CLEAN}" for name in text_fields
    }


def test_prefill_cleans_an_old_answer(delegation_a, session, member_a):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    # Saved before text was cleaned at the door.
    Answer.objects.create(
        summary=summary, question=session.questions.get(number=4), text=OLD_ROW, version=1
    )
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (1, 0)
    action = ActionItem.objects.get()
    assert (action.title, action.description) == ("Budget", CLEAN)


def test_xlsx_export_survives_a_control_character_in_an_old_row():
    table = ExportTable(title="TA requests", headers=("Title",), rows=((DIRTY,), ("ok",)))
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Title", CLEAN, "ok"]


def test_organisers_xlsx_export_of_an_old_dirty_title_is_200(client, organiser, delegation_a):
    ActionItem.objects.create(delegation=delegation_a, title=OLD_ROW, order=1)
    client.force_login(organiser)
    response = client.get(
        reverse(
            "summaries:export_file",
            kwargs={"workshop": "regional", "table": "actions", "fmt": "xlsx"},
        )
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (response.status_code, sheet["E2"].value) == (200, CLEAN)
