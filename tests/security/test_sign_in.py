"""Sign-in under abuse: throttling per account and per address (django-axes), the
lockout page, unlocking by a facilitator, password rules for staff and switching
accounts on a shared browser."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, password_validation
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from delegations.services import staff_groups_ensure

LOCKOUT = (
    "Too many failed sign-in attempts. Sign-in with a password is blocked here for 15 "
    "minutes. To get in now, scan the QR code on your access card, or ask a facilitator "
    "to unlock your account."
)


def sign_in(client, username, password, url=None, address="10.0.0.1", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, username, times, address="10.0.0.1", url=None, forwarded=None):
    for _attempt in range(times):
        sign_in(client, username, "wrong-password", url=url, address=address, forwarded=forwarded)


def test_right_password_is_refused_after_ten_failures(client, member_a):
    fail(client, "alice", 10)
    response = sign_in(client, "alice", "pass-alice")
    assert (response.status_code, SESSION_KEY in client.session) == (429, False)


def test_lockout_page_says_why_and_for_how_long(client, member_a):
    fail(client, "alice", 10)
    response = sign_in(client, "alice", "pass-alice")
    assert (LOCKOUT in response.text, 'name="username"' in response.text) == (True, True)


def test_nine_failures_still_let_the_right_password_in(client, member_a):
    fail(client, "alice", 9)
    response = sign_in(client, "alice", "pass-alice")
    assert (response.status_code, client.session[SESSION_KEY]) == (302, str(member_a.pk))


def test_an_account_locked_at_one_address_still_signs_in_from_another(client, member_a):
    fail(client, "alice", 12, address="10.0.1.1")
    here = sign_in(Client(), "alice", "pass-alice", address="10.0.1.1")
    elsewhere = sign_in(Client(), "alice", "pass-alice", address="10.0.2.1")
    assert (here.status_code, elsewhere.status_code) == (429, 302)


def test_a_rivals_failures_do_not_lock_other_accounts_at_the_venue(
    client, member_a, member_b, organiser
):
    # Twelve wrong passwords for alice from the venue's one public address.
    fail(client, "alice", 12, address="10.0.3.1")
    assert [
        sign_in(Client(), username, password, address="10.0.3.1").status_code
        for username, password in (("bob", "pass-bob"), ("olga", "pass-olga"))
    ] == [302, 302]


def test_typos_spread_over_accounts_do_not_lock_the_venue(client, member_a, member_b):
    for number in range(6):
        fail(client, f"rapporteur-{number}", 10, address="10.0.3.9")  # 60 typos in all
    assert sign_in(Client(), "bob", "pass-bob", address="10.0.3.9").status_code == 302


@override_settings(PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT=30)
def test_an_address_is_refused_after_many_failures_over_all_accounts(client, member_a):
    for number in range(30):
        sign_in(client, f"guess-{number}", "wrong-password", address="10.0.3.5")
    locked = sign_in(Client(), "alice", "pass-alice", address="10.0.3.5")
    elsewhere = sign_in(Client(), "alice", "pass-alice", address="10.0.3.6")
    assert (locked.status_code, elsewhere.status_code) == (429, 302)


def test_forwarded_address_is_ignored_without_a_proxy(client, member_a):
    for number in range(10):
        sign_in(client, "alice", "x", address="10.0.4.1", forwarded=f"192.0.2.{number}")
    assert sign_in(Client(), "alice", "pass-alice", address="10.0.4.1").status_code == 429


@override_settings(BEHIND_PROXY=True, PROXY_COUNT=1)
def test_behind_the_proxy_two_clients_are_throttled_apart(client, member_a):
    # Every request comes from the proxy (10.9.9.9); the proxy says who the client is.
    fail(client, "alice", 10, address="10.9.9.9", forwarded="203.0.113.7")
    locked = sign_in(Client(), "alice", "pass-alice", address="10.9.9.9", forwarded="203.0.113.7")
    other = sign_in(Client(), "alice", "pass-alice", address="10.9.9.9", forwarded="203.0.113.8")
    assert (locked.status_code, other.status_code) == (429, 302)


@override_settings(BEHIND_PROXY=True, PROXY_COUNT=1)
def test_behind_the_proxy_made_up_names_do_not_close_the_portal(client, member_a, facilitator):
    for number in range(10):
        sign_in(client, f"made-up-{number}", "x", address="10.9.9.9", forwarded="198.51.100.4")
    member = sign_in(Client(), "alice", "pass-alice", address="10.9.9.9", forwarded="203.0.113.9")
    admin = sign_in(
        Client(), "fatou", "pass-fatou", url=reverse("admin:login"), address="10.9.9.9",
        forwarded="203.0.113.10",
    )  # fmt: skip
    assert (member.status_code, admin.status_code, AccessAttempt.objects.count()) == (302, 302, 10)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.4"}


@override_settings(BEHIND_PROXY=True, PROXY_COUNT=1)
def test_behind_the_proxy_a_client_cannot_choose_its_address(client, member_a):
    # What the client writes before the proxy's entry is not believed.
    for number in range(10):
        sign_in(
            client, "alice", "x", address="10.9.9.9", forwarded=f"192.0.2.{number}, 203.0.113.20"
        )
    locked = sign_in(
        Client(), "alice", "pass-alice", address="10.9.9.9", forwarded="192.0.2.99, 203.0.113.20"
    )
    assert locked.status_code == 429


def test_a_locked_account_still_signs_in_with_its_access_card(client, workshop, delegation_a):
    import datetime as dt

    from django.utils import timezone

    from delegations.access_sheet import card_sign_in_url
    from delegations.models import Delegation
    from delegations.services import delegation_cards_issue

    workshop.end_date = timezone.localdate() + dt.timedelta(days=1)
    workshop.save()
    (card,) = delegation_cards_issue(delegations=Delegation.objects.filter(pk=delegation_a.pk))
    fail(client, card.user.username, 12)
    path, _query, token = card_sign_in_url(card.user, workshop, portal_url="http://testserver/")[
        len("http://testserver") :
    ].partition("?sesame=")
    card_client = Client()
    card_client.get(f"{path}?sesame={token}", REMOTE_ADDR="10.0.0.1")
    response = card_client.post(path, {"sesame": token}, REMOTE_ADDR="10.0.0.1")
    assert (response.status_code, card_client.session[SESSION_KEY]) == (302, str(card.user.pk))


def test_admin_sign_in_is_throttled(client, facilitator):
    admin_login = reverse("admin:login")
    fail(client, "fatou", 10, url=admin_login)
    response = sign_in(client, "fatou", "pass-fatou", url=admin_login)
    assert (response.status_code, LOCKOUT in response.text) == (429, True)


def test_facilitator_unlocks_an_account_in_the_admin(client, member_a, facilitator):
    staff_groups_ensure()
    fail(client, "alice", 10)
    admin = Client()
    admin.force_login(facilitator)
    attempt = AccessAttempt.objects.get(username="alice")
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert sign_in(Client(), "alice", "pass-alice", address="10.0.9.9").status_code == 302


def test_organiser_cannot_see_failed_sign_ins(organiser):
    staff_groups_ensure()
    client = Client()
    client.force_login(organiser)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def test_successful_sign_in_clears_the_failures(client, member_a):
    fail(client, "alice", 9)
    sign_in(client, "alice", "pass-alice")
    Client().post(reverse("logout"))
    fail(Client(), "alice", 9, address="10.0.5.1")
    assert sign_in(Client(), "alice", "pass-alice", address="10.0.5.1").status_code == 302


def test_signing_in_as_another_account_signs_the_first_out(client, member_a, member_b):
    client.force_login(member_a)
    first_session = client.session.session_key
    response = sign_in(client, "bob", "pass-bob")
    assert (
        response.status_code,
        client.session[SESSION_KEY],
        client.session.session_key != first_session,
    ) == (302, str(member_b.pk), True)


def test_signed_in_user_opening_the_sign_in_page_goes_home(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse("login"))
    assert (response.status_code, response.url) == (302, reverse("home"))


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1", "password_too_short"),
        ("password123", "password_too_common"),
        ("8392017465", "password_entirely_numeric"),
        ("fatou-example", "password_too_similar"),
    ],
)
def test_staff_passwords_pass_all_four_validators(password, code, facilitator):
    facilitator.email = "fatou@example.org"
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user=facilitator)
    assert code in [error.code for error in caught.value.error_list]


def test_a_strong_password_passes(facilitator):
    assert password_validation.validate_password("k7mq-x2pd-r9ta", user=facilitator) is None


def test_facilitator_sees_blocked_sign_ins_in_their_language_and_unlocks_them(
    client, member_a, member_b, facilitator
):
    import html

    from django.utils import translation

    staff_groups_ensure()
    fail(client, "alice", 10)
    fail(client, "bob", 3)
    admin = Client()
    admin.cookies["django_language"] = "fr"
    admin.force_login(facilitator)
    page = admin.get(reverse("admin:axes_accessattempt_changelist") + "?blocked=yes")
    with translation.override("fr"):
        blocked = translation.gettext("Blocked until %(time)s").split("%")[0]
        action = translation.gettext("Unlock the selected sign-ins")
    assert (
        [a.username for a in page.context["cl"].result_list],
        blocked in html.unescape(page.text),
        action in html.unescape(page.text),
    ) == (["alice"], True, True)
    attempt = AccessAttempt.objects.get(username="alice")
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert sign_in(Client(), "alice", "pass-alice").status_code == 302
