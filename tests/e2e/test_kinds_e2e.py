"""Question kinds in headless Chromium: a Thai community ticks two categories and
writes why, a second laptop of the same community ticks a third at the same time:
both are kept (merged by the server, shown on both laptops). And each kind's editor
is photographed for the people who look at the pages."""

import re

import pytest
from playwright.sync_api import expect

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, QuestionOption
from summaries.models import Answer
from tests.conftest import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATEGORIES = [
    ("ageing-society", "Ageing society", "สังคมสูงวัย"),
    ("waste-management", "Waste management", "การจัดการขยะ"),
    ("public-spaces", "Management of public spaces", "การจัดการพื้นที่สาธารณะ"),
    ("footpaths", "Footpaths and sidewalks", "ฟุตบาททางเท้า"),
]
WHY = "ขยะล้นจุดทิ้งทุกสัปดาห์"


@pytest.fixture
def community(workshop, session):
    workshop.languages, workshop.default_language = "th,en", "th"
    workshop.save()
    question = session.questions.get(number=1)
    question.kind = GuidanceQuestion.Kind.CHOICE
    question.option_note_label_th = "เหตุใดจึงเร่งด่วน"
    question.option_note_label_en = "Why it is urgent"
    question.save()
    for order, (code, en, th) in enumerate(CATEGORIES, start=1):
        QuestionOption.objects.create(
            question=question, code=code, label_en=en, label_th=th, order=order
        )
    delegation = Delegation.objects.create(
        workshop=workshop, name="Lat Phrao", slug="lat-phrao", kind="community", language="th"
    )
    return delegation, make_member("latphrao", delegation)


def state(page):
    return page.locator("#question-1 [data-role=state]")


def test_two_laptops_choosing_categories_at_once_keep_both(
    login_context, live_server, community, session
):
    delegation, member = community
    url = live_server.url + f"/w/{session.workshop.slug}/d/{delegation.slug}/s/{session.code}/"
    first = login_context(member, "th").new_page()
    second = login_context(member, "th").new_page()
    first.goto(url)
    second.goto(url)

    first.get_by_role("checkbox", name="สังคมสูงวัย", exact=True).check()
    first.get_by_role("checkbox", name="การจัดการขยะ", exact=True).check()
    first.locator("#id_q1-note__waste-management").fill(WHY)
    expect(state(first)).to_have_text(re.compile("บันทึกแล้วเมื่อ"))
    # The second laptop, still on the version it loaded, ticks a third category.
    second.get_by_role("checkbox", name="ฟุตบาททางเท้า", exact=True).check()
    expect(state(second)).to_have_text(re.compile("รวมกับการแก้ไขจากคอมพิวเตอร์เครื่องอื่นแล้ว"))

    answer = Answer.objects.get(question__number=1)
    assert answer.data == {
        "chosen": ["ageing-society", "waste-management", "footpaths"],
        "other": "",
        "notes": {"waste-management": WHY},
    }
    # The second laptop shows what the first one chose, and its reason.
    expect(second.get_by_role("checkbox", name="สังคมสูงวัย", exact=True)).to_be_checked()
    expect(second.get_by_role("checkbox", name="การจัดการขยะ", exact=True)).to_be_checked()
    expect(second.locator("#id_q1-note__waste-management")).to_have_value(WHY)
    # An untick on the second laptop removes only that category.
    second.get_by_role("checkbox", name="สังคมสูงวัย", exact=True).uncheck()
    expect(state(second)).to_have_text(re.compile("บันทึกแล้วเมื่อ"))
    answer.refresh_from_db()
    assert answer.data["chosen"] == ["waste-management", "footpaths"]


def test_financing_totals_and_the_100_percent_flag_follow_each_save(
    login_context, live_server, member_a, delegation_a, session
):
    """The footer's totals and the flag of shares that do not add up to 100 % are the
    server's, shown again after every autosave, not only after a reload."""
    from sessions.models import FinancingSource

    for order, (code, name) in enumerate([("domestic", "Domestic budget"), ("donors", "Donors")]):
        FinancingSource.objects.get_or_create(code=code, defaults={"name_en": name, "order": order})
    question = session.questions.get(number=2)
    question.kind = GuidanceQuestion.Kind.FINANCING
    question.financing_columns = GuidanceQuestion.FinancingColumns.TODAY
    question.financing_unit = GuidanceQuestion.FinancingUnit.PERCENT
    question.save()
    page = login_context(member_a).new_page()
    page.goto(live_server.url + f"/w/{session.workshop.slug}/d/{delegation_a.slug}/s/V/")
    flag = page.locator("#question-2 [data-role=flag]")
    total = page.locator("#question-2 [data-role=figure]").first
    expect(flag).to_be_hidden()
    expect(total).to_have_text("")
    page.fill("#id_q2-today__domestic", "60")
    page.fill("#id_q2-today__donors", "30")
    page.locator("#id_q2-today__donors").blur()
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("add up to 90 %, not 100 %. Saved anyway.")
    expect(total).to_have_text("90 %")
    page.fill("#id_q2-today__donors", "40")
    page.locator("#id_q2-today__donors").blur()
    expect(total).to_have_text("100 %")
    expect(flag).to_be_hidden()
    assert Answer.objects.get(question=question).data["rows"]["donors"]["today"] == 40
