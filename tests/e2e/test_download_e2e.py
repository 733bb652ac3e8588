"""A PDF download in headless Chromium: the page shows the worker's progress, then
the file downloads by itself (htmx polling, no inline script)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from summaries import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_download_page_shows_progress_then_the_file(
    login_context, live_server, member_a, delegation_a
):
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget line"}, user=member_a
    )
    url = live_server.url + reverse(
        "summaries:document",
        kwargs={"workshop": "regional", "delegation": "senegal", "kind": "action_plan"},
    )
    page = login_context(member_a).new_page()
    page.goto(url)
    expect(page.locator("#document-progress [data-role=status]")).to_have_text(
        "Waiting for a worker (manage.py db_worker)…"
    )
    with page.expect_download() as download:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert download.value.suggested_filename == "regional_senegal_action_plan.pdf"
    expect(page.locator("#document-download")).to_have_text(
        "Download regional_senegal_action_plan.pdf"
    )
