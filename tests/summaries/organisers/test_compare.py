"""One question across every delegation, side by side, for organisers."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from sessions.models import Session
from tests.conftest import make_member

from .conftest import THAI_TITLE, VIETNAMESE_TITLE, write_answers

pytestmark = pytest.mark.django_db


def compare_url(number=3, session="V", query=""):
    url = reverse(
        "summaries:compare", kwargs={"workshop": "regional", "session": session, "number": number}
    )
    return url + (f"?{query}" if query else "")


@pytest.fixture
def answers(
    session,
    delegation_a,
    thai_community,
    vietnamese_province,
    member_a,
):
    write_answers(delegation_a, session, member_a, {3: "Plaidoyer auprès du ministère"}, "fr")
    write_answers(
        thai_community, session, make_member("somchai", thai_community), {3: THAI_TITLE}, "th"
    )
    write_answers(
        vietnamese_province,
        session,
        make_member("lan", vietnamese_province),
        {3: VIETNAMESE_TITLE, 4: "Not this question"},
        "vi",
    )


def test_compare_shows_each_answer_in_its_language(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(compare_url())
    assert [
        (entry.delegation.slug, entry.language, entry.text)
        for entry in response.context["comparison"].entries
    ] == [
        ("senegal", "fr", "Plaidoyer auprès du ministère"),
        ("dien-bien", "vi", VIETNAMESE_TITLE),
        ("nong-bua", "th", THAI_TITLE),
    ]


def test_compare_marks_answer_language(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(compare_url())
    assert f'<div class="answer-text" lang="th">{THAI_TITLE}</div>' in response.text
    assert f'<div class="answer-text" lang="vi">{VIETNAMESE_TITLE}</div>' in response.text


def test_compare_lists_delegations_without_answer(client, organiser, answers, delegation_b):
    client.force_login(organiser)
    response = client.get(compare_url())
    assert "No answer yet." in response.text
    assert response.context["comparison"].answered == 3


def test_compare_shows_question_in_workshop_languages(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(compare_url())
    assert [(code, str(text)) for code, text in response.context["comparison"].texts] == [
        ("en", "Question 3 in English?"),
        ("fr", "Question 3 en français ?"),
    ]


def test_compare_filters_delegations(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(compare_url(query="kind=province"))
    assert [e.delegation.slug for e in response.context["comparison"].entries] == ["dien-bien"]


def test_compare_links_previous_and_next_question(client, organiser, answers):
    client.force_login(organiser)
    comparison = client.get(compare_url()).context["comparison"]
    assert (comparison.previous_number, comparison.next_number) == (2, 4)


def test_compare_last_question_has_no_next(client, organiser, answers):
    client.force_login(organiser)
    comparison = client.get(compare_url(number=5)).context["comparison"]
    assert (comparison.previous_number, comparison.next_number) == (4, None)


def test_compare_page_has_print_stylesheet(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(compare_url())
    # A static file, not an inline <style>: the Content-Security-Policy allows no inline style.
    assert '<link rel="stylesheet" href="/static/portal/compare.css">' in response.text
    css = Path(finders.find("portal/compare.css")).read_text()
    assert "@media print" in css
    assert "page-break-inside: avoid" in css


def test_compare_unknown_question_is_404(client, organiser, session):
    client.force_login(organiser)
    assert client.get(compare_url(number=9)).status_code == 404


def test_compare_unknown_session_is_404(client, organiser, session):
    client.force_login(organiser)
    assert client.get(compare_url(session="IX")).status_code == 404


def test_compare_draft_session_is_open_to_organisers(client, organiser, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    client.force_login(organiser)
    assert client.get(compare_url()).status_code == 200
