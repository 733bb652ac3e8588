"""Live co-editing in headless Chromium: two and three laptops of one delegation on one
page, served by the ASGI application (daphne) as in production."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from summaries.models import Answer, Summary

from .conftest import AsgiLiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def page_url(server, delegation, session):
    return server.url + reverse(
        "summaries:summary",
        kwargs={
            "workshop": session.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
        },
    )


def open_live(context, url):
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#live-banner")).to_be_visible()
    return page


def answer_text(number):
    answer = Answer.objects.filter(question__number=number).first()
    return answer.text if answer else None


def versioned_text(page, number, expected, seconds=15):
    """The versioned answer once typing paused (the live document is written into it
    a few seconds after the last keystroke)."""
    for _tick in range(seconds * 4):
        if answer_text(number) == expected:
            return expected
        page.wait_for_timeout(250)
    return answer_text(number)


def test_two_laptops_typing_into_one_answer_see_each_other_and_keep_both(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    first = open_live(live_context(member_a), url)
    second = open_live(live_context(member_a), url)
    first.locator("#id_q1-text").press_sequentially("Budget line in 2027. ", delay=20)
    expect(second.locator("#id_q1-text")).to_have_value("Budget line in 2027. ")
    second.locator("#id_q1-text").press("End")
    second.locator("#id_q1-text").press_sequentially("Donors fund the rest.", delay=20)
    first.locator("#id_q1-text").press("Home")
    first.locator("#id_q1-text").press_sequentially("Domestic: ", delay=20)
    both = "Domestic: Budget line in 2027. Donors fund the rest."
    expect(first.locator("#id_q1-text")).to_have_value(both)
    expect(second.locator("#id_q1-text")).to_have_value(both)
    expect(first.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Saved"))
    # No dialog on either laptop, and the versioned answer holds both once typing pauses.
    expect(first.locator("#question-1 [data-role=conflict]")).to_be_hidden()
    expect(second.locator("#question-1 [data-role=conflict]")).to_be_hidden()
    assert versioned_text(first, 1, both) == both


def test_the_same_sentence_typed_at_once_keeps_both_with_no_dialog(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    laptops = [open_live(live_context(member_a), url) for _i in range(3)]
    for index, laptop in enumerate(laptops):
        laptop.locator("#id_q2-text").press_sequentially(f"L{index} ", delay=5)
    # Typed at one place at once, the characters may interleave (as in any shared
    # editor); every one of them is kept, and all three laptops read the same.
    typed = sorted("L0 L1 L2 ")
    for laptop in laptops:
        box = laptop.locator("#id_q2-text")
        expect(box).to_have_value(re.compile(r"^[L012 ]{9}$"))
        assert sorted(box.input_value()) == typed
        expect(laptop.locator("#question-2 [data-role=conflict]")).to_be_hidden()
    values = {laptop.locator("#id_q2-text").input_value() for laptop in laptops}
    assert len(values) == 1


def test_submit_makes_every_laptop_read_only_at_once(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    first = open_live(live_context(member_a), url)
    second = open_live(live_context(member_a), url)
    first.locator("#id_q3-text").press_sequentially("Mutuelles", delay=20)
    expect(second.locator("#id_q3-text")).to_have_value("Mutuelles")
    first.locator("#submit-summary").click()
    expect(second.locator("#readonly-reason")).to_contain_text("submitted")
    expect(second.locator("#id_q3-text")).to_have_attribute("readonly", "")
    assert (Summary.objects.get().status, answer_text(3)) == ("submitted", "Mutuelles")


def test_a_facilitator_watches_read_only(
    live_context, asgi_live_server, member_a, facilitator, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    member = open_live(live_context(member_a), url)
    watcher = open_live(live_context(facilitator), url)
    member.locator("#id_q4-text").press_sequentially("Seen live by the facilitator", delay=10)
    expect(watcher.locator("#id_q4-text")).to_have_value("Seen live by the facilitator")
    expect(watcher.locator("#id_q4-text")).to_have_attribute("readonly", "")


def test_nothing_acknowledged_is_lost_when_the_server_is_killed_while_typing(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    first = open_live(live_context(member_a), url)
    second = open_live(live_context(member_a), url)
    first.locator("#id_q5-text").press_sequentially("Before the crash. ", delay=10)
    expect(first.locator("#question-5 [data-role=state]")).to_have_text(re.compile("Saved"))
    asgi_live_server.restart()  # killed: no checkpoint, no goodbye
    first.locator("#id_q5-text").press("End")
    first.locator("#id_q5-text").press_sequentially("After it.", delay=10)
    expect(second.locator("#id_q5-text")).to_have_value(
        "Before the crash. After it.", timeout=15000
    )
    assert versioned_text(first, 5, "Before the crash. After it.") == "Before the crash. After it."


def test_without_websocket_the_page_says_so_and_autosaves(
    login_context, live_server, member_a, delegation_a, session
):
    # The WSGI test server speaks no WebSocket, as behind a proxy that blocks it.
    page = login_context(member_a).new_page()
    page.goto(
        live_server.url
        + reverse(
            "summaries:summary",
            kwargs={"workshop": "regional", "delegation": delegation_a.slug, "session": "V"},
        )
    )
    expect(page.locator("#live-unavailable-banner")).to_be_visible(timeout=10000)
    page.fill("#id_q1-text", "Saved the old way")
    expect(page.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(1) == "Saved the old way"


def test_two_laptops_offline_on_one_paragraph_keep_both_and_review_what_both_changed(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    contexts = [live_context(member_a), live_context(member_a)]
    first, second = (open_live(context, url) for context in contexts)
    box = "#id_q1-text"
    first.locator(box).fill("Budget comes from the county. Donors add grants.")
    expect(second.locator(box)).to_have_value("Budget comes from the county. Donors add grants.")
    expect(first.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Saved"))
    for context in contexts:
        context.set_offline(True)
    first.locator(box).fill("Budget comes from the national treasury. Donors add grants.")
    second.locator(box).fill("Budget comes from the county and donors. Donors add grants. New.")
    expect(first.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Offline"))
    for context in contexts:
        context.set_offline(False)
    review = "#question-1 [data-role=review]"
    for laptop in (first, second):
        expect(laptop.locator(review)).to_be_visible(timeout=15000)
        expect(laptop.locator(f"{review} mark")).to_have_count(1)
        expect(laptop.locator("#question-1 [data-role=conflict]")).to_be_hidden()
    merged = first.locator(box).input_value()
    assert second.locator(box).input_value() == merged
    # Nothing lost: each laptop's words are in the merged text.
    for words in ("national treasury", "and donors", "Donors add grants.", "New."):
        assert words in merged
    assert "county" not in merged
    # One laptop's version one click away; the review ends on every laptop.
    second.locator(review).get_by_role("button", name="Use this laptop’s version").click()
    want = "Budget comes from the county and donors. Donors add grants. New."
    for laptop in (first, second):
        expect(laptop.locator(review)).to_be_hidden()
        expect(laptop.locator(box)).to_have_value(want)
    assert versioned_text(first, 1, want) == want


def test_edits_in_different_sentences_offline_merge_with_no_review(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    contexts = [live_context(member_a), live_context(member_a)]
    first, second = (open_live(context, url) for context in contexts)
    box = "#id_q2-text"
    first.locator(box).fill("First sentence. Second sentence.")
    expect(second.locator(box)).to_have_value("First sentence. Second sentence.")
    for context in contexts:
        context.set_offline(True)
    first.locator(box).fill("First sentence, changed. Second sentence.")
    second.locator(box).fill("First sentence. Second sentence, changed too.")
    for context in contexts:
        context.set_offline(False)
    want = "First sentence, changed. Second sentence, changed too."
    expect(first.locator(box)).to_have_value(want, timeout=15000)
    expect(second.locator(box)).to_have_value(want, timeout=15000)
    for laptop in (first, second):
        expect(laptop.locator("#question-2 [data-role=review]")).to_be_hidden()
    assert versioned_text(first, 2, want) == want


def test_a_laptop_that_reloads_with_no_network_opens_its_page_and_text(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    url = page_url(asgi_live_server, delegation_a, session)
    context = live_context(member_a)
    page = open_live(context, url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the service worker now controls the page, and keeps it
    expect(page.locator("#live-banner")).to_be_visible()
    page.locator("#id_q3-text").fill("Typed before the Wi-Fi went")
    expect(page.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Saved"))
    context.set_offline(True)
    page.locator("#id_q3-text").press("End")
    page.locator("#id_q3-text").press_sequentially(" and after.", delay=10)
    page.reload()
    expect(page.locator("#id_q3-text")).to_have_value("Typed before the Wi-Fi went and after.")
    expect(page.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Offline"))
    context.set_offline(False)
    expect(page.locator("#question-3 [data-role=state]")).to_have_text(
        re.compile("Saved"), timeout=15000
    )
    want = "Typed before the Wi-Fi went and after."
    assert versioned_text(page, 3, want) == want


def test_three_laptops_on_one_action_of_the_plan(
    live_context, asgi_live_server, member_a, delegation_a
):
    from summaries import services

    item = services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Budget line", "description": "Cost the package."},
        user=member_a,
    )
    url = asgi_live_server.url + delegation_a.get_plan_url()
    laptops = [open_live(live_context(member_a), url) for _i in range(3)]

    def field(page, name):
        return page.locator(f"#id_action{item.pk}_{name}")

    field(laptops[0], "milestone").fill("Law voted")
    field(laptops[1], "responsible").fill("District team")
    field(laptops[2], "description").press("End")
    field(laptops[2], "description").press_sequentially(" With partners.", delay=10)
    for laptop in laptops:
        expect(field(laptop, "milestone")).to_have_value("Law voted")
        expect(field(laptop, "responsible")).to_have_value("District team")
        expect(field(laptop, "description")).to_have_value("Cost the package. With partners.")
    for _tick in range(60):
        item.refresh_from_db()
        if item.responsible and item.milestone and "partners" in item.description:
            break
        laptops[0].wait_for_timeout(250)
    assert (item.milestone, item.responsible, item.description) == (
        "Law voted",
        "District team",
        "Cost the package. With partners.",
    )


def test_the_board_is_pushed_a_change_when_a_delegation_writes(
    live_context, asgi_live_server, organiser, member_a, delegation_a, session
):
    from django.urls import reverse as url_for

    board = live_context(organiser).new_page()
    board.goto(asgi_live_server.url + url_for("summaries:board", args=[session.workshop.slug]))
    cell = board.locator("#row-senegal td[data-session=V]")
    expect(cell).to_have_attribute("data-state", "not_started")
    expect(board.locator("body")).to_have_attribute("data-board-live", "1")
    laptop = open_live(live_context(member_a), page_url(asgi_live_server, delegation_a, session))
    laptop.locator("#id_q1-text").fill("Le budget dépend des partenaires")
    # The board polls once a minute: a change within seconds was pushed.
    expect(cell).to_have_attribute("data-state", "draft", timeout=12_000)


@pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="several app servers share a Redis channel layer: the PostgreSQL+Redis run",
)
def test_laptops_on_two_app_servers_behind_one_proxy_type_together(
    live_context, asgi_live_server, member_a, delegation_a, session
):
    other_server = AsgiLiveServer()
    other_server.start()
    try:
        first = open_live(live_context(member_a), page_url(asgi_live_server, delegation_a, session))
        second = open_live(live_context(member_a), page_url(other_server, delegation_a, session))
        first.locator("#id_q1-text").press_sequentially("From server one. ", delay=10)
        expect(second.locator("#id_q1-text")).to_have_value("From server one. ")
        second.locator("#id_q1-text").press("End")
        second.locator("#id_q1-text").press_sequentially("From server two.", delay=10)
        both = "From server one. From server two."
        expect(first.locator("#id_q1-text")).to_have_value(both)
        assert versioned_text(first, 1, both) == both
    finally:
        other_server.stop()
