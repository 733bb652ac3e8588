"""Caching of signed-in responses (``workshop_portal.middleware.PrivatePagesMiddleware``)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.cache import get_max_age

pytestmark = pytest.mark.django_db


def cache_directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_signed_in_page_is_private_and_never_stored(client, member_a, workshop):
    client.force_login(member_a)
    response = client.get(workshop.get_absolute_url())
    assert (response.status_code, cache_directives(response)) == (200, {"private", "no-store"})


def test_signed_in_redirect_is_private_and_never_stored(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse("home"))
    assert (response.status_code, cache_directives(response)) == (302, {"private", "no-store"})


def test_anonymous_response_gets_no_cache_control(client):
    response = client.get(reverse("home"))
    assert (response.status_code, response.has_header("Cache-Control")) == (302, False)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_file_is_cacheable_for_a_signed_in_person(client, member_a):
    client.force_login(member_a)
    response = client.get("/static/portal/countdown.js")
    assert (response.status_code, "no-store" in cache_directives(response)) == (200, False)
    assert get_max_age(response) is not None
