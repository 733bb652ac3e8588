"""The translation tabs of the admin in headless Chromium, with no network but the site."""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from delegations.services import staff_groups_ensure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass
class Visit:
    page: Page
    requests: list = field(default_factory=list)  # every URL the browser asked for
    errors: list = field(default_factory=list)  # uncaught script errors


@pytest.fixture
def visit(page, live_server, facilitator, session):
    """The session's admin page, signed in through the admin login form."""
    staff_groups_ensure()
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    change_url = reverse("admin:workshop_sessions_session_change", args=[session.pk])
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={change_url}")
    page.fill("#id_username", "fatou")
    page.fill("#id_password", "pass-fatou")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{change_url}")
    page.wait_for_load_state("networkidle")
    return visit


def test_session_admin_renders_translation_fields_as_tabs(visit):
    # title, guidance, instructions, and text and help text of each of the five questions
    expect(visit.page.locator(".ui-tabs")).to_have_count(13)


def test_session_admin_tabs_are_named_by_language(visit):
    tabs = visit.page.locator(".ui-tabs:has(#id_title_en) .ui-tabs-nav a")
    expect(tabs).to_have_text(["en", "fr", "vi", "th"])


def test_session_admin_fr_tab_shows_french_title(visit):
    visit.page.click("a[href='#tab_id_title_fr']")
    expect(visit.page.locator("#id_title_fr")).to_be_visible()
    expect(visit.page.locator("#id_title_fr")).to_have_value("Mobiliser les ressources")
    expect(visit.page.locator("#id_title_en")).to_be_hidden()


def test_session_admin_fr_tab_shows_french_question(visit):
    visit.page.click("a[href='#tab_id_questions-2-text_fr']")
    expect(visit.page.locator("#id_questions-2-text_fr")).to_be_visible()
    expect(visit.page.locator("#id_questions-2-text_fr")).to_have_value("Question 3 en français ?")


def test_session_admin_makes_no_request_outside_the_site(visit, live_server):
    assert [url for url in visit.requests if not url.startswith(live_server.url)] == []


def test_session_admin_loads_vendored_jquery_ui(visit, live_server):
    assert f"{live_server.url}/static/vendor/jquery-ui/jquery-ui.min.js" in visit.requests


def test_session_admin_has_no_script_errors(visit):
    assert visit.errors == []
