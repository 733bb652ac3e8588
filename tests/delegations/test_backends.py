"""``delegations.backends``: the signed-in user is read with a prepared query, and
sessions that name Django's or django-sesame's own backend stay signed in."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from delegations import backends
from workshop_portal.session_store import SessionStore


def request_with_session(user, backend):
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = backend
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    request = RequestFactory().get("/")
    request.session = SessionStore(store.session_key)
    return request


@pytest.mark.parametrize(
    "backend",
    [
        "delegations.backends.ModelBackend",
        "delegations.backends.CardBackend",
        "django.contrib.auth.backends.ModelBackend",  # signed in before the change
        "sesame.backends.ModelBackend",
    ],
)
def test_a_signed_in_person_stays_signed_in(member_a, backend):
    for _ in range(2):  # the second time from the prepared query
        assert get_user(request_with_session(member_a, backend)) == member_a
    assert backends._user._prepared


def test_an_inactive_account_is_signed_out(member_a):
    request = request_with_session(member_a, "delegations.backends.ModelBackend")
    member_a.is_active = False
    member_a.save()
    assert not get_user(request).is_authenticated


def test_a_session_of_a_removed_account_is_signed_out(member_a):
    request = request_with_session(member_a, "sesame.backends.ModelBackend")
    member_a.delete()
    assert not get_user(request).is_authenticated
