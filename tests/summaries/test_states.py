"""One state for a delegation in a session, the same on every page."""

import pytest
from django.urls import reverse

from sessions.models import Session
from summaries import services
from summaries.selectors.states import delegation_states

pytestmark = pytest.mark.django_db


@pytest.fixture
def day3(workshop):
    return Session.objects.create(
        workshop=workshop, code="D3", kind=Session.Kind.ACTION_PLANNING, status="open"
    )


def states(delegation, *sessions):
    return [(s.state, s.count) for s in delegation_states(delegation=delegation, sessions=sessions)]


def test_nothing_written_is_not_started(delegation_a, session, day3):
    assert states(delegation_a, session, day3) == [("not_started", 0), ("not_started", 0)]


def test_answers_make_a_draft_and_submitting_makes_it_submitted(delegation_a, session, member_a):
    answer = services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=services.AnswerInput(text="Oui", discussed=True, language="fr", base_version=0),
        user=member_a,
    )
    assert states(delegation_a, session) == [("draft", 1)]
    services.summary_submit(summary=answer.summary, user=member_a)
    assert states(delegation_a, session) == [("submitted", 1)]


def test_a_final_plan_is_final_on_the_day3_session(delegation_a, day3, member_a):
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget"}, user=member_a
    )
    assert states(delegation_a, day3) == [("draft", 1)]
    services.plan_set_status(delegation=delegation_a, status="final", user=member_a)
    assert states(delegation_a, day3) == [("final", 1)]


def test_last_edit_is_the_latest_answer_and_who_saved_it(delegation_a, session, member_a):
    summary = services.summary_get_or_create(delegation=delegation_a, session=session)
    services.summary_details_save(
        summary=summary, participants="Awa", rapporteur="", base_version=1, user=member_a
    )
    answer = services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=2),
        data=services.AnswerInput(text="Texte", discussed=True, language="fr", base_version=0),
        user=member_a,
    )
    [state] = delegation_states(delegation=delegation_a, sessions=[session])
    assert (state.last_edit_at, state.last_edit_by) == (answer.updated_at, member_a.username)


def test_details_saved_last_name_who_saved_them_and_a_submit_is_no_edit(
    delegation_a, session, member_a
):
    answer = services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=2),
        data=services.AnswerInput(text="Texte", discussed=True, language="fr", base_version=0),
        user=member_a,
    )
    summary = services.summary_details_save(
        summary=answer.summary, participants="Awa", rapporteur="", base_version=1, user=member_a
    )
    [state] = delegation_states(delegation=delegation_a, sessions=[session])
    assert (state.last_edit_at, state.last_edit_by) == (summary.details_saved_at, "alice")
    services.summary_submit(summary=summary, user=member_a)
    [state] = delegation_states(delegation=delegation_a, sessions=[session])
    assert (state.state, state.last_edit_at) == ("submitted", summary.details_saved_at)


def test_workshop_and_delegation_pages_show_a_final_plan_as_final(
    client, delegation_a, day3, member_a, session
):
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget"}, user=member_a
    )
    services.plan_set_status(delegation=delegation_a, status="final", user=member_a)
    client.force_login(member_a)
    for url in (
        reverse("workshop", kwargs={"workshop": "regional"}),
        reverse("summaries:delegation", kwargs={"workshop": "regional", "delegation": "senegal"}),
    ):
        response = client.get(url)
        cells = {cell.session.code: cell.state for cell in response.context["cells"]}
        assert cells == {"V": "not_started", "D3": "final"}
        [d3] = [row for row in response.text.split("<tr>") if "D3" in row and "Final" in row]
        assert "· alice" in d3  # last edit by whom, from the same state


def test_the_plan_documents_state_is_the_one_every_page_shows(delegation_a, day3, member_a):
    from summaries.pdf.documents import plan_document

    def both():
        [state] = delegation_states(delegation=delegation_a, sessions=[day3])
        return state.state, plan_document(delegation=delegation_a).state

    assert both() == ("not_started", "not_started")
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget"}, user=member_a
    )
    assert both() == ("draft", "draft")
    services.plan_set_status(delegation=delegation_a, status="final", user=member_a)
    assert both() == ("final", "final")
