"""Printing access cards from the admin: the workshop action that creates delegation
accounts and prints their sheets, and one delegation's cards."""

import datetime as dt
import io
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from delegations.models import Membership

WORKSHOPS_URL = reverse("admin:workshop_sessions_workshop_changelist")
PASSWORD = re.compile(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}")


# The worker renders in its own connection (``db_worker``): such tests commit.
rendered_by_the_worker = pytest.mark.django_db(transaction=True)


def sheet_download(client, response):
    """After the print: the worker renders the sheet the response leads to, and its
    page then serves the file. Any other response is returned as it is."""
    if response.status_code != 302 or "/access-sheets/" not in response.url:
        return response
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    return client.get(response.url)


def print_access_sheets(client, *workshops, confirmed=True):
    data = {
        "action": "create_delegation_accounts",
        "_selected_action": [workshop.pk for workshop in workshops],
    }
    return sheet_download(
        client, client.post(WORKSHOPS_URL, data | ({"apply": "yes"} if confirmed else {}))
    )


def pdf_text(response):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def password_for(text, username):
    # The label between them is in the card's language ("Password", "Mot de passe").
    match = re.search(rf"{re.escape(username)}\s.*?({PASSWORD.pattern})", text, re.DOTALL)
    return match.group(1)


def can_sign_in(username, password):
    # django-axes throttles sign-in by address: authenticate() needs the request.
    return Client().login(request=HttpRequest(), username=username, password=password)


@pytest.fixture
def delegations(delegation_a, delegation_b):
    return [delegation_b, delegation_a]  # by name


@rendered_by_the_worker
def test_accounts_action_returns_pdf_download(facilitator_client, workshop, delegations):
    response = print_access_sheets(facilitator_client, workshop)
    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        response.content[:5],
    ) == (200, "application/pdf", 'attachment; filename="access-sheets-regional.pdf"', b"%PDF-")


@rendered_by_the_worker
def test_accounts_action_pdf_names_every_delegation_and_account(
    facilitator_client, workshop, delegations
):
    text = pdf_text(print_access_sheets(facilitator_client, workshop))
    assert [
        (name in text, username in text)
        for name, username in [("Ghana", "regional-ghana"), ("Senegal", "regional-senegal")]
    ] == [(True, True), (True, True)]


@rendered_by_the_worker
def test_accounts_action_pdf_shows_portal_address_and_hint(
    facilitator_client, workshop, delegations, settings
):
    settings.PORTAL_URL = "https://portal.example.org/"
    text = pdf_text(print_access_sheets(facilitator_client, workshop))
    assert (
        text.count("https://portal.example.org/"),
        text.count("Change nothing: sign in and choose your session."),
        text.count("Ne modifiez rien\u00a0: connectez-vous et choisissez votre\nsession."),
    ) == (2, 1, 1)


@rendered_by_the_worker
def test_accounts_action_creates_rapporteur_memberships(facilitator_client, workshop, delegations):
    print_access_sheets(facilitator_client, workshop)
    assert sorted(
        Membership.objects.filter(user__username__startswith="regional-").values_list(
            "user__username", "delegation__name", "role"
        )
    ) == [("regional-ghana", "Ghana", "rapporteur"), ("regional-senegal", "Senegal", "rapporteur")]


@rendered_by_the_worker
def test_accounts_action_passwords_sign_in(facilitator_client, workshop, delegations):
    text = pdf_text(print_access_sheets(facilitator_client, workshop))
    assert [
        can_sign_in(username, password_for(text, username))
        for username in ("regional-ghana", "regional-senegal")
    ] == [True, True]


@rendered_by_the_worker
def test_accounts_action_stores_no_clear_password(facilitator_client, workshop, delegations):
    text = pdf_text(print_access_sheets(facilitator_client, workshop))
    user = User.objects.get(username="regional-senegal")
    password = password_for(text, "regional-senegal")
    assert (password in user.password, user.check_password(password)) == (False, True)


@rendered_by_the_worker
def test_accounts_action_twice_resets_passwords_without_duplicates(
    facilitator_client, workshop, delegations
):
    first = password_for(
        pdf_text(print_access_sheets(facilitator_client, workshop)), "regional-senegal"
    )
    second = password_for(
        pdf_text(print_access_sheets(facilitator_client, workshop)), "regional-senegal"
    )
    assert (
        can_sign_in("regional-senegal", first),
        can_sign_in("regional-senegal", second),
        User.objects.filter(username__startswith="regional-").count(),
        Membership.objects.filter(user__username__startswith="regional-").count(),
    ) == (False, True, 2, 2)


def test_accounts_action_refuses_a_staff_accounts_name(
    facilitator_client, workshop, delegations, facilitator
):
    User.objects.create_user("regional-senegal", password="staff-password-1", is_staff=True)
    response = print_access_sheets(facilitator_client, workshop)
    assert (
        response.status_code,
        User.objects.filter(username="regional-ghana").exists(),
        can_sign_in("regional-senegal", "staff-password-1"),
    ) == (302, False, True)


def test_accounts_action_is_refused_to_organiser(organiser_client, workshop, delegations):
    users = User.objects.count()
    response = print_access_sheets(organiser_client, workshop)
    assert (response.status_code, User.objects.count()) == (403, users)


def test_access_sheets_ask_before_resetting_passwords(facilitator_client, workshop, delegations):
    response = print_access_sheets(facilitator_client, workshop, confirmed=False)
    assert (
        response.status_code,
        "Cards printed before for these accounts stop working" in response.text,
        User.objects.filter(username__startswith="regional-").exists(),
    ) == (200, True, False)


