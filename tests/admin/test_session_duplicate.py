"""Duplicating sessions into another workshop from the admin: every language of their
texts and questions, as drafts, refused on a code clash and to organisers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sessions.models import GuidanceQuestion, Session
from sessions.services import session_duplicate
from tests.factories import make_workshop

from .conftest import SESSIONS_URL


@pytest.fixture
def target(db):
    return make_workshop(
        title_en="National workshop",
        slug="national",
        start_date=dt.date(2027, 2, 1),
        end_date=dt.date(2027, 2, 3),
        languages="en,fr,vi,th",
        default_language="fr",
    )


def duplicate(client, sessions, workshop, code_suffix=""):
    return client.post(
        SESSIONS_URL,
        {
            "action": "duplicate_sessions",
            "_selected_action": [session.pk for session in sessions],
            "apply": "yes",
            "workshop": workshop.pk,
            "code_suffix": code_suffix,
        },
    )


# Duplicating sessions


def test_duplicate_action_shows_confirmation_page_first(facilitator_client, source, target):
    response = facilitator_client.post(
        SESSIONS_URL, {"action": "duplicate_sessions", "_selected_action": [source.pk]}
    )
    assert (response.status_code, response.templates[0].name, Session.objects.count()) == (
        200,
        "admin/workshop_sessions/session/duplicate.html",
        1,
    )


def test_duplicate_action_copies_title_and_guidance_in_every_language(
    facilitator_client, source, target
):
    duplicate(facilitator_client, [source], target)
    copy = Session.objects.get(workshop=target)
    assert (
        copy.code,
        copy.title_en,
        copy.title_fr,
        copy.title_vi,
        copy.title_th,
        copy.guidance_en,
        copy.guidance_fr,
        copy.instructions_fr,
    ) == (
        "V",
        "Mobilizing resources",
        "Mobiliser les ressources",
        "Huy động nguồn lực",
        "การระดมทรัพยากร",
        "Each delegation takes 30 minutes.",
        "Chaque délégation prend 30 minutes.",
        "Notez vos réponses.",
    )


def test_duplicate_action_copies_every_question_in_every_language(
    facilitator_client, source, target
):
    duplicate(facilitator_client, [source], target)
    questions = GuidanceQuestion.objects.filter(session__workshop=target).order_by("number")
    assert [(q.number, q.text_en, q.text_fr, q.text_vi, q.text_th, q.feeds) for q in questions] == [
        (
            1,
            "Question 1 in English?",
            "Question 1 en français ?",
            "Câu hỏi 1 bằng tiếng Việt?",
            "คำถามที่ 1 ภาษาไทย?",
            "nothing",
        ),
        (2, "Question 2 in English?", "Question 2 en français ?", None, None, "nothing"),
        (3, "Question 3 in English?", "Question 3 en français ?", None, None, "nothing"),
        (4, "Question 4 in English?", "Question 4 en français ?", None, None, "action_plan"),
        (5, "Question 5 in English?", "Question 5 en français ?", None, None, "action_plan"),
    ]


def test_duplicate_action_makes_a_draft_and_leaves_the_source(facilitator_client, source, target):
    response = duplicate(facilitator_client, [source], target)
    source.refresh_from_db()
    copy = Session.objects.get(workshop=target)
    assert (response.status_code, copy.status, source.status, source.questions.count()) == (
        302,
        Session.Status.DRAFT,
        Session.Status.OPEN,
        5,
    )


def test_duplicate_action_code_clash_refuses_and_copies_nothing(
    facilitator_client, workshop, source, target
):
    other = Session.objects.create(workshop=workshop, code="W", title_en="Planning")
    Session.objects.create(workshop=target, code="W", title_en="Already here")
    response = duplicate(facilitator_client, [source, other], target)
    assert (
        response.status_code,
        response.context["form"].non_field_errors(),
        list(Session.objects.filter(workshop=target).values_list("code", flat=True)),
        GuidanceQuestion.objects.filter(session__workshop=target).count(),
    ) == (200, ["The workshop “National workshop” already has a session W."], ["W"], 0)


def test_duplicate_action_code_suffix_renames_taken_codes(facilitator_client, source, target):
    Session.objects.create(workshop=target, code="V", title_en="Already here")
    duplicate(facilitator_client, [source], target, code_suffix="-2")
    assert sorted(Session.objects.filter(workshop=target).values_list("code", flat=True)) == [
        "V",
        "V-2",
    ]


def test_duplicate_action_is_refused_to_organiser(organiser_client, source, target):
    response = duplicate(organiser_client, [source], target)
    assert (response.status_code, Session.objects.filter(workshop=target).count()) == (403, 0)


def test_session_duplicate_code_clash_raises(source, target):
    Session.objects.create(workshop=target, code="V", title_en="Already here")
    with pytest.raises(ValidationError) as raised:
        session_duplicate(session=source, workshop=target)
    assert raised.value.messages == ["The workshop “National workshop” already has a session V."]
