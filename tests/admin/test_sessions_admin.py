"""The facilitators' admin for workshops, sessions, questions and intervention areas."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from sessions.models import GuidanceQuestion, InterventionArea, Session

CONTENT_LANGUAGES = ["en", "fr", "th", "vi"]


def tab_languages(html, field):
    """The languages that have a modeltranslation tab field for ``field`` on the page."""
    return sorted(set(re.findall(rf'class="[^"]*\bmt-field-{field}-([a-z_]+)\b', html)))


def question_numbers(html):
    """The question numbers of the inline, in page order."""
    return [
        int(number) for number in re.findall(r'name="questions-\d+-number" value="(\d+)"', html)
    ]


@pytest.fixture
def workshop_url(workshop):
    return reverse("admin:workshop_sessions_workshop_change", args=[workshop.pk])


@pytest.fixture
def session_url(session):
    return reverse("admin:workshop_sessions_session_change", args=[session.pk])


def test_workshop_changelist_lists_the_workshop(facilitator_client, workshop):
    response = facilitator_client.get(reverse("admin:workshop_sessions_workshop_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_workshop_change_page_loads_for_facilitator(facilitator_client, workshop_url, session):
    assert facilitator_client.get(workshop_url).status_code == 200


def test_workshop_change_page_has_a_tab_per_language(facilitator_client, workshop_url):
    html = facilitator_client.get(workshop_url).text
    assert tab_languages(html, "title") == CONTENT_LANGUAGES


def test_workshop_change_page_loads_tabs_from_vendored_jquery_ui(facilitator_client, workshop_url):
    html = facilitator_client.get(workshop_url).text
    assert re.findall(r'<script src="([^"]*(?:jquery-ui|tabbed_translation)[^"]*)"', html) == [
        "/static/vendor/jquery-ui/jquery-ui.min.js",
        "/static/modeltranslation/js/tabbed_translation_fields.js",
    ]


def test_workshop_change_page_shows_sessions_inline_with_change_links(
    facilitator_client, workshop_url, session
):
    html = facilitator_client.get(workshop_url).text
    assert 'name="sessions-0-code" value="V"' in html
    assert reverse("admin:workshop_sessions_session_change", args=[session.pk]) in html


def test_workshop_change_page_inline_session_titles_have_tabs(
    facilitator_client, workshop_url, session
):
    html = facilitator_client.get(workshop_url).text
    assert re.findall(r'name="sessions-0-title_(\w+)"', html) == ["en", "fr", "vi", "th"]


def test_workshop_change_page_lists_delegations_read_only(
    facilitator_client, workshop_url, delegation_a, delegation_b
):
    inline = facilitator_client.get(workshop_url).context["inline_admin_formsets"][1]
    assert [form.original.name for form in inline] == ["Ghana", "Senegal"]
    assert inline.has_change_permission is False


def test_session_changelist_loads_for_facilitator(facilitator_client, session):
    response = facilitator_client.get(reverse("admin:workshop_sessions_session_changelist"))
    assert response.status_code == 200
    assert [s.code for s in response.context["cl"].result_list] == ["V"]


def test_session_change_page_loads_for_facilitator(facilitator_client, session_url):
    assert facilitator_client.get(session_url).status_code == 200


def test_session_change_page_has_a_tab_per_language(facilitator_client, session_url):
    html = facilitator_client.get(session_url).text
    assert {
        field: tab_languages(html, field) for field in ("title", "guidance", "instructions")
    } == {
        "title": CONTENT_LANGUAGES,
        "guidance": CONTENT_LANGUAGES,
        "instructions": CONTENT_LANGUAGES,
    }


def test_session_change_page_questions_have_a_tab_per_language(facilitator_client, session_url):
    html = facilitator_client.get(session_url).text
    assert re.findall(r'name="questions-0-(text_\w+|help_text_\w+)"', html) == [
        "text_en",
        "text_fr",
        "text_vi",
        "text_th",
        "help_text_en",
        "help_text_fr",
        "help_text_vi",
        "help_text_th",
    ]


def test_session_change_page_shows_questions_in_order(facilitator_client, session, session_url):
    # Question 5 moved first: the inline follows ``order``, not the number.
    GuidanceQuestion.objects.filter(session=session, number=5).update(order=0)
    html = facilitator_client.get(session_url).text
    assert question_numbers(html) == [5, 1, 2, 3, 4]


def test_session_change_page_shows_french_question_text(facilitator_client, session_url):
    html = facilitator_client.get(session_url).text
    assert "Question 3 en français ?</textarea>" in html


def test_session_change_saves_translated_question(facilitator_client, session, session_url):
    form = facilitator_client.get(session_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "workshop": session.workshop_id,
            "deadline_0": "",
            "deadline_1": "",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "1",
            "questions-0-id": session.questions.get(number=1).pk,
            "questions-0-session": session.pk,
            "questions-0-number": "1",
            "questions-0-order": "1",
            "questions-0-feeds": "nothing",
            "questions-0-kind": "text",
            "questions-0-text_en": "Question 1 in English?",
            "questions-0-text_vi": "Câu hỏi 1 bằng tiếng Việt?",
        }
    )
    response = facilitator_client.post(session_url, data)
    assert response.status_code == 302
    assert session.questions.get(number=1).text_vi == "Câu hỏi 1 bằng tiếng Việt?"


def run_action(client, action, *sessions):
    return client.post(
        reverse("admin:workshop_sessions_session_changelist"),
        {"action": action, "_selected_action": [s.pk for s in sessions]},
        follow=True,
    )


def test_close_sessions_action_closes_them(facilitator_client, session):
    run_action(facilitator_client, "close_sessions", session)
    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED


def test_open_sessions_action_opens_them(facilitator_client, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    run_action(facilitator_client, "open_sessions", session)
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN


def test_draft_sessions_action_sets_them_back_to_draft(facilitator_client, session):
    run_action(facilitator_client, "draft_sessions", session)
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_close_sessions_action_says_how_many_changed(facilitator_client, workshop, session):
    already_closed = Session.objects.create(
        workshop=workshop, code="VI", title_en="Six", status=Session.Status.CLOSED
    )
    response = run_action(facilitator_client, "close_sessions", session, already_closed)
    assert [str(message) for message in response.context["messages"]] == ["1 session closed."]


def test_close_sessions_action_is_logged(facilitator_client, facilitator, session):
    run_action(facilitator_client, "close_sessions", session)
    entry = LogEntry.objects.get(object_id=str(session.pk))
    assert (entry.user, entry.get_change_message()) == (facilitator, "Changed Status.")


def test_intervention_area_change_page_has_a_tab_per_language(facilitator_client, db):
    area = InterventionArea.objects.create(code="finance", name_en="Finance", order=1)
    html = facilitator_client.get(
        reverse("admin:workshop_sessions_interventionarea_change", args=[area.pk])
    ).text
    assert tab_languages(html, "name") == CONTENT_LANGUAGES


def test_intervention_area_changelist_follows_order(facilitator_client, db):
    InterventionArea.objects.create(code="b-second", name_en="Second", order=2)
    InterventionArea.objects.create(code="a-third", name_en="Third", order=3)
    InterventionArea.objects.create(code="c-first", name_en="First", order=1)
    response = facilitator_client.get(
        reverse("admin:workshop_sessions_interventionarea_changelist")
    )
    assert [area.code for area in response.context["cl"].result_list] == [
        "c-first",
        "b-second",
        "a-third",
    ]
