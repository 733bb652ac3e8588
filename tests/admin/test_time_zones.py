"""The admin in the workshop's terms: deadlines in its time zone, its languages as
checkboxes and first in the translation tabs."""

import datetime as dt
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from sessions.models import GuidanceQuestion, Session
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
def hanoi_session(hanoi):
    session = Session.objects.create(
        workshop=hanoi, code="I", title_en="Partnerships", title_vi="Quan hệ đối tác"
    )
    GuidanceQuestion.objects.create(session=session, number=1, text_en="Who?", text_vi="Ai?")
    return session


def session_url(session):
    return reverse("admin:workshop_sessions_session_change", args=[session.pk])


def post_session(client, session, **changes):
    """The session's change form as the page shows it, with ``changes``."""
    form = client.get(session_url(session)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("deadline", None)
    data.update(
        {
            "workshop": session.workshop_id,
            "deadline_0": "",
            "deadline_1": "",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return client.post(session_url(session), data)


def test_deadline_typed_in_hanoi_is_stored_in_utc(facilitator_client, hanoi_session):
    response = post_session(
        facilitator_client, hanoi_session, deadline_0="2026-12-08", deadline_1="17:00:00"
    )
    assert response.status_code == 302
    hanoi_session.refresh_from_db()
    assert hanoi_session.deadline == dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)


def test_deadline_is_shown_back_in_the_workshop_time_zone(facilitator_client, hanoi_session):
    hanoi_session.deadline = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
    hanoi_session.save()
    html = facilitator_client.get(session_url(hanoi_session)).text
    assert re.search(r'name="deadline_0" value="2026-12-08"', html)
    assert re.search(r'name="deadline_1" value="17:00:00"', html)


def test_deadline_field_says_which_time_zone(facilitator_client, hanoi_session):
    html = facilitator_client.get(session_url(hanoi_session)).text
    assert "<div>In the workshop's time zone: Asia/Ho_Chi_Minh.</div>" in html


def test_date_widgets_of_the_session_page_work_in_the_workshop_time_zone(
    facilitator_client, hanoi_session
):
    # The "Now" button and the browser-offset note of Django's date widgets read it.
    html = facilitator_client.get(session_url(hanoi_session)).text
    assert 'data-admin-utc-offset="25200"' in html


def test_unchanged_deadline_is_not_logged_as_a_change(
    facilitator_client, facilitator, hanoi_session
):
    hanoi_session.deadline = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
    hanoi_session.save()
    post_session(
        facilitator_client, hanoi_session, deadline_0="2026-12-08", deadline_1="17:00:00", day="2"
    )
    entry = LogEntry.objects.get(object_id=str(hanoi_session.pk))
    assert entry.get_change_message() == "Changed Day."


def test_deadline_of_a_new_session_follows_the_chosen_workshop(facilitator_client, hanoi):
    response = facilitator_client.post(
        reverse("admin:workshop_sessions_session_add"),
        {
            "workshop": hanoi.pk,
            "code": "II",
            "order": "0",
            "title_en": "Session II",
            "title_vi": "Phiên II",
            "kind": "group_work",
            "day": "1",
            "time_box_minutes": "30",
            "status": "draft",
            "deadline_0": "2026-12-08",
            "deadline_1": "17:00:00",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(code="II").deadline == dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)


def test_time_that_does_not_exist_in_the_workshop_zone_is_refused(facilitator_client, db):
    # Clocks in Paris jump from 02:00 to 03:00 on 29 March 2026.
    paris = make_workshop(
        title_en="Paris",
        slug="paris",
        start_date=dt.date(2026, 3, 28),
        end_date=dt.date(2026, 3, 30),
        time_zone="Europe/Paris",
    )
    session = Session.objects.create(workshop=paris, code="I", title_en="One")
    response = post_session(
        facilitator_client, session, deadline_0="2026-03-29", deadline_1="02:30:00"
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["deadline"][0].startswith("2026-03-29 02:30")


def test_session_list_shows_deadlines_in_the_workshop_time_zone(facilitator_client, hanoi_session):
    hanoi_session.deadline = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
    hanoi_session.save()
    html = facilitator_client.get(reverse("admin:workshop_sessions_session_changelist")).text
    assert "Dec. 8, 2026, 5 p.m. (Asia/Ho_Chi_Minh)" in html


# --- languages -------------------------------------------------------------------------


def workshop_url(workshop):
    return reverse("admin:workshop_sessions_workshop_change", args=[workshop.pk])


def post_workshop(client, workshop, **changes):
    form = client.get(workshop_url(workshop)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "start_date": workshop.start_date.isoformat(),
            "end_date": workshop.end_date.isoformat(),
            "languages": workshop.languages.split(","),
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
            "delegations-TOTAL_FORMS": "0",
            "delegations-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return client.post(workshop_url(workshop), data)


def test_workshop_languages_are_checkboxes_of_the_content_languages(facilitator_client, hanoi):
    html = facilitator_client.get(workshop_url(hanoi)).text
    boxes = re.findall(
        r'<input type="checkbox" name="languages" value="(\w+)"[^>]*?( checked)?>', html
    )
    assert boxes == [("en", " checked"), ("fr", ""), ("vi", " checked"), ("th", "")]


def test_workshop_languages_keep_their_order_and_add_new_ones_after(facilitator_client, hanoi):
    response = post_workshop(facilitator_client, hanoi, languages=["en", "th", "vi"])
    assert response.status_code == 302
    hanoi.refresh_from_db()
    assert hanoi.languages == "vi,en,th"


def test_workshop_needs_at_least_one_language(facilitator_client, hanoi):
    response = post_workshop(facilitator_client, hanoi, languages=[])
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["languages"]


def tab_order(html, name_pattern):
    return re.findall(rf'name="{name_pattern}_(en|fr|vi|th)"', html)


def test_workshop_tabs_show_its_languages_first(facilitator_client, hanoi):
    html = facilitator_client.get(workshop_url(hanoi)).text
    assert tab_order(html, "title") == ["vi", "en", "fr", "th"]


def test_session_and_question_tabs_show_the_workshop_languages_first(
    facilitator_client, hanoi_session
):
    html = facilitator_client.get(session_url(hanoi_session)).text
    assert tab_order(html, "guidance") == ["vi", "en", "fr", "th"]
    assert tab_order(html, "questions-0-text") == ["vi", "en", "fr", "th"]


def test_session_inline_tabs_on_the_workshop_page_follow_it(facilitator_client, hanoi_session):
    html = facilitator_client.get(workshop_url(hanoi_session.workshop)).text
    assert tab_order(html, "sessions-0-title") == ["vi", "en", "fr", "th"]


def test_new_session_for_a_workshop_shows_its_languages_first(facilitator_client, hanoi):
    url = reverse("admin:workshop_sessions_session_add") + f"?workshop={hanoi.pk}"
    assert tab_order(facilitator_client.get(url).text, "title") == ["vi", "en", "fr", "th"]
