import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.utils import translation

from delegations.demo import DEMO_PASSWORD, demo_load
from delegations.models import Delegation, Membership
from delegations.workshop_files import WorkshopFileError
from sessions.models import GuidanceQuestion, Session

from .conftest import row_counts


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_creates_the_demo_workshops():
    load_demo()

    assert row_counts() == {
        "Workshop": 3,
        "Session": 4,
        "GuidanceQuestion": 12,
        "InterventionArea": 5,
        "Delegation": 12,
        "Membership": 12,
        "User": 14,
    }


@pytest.mark.django_db
def test_load_demo_twice_is_idempotent():
    load_demo()
    before = row_counts()

    load_demo()

    assert row_counts() == before


@pytest.mark.django_db
def test_load_demo_twice_keeps_password_hashes():
    load_demo()
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    load_demo()

    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    [
        "facilitator",
        "organiser",
        "rapporteur-senegal",
        "rapporteur-ghana",
        "rapporteur-cao-bang",
        "rapporteur-lat-phrao",
    ],
)
def test_load_demo_accounts_can_log_in(client, username):
    load_demo()

    # django-axes throttles sign-in by address: authenticate() needs the request.
    assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD) is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "group"), [("facilitator", "Facilitators"), ("organiser", "Organisers")]
)
def test_load_demo_staff_accounts_are_staff_in_their_group(username, group):
    load_demo()

    user = get_user_model().objects.get(username=username)
    assert (user.is_staff, list(user.groups.values_list("name", flat=True))) == (True, [group])


@pytest.mark.django_db
def test_load_demo_prints_a_table_of_logins():
    rows = [line.split() for line in load_demo().splitlines()]

    assert rows[:3] == [
        ["username", "password", "role", "workshop", "delegation"],
        ["facilitator", "demo1234", "facilitator", "(all)", "-"],
        ["organiser", "demo1234", "organiser", "(all)", "-"],
    ]
    assert ["rapporteur-senegal", "demo1234", "rapporteur", "regional-workshop", "senegal"] in rows


@pytest.mark.django_db
def test_load_demo_leaves_other_members_passwords_alone():
    load_demo()
    alice = get_user_model().objects.create_user("alice", password="alice-own-1")
    Membership.objects.create(
        user=alice, delegation=Delegation.objects.get(slug="senegal"), role="rapporteur"
    )

    load_demo()

    assert get_user_model().objects.get(username="alice").check_password("alice-own-1")


@pytest.mark.django_db
def test_demo_load_returns_one_login_per_rapporteur_and_staff_account():
    logins = demo_load()

    assert len(logins) == 2 + Membership.objects.filter(role="rapporteur").count()


@pytest.mark.django_db
def test_demo_session_v_is_open_for_30_minutes_on_day_2():
    load_demo()

    session = Session.objects.get(workshop__slug="regional-workshop", code="V")
    assert (session.status, session.time_box_minutes, session.day, session.kind) == (
        "open",
        30,
        2,
        "group_work",
    )


@pytest.mark.django_db
def test_demo_session_v_questions_4_and_5_feed_the_plan_and_ta_request():
    load_demo()

    feeds = GuidanceQuestion.objects.filter(session__code="V").values_list("number", "feeds")
    assert list(feeds) == [
        (1, "nothing"),
        (2, "nothing"),
        (3, "nothing"),
        (4, "action_plan"),
        (5, "ta_request"),
    ]


@pytest.mark.django_db
def test_demo_session_v_guidance_is_the_seed_text_in_french():
    load_demo()

    session = Session.objects.get(workshop__slug="regional-workshop", code="V")
    with translation.override("fr"):
        assert session.guidance == (
            "Chaque délégation pays pourra discuter pendant 30 minutes une ou plusieurs des "
            "questions ci-dessous."
        )


@pytest.mark.django_db
def test_demo_hpg_question_1_is_the_seed_text_in_vietnamese():
    load_demo()

    question = GuidanceQuestion.objects.get(session__workshop__slug="hpg-consultation", number=1)
    with translation.override("vi"):
        assert question.text == (
            "Ý kiến/đánh giá ngắn gọn của tỉnh về Báo cáo về sự tham gia tuyến tỉnh trong Nhóm "
            "Đối tác y tế? Và các đề xuất nếu có?"
        )


@pytest.mark.django_db
def test_load_demo_refuses_a_directory_without_files(tmp_path):
    with pytest.raises(WorkshopFileError) as excinfo:
        demo_load(directory=tmp_path)

    assert excinfo.value.errors == [f"{tmp_path}: no *.yaml workshop file"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now", ["2025-01-01T08:00:00+00:00", "2026-12-07T23:30:00+00:00", "2031-02-28T12:00:00+00:00"]
)
def test_demo_loaded_on_any_day_is_live(now):
    from delegations.access_sheet import card_link_expires_at
    from sessions.models import Workshop

    moment = dt.datetime.fromisoformat(now)
    demo_load(now=moment)
    workshops = Workshop.objects.all()
    assert (
        [w.slug for w in workshops if card_link_expires_at(w) <= moment],
        [
            str(s)
            for s in Session.objects.filter(status=Session.Status.OPEN)
            if s.closed_reason(now=moment) is not None
        ],
        # Each workshop keeps its length and its sessions' lead time.
        sorted((w.slug, (w.end_date - w.start_date).days) for w in workshops),
    ) == ([], [], [("community-forum", 1), ("hpg-consultation", 0), ("regional-workshop", 2)])


@pytest.mark.django_db
def test_demo_workshop_starts_on_the_day_it_is_loaded_in_its_time_zone():
    from sessions.models import Workshop

    # 23:30 UTC is already the next day in Bangkok (UTC+7), still the same day in Dakar.
    demo_load(now=dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC))
    starts = dict(Workshop.objects.values_list("slug", "start_date"))
    assert (starts["regional-workshop"], starts["community-forum"]) == (
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 8),
    )


@pytest.mark.django_db
def test_load_demo_says_how_it_dated_the_workshops():
    from django.utils import timezone

    output = load_demo()
    today = timezone.localdate()
    assert f"Demo workshops dated around today ({today:%Y-%m-%d}):" in output
    assert f"  regional-workshop: {today:%Y-%m-%d} to " in output
