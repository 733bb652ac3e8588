"""A Thai community and a Vietnamese province sign in through the real form and get
their own language, drawn with the fonts the portal ships (no system font needed)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, Session
from summaries.services import plan_item_create
from tests.conftest import make_member
from tests.factories import make_workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

THAI_QUESTION = "ชุมชนเลือกประเด็นสำคัญเรื่องใดบ้าง"
VIETNAMESE_QUESTION = "Tỉnh đã huy động những nguồn lực nào cho y tế cộng đồng?"


@pytest.fixture
def forum(db):
    workshop = make_workshop(
        title_en="Community forums",
        title_th="เวทีชุมชน",
        title_vi="Diễn đàn cộng đồng",
        slug="forums",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 3),
        time_zone="Asia/Bangkok",
        languages="th,vi,en",
        default_language="th",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="I",
        title_en="Priorities",
        title_th="ประเด็นสำคัญ",
        title_vi="Ưu tiên",
        guidance_th="แต่ละชุมชนมีเวลา 30 นาที",
        guidance_vi="Mỗi đoàn có 30 phút.",
        status=Session.Status.OPEN,
        deadline=timezone.now() + dt.timedelta(days=1),
    )
    GuidanceQuestion.objects.create(
        session=session,
        number=1,
        text_en="Which priorities?",
        text_th=THAI_QUESTION,
        text_vi=VIETNAMESE_QUESTION,
    )
    Session.objects.create(
        workshop=workshop,
        code="D3",
        kind=Session.Kind.ACTION_PLANNING,
        day=3,
        title_en="Plan",
        title_th="แผนปฏิบัติการ",
        title_vi="Kế hoạch",
        status=Session.Status.OPEN,
    )
    return workshop


def delegation(forum, slug, name, language):
    return Delegation.objects.create(
        workshop=forum, name=name, slug=slug, kind="community", language=language
    )


def sign_in(browser, live_server, user):
    """A fresh browser whose own language is English, signed in through the form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass-" + user.username)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + "/w/forums/")
    return page


def font_check(page, family, text):
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(
        '([family, text]) => document.fonts.check(`16px "${family}"`, text)', [family, text]
    )


def loaded_faces(page):
    return page.evaluate(
        "document.fonts.ready.then(fonts => [...fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replace(/\"/g, '') + ' ' + f.weight).sort())"
    )


def test_thai_community_gets_a_thai_interface_in_the_shipped_font(browser, live_server, forum):
    lat_phrao = delegation(forum, "lat-phrao", "ชุมชนลาดพร้าว", "th")
    member = make_member("rapporteur-lat-phrao", lat_phrao)
    page = sign_in(browser, live_server, member)
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("button[form], form[action$='/accounts/logout/'] button")).to_have_text(
        "ออกจากระบบ"
    )

    page.goto(
        live_server.url
        + reverse(
            "summaries:summary",
            kwargs={"workshop": "forums", "delegation": "lat-phrao", "session": "I"},
        )
    )
    expect(page.locator("#question-1 h3")).to_contain_text(THAI_QUESTION)
    assert font_check(page, "Noto Sans Thai", "ภาษาไทย") is True
    assert "Noto Sans Thai 400" in loaded_faces(page)
    family = page.evaluate("getComputedStyle(document.querySelector('#question-1 h3')).fontFamily")
    assert family.startswith('"Noto Sans Thai", "Noto Sans"')
    page.screenshot(path="/tmp/languages-th-session.png", full_page=True)

    plan_item_create(
        delegation=lat_phrao, kind="action", data={"title": "อบรมอาสาสมัครสาธารณสุข"}, user=member
    )
    page.goto(live_server.url + lat_phrao.get_plan_url())
    title = page.locator("input[name=title]").first
    expect(title).to_have_value("อบรมอาสาสมัครสาธารณสุข")
    assert title.evaluate("el => el.closest('[lang]').lang") == "th"
    page.screenshot(path="/tmp/languages-th-plan.png", full_page=True)


def test_vietnamese_province_gets_a_vietnamese_interface_in_the_shipped_font(
    browser, live_server, forum
):
    cao_bang = delegation(forum, "cao-bang", "Tỉnh Cao Bằng", "vi")
    member = make_member("rapporteur-cao-bang", cao_bang)
    page = sign_in(browser, live_server, member)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_have_text("Đăng xuất")

    page.goto(
        live_server.url
        + reverse(
            "summaries:summary",
            kwargs={"workshop": "forums", "delegation": "cao-bang", "session": "I"},
        )
    )
    expect(page.locator("#question-1 h3")).to_contain_text(VIETNAMESE_QUESTION)
    assert font_check(page, "Noto Sans", "Tiếng Việt ệ ứ ằ ẫ ỹ đ") is True
    faces = loaded_faces(page)
    assert "Noto Sans 400" in faces
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Sans", "Noto Sans Thai"')
    page.screenshot(path="/tmp/languages-vi-session.png", full_page=True)

    plan_item_create(
        delegation=cao_bang, kind="action", data={"title": "Tập huấn cộng tác viên"}, user=member
    )
    page.goto(live_server.url + cao_bang.get_plan_url())
    expect(page.locator("input[name=title]").first).to_have_value("Tập huấn cộng tác viên")
    page.screenshot(path="/tmp/languages-vi-plan.png", full_page=True)
