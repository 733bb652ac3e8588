"""Landing pages: home and workshop page, for every kind of user."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from sessions.models import Session
from tests.factories import make_workshop

pytestmark = pytest.mark.django_db


def test_home_without_delegation_says_so(client):
    client.force_login(User.objects.create_user("nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Your account is not part of any delegation yet." in response.text


def test_home_redirects_member_to_their_workshop(client, member_a, workshop):
    client.force_login(member_a)
    response = client.get(reverse("home"))
    assert response.url == workshop.get_absolute_url()


def test_home_anonymous_goes_to_login(client):
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_workshop_page_hides_draft_sessions_from_members(client, member_a, workshop, session):
    Session.objects.create(workshop=workshop, code="VI", title="Not ready yet", status="draft")
    client.force_login(member_a)
    response = client.get(workshop.get_absolute_url())
    assert "Mobilizing resources" in response.text
    assert "Not ready yet" not in response.text


def test_workshop_page_shows_drafts_to_facilitators(client, facilitator, workshop, session):
    Session.objects.create(workshop=workshop, code="VI", title="Not ready yet", status="draft")
    client.force_login(facilitator)
    assert "Not ready yet" in client.get(workshop.get_absolute_url()).text


def test_workshop_page_shows_deadline_in_workshop_time_zone(client, member_a, workshop, session):
    session.deadline = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)
    session.save()
    workshop.time_zone = "Asia/Bangkok"
    workshop.save()
    client.force_login(member_a)
    response = client.get(workshop.get_absolute_url())
    assert "10:30 p.m." in response.text
    assert "Asia/Bangkok" in response.text


def test_workshop_page_of_other_workshop_is_404(client, member_b, workshop):

    other = make_workshop(
        title="Other", slug="other", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 2)
    )
    client.force_login(member_b)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_pages_switch_interface_language(client, member_a, workshop, session):
    client.force_login(member_a)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "fr"
