"""Hostile values in every URL parameter and form field of the portal's own pages:
a 4xx, never a 500, on SQLite and on PostgreSQL, for a member and for an organiser.

The Django test client re-raises a view's exception, so a 500 fails the test with
its traceback."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sessions.models import Session

HOSTILE = {
    "nul-escaped": "%00",
    "nul-raw": "\x00",
    "slash": "%2F",
    "dot-dot": "..",
    "long": "x" * 3000,
    "not-utf8": "%ff",
    "surrogate": "%ed%a0%80",
}
# What each URL parameter is when it is not the hostile one.
VALID = {
    "workshop": "regional",
    "delegation": "senegal",
    "session": "V",
    "number": "1",
    "kind": "action",
    "table": "actions",
    "fmt": "csv",
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Form fields of the portal's forms and the values its views read from POST directly.
FORM_FIELDS = [
    "text",
    "discussed",
    "language",
    "version",
    "participants",
    "rapporteur",
    "title",
    "description",
    "start_month",
    "end_month",
    "priority",
    "status",
    "intervention_area",
    "action",
    "direction",
    "restart",
    "history_id",
    "q1-text",
    "q1-version",
    "details-participants",
    "details-version",
    "lang",
    "next",
]


def portal_routes(patterns=None, prefix=""):
    """Every route of the portal (the admin and Django's i18n view excepted), as a
    path template such as ``w/<slug:workshop>/board/``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("admin/", "i18n/")):
                continue
            yield from portal_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route, item_pk, hostile_name=None, hostile_value=None):
    def value(match):
        name = match.group("name")
        if name == hostile_name:
            return hostile_value
        if name == "pk":
            return str(item_pk)
        return VALID[name]

    return "/" + PARAMETER.sub(value, route)


def parameter_cases():
    for route in portal_routes():
        for match in PARAMETER.finditer(route):
            for label, value in HOSTILE.items():
                yield pytest.param(route, match.group("name"), value, id=f"{route}-{label}")


def test_routes_are_walked():
    routes = list(portal_routes())
    assert ("w/<slug:workshop>/d/<slug:delegation>/plan/" in routes, len(routes) > 30) == (
        True,
        True,
    )


@pytest.mark.parametrize("who", ["member", "organiser"])
@pytest.mark.parametrize(("route", "name", "value"), list(parameter_cases()))
def test_hostile_url_parameter_is_a_4xx(
    request, who, route, name, value, action_item, member_client, organiser_client
):
    client = member_client if who == "member" else organiser_client
    path = fill(route, action_item.pk, name, value)
    statuses = {client.get(path).status_code, client.post(path).status_code}
    # A value that could be a slug (``..``, a long one) may be redirected; none fails.
    assert max(statuses) < 500, (path[:200], statuses)


@pytest.mark.parametrize("who", ["member", "organiser"])
@pytest.mark.parametrize(
    ("route", "name"),
    list(
        (route, match.group("name"))
        for route in portal_routes()
        for match in PARAMETER.finditer(route)
    ),
)
def test_nul_in_a_url_parameter_is_a_400(
    who, route, name, action_item, member_client, organiser_client
):
    client = member_client if who == "member" else organiser_client
    response = client.get(fill(route, action_item.pk, name, "%00"))
    assert (response.status_code, response.text) == (
        400,
        "The address contains a character that is not allowed (NUL).",
    )


@pytest.mark.parametrize("who", ["member", "organiser"])
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("route", list(portal_routes()))
def test_hostile_form_fields_never_fail(
    who, route, value, action_item, member_client, organiser_client
):
    client = member_client if who == "member" else organiser_client
    path = fill(route, action_item.pk)
    # What a browser would send: the form, URL-encoded, each field hostile.
    raw = value.replace("%", "") if value.startswith("%") else value
    data = {field: raw for field in FORM_FIELDS}
    post = client.post(path, data)
    get = client.get(path, {field: raw for field in ("lang", "next", "q")})
    assert (post.status_code < 500, get.status_code < 500) == (True, True)


@pytest.mark.parametrize("who", ["member", "organiser"])
@pytest.mark.parametrize("body", [b"text=%00", b"text=%ff%fe", b"version=%ed%a0%80"])
def test_hostile_form_bytes_never_fail(who, body, session, member_client, organiser_client):
    client = member_client if who == "member" else organiser_client
    path = reverse(
        "summaries:answer_save",
        kwargs={"workshop": "regional", "delegation": "senegal", "session": "V", "number": 1},
    )
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500 or response.status_code in (200, 302)


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "no-such-codec"])
def test_form_declared_in_another_charset_is_refused(charset, member_client):
    response = member_client.generic(
        "POST",
        reverse("summaries:plan", kwargs={"workshop": "regional", "delegation": "senegal"}),
        "title=Budget".encode("utf-16" if charset == "utf-16" else "latin-1"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert (response.status_code, response.text) == (
        400,
        "This form was sent in a character set other than UTF-8. "
        "Reload the page and send it again.",
    )


def test_anonymous_form_in_another_charset_is_refused(client, db):
    response = client.generic(
        "POST",
        reverse("login"),
        "username=a".encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400


def test_utf8_charset_is_accepted(client, db):
    response = client.post(
        reverse("login"),
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["workshop__id__exact=%00", "q=%00", "status__exact=%00", "o=%00"]
)
@pytest.mark.parametrize("model", ["workshop_sessions/session", "delegations/delegation"])
def test_admin_filter_with_nul_is_a_400(query, model, organiser_client):
    response = organiser_client.get(f"/admin/{model}/?{query}")
    assert (response.status_code, response.text) == (
        400,
        "The address contains a character that is not allowed (NUL).",
    )


@pytest.mark.parametrize("query", ["q=%ff", "q=..", "workshop__id__exact=abc", "q=" + "x" * 3000])
def test_admin_filter_with_other_hostile_values_is_not_a_500(query, organiser_client):
    response = organiser_client.get(f"/admin/workshop_sessions/session/?{query}")
    assert response.status_code in (200, 302, 400)


def test_plan_item_delete_with_a_version_that_is_not_a_number(member_client, action_item):
    path = reverse(
        "summaries:plan_item_delete",
        kwargs={
            "workshop": "regional",
            "delegation": "senegal",
            "kind": "action",
            "pk": action_item.pk,
        },
    )
    response = member_client.post(path, {"version": "abc"})
    assert (response.status_code, response.text, type(action_item).objects.count()) == (
        400,
        "The version sent with this form is not a number. Reload the page and try again.",
        1,
    )


@pytest.mark.parametrize("code", ["V/2", "..", ".", "a b", "V\x00", "é", "-V", "x" * 21])
def test_session_code_that_a_url_cannot_carry_is_refused(code, workshop):
    session = Session(workshop=workshop, code=code, title_en="T", title="T")
    with pytest.raises(Exception) as caught:
        session.full_clean()
    assert "code" in caught.value.message_dict


@pytest.mark.parametrize("code", ["V", "D3", "day-3", "S_1", "v1.2"])
def test_session_code_that_a_url_carries_is_accepted(code, workshop):
    Session(workshop=workshop, code=code, title_en="T", title="T").full_clean()
    assert reverse("summaries:session", kwargs={"workshop": "regional", "session": code}) == (
        f"/w/regional/s/{code}/"
    )
