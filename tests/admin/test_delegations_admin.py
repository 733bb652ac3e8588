"""The facilitators' admin for delegations, their members and delegation accounts."""

import pytest
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.models import User
from django.urls import reverse

from delegations.models import Membership


@pytest.fixture
def delegation_url(delegation_a):
    return reverse("admin:delegations_delegation_change", args=[delegation_a.pk])


def test_delegation_changelist_counts_members(facilitator_client, member_a, delegation_b):
    response = facilitator_client.get(reverse("admin:delegations_delegation_changelist"))
    assert [(d.name, d.member_count) for d in response.context["cl"].result_list] == [
        ("Ghana", 0),
        ("Senegal", 1),
    ]


def test_delegation_change_page_loads_for_facilitator(facilitator_client, delegation_url):
    assert facilitator_client.get(delegation_url).status_code == 200


def test_delegation_change_page_shows_members(facilitator_client, delegation_url, member_a):
    inline = facilitator_client.get(delegation_url).context["inline_admin_formsets"][0]
    assert [
        (form.original.user.username, form.original.role) for form in inline if form.original
    ] == [("alice", Membership.Role.RAPPORTEUR)]


def test_delegation_change_page_picks_members_by_autocomplete(
    facilitator_client, delegation_url, member_a
):
    inline = facilitator_client.get(delegation_url).context["inline_admin_formsets"][0]
    widget = inline.formset.forms[0].fields["user"].widget.widget
    assert type(widget) is AutocompleteSelect


def test_delegation_change_adds_member(facilitator_client, delegation_a, delegation_url):
    bintou = User.objects.create_user("bintou")
    response = facilitator_client.post(
        delegation_url,
        {
            "workshop": delegation_a.workshop_id,
            "name": "Senegal",
            "slug": "senegal",
            "kind": "country",
            "country_code": "SN",
            "language": "fr",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": bintou.pk,
            "memberships-0-role": "member",
        },
    )
    assert response.status_code == 302
    assert list(delegation_a.memberships.values_list("user__username", "role")) == [
        ("bintou", "member")
    ]


def test_user_autocomplete_finds_accounts_for_facilitator(facilitator_client, member_a):
    response = facilitator_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "ali",
            "app_label": "delegations",
            "model_name": "membership",
            "field_name": "user",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["alice"]


def test_facilitator_creates_delegation_account(facilitator_client):
    response = facilitator_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "senegal-2",
            "usable_password": "true",
            "password1": "a-long-Passphrase-2026",
            "password2": "a-long-Passphrase-2026",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="senegal-2", is_staff=False).exists()


def test_facilitator_cannot_make_an_account_staff(facilitator_client, member_a):
    facilitator_client.post(
        reverse("admin:auth_user_change", args=[member_a.pk]),
        {
            "username": "alice",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    member_a.refresh_from_db()
    assert (member_a.is_staff, member_a.is_superuser) == (False, False)


def test_facilitator_cannot_change_own_staff_account(facilitator_client, facilitator):
    response = facilitator_client.post(
        reverse("admin:auth_user_change", args=[facilitator.pk]),
        {"username": "fatou", "is_active": "on", "is_superuser": "on"},
    )
    facilitator.refresh_from_db()
    assert (response.status_code, facilitator.is_superuser) == (403, False)


def test_facilitator_cannot_reset_a_superuser_password(facilitator_client):
    admin = User.objects.create_superuser("root", password="root-password-1")
    response = facilitator_client.post(
        reverse("admin:auth_user_password_change", args=[admin.pk]),
        {"password1": "taken-over-2026", "password2": "taken-over-2026"},
    )
    admin.refresh_from_db()
    assert (response.status_code, admin.check_password("root-password-1")) == (403, True)
