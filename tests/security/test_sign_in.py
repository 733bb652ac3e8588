"""Sign-in under abuse: throttling per account and per address (django-axes), the
lockout page, unlocking by a facilitator, password rules for staff and switching
accounts on a shared browser."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from delegations.services import staff_groups_ensure

LOCKOUT = (
    "Too many failed sign-in attempts. Sign-in is blocked for 15 minutes; "
    "try again after that, or ask a facilitator to unlock your account."
)


def sign_in(client, username, password, url=None, address="10.0.0.1"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address="10.0.0.1", url=None):
    for _attempt in range(times):
        sign_in(client, username, "wrong-password", url=url, address=address)


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


def test_account_is_locked_from_every_address(client, member_a):
    for number in range(10):
        sign_in(client, "alice", "wrong-password", address=f"10.0.1.{number}")
    response = sign_in(Client(), "alice", "pass-alice", address="10.0.2.1")
    assert response.status_code == 429


def test_address_is_locked_for_every_account(client, member_a, member_b):
    for number in range(10):
        sign_in(client, f"guess-{number}", "wrong-password", address="10.0.3.1")
    locked = sign_in(Client(), "bob", "pass-bob", address="10.0.3.1")
    elsewhere = sign_in(Client(), "bob", "pass-bob", address="10.0.3.2")
    assert (locked.status_code, elsewhere.status_code) == (429, 302)


def test_forwarded_address_is_ignored_without_a_proxy(client, member_a):
    for number in range(10):
        client.post(
            reverse("login"),
            {"username": f"guess-{number}", "password": "x"},
            REMOTE_ADDR="10.0.4.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    assert sign_in(Client(), "alice", "pass-alice", address="10.0.4.1").status_code == 429


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
