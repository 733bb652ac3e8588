"""The Day 3 plan page in headless Chromium: two laptops of one delegation editing one
action (merged, never silently overwritten), removing with undo, restoring a version."""

import re

import pytest
from playwright.sync_api import expect

from summaries import services
from summaries.models import ActionItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["tests.e2e.venue_network"]  # the venue_network fixture

DESCRIPTION = "Cost the community package.\n\nAdd a budget line for community health workers."


@pytest.fixture
def item(delegation_a, member_a):
    return services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Budget line", "description": DESCRIPTION},
        user=member_a,
    )


@pytest.fixture
def two_laptops(login_context, live_server, member_a, delegation_a, item):
    url = live_server.url + delegation_a.get_plan_url()
    first = login_context(member_a).new_page()
    second = login_context(member_a).new_page()
    first.goto(url)
    second.goto(url)
    return first, second


def field(page, item, name):
    return page.locator(f"#id_action{item.pk}_{name}")


def state(page, item):
    return page.locator(f"#action-{item.pk} [data-role=state]")


def test_different_fields_of_one_action_are_both_kept_without_a_dialog(two_laptops, item):
    first, second = two_laptops
    field(first, item, "milestone").fill("Law voted")
    expect(state(first, item)).to_have_text(re.compile("Saved at"))
    field(second, item, "responsible").fill("District team")
    expect(state(second, item)).to_have_text(re.compile("merged with changes from another laptop"))
    expect(state(second, item)).to_contain_text("Milestone")  # which field came from there
    expect(second.locator(f"#action-{item.pk} [data-role=conflict]")).to_be_hidden()
    expect(field(second, item, "milestone")).to_have_value("Law voted")
    item.refresh_from_db()
    assert (item.milestone, item.responsible) == ("Law voted", "District team")


def test_one_description_edited_in_two_paragraphs_is_merged(two_laptops, item):
    first, second = two_laptops
    field(first, item, "description").fill(DESCRIPTION.replace("package.", "package by March."))
    expect(state(first, item)).to_have_text(re.compile("Saved at"))
    field(second, item, "description").fill(DESCRIPTION.replace("workers.", "workers in 2027."))
    expect(state(second, item)).to_have_text(re.compile("merged"))
    merged = (
        "Cost the community package by March.\n\n"
        "Add a budget line for community health workers in 2027."
    )
    expect(field(second, item, "description")).to_have_value(merged)
    item.refresh_from_db()
    assert item.description == merged


