"""Previewing a session as delegations see it, in each of the workshop's languages, from
the session's admin pages."""

import re

from django.test import Client
from django.urls import reverse

from sessions.models import Session

from .conftest import SESSIONS_URL


def preview_url(session):
    return reverse(
        "summaries:session_preview", kwargs={"workshop": session.workshop.slug, "session": "V"}
    )


def test_preview_shows_question_text_in_french(facilitator_client, source):
    html = facilitator_client.get(preview_url(source) + "?lang=fr").text
    assert re.findall(r'<h3 class="h6 mb-1" lang="(\w+)">.*?</span> ([^<]*)</h3>', html)[:2] == [
        ("fr", "Question 1 en français ?"),
        ("fr", "Question 2 en français ?"),
    ]


def test_preview_notes_fallback_for_untranslated_language(facilitator_client, workshop, source):
    workshop.languages = "en,fr,vi"
    workshop.save()
    html = facilitator_client.get(preview_url(source) + "?lang=vi").text
    assert (
        "Câu hỏi 1 bằng tiếng Việt?" in html,
        html.count("Not yet translated into Vietnamese: shown in English."),
    ) == (True, 5)  # the guidance and questions 2 to 5


def test_preview_shows_banner_language_links_and_disabled_boxes(organiser_client, source):
    html = organiser_client.get(preview_url(source) + "?lang=fr").text
    assert (
        "Preview — this is what delegations see" in html,
        re.findall(r'<a class="ms-1" lang="(\w+)" href="\?lang=\w+">', html),
        len(re.findall(r"<textarea [^>]*disabled", html)),
    ) == (True, ["en"], 5)


def test_preview_shows_draft_sessions(facilitator_client, source):
    source.status = Session.Status.DRAFT
    source.save()
    assert facilitator_client.get(preview_url(source)).status_code == 200


def test_preview_is_404_for_delegation_member(member_a, source):
    client = Client()
    client.force_login(member_a)
    assert client.get(preview_url(source) + "?lang=fr").status_code == 404


def test_session_change_page_links_preview_per_language(facilitator_client, source):
    html = facilitator_client.get(
        reverse("admin:workshop_sessions_session_change", args=[source.pk])
    ).text
    assert re.findall(r'href="(/w/regional/preview/V/\?lang=\w+)"', html) == [
        "/w/regional/preview/V/?lang=en",
        "/w/regional/preview/V/?lang=fr",
    ]


def test_session_changelist_has_preview_column(facilitator_client, source):
    html = facilitator_client.get(SESSIONS_URL).text
    assert 'href="/w/regional/preview/V/?lang=fr"' in html
