"""The card's sign-in link: it signs its member in through the page's own form, and is
refused after a reprint, once the workshop has ended, elsewhere and to a former member."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from delegations.access_sheet import card_link_expires_at, card_sign_in_url
from delegations.models import Membership
from sessions.models import Workshop
from tests.factories import make_workshop

from .conftest import PORTAL, issue, link_path, sign_in_with, signed_in_username


def test_card_link_signs_in_and_lands_on_the_workshop_page(running, delegation_a, member_a):
    issue(delegation_a)
    member_a.refresh_from_db()
    client = Client()
    response = sign_in_with(client, card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert (
        response.status_code,
        response["Location"],
        response["Referrer-Policy"],
        "no-store" in response["Cache-Control"],
        signed_in_username(client),
    ) == (302, "/w/regional/", "origin", True, "alice")


def test_card_link_sets_the_delegations_interface_language(running, delegation_a, member_a):
    response = sign_in_with(Client(), card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert response.cookies["django_language"].value == "fr"


REFUSED = (
    "This card's sign-in link no longer works: the card was reprinted or the workshop has "
    "ended. Type the sign-in name and password from your card, or ask a facilitator for a "
    "new card."
)


def refusal(client, path):
    response = client.get(path, follow=True)
    return (
        response.redirect_chain,
        [str(message) for message in response.context["messages"]],
        signed_in_username(client),
    )


def test_card_link_is_refused_after_a_reprint(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    issue(delegation_a)
    assert refusal(Client(), link_path(link)) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_is_refused_once_the_workshop_has_ended(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    Workshop.objects.filter(pk=running.pk).update(
        end_date=timezone.localdate() - dt.timedelta(days=2)
    )
    assert refusal(Client(), link_path(link)) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_is_refused_at_another_workshops_address(running, delegation_a, member_a):
    make_workshop(
        title_en="Other", slug="other", start_date=running.start_date, end_date=running.end_date
    )
    path = link_path(card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert refusal(Client(), path.replace("/card/regional/", "/card/other/"))[2] is None


def test_card_link_is_refused_to_a_former_member(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    Membership.objects.filter(user=member_a).delete()
    assert refusal(Client(), link_path(link))[1:] == ([REFUSED], None)


@pytest.mark.parametrize(
    "path",
    [
        "/card/regional/",
        "/card/regional/?sesame=",
        "/card/regional/?sesame=%ff%fe!!",
        "/card/nowhere/?sesame=AAAA",
    ],
)
def test_card_link_garbage_is_refused_not_an_error(running, path):
    assert refusal(Client(), path) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_refusal_is_in_the_browsers_language(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    issue(delegation_a)
    response = Client(headers={"accept-language": "fr"}).get(link_path(link), follow=True)
    with translation.override("fr"):
        expected = translation.gettext(
            "This card's sign-in link no longer works: the card was reprinted or the "
            "workshop has ended. Type the sign-in name and password from your card, or ask "
            "a facilitator for a new card."
        )
    assert [str(m) for m in response.context["messages"]] == [expected]


def test_card_link_on_a_shared_laptop_signs_out_the_previous_account(
    running, delegation_b, member_a, member_b
):
    client = Client()
    client.force_login(member_a)
    link = link_path(card_sign_in_url(member_b, running, portal_url=PORTAL))
    path, _query, token = link.partition("?sesame=")
    client.get(link)
    response = client.post(path, {"sesame": token}, follow=True)
    assert (
        response.redirect_chain,
        [str(message) for message in response.context["messages"]],
        signed_in_username(client),
    ) == (
        [("/w/regional/", 302)],
        ["alice was signed out on this browser; you are signed in as bob."],
        "bob",
    )


def test_opening_a_card_link_changes_no_session(running, delegation_b, member_a, member_b):
    client = Client()
    client.force_login(member_a)
    client.get("/w/regional/")  # a page as usual first
    before = (client.session.session_key, dict(client.session))
    response = client.get(link_path(card_sign_in_url(member_b, running, portal_url=PORTAL)))
    assert (
        response.status_code,
        (client.session.session_key, dict(client.session)) == before,
        signed_in_username(client),
    ) == (200, True, "alice")


def test_card_link_page_names_the_account_and_who_would_be_signed_out(
    running, delegation_b, member_a, member_b
):
    client = Client()
    client.force_login(member_a)
    page = client.get(link_path(card_sign_in_url(member_b, running, portal_url=PORTAL)))
    assert (
        page.context["workshop_title"].text,
        page.context["delegation"].name,
        page.context["account"],
        "alice is signed in on this browser. Signing in with this card signs alice out"
        in page.text,
        page["Referrer-Policy"],
        "no-store" in page["Cache-Control"],
    ) == ("Regional workshop", delegation_b.name, "bob", True, "origin", True)


def test_card_link_sign_in_from_another_site_is_refused(running, delegation_b, member_a, member_b):
    # A page elsewhere that posts the token: no CSRF token, so nothing changes.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    path, _query, token = link_path(
        card_sign_in_url(member_b, running, portal_url=PORTAL)
    ).partition("?sesame=")
    response = client.post(path, {"sesame": token}, headers={"origin": "https://evil.example"})
    assert (response.status_code, signed_in_username(client)) == (403, "alice")


def test_card_link_signs_in_with_the_pages_own_form(running, delegation_a, member_a):
    client = Client(enforce_csrf_checks=True)
    page = client.get(link_path(card_sign_in_url(member_a, running, portal_url=PORTAL)))
    token = page.context["token"]
    response = client.post(
        "/card/regional/",
        {"sesame": token, "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert (response.status_code, response["Location"], signed_in_username(client)) == (
        302,
        "/w/regional/",
        "alice",
    )


def test_sign_in_page_never_sends_anyone_to_a_card_link(running, delegation_a, member_a, member_b):
    link = link_path(card_sign_in_url(member_b, running, portal_url=PORTAL))
    client = Client()
    response = client.post(
        "/accounts/login/?next=" + link.replace("?", "%3F").replace("=", "%3D"),
        {"username": "alice", "password": "pass-alice", "next": link},
    )
    assert (response.status_code, response["Location"], signed_in_username(client)) == (
        302,
        "/",
        "alice",
    )


def test_card_link_expires_at_the_end_of_the_workshops_last_day_in_its_time_zone(workshop):
    workshop.time_zone = "Asia/Bangkok"
    assert card_link_expires_at(workshop) == dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)