def test_the_same_sentence_edited_twice_shows_both_texts_to_merge(two_laptops, item):
    first, second = two_laptops
    field(first, item, "description").fill(DESCRIPTION.replace("Cost", "Price"))
    expect(state(first, item)).to_have_text(re.compile("Saved at"))
    field(second, item, "description").fill(DESCRIPTION.replace("Cost", "Estimate"))
    conflict = second.locator(f"#action-{item.pk} [data-role=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("[data-role=theirs]")).to_have_text(
        DESCRIPTION.replace("Cost", "Price")
    )
    expect(conflict.locator("[data-role=mine]")).to_have_text(
        DESCRIPTION.replace("Cost", "Estimate")
    )
    conflict.locator("[data-action=merge]").click()
    field(second, item, "description").fill("Price and estimate the community package.")
    conflict.locator("[data-action=save-merged]").click()
    expect(state(second, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert item.description == "Price and estimate the community package."


def test_the_same_month_changed_twice_asks_and_keeps_the_rest_merged(two_laptops, item):
    first, second = two_laptops
    field(first, item, "start_month").fill("3")
    field(first, item, "milestone").fill("Law voted")
    expect(state(first, item)).to_have_text(re.compile("Saved at"))
    field(second, item, "responsible").fill("District team")
    expect(state(second, item)).to_have_text(re.compile("merged"))  # milestone, month merged
    expect(field(second, item, "milestone")).to_have_value("Law voted")
    field(first, item, "start_month").fill("9")
    # Stale too (the other laptop saved "responsible"): merged, so it says so.
    expect(state(first, item)).to_have_text(re.compile("merged"))
    field(second, item, "start_month").fill("6")  # the month the other laptop changed too
    conflict = second.locator(f"#action-{item.pk} [data-role=conflict]")
    expect(conflict).to_be_visible()
    conflict.locator("[data-action=take-theirs]").click()
    expect(state(second, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert (item.start_month, item.milestone, item.responsible) == (9, "Law voted", "District team")


def test_a_field_typed_while_a_stale_save_is_on_its_way_is_never_overwritten(two_laptops, item):
    """B's save leaves with the month B saw; while it is on its way B types another
    month, over the one A saved meanwhile. Both months are shown; A's stays saved."""
    first, second = two_laptops
    field(first, item, "estimated_cost").fill("111")
    field(first, item, "start_month").fill("2")
    expect(state(first, item)).to_have_text(re.compile("Saved at"))
    held = []

    def hold_first_save(route):
        if route.request.method == "POST" and not held:
            held.append(route)  # answered below, once the month is typed
        else:
            route.continue_()

    second.route("**/plan/**", hold_first_save)
    field(second, item, "estimated_cost").fill("222")
    field(second, item, "estimated_cost").blur()  # the save leaves now
    second.wait_for_timeout(200)
    assert held, "the save did not leave"
    field(second, item, "start_month").fill("9")
    held[0].continue_()
    conflict = second.locator(f"#action-{item.pk} [data-role=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("div[data-name=start_month]")).to_be_visible()
    expect(conflict.locator("div[data-name=estimated_cost]")).to_be_visible()
    second.wait_for_timeout(2500)  # longer than the autosave's delay: nothing is sent
    item.refresh_from_db()
    assert (item.start_month, item.estimated_cost) == (2, 111)
    conflict.locator("[data-action=keep-mine]").click()
    expect(state(second, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert (item.start_month, item.estimated_cost) == (9, 222)  # what the person chose


def test_typing_into_an_item_removed_on_the_other_laptop_says_so(two_laptops, item):
    first, second = two_laptops
    first.locator(f"#action-{item.pk}").get_by_role("button", name="Remove").click()
    expect(first.locator("#removed")).to_be_visible()
    field(second, item, "partners").fill("Gavi")
    expect(state(second, item)).to_contain_text("removed from the plan on another laptop")
    item.refresh_from_db()
    assert (item.partners, item.removed_at is not None) == ("Gavi", True)  # kept with it


def test_remove_then_undo_puts_the_action_back(login_context, live_server, member_a, item):
    page = login_context(member_a).new_page()
    page.goto(live_server.url + item.delegation.get_plan_url())
    page.locator(f"#action-{item.pk}").get_by_role("button", name="Remove").click()
    expect(page.locator("#removed")).to_contain_text("“Budget line” was removed from the plan.")
    expect(page.locator(f"#action-{item.pk}")).to_have_count(0)
    page.locator("#removed [data-role=undo-remove]").click()
    expect(page.locator(f"#action-{item.pk}")).to_be_visible()
    assert ActionItem.objects.live().filter(pk=item.pk).exists()


def test_an_earlier_version_is_restored_from_the_history(
    login_context, live_server, member_a, item
):
    services.plan_item_update(
        item=item, data={"title": "Renamed by mistake"}, base_version=1, user=member_a
    )
    page = login_context(member_a).new_page()
    page.goto(live_server.url + item.delegation.get_plan_url())
    page.locator(f"#action-{item.pk}").get_by_role("link", name="Earlier versions").click()
    page.get_by_role("button", name="Restore this version").first.click()
    expect(field(page, item, "title")).to_have_value("Budget line")
    item.refresh_from_db()
    assert (item.title, item.version) == ("Budget line", 3)


def test_a_paste_over_the_limit_is_kept_whole_and_saved_once_short_enough(
    login_context, live_server, member_a, item
):
    page = login_context(member_a).new_page()
    page.goto(live_server.url + item.delegation.get_plan_url())
    title = field(page, item, "title")
    long_title = "Budget line for community health workers " * 10  # 410 > 300 characters
    title.fill(long_title)
    expect(page.locator(f"#action-{item.pk} [data-role=limit]")).to_contain_text(
        "Over the limit of 300 characters by 110"
    )
    expect(title).to_have_value(long_title)  # nothing cut
    title.blur()
    expect(state(page, item)).to_have_text(re.compile("too long to save"))
    item.refresh_from_db()
    assert item.title == "Budget line"
    title.fill(long_title[:290])
    expect(state(page, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert item.title == long_title[:290]


def test_control_characters_pasted_into_a_box_are_cleaned_before_counting(
    login_context, live_server, member_a, item
):
    page = login_context(member_a).new_page()
    page.goto(live_server.url + item.delegation.get_plan_url())
    currency = field(page, item, "currency")
    currency.fill("GH\x01S")  # three letters and an invisible control: within the limit of 3
    expect(currency).to_have_value("GHS")
    responsible = field(page, item, "responsible")
    responsible.fill("District\x0bhealth team")  # Word's manual line break, in a one-line box
    expect(responsible).to_have_value("District health team")
    description = field(page, item, "description")
    description.fill("First\x0bsecond\x1b")
    expect(description).to_have_value("First\nsecond")
    description.blur()
    expect(state(page, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert (item.currency, item.responsible, item.description) == (
        "GHS",
        "District health team",
        "First\nsecond",
    )


def test_an_answer_pasted_over_the_limit_is_kept_whole(
    login_context, live_server, member_a, delegation_a, session, settings
):
    from django.urls import reverse

    from summaries.models import Answer

    page = login_context(member_a).new_page()
    page.goto(
        live_server.url
        + reverse(
            "summaries:summary",
            kwargs={"workshop": "regional", "delegation": "senegal", "session": session.code},
        )
    )
    text = "Mot " * 7980  # 31,920 characters, the limit is 20,000
    page.fill("#id_q1-text", text)
    expect(page.locator("#question-1 [data-role=limit]")).to_contain_text("11,920")
    expect(page.locator("#id_q1-text")).to_have_value(text)
    expect(page.locator("#question-1 [data-role=state]")).to_have_text(re.compile("too long"))
    assert not Answer.objects.exists()
    page.fill("#id_q1-text", text[:19000])
    expect(page.locator("#question-1 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert Answer.objects.get().text == text[:19000]


def test_plan_edits_made_offline_are_kept_and_saved_after_reload(
    login_context, live_server, member_a, item, venue_network
):
    context = login_context(member_a)
    page = venue_network.open_tab(context, "first")
    url = live_server.url + item.delegation.get_plan_url()
    page.goto(url)
    context.set_offline(True)
    field(page, item, "milestone").fill("Typed while the venue Wi-Fi was down")
    field(page, item, "milestone").blur()
    expect(page.locator("#connection-banner")).to_be_visible()
    # The save failed and the text is on disk in this browser before the laptop closes.
    expect(page.locator(f"#action-{item.pk} .save-unit")).to_have_attribute("data-state", "offline")
    # A plain page.close() lifts the offline emulation for the dying page: see venue_network.
    venue_network.close_tab(page)
    item.refresh_from_db()
    assert item.milestone == ""
    context.set_offline(False)
    page = venue_network.open_tab(context, "second")
    page.goto(url)
    expect(page.locator("#restored-banner")).to_be_visible()
    expect(state(page, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert item.milestone == "Typed while the venue Wi-Fi was down"


def test_plan_edits_after_the_sign_in_expired_are_offered_back(
    login_context, live_server, member_a, item
):
    from django.urls import reverse

    context = login_context(member_a)
    page = context.new_page()
    url = item.delegation.get_plan_url()
    page.goto(live_server.url + url)
    context.clear_cookies()
    field(page, item, "partners").fill("Typed after the sign-in expired")
    expect(page.locator("#signin-banner")).to_be_visible()
    login = context.new_page()
    login.goto(live_server.url + reverse("login") + "?next=" + url)
    login.fill("#id_username", "alice")
    login.fill("#id_password", "pass-alice")
    login.click("button[type=submit]:has-text('Sign in')")
    expect(field(login, item, "partners")).to_have_value("Typed after the sign-in expired")
    expect(state(login, item)).to_have_text(re.compile("Saved at"))
    item.refresh_from_db()
    assert item.partners == "Typed after the sign-in expired"
