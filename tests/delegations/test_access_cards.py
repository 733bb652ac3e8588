"""Access cards: printed for the delegation's own members, one delegation at a time; a
reprint changes only that delegation's passwords and links."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from delegations.access_sheet import card_sign_in_url
from delegations.models import Membership
from delegations.services import delegation_card_holders
from tests.conftest import make_member

from .conftest import PORTAL, issue, signed_in_username_after


def test_card_holders_are_the_delegations_members(delegation_a, member_a):
    second = make_member("amadou", delegation_a, role=Membership.Role.MEMBER)
    assert [(h.username, h.user) for h in delegation_card_holders(delegation_a)] == [
        ("alice", member_a),
        ("amadou", second),
    ]


def test_cards_issue_creates_no_account_when_members_exist(delegation_a, member_a, member_b):
    users = User.objects.count()
    cards = issue(delegation_a)
    assert ([card.user.username for card in cards], User.objects.count()) == (["alice"], users)


def test_cards_issue_creates_one_rapporteur_for_a_delegation_without_members(delegation_a):
    issue(delegation_a)
    issue(delegation_a)
    assert list(
        Membership.objects.filter(delegation=delegation_a).values_list("user__username", "role")
    ) == [("regional-senegal", "rapporteur")]


def test_cards_skip_staff_and_deactivated_members(delegation_a, member_a, facilitator):
    Membership.objects.create(user=facilitator, delegation=delegation_a)
    inactive = make_member("amadou", delegation_a)
    inactive.is_active = False
    inactive.save()
    cards = issue(delegation_a)
    facilitator.refresh_from_db()
    assert (
        [card.user.username for card in cards],
        facilitator.check_password("pass-fatou"),
    ) == (["alice"], True)


def test_cards_issue_refuses_a_staff_accounts_name(delegation_a):
    User.objects.create_user("regional-senegal", password="staff-password-1", is_staff=True)
    with pytest.raises(ValidationError) as error:
        issue(delegation_a)
    assert error.value.code == "username_taken"


def test_reprinting_one_delegation_changes_only_its_passwords(delegation_a, member_a, member_b):
    card = issue(delegation_a)[0]
    member_a.refresh_from_db()
    member_b.refresh_from_db()
    assert (
        member_a.check_password("pass-alice"),
        member_a.check_password(card.password),
        member_b.check_password("pass-bob"),
    ) == (False, True, True)


def test_reprinting_one_delegation_revokes_only_its_links(
    running, delegation_a, member_a, member_b
):
    alice_link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    bob_link = card_sign_in_url(member_b, running, portal_url=PORTAL)
    issue(delegation_a)
    member_a.refresh_from_db()
    assert (
        signed_in_username_after(alice_link),
        signed_in_username_after(bob_link),
        signed_in_username_after(card_sign_in_url(member_a, running, portal_url=PORTAL)),
    ) == (None, "bob", "alice")
