"""The organiser's view of the whole room in headless Chromium: the compare page of a
choose-from-a-list question shows the counts in its chart and follows the filters;
the charts of each kind pass axe-core in English and Thai (screenshots in /tmp)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, QuestionOption
from summaries.services import AnswerInput, answer_save
from tests.conftest import make_member

from .test_accessibility_e2e import AXE_JS, AXE_TAGS, _describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OPTIONS = [
    ("ageing", "Ageing society", "สังคมสูงวัย"),
    ("waste", "Waste management", "การจัดการขยะ"),
    ("footpaths", "Footpaths", "ฟุตบาททางเท้า"),
]


def save(delegation, question, posted, language):
    user = User.objects.filter(username=f"member-{delegation.slug}").first() or make_member(
        f"member-{delegation.slug}", delegation
    )
    answer_save(
        delegation=delegation,
        question=question,
        data=AnswerInput(text="", discussed=True, language=language, base_version=0, posted=posted),
        user=user,
    )


@pytest.fixture
def financing_sources(db):
    """The six sources the migration creates (a transactional test empties the tables
    after each test, so they are put back the migration's way)."""
    importlib.import_module("sessions.migrations.0004_financing_sources").create_sources(apps, None)


@pytest.fixture
def room(session, delegation_a, delegation_b, financing_sources):
    """Question 1 of session V is a choice, 2 a financing mix, 4 milestones; Senegal,
    Ghana and two Bangkok communities answered through the service."""
    questions = {question.number: question for question in session.questions.all()}
    choice = questions[1]
    choice.kind, choice.allow_other = GuidanceQuestion.Kind.CHOICE, True
    choice.save()
    for order, (code, en, th) in enumerate(OPTIONS, start=1):
        QuestionOption.objects.create(
            question=choice, code=code, label_en=en, label_th=th, order=order
        )
    financing = questions[2]
    financing.kind = GuidanceQuestion.Kind.FINANCING
    financing.financing_columns = GuidanceQuestion.FinancingColumns.BOTH
    financing.save()
    milestones = questions[4]
    milestones.kind = GuidanceQuestion.Kind.MILESTONES
    milestones.save()
    lat_phrao, bueng_kum = (
        Delegation.objects.create(
            workshop=session.workshop,
            name=name,
            slug=slug,
            kind=Delegation.Kind.COMMUNITY,
            language="th",
        )
        for name, slug in (("ชุมชนลาดพร้าว", "lat-phrao"), ("ชุมชนบึงกุ่ม", "bueng-kum"))
    )
    save(delegation_a, choice, {"chosen": ["ageing", "waste"]}, "fr")
    save(delegation_b, choice, {"chosen": ["ageing"], "other": "Clean water"}, "en")
    save(lat_phrao, choice, {"chosen": ["ageing", "footpaths"]}, "th")
    save(bueng_kum, choice, {"chosen": ["waste"]}, "th")
    save(
        delegation_a,
        financing,
        {
            "today__domestic_budget": "20",
            "today__donors": "70",
            "today__out_of_pocket": "10",
            "target__domestic_budget": "50",
            "target__donors": "30",
            "target__insurance": "20",
        },
        "fr",
    )
    save(
        lat_phrao,
        financing,
        {"today__domestic_budget": "45", "today__donors": "15", "today__out_of_pocket": "30"},
        "th",
    )
    save(
        delegation_a,
        milestones,
        {
            "rows": ["a1", "a2"],
            "milestone__a1": "Ligne budgétaire votée",
            "month__a1": "6",
            "responsible__a1": "Ministère des Finances",
            "milestone__a2": "Consensus des partenaires",
            "month__a2": "3",
        },
        "fr",
    )
    save(
        lat_phrao,
        milestones,
        {
            "rows": ["t1"],
            "milestone__t1": "ประกาศธรรมนูญชุมชน",
            "month__t1": "6",
            "responsible__t1": "คณะกรรมการชุมชน",
        },
        "th",
    )
    return session


def compare_url(live_server, number, query=""):
    path = reverse(
        "summaries:compare", kwargs={"workshop": "regional", "session": "V", "number": number}
    )
    return f"{live_server.url}{path}{query}"


def bars(page):
    """(label, count) per bar of the chart, as the browser renders it."""
    return [
        tuple(bar.locator("text").all_text_contents())
        for bar in page.locator("#room-chart g.bar").all()
    ]


def test_organiser_sees_the_counts_in_the_chart(login_context, live_server, organiser, room):
    page = login_context(organiser).new_page()
    page.goto(compare_url(live_server, 1))
    chart = page.get_by_role("img", name="Delegations that chose each option")
    expect(chart).to_be_visible()
    assert bars(page) == [
        ("Ageing society", "3"),
        ("Waste management", "2"),
        ("Footpaths", "1"),
        ("Other", "1"),
    ]


def test_chart_counts_follow_the_kind_filter(login_context, live_server, organiser, room):
    page = login_context(organiser).new_page()
    page.goto(compare_url(live_server, 1))
    page.select_option("#filter-kind", "community")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(compare_url(live_server, 1, "?kind=community&language="))
    assert bars(page) == [
        ("Ageing society", "1"),
        ("Waste management", "1"),
        ("Footpaths", "1"),
        ("Other", "0"),
    ]


@pytest.mark.parametrize("language", ["en", "th"])
def test_charts_pass_axe_and_are_screenshotted(
    login_context, live_server, organiser, room, language
):
    context = login_context(organiser, language)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    problems = []
    for number, name in ((1, "choice"), (2, "financing"), (4, "milestones")):
        page.goto(compare_url(live_server, number))
        expect(page.locator("#room-chart")).to_be_visible()
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        problems += [line for v in result["violations"] for line in _describe(name, v)]
        page.locator("#room-figures").screenshot(path=f"/tmp/compare-{name}-{language}.png")
    assert problems == []
