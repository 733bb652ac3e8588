"""Which interface language a request gets (workshop_portal.middleware) and which
time zone a workshop's pages show their dates in."""

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from delegations.models import Delegation, LanguagePreference
from summaries.services import plan_item_create
from tests.conftest import make_member
from tests.factories import make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi(db):
    return make_workshop(
        title_en="Partnership group",
        title_vi="Nhóm đối tác",
        slug="hanoi",
        start_date=dt.date(2026, 12, 7),
        end_date=dt.date(2026, 12, 9),
        time_zone="Asia/Ho_Chi_Minh",
        languages="vi,en",
        default_language="vi",
    )


@pytest.fixture
def cao_bang(hanoi):
    return Delegation.objects.create(
        workshop=hanoi, name="Cao Bằng", slug="cao-bang", kind="province", language="vi"
    )


@pytest.fixture
def rapporteur(cao_bang):
    return make_member("rapporteur-cao-bang", cao_bang)


def sign_in(user, **headers):
    """A fresh browser: signs in through the real sign-in form."""
    client = Client(**headers)
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pass-" + user.username}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def page_language(client, url="/"):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.headers["Content-Language"]


def test_member_of_a_vietnamese_delegation_signs_in_to_vietnamese(rapporteur, hanoi):
    client = sign_in(rapporteur, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(hanoi.get_absolute_url())
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text


def test_delegation_language_wins_over_a_previous_users_cookie(rapporteur, hanoi):
    client = Client()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.post(
        reverse("login"),
        {"username": rapporteur.username, "password": "pass-" + rapporteur.username},
    )
    assert page_language(client, hanoi.get_absolute_url()) == "vi"


def test_choice_is_kept_on_the_account_for_the_next_sign_in(rapporteur, hanoi):
    first = sign_in(rapporteur)
    first.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert page_language(first, hanoi.get_absolute_url()) == "en"
    assert LanguagePreference.objects.get(user=rapporteur).language == "en"

    second = sign_in(rapporteur, HTTP_ACCEPT_LANGUAGE="th")
    assert page_language(second, hanoi.get_absolute_url()) == "en"


def test_refused_language_is_not_kept(rapporteur):
    client = sign_in(rapporteur)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert not LanguagePreference.objects.filter(user=rapporteur).exists()


def test_anonymous_visitor_gets_the_accept_language(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="th").get(reverse("login"))
    assert response.headers["Content-Language"] == "th"
    assert "เข้าสู่ระบบ" in response.text


def test_staff_keep_their_own_choice(facilitator, cao_bang):
    # A facilitator who is also in a delegation is not sent to its language.
    cao_bang.memberships.create(user=facilitator)
    client = sign_in(facilitator, HTTP_ACCEPT_LANGUAGE="fr")
    assert page_language(client, reverse("admin:index")) == "fr"

    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert page_language(client, reverse("admin:index")) == "th"
    assert not LanguagePreference.objects.filter(user=facilitator).exists()


def test_french_delegation_starts_in_french(delegation_a, workshop):
    client = sign_in(make_member("awa", delegation_a), HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(client, workshop.get_absolute_url()) == "fr"


def test_language_is_resolved_again_when_another_member_signs_in(rapporteur, member_b, hanoi):
    client = sign_in(rapporteur)
    assert page_language(client, hanoi.get_absolute_url()) == "vi"
    client.force_login(member_b)  # as a card link does: login() over the first account
    assert page_language(client, member_b.delegations.get().workshop.get_absolute_url()) == "en"


def test_switcher_lists_the_four_languages_by_their_own_names(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="th").get(reverse("login"))
    names = [
        ('value="en" lang="en"', "English"),
        ('value="fr" lang="fr"', "Français"),
        ('value="vi" lang="vi"', "Tiếng Việt"),
        ('value="th" lang="th"', "ภาษาไทย"),
    ]
    # Django's own name for Vietnamese is decomposed (ê + U+0301); compare composed.
    text = unicodedata.normalize("NFC", " ".join(response.text.split()))
    for attrs, name in names:
        assert attrs in text
        assert f">{name}</button>" in text


def test_plan_history_shows_dates_in_the_workshop_time_zone(rapporteur, cao_bang, hanoi):
    # The history template has no {% timezone %} of its own: the middleware sets it.
    item = plan_item_create(
        delegation=cao_bang, kind="action", data={"title": "Tập huấn"}, user=rapporteur
    )
    saved = item.history.get().history_date
    client = sign_in(rapporteur)
    url = reverse(
        "summaries:plan_item_history",
        kwargs={"workshop": "hanoi", "delegation": "cao-bang", "kind": "action", "pk": item.pk},
    )
    response = client.get(url)
    with translation.override("vi"):
        in_hanoi = date_format(
            timezone.localtime(saved, ZoneInfo("Asia/Ho_Chi_Minh")), "DATETIME_FORMAT"
        )
        in_utc = date_format(timezone.localtime(saved, dt.UTC), "DATETIME_FORMAT")
    assert in_hanoi in response.text
    assert in_utc not in response.text


def test_time_zone_is_not_left_active_after_a_workshop_page(rapporteur, hanoi):
    client = sign_in(rapporteur)
    client.get(hanoi.get_absolute_url())
    assert timezone.get_current_timezone_name() == "UTC"
