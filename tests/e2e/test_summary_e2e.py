"""The summary page in headless Chromium: autosave, offline, conflicts, closed sessions."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Session
from summaries.models import Answer, Summary
from summaries.services import AnswerInput, answer_save

pytest_plugins = ["tests.e2e.venue_network"]  # the venue_network fixture
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def page_url(live_server, delegation, session):
    return live_server.url + reverse(
        "summaries:summary",
        kwargs={
            "workshop": session.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
        },
    )


def answer_text(number=1):
    answer = Answer.objects.filter(question__number=number).first()
    return answer.text if answer else None


def test_typed_answer_is_saved_and_survives_reload(
    login_context, live_server, member_a, delegation_a, session
):
    page = login_context(member_a).new_page()
    page.goto(page_url(live_server, delegation_a, session))
    page.fill("#id_q1-text", "Le système communautaire est intégré au district.")
    expect(page.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Saved at"))
    page.reload()
    expect(page.locator("#id_q1-text")).to_have_value(
        "Le système communautaire est intégré au district."
    )
    assert answer_text() == "Le système communautaire est intégré au district."


def test_offline_text_is_kept_and_saved_after_reload(
    login_context, live_server, member_a, delegation_a, session, venue_network
):
    context = login_context(member_a)
    page = venue_network.open_tab(context, "first")
    page.goto(page_url(live_server, delegation_a, session))
    context.set_offline(True)
    page.fill("#id_q2-text", "Typed while the venue Wi-Fi was down")
    page.locator("#id_q2-text").blur()
    expect(page.locator("#question-2 [data-role=state]")).to_have_text(
        re.compile("Offline|Not saved")
    )
    expect(page.locator("#connection-banner")).to_be_visible()
    # "Not saved yet" shows from the keystroke: wait for the save to have failed and the
    # text to be on disk in this browser ("Offline — kept in this browser").
    expect(page.locator("#question-2")).to_have_attribute("data-state", "offline")
    # The laptop is closed while offline: only the browser's copy remains. (A plain
    # page.close() lifts the offline emulation for the dying page: see venue_network.)
    venue_network.close_tab(page)
    assert answer_text(2) is None
    context.set_offline(False)
    page = venue_network.open_tab(context, "second")
    page.goto(page_url(live_server, delegation_a, session))
    expect(page.locator("#restored-banner")).to_be_visible()
    expect(page.locator("#id_q2-text")).to_have_value("Typed while the venue Wi-Fi was down")
    expect(page.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(2) == "Typed while the venue Wi-Fi was down"


def test_two_laptops_conflict_is_merged(
    login_context, live_server, member_a, delegation_a, session
):
    answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=3),
        data=AnswerInput(text="Starting point", discussed=True, language="fr", base_version=0),
        user=member_a,
    )
    url = page_url(live_server, delegation_a, session)
    first = login_context(member_a).new_page()
    second = login_context(member_a).new_page()
    first.goto(url)
    second.goto(url)
    first.fill("#id_q3-text", "Laptop one: domestic budget line")
    expect(first.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Saved at"))
    second.fill("#id_q3-text", "Laptop two: private sector")
    conflict = second.locator("#question-3 [data-role=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("[data-role=theirs]")).to_have_text("Laptop one: domestic budget line")
    expect(conflict.locator("[data-role=mine]")).to_have_text("Laptop two: private sector")
    conflict.locator("[data-action=merge]").click()
    second.fill("#id_q3-text", "Merged: domestic budget line and private sector")
    conflict.locator("[data-action=save-merged]").click()
    expect(second.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Saved at"))
    answer = Answer.objects.get(question__number=3)
    assert answer.text == "Merged: domestic budget line and private sector"
    assert [h.text for h in answer.history.order_by("version")] == [
        "Starting point",
        "Laptop one: domestic budget line",
        "Merged: domestic budget line and private sector",
    ]


def test_two_laptops_changing_one_sentence_see_both_sentences_marked(
    login_context, live_server, member_a, delegation_a, session
):
    base = (
        "Community health workers are paid through county budgets since 2023.\n"
        "Supervision is done by the sub-county teams."
    )
    answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=3),
        data=AnswerInput(text=base, discussed=True, language="en", base_version=0),
        user=member_a,
    )
    url = page_url(live_server, delegation_a, session)
    first = login_context(member_a).new_page()
    second = login_context(member_a).new_page()
    first.goto(url)
    second.goto(url)
    first.fill("#id_q3-text", base.replace("budgets since", "budgets and donor grants since"))
    expect(first.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Saved at"))
    second.fill("#id_q3-text", base.replace("through county budgets", "by the national treasury"))
    conflict = second.locator("#question-3 [data-role=conflict]")
    expect(conflict).to_be_visible()
    # The sentence both changed is marked in each text; the other line is not.
    expect(conflict.locator("[data-role=theirs] mark")).to_have_text(
        "Community health workers are paid through county budgets and donor grants since 2023."
    )
    expect(conflict.locator("[data-role=mine] mark")).to_have_text(
        "Community health workers are paid by the national treasury since 2023."
    )
    expect(conflict.locator("[data-role=sentence-note]")).to_be_visible()
    # Nothing was stored that neither laptop wrote.
    assert "national treasury and donor grants" not in answer_text(3)


@pytest.mark.parametrize(
    "text",
    [
        "ชุมชนเลือกหมวดหมู่สังคมสูงวัยและการจัดการขยะ",
        "Sự tham gia của tỉnh trong các nhóm kỹ thuật còn hạn chế",
    ],
)
def test_french_interface_with_thai_and_vietnamese_answers(
    login_context, live_server, member_a, delegation_a, session, text
):
    page = login_context(member_a, language="fr").new_page()
    page.goto(page_url(live_server, delegation_a, session))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Question 1 en français ?")).to_be_visible()
    page.fill("#id_q4-text", text)
    expect(page.locator("#question-4 [data-role=state]")).to_have_text(re.compile("Enregistré"))
    page.reload()
    expect(page.locator("#id_q4-text")).to_have_value(text)
    assert answer_text(4) == text


def test_closed_session_is_read_only_and_refused(
    login_context, live_server, member_a, delegation_a, session
):
    page = login_context(member_a).new_page()
    page.goto(page_url(live_server, delegation_a, session))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    page.fill("#id_q1-text", "Written after the session closed")
    expect(page.locator("#readonly-reason")).to_contain_text("This session is closed.")
    expect(page.locator("#id_q1-text")).to_have_attribute("readonly", "")
    assert answer_text() is None
    page.reload()
    expect(page.locator("#readonly-reason")).to_contain_text("This session is closed.")
    # The refused text is still offered back, beside what the server holds.
    expect(page.locator("#question-1 [data-role=mine]")).to_have_text(
        "Written after the session closed"
    )


def test_expired_sign_in_keeps_text_and_offers_it_back(
    login_context, live_server, member_a, delegation_a, session
):
    context = login_context(member_a)
    page = context.new_page()
    page.goto(page_url(live_server, delegation_a, session))
    context.clear_cookies()
    page.fill("#id_q5-text", "Typed after the sign-in expired")
    expect(page.locator("#signin-banner")).to_be_visible()
    assert answer_text(5) is None
    login = context.new_page()
    login.goto(
        live_server.url
        + reverse("login")
        + "?next="
        + page_url(live_server, delegation_a, session).removeprefix(live_server.url)
    )
    login.fill("#id_username", "alice")
    login.fill("#id_password", "pass-alice")
    login.click("button[type=submit]:has-text('Sign in')")
    expect(login.locator("#id_q5-text")).to_have_value("Typed after the sign-in expired")
    expect(login.locator("#question-5 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(5) == "Typed after the sign-in expired"


def test_details_are_autosaved_and_an_earlier_version_is_restored(
    login_context, live_server, member_a, delegation_a, session
):
    page = login_context(member_a).new_page()
    page.goto(page_url(live_server, delegation_a, session))
    page.fill("#id_details-participants", "Awa Diop")
    expect(page.locator("#details")).to_have_attribute("data-state", "saved")
    page.fill("#id_details-participants", "Awa Diop, Moussa Ndiaye")
    expect(page.locator("#details")).to_have_attribute("data-state", "saved")
    page.fill("#id_details-rapporteur", "Moussa Ndiaye")
    expect(page.locator("#details")).to_have_attribute("data-state", "saved")
    page.reload()
    page.locator("#details-history").click()
    # Newest first; the long text's changes word by word (version 4 changed the rapporteur).
    expect(page.locator("ins")).to_have_text([", Moussa Ndiaye", "Awa Diop"])
    version_2 = page.locator("article", has_text="Version 2")
    version_2.get_by_role("button", name="Restore this version").click()
    expect(page.locator("#id_details-participants")).to_have_value("Awa Diop")
    expect(page.locator("#id_details-rapporteur")).to_have_value("")
    summary = Summary.objects.get()
    assert (summary.participants, summary.rapporteur, summary.version) == ("Awa Diop", "", 5)
