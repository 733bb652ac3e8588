"""The organisers' progress board in headless Chromium: it refreshes itself."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from delegations.models import Delegation
from summaries.services import AnswerInput, answer_save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def board_url(live_server, workshop, query="every=1"):
    return f"{live_server.url}{reverse('summaries:board', args=[workshop.slug])}?{query}"


def save_answer(delegation, session, user, number, text):
    answer_save(
        delegation=delegation,
        question=session.questions.get(number=number),
        data=AnswerInput(text=text, discussed=True, language="fr", base_version=0),
        user=user,
    )


def test_board_updates_when_a_delegation_saves(
    login_context, live_server, organiser, member_a, delegation_a, delegation_b, session
):
    page = login_context(organiser).new_page()
    page.goto(board_url(live_server, session.workshop))
    cell = page.locator("#row-senegal td[data-session=V]")
    expect(cell).to_have_attribute("data-state", "not_started")
    save_answer(delegation_a, session, member_a, 1, "Le budget dépend des partenaires")
    expect(cell).to_have_attribute("data-state", "draft", timeout=10_000)
    expect(cell).to_contain_text("Draft")
    expect(cell).to_contain_text("1/5 answered")
    save_answer(delegation_a, session, member_a, 2, "Plaidoyer")
    expect(cell).to_contain_text("2/5 answered", timeout=10_000)
    expect(page.locator("#row-ghana td[data-session=V]")).to_have_attribute(
        "data-state", "not_started"
    )


def test_board_refresh_keeps_filters(
    login_context, live_server, organiser, member_a, delegation_a, delegation_b, session
):
    page = login_context(organiser).new_page()
    page.goto(board_url(live_server, session.workshop, "language=fr&every=1"))
    expect(page.locator("#board-grid tbody tr")).to_have_count(1)
    Delegation.objects.create(workshop=session.workshop, name="Bénin", slug="benin", language="fr")
    Delegation.objects.create(workshop=session.workshop, name="Kenya", slug="kenya", language="en")
    expect(page.locator("#board-grid tbody tr")).to_have_count(2, timeout=10_000)
    expect(page.locator("#row-benin")).to_be_visible()
    expect(page.locator("#row-kenya")).to_have_count(0)


def test_board_cell_opens_read_only_summary(
    login_context, live_server, organiser, member_a, delegation_a, session
):
    save_answer(delegation_a, session, member_a, 1, "Le budget dépend des partenaires")
    page = login_context(organiser).new_page()
    page.goto(board_url(live_server, session.workshop))
    page.locator("#row-senegal td[data-session=V] a").click()
    expect(page).to_have_url(re.compile(r"/w/regional/d/senegal/s/V/$"))
    expect(page.locator("#id_q1-text")).to_have_value("Le budget dépend des partenaires")
