"""Access cards in headless Chromium: the printed QR code's link signs its member in,
and stops working once the card is reprinted."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from delegations.access_sheet import access_sheet_file
from delegations.models import Delegation
from delegations.services import delegation_cards_issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running(workshop):
    workshop.start_date = timezone.localdate() - dt.timedelta(days=1)
    workshop.end_date = timezone.localdate() + dt.timedelta(days=2)
    workshop.save()
    return workshop


def print_and_scan(delegation, live_server, tmp_path):
    """Print ``delegation``'s cards and read their QR codes as a phone would."""
    issued = delegation_cards_issue(delegations=Delegation.objects.filter(pk=delegation.pk))
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(access_sheet_file(issued, portal_url=f"{live_server.url}/").content)
    subprocess.run(["pdftoppm", "-r", "200", "-png", pdf, tmp_path / "page"], check=True)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", tmp_path / "page-1.png"],
        capture_output=True,
        text=True,
    )
    return result.stdout.split()


def fresh_page(browser):
    context = browser.new_context(locale="en")
    referers = []
    context.on("request", lambda request: referers.append(request.headers.get("referer", "")))
    return context, context.new_page(), referers


def test_card_link_signs_in_and_a_reprint_revokes_it(
    browser, live_server, running, delegation_a, member_a, tmp_path
):
    (link,) = print_and_scan(delegation_a, live_server, tmp_path)
    context, page, referers = fresh_page(browser)
    page.goto(link)
    # The link names the account and waits for one tap; the token leaves the address bar.
    expect(page.locator("#card-account")).to_contain_text("alice")
    expect(page).to_have_url(f"{live_server.url}/card/regional/")
    page.get_by_role("button", name="Se connecter en tant que alice").click()
    expect(page).to_have_url(f"{live_server.url}/w/regional/")
    expect(page.locator("nav")).to_contain_text("alice")
    assert [referer for referer in referers if "sesame" in referer] == []
    context.close()

    print_and_scan(delegation_a, live_server, tmp_path)  # the card is reprinted
    context, page, _referers = fresh_page(browser)
    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_have_text(
        "This card's sign-in link no longer works: the card was reprinted or the workshop "
        "has ended. Type the sign-in name and password from your card, or ask a "
        "facilitator for a new card."
    )
    context.close()


def test_card_link_on_a_shared_laptop_says_who_was_signed_out(
    browser, login_context, live_server, running, delegation_b, member_a, member_b, tmp_path
):
    (link,) = print_and_scan(delegation_b, live_server, tmp_path)  # Ghana's: in English
    page = login_context(member_a).new_page()
    page.goto(link)
    expect(page.locator("#card-previous")).to_have_text(
        "alice is signed in on this browser. Signing in with this card signs alice out; "
        "what they saved is kept."
    )
    expect(page.locator("nav")).to_contain_text("alice")  # nothing changed yet
    page.get_by_role("button", name="Sign in as bob").click()
    expect(page).to_have_url(f"{live_server.url}/w/regional/")
    expect(page.get_by_role("alert")).to_have_text(
        "alice was signed out on this browser; you are signed in as bob."
    )
    expect(page.locator("nav")).to_contain_text("bob")
