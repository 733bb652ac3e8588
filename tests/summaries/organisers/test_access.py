"""Only facilitators, organisers and superusers open the organisers' pages and files."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

URLS = [
    ("board", {}),
    ("board_grid", {}),
    ("compare", {"session": "V", "number": 1}),
    ("exports", {}),
    ("export_file", {"table": "ta-requests", "fmt": "csv"}),
    ("export_file", {"table": "ta-requests", "fmt": "xlsx"}),
    ("export_file", {"table": "actions", "fmt": "csv"}),
    ("export_file", {"table": "actions", "fmt": "xlsx"}),
]
IDS = [f"{name}-{'-'.join(str(v) for v in kwargs.values())}" for name, kwargs in URLS]


def url_for(name, kwargs):
    return reverse(f"summaries:{name}", kwargs={"workshop": "regional", **kwargs})


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pass-root")


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=IDS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member_a", 404),
        ("member_b", 404),
        ("organiser", 200),
        ("facilitator", 200),
        ("superuser", 200),
    ],
)
def test_organiser_urls_by_user(
    client, request, session, delegation_b, name, kwargs, who, expected
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url_for(name, kwargs)).status_code == expected


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=IDS)
def test_organiser_urls_for_user_without_delegation_are_404(client, session, name, kwargs):
    client.force_login(User.objects.create_user("nobody"))
    assert client.get(url_for(name, kwargs)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), [u for u in URLS if u[0] != "board_grid"])
def test_organiser_urls_anonymous_redirects_to_login(client, session, name, kwargs):
    response = client.get(url_for(name, kwargs))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=IDS)
def test_organiser_urls_of_unknown_workshop_are_404(client, organiser, name, kwargs):
    client.force_login(organiser)
    assert client.get(url_for(name, kwargs).replace("regional", "nowhere")).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=IDS)
def test_organiser_urls_refuse_post(client, organiser, session, name, kwargs):
    client.force_login(organiser)
    assert client.post(url_for(name, kwargs)).status_code == 405