def confirmation_accounts(response):
    """The rows of the confirmation page: delegation and the accounts it lists."""
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", response.text, re.DOTALL)
    return [(name, re.sub(r"<[^>]+>", "", accounts)) for name, accounts in rows]


def test_access_sheets_say_which_accounts_get_a_new_password(
    facilitator_client, workshop, delegations, member_a
):
    response = print_access_sheets(facilitator_client, workshop, confirmed=False)
    assert confirmation_accounts(response) == [
        ("Ghana", "regional-ghana (new account)"),
        ("Senegal", "alice"),
    ]


@rendered_by_the_worker
def test_access_sheets_print_the_existing_members_cards(
    facilitator_client, workshop, delegations, member_a
):
    text = pdf_text(print_access_sheets(facilitator_client, workshop))
    member_a.refresh_from_db()
    assert (
        member_a.check_password(password_for(text, "alice")),
        User.objects.filter(username="regional-senegal").exists(),
    ) == (True, False)


# One delegation's cards

DELEGATIONS_URL = reverse("admin:delegations_delegation_changelist")


def print_delegation_cards(client, *delegations, confirmed=True):
    data = {"action": "print_access_cards", "_selected_action": [d.pk for d in delegations]}
    return sheet_download(
        client, client.post(DELEGATIONS_URL, data | ({"apply": "yes"} if confirmed else {}))
    )


def card_page_url(delegation):
    return reverse("admin:delegations_delegation_access_cards", args=[delegation.pk])


@rendered_by_the_worker
def test_delegation_action_prints_only_the_selected_delegations(
    facilitator_client, delegation_a, member_a, member_b
):
    response = print_delegation_cards(facilitator_client, delegation_a)
    text = pdf_text(response)
    member_a.refresh_from_db()
    member_b.refresh_from_db()
    assert (
        response["Content-Disposition"],
        member_a.check_password(password_for(text, "alice")),
        "bob" in text,
        member_b.check_password("pass-bob"),
    ) == ('attachment; filename="access-cards-regional-senegal.pdf"', True, False, True)


def test_delegation_action_is_refused_to_organiser(organiser_client, delegation_a, member_a):
    response = print_delegation_cards(organiser_client, delegation_a)
    member_a.refresh_from_db()
    assert (response.status_code, member_a.check_password("pass-alice")) == (403, True)


def test_delegation_page_links_to_its_access_cards(facilitator_client, delegation_a):
    html = facilitator_client.get(
        reverse("admin:delegations_delegation_change", args=[delegation_a.pk])
    ).text
    assert f'href="{card_page_url(delegation_a)}"' in html


def test_delegation_page_has_no_access_card_link_for_organiser(organiser_client, delegation_a):
    html = organiser_client.get(
        reverse("admin:delegations_delegation_change", args=[delegation_a.pk])
    ).text
    assert card_page_url(delegation_a) not in html


def test_delegation_card_page_asks_first(facilitator_client, delegation_a, member_a):
    response = facilitator_client.get(card_page_url(delegation_a))
    member_a.refresh_from_db()
    assert (
        response.status_code,
        confirmation_accounts(response),
        member_a.check_password("pass-alice"),
    ) == (200, [("Senegal", "alice")], True)


@rendered_by_the_worker
def test_delegation_card_page_prints_and_logs_the_reprint(
    facilitator_client, facilitator, delegation_a, member_a
):
    response = sheet_download(
        facilitator_client, facilitator_client.post(card_page_url(delegation_a), {"apply": "yes"})
    )
    entry = LogEntry.objects.get(object_id=str(delegation_a.pk))
    assert (
        response["Content-Type"],
        entry.user,
        entry.content_type.model,
        entry.action_flag,
        entry.get_change_message(),
        timezone.now() - entry.action_time < dt.timedelta(minutes=1),
    ) == (
        "application/pdf",
        facilitator,
        "delegation",
        CHANGE,
        "Access cards printed; new password for: alice.",
        True,
    )


def test_delegation_card_page_is_refused_to_organiser(organiser_client, delegation_a, member_a):
    response = organiser_client.post(card_page_url(delegation_a), {"apply": "yes"})
    assert (response.status_code, LogEntry.objects.count()) == (403, 0)


def test_delegation_card_page_of_a_missing_delegation_is_404(facilitator_client):
    response = facilitator_client.get(
        reverse("admin:delegations_delegation_access_cards", args=[987654])
    )
    assert response.status_code == 404


def test_printing_cards_of_an_ended_workshop_is_warned_about_first(
    facilitator_client, workshop, delegations
):
    import datetime as dt

    from django.utils import timezone

    workshop.end_date = timezone.localdate() - dt.timedelta(days=3)
    workshop.start_date = workshop.end_date - dt.timedelta(days=2)
    workshop.save()
    page = print_access_sheets(facilitator_client, workshop, confirmed=False)
    assert (
        page.status_code,
        "the QR codes and sign-in links of these cards will not work" in page.text,
    ) == (200, True)


def test_printing_cards_of_a_running_workshop_is_not_warned_about(
    facilitator_client, workshop, delegations
):
    import datetime as dt

    from django.utils import timezone

    workshop.end_date = timezone.localdate() + dt.timedelta(days=1)
    workshop.save()
    page = print_access_sheets(facilitator_client, workshop, confirmed=False)
    assert (page.status_code, "access-cards-ended" in page.text) == (200, False)
