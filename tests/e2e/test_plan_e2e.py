"""The Day 3 plan page in headless Chromium: two laptops editing one action."""

import re

import pytest
from playwright.sync_api import expect

from summaries import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_conflicting_item_edit_shows_both_versions_whole(
    login_context, live_server, member_a, delegation_a
):
    item = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget line"}, user=member_a
    )
    url = live_server.url + delegation_a.get_plan_url()
    first = login_context(member_a).new_page()
    second = login_context(member_a).new_page()
    first.goto(url)
    second.goto(url)
    first.fill(f"#id_action{item.pk}_responsible", "Ministry of Finance")
    expect(first.locator(f"#action-{item.pk} [data-role=state]")).to_have_text(
        re.compile("Saved at")
    )
    second.fill(f"#id_action{item.pk}_partners", "UNICEF")
    conflict = second.locator(f"#action-{item.pk} [data-role=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("[data-role=theirs]")).to_have_value(re.compile("Ministry of Finance"))
    expect(conflict.locator("[data-role=mine]")).to_have_value(re.compile("UNICEF"))
    expect(conflict.locator("[data-action=merge]")).to_be_hidden()
    conflict.locator("[data-action=take-theirs]").click()
    expect(second.locator(f"#action-{item.pk} [data-role=state]")).to_have_text(
        re.compile("Saved at")
    )
    item.refresh_from_db()
    assert (item.responsible, item.partners, item.version) == ("Ministry of Finance", "", 2)
