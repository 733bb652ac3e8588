"""The organisers' progress board: state per cell, plan status, filters, the polled
grid fragment, and a query count that does not grow with the number of delegations."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from model_bakery import baker

from delegations.models import Delegation
from summaries.models import ActionItem, ActionPlan, Answer, Summary, TARequest
from summaries.selectors.board import progress_board
from summaries.selectors.filters import DelegationFilters

from .conftest import submit, write_answers

pytestmark = pytest.mark.django_db

BOARD_QUERIES = 12  # session, user, groups, workshop, sessions, questions, delegations,
# summaries, answers, plans, actions, TA requests (selectors.states.work_states)


def board_url(**query):
    url = reverse("summaries:board", kwargs={"workshop": "regional"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def grid_url(**query):
    url = reverse("summaries:board_grid", kwargs={"workshop": "regional"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def row_html(response, slug):
    match = re.search(rf'<tr id="row-{slug}">(.*?)</tr>', response.text, re.S)
    return match.group(1)


@pytest.fixture
def progress(session, delegation_a, delegation_b, member_a, member_b, thai_community):
    """Senegal: a draft with two answers; Ghana: submitted; the Thai community: nothing."""
    write_answers(
        delegation_a,
        session,
        member_a,
        {1: "Le budget dépend des partenaires", 2: "Plaidoyer", 3: "  "},
        "fr",
    )
    write_answers(delegation_b, session, member_b, {1: "Domestic budget line"}, "en")
    submit(delegation_b, session, member_b)


def test_board_cell_states(progress, workshop):
    board = progress_board(workshop=workshop)
    assert [(row.delegation.slug, row.cells[0].state) for row in board.rows] == [
        ("ghana", "submitted"),
        ("senegal", "draft"),
        ("nong-bua", "not_started"),
    ]


def test_board_counts_answers_and_words(progress, workshop):
    cells = {row.delegation.slug: row.cells[0] for row in progress_board(workshop=workshop).rows}
    assert [(c.answered, c.questions, c.words) for c in cells.values()] == [
        (1, 5, 3),
        (2, 5, 6),
        (0, 5, 0),
    ]


def test_board_last_saved_is_latest_answer(progress, workshop, delegation_a):
    latest = Answer.objects.filter(summary__delegation=delegation_a).latest("updated_at")
    board = progress_board(workshop=workshop, now=latest.updated_at + dt.timedelta(minutes=3))
    cell = next(row.cells[0] for row in board.rows if row.delegation == delegation_a)
    assert (cell.last_saved, cell.saved_ago) == (latest.updated_at, "3\xa0minutes")
    assert cell.last_saved_by == latest.edited_by.get_username()  # as the delegation page


def test_board_last_saved_within_a_minute_is_just_now(progress, workshop, delegation_a):
    latest = Answer.objects.filter(summary__delegation=delegation_a).latest("updated_at")
    board = progress_board(workshop=workshop, now=latest.updated_at + dt.timedelta(seconds=20))
    cell = next(row.cells[0] for row in board.rows if row.delegation == delegation_a)
    assert (cell.seconds_ago, cell.saved_ago) == (20, "")


def test_board_not_started_cell_has_no_last_save(progress, workshop):
    cell = progress_board(workshop=workshop).rows[2].cells[0]
    assert (cell.summary, cell.last_saved) == (None, None)


def test_board_page_shows_cell_state(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url())
    assert 'data-state="draft"' in row_html(response, "senegal")
    assert "2/5 answered" in row_html(response, "senegal")
    assert '<span data-role="saved-by">alice</span>' in row_html(response, "senegal")
    assert "Submitted" in row_html(response, "ghana")
    assert "Not started" in row_html(response, "nong-bua")


def test_board_cell_links_to_summary(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url())
    assert 'href="/w/regional/d/senegal/s/V/"' in row_html(response, "senegal")


def test_board_plan_status_per_delegation(workshop, delegation_a, delegation_b, thai_community):
    ActionPlan.objects.create(delegation=delegation_a, status=ActionPlan.Status.FINAL)
    baker.make(ActionItem, delegation=delegation_a, _quantity=2)
    baker.make(TARequest, delegation=delegation_a)
    baker.make(TARequest, delegation=delegation_b, _quantity=3)
    board = progress_board(workshop=workshop)
    assert [
        (row.delegation.slug, row.plan_state, row.actions, row.ta_requests) for row in board.rows
    ] == [("ghana", "draft", 0, 3), ("senegal", "final", 2, 1), ("nong-bua", "not_started", 0, 0)]


def test_board_page_shows_plan_counts(client, organiser, workshop, delegation_a):
    baker.make(ActionItem, delegation=delegation_a, _quantity=2)
    baker.make(TARequest, delegation=delegation_a)
    client.force_login(organiser)
    assert "2 actions · 1 TA request" in row_html(client.get(board_url()), "senegal")


def test_board_totals_per_session(progress, workshop):
    total = progress_board(workshop=workshop).totals[0]
    assert (total.submitted, total.draft, total.not_started) == (1, 1, 1)


def test_board_lists_only_group_work_sessions(progress, workshop):
    baker.make("workshop_sessions.Session", workshop=workshop, code="D3", kind="action_planning")
    assert [s.code for s in progress_board(workshop=workshop).sessions] == ["V"]


def test_board_filters_by_kind(progress, workshop):
    board = progress_board(workshop=workshop, filters=DelegationFilters(kind="community"))
    assert [row.delegation.slug for row in board.rows] == ["nong-bua"]


def test_board_filters_by_language(progress, workshop):
    board = progress_board(workshop=workshop, filters=DelegationFilters(language="fr"))
    assert [row.delegation.slug for row in board.rows] == ["senegal"]


def test_board_filter_unknown_values_are_ignored():
    assert DelegationFilters.from_query({"kind": "planet", "language": "xx"}) == (
        DelegationFilters()
    )


def test_board_page_applies_query_filters(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url(kind="country", language="en"))
    assert [row.delegation.slug for row in response.context["board"].rows] == ["ghana"]


def test_board_grid_polls_with_same_filters(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url(kind="community", every=2))
    assert 'hx-get="/w/regional/board/grid/?kind=community&amp;every=2"' in response.text
    assert 'hx-trigger="every 2s"' in response.text


def test_board_grid_default_interval_is_five_seconds(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url())
    assert 'data-hx-get="/w/regional/board/grid/" data-hx-trigger="every 5s"' in response.text


def test_board_grid_fragment_is_the_table_only(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(grid_url(language="fr"))
    assert response.text.strip().startswith('<table id="board-grid"')
    assert [row.delegation.slug for row in response.context["board"].rows] == ["senegal"]


def test_board_grid_poll_after_sign_out_redirects_page_to_login(client, workshop):
    response = client.get(
        grid_url(), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/w/x/"}
    )
    assert (response.status_code, response["HX-Redirect"]) == (
        401,
        "/accounts/login/?next=http%3A//testserver/w/x/",
    )


def test_board_anonymous_goes_to_login(client, workshop):
    response = client.get(board_url())
    assert response.url.startswith(reverse("login"))


def test_board_question_index_links_to_comparisons(client, organiser, progress):
    client.force_login(organiser)
    response = client.get(board_url(kind="country"))
    assert 'href="/w/regional/compare/V/3/?kind=country"' in response.text


def test_workshop_page_links_to_board_for_organisers(client, organiser, workshop):
    client.force_login(organiser)
    assert 'href="/w/regional/board/"' in client.get(workshop.get_absolute_url()).text


def test_workshop_page_has_no_board_link_for_members(client, member_a, workshop):
    client.force_login(member_a)
    assert "/board/" not in client.get(workshop.get_absolute_url()).text


def make_delegations(workshop, session, count):
    """``count`` delegations, each with a summary, two answers, a plan and items."""
    questions = list(session.questions.all()[:2])
    for index in range(count):
        delegation = Delegation.objects.create(
            workshop=workshop, name=f"Delegation {index:02}", slug=f"d{index}"
        )
        summary = Summary.objects.create(delegation=delegation, session=session)
        for question in questions:
            Answer.objects.create(summary=summary, question=question, text="Some words here")
        ActionPlan.objects.create(delegation=delegation)
        baker.make(ActionItem, delegation=delegation)
        baker.make(TARequest, delegation=delegation)


@pytest.mark.parametrize("count", [2, 30])
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")  # as without Redis
def test_board_query_count_is_constant(
    client, organiser, workshop, session, count, django_assert_num_queries
):
    make_delegations(workshop, session, count)
    client.force_login(organiser)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(board_url())
    assert len(response.context["board"].rows) == count


@pytest.mark.parametrize("count", [2, 30])
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
def test_board_grid_query_count_is_constant(
    client, organiser, workshop, session, count, django_assert_max_num_queries
):
    make_delegations(workshop, session, count)
    client.force_login(organiser)
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(grid_url())


def test_board_in_french_interface(client, organiser, progress):
    client.force_login(organiser)
    client.cookies["django_language"] = "fr"
    response = client.get(board_url())
    assert "Brouillon" in row_html(response, "senegal")
    assert "Non commencée" in row_html(response, "nong-bua")
