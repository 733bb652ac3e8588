"""Fixtures for the PDF documents: delegations with answers, actions and TA requests,
written through the same services the pages use; the time the PDF tests make them at,
and readers of a rendered PDF's text."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, InterventionArea, Session
from summaries import services
from summaries.models import Summary
from tests.conftest import make_member
from tests.factories import make_workshop

# What the Senegal delegation wrote, by question number.
SENEGAL_ANSWERS = {
    1: (
        "Le budget santé communautaire dépend à 80 % des partenaires.\n"
        "Les ONG locales ne sont pas financées."
    ),
    2: "Plaidoyer auprès du ministère des Finances.",
    4: "Ligne budgétaire en 2027\nConsensus avec les partenaires",
    5: "Appui à l'estimation des coûts du paquet communautaire",
}
SENEGAL_ACTIONS = [
    {
        "title": "Inscrire la santé communautaire au budget 2027",
        "description": "Préparer une note au ministère des Finances.\nDeux réunions de plaidoyer.",
        "area": "enabling-environment",
        "milestone": "Ligne budgétaire votée",
        "start_month": 1,
        "end_month": 9,
        "responsible": "Direction de la santé communautaire",
        "partners": "UNICEF, OMS",
        "resources_needed": "Consultant national, 20 jours",
        "estimated_cost": Decimal("15000.00"),
        "currency": "USD",
    },
    {
        "title": "Former 40 relais communautaires à la gestion financière",
        "description": "Sessions régionales de trois jours.",
        "area": "institutional-capacity",
        "milestone": "40 relais formés",
        "start_month": 4,
        "end_month": 12,
        "responsible": "Districts sanitaires",
        "partners": "",
        "resources_needed": "",
        "estimated_cost": Decimal("22500.50"),
        "currency": "USD",
    },
    {
        "title": "Cartographier les financements des ONG locales",
        "description": "",
        "area": "enabling-environment",
        "milestone": "",
        "start_month": 10,
        "end_month": 24,
        "responsible": "",
        "partners": "Plateforme des ONG",
        "resources_needed": "",
        "estimated_cost": Decimal("8000.00"),
        "currency": "EUR",
    },
    {
        "title": "Réunion trimestrielle de suivi du plan",
        "description": "",
        "area": None,
        "milestone": "",
        "start_month": 1,
        "end_month": 24,
        "responsible": "Point focal",
        "partners": "",
        "resources_needed": "",
        "estimated_cost": None,
        "currency": "USD",
    },
]


@pytest.fixture
def intervention_areas(db):
    return {
        area.code: area
        for area in [
            InterventionArea.objects.create(
                code="enabling-environment",
                order=1,
                name_en="Building an enabling environment",
                name_fr="Créer un environnement favorable",
            ),
            InterventionArea.objects.create(
                code="institutional-capacity",
                order=2,
                name_en="Strengthening institutional capacity",
                name_fr="Renforcer les capacités institutionnelles",
            ),
        ]
    }


def write_answers(delegation, session, user, answers, language):
    for number, text in answers.items():
        services.answer_save(
            delegation=delegation,
            question=session.questions.get(number=number),
            data=services.AnswerInput(text=text, discussed=True, language=language, base_version=0),
            user=user,
        )


@pytest.fixture
def senegal_plan(delegation_a, session, member_a, intervention_areas):
    """Senegal (documents in French): four answers in session V, four actions in two
    areas and none, two TA requests (one linked to an action, one drafted from Q5)."""
    question = session.questions.get(number=5)
    question.feeds = GuidanceQuestion.Feeds.TA_REQUEST
    question.save()
    write_answers(delegation_a, session, member_a, SENEGAL_ANSWERS, "fr")
    summary = Summary.objects.get(delegation=delegation_a, session=session)
    services.summary_details_save(
        summary=summary,
        participants="Awa Diop, Moussa Ndiaye",
        rapporteur="Awa Diop",
        base_version=summary.version,
        user=member_a,
    )
    actions = [
        services.plan_item_create(
            delegation=delegation_a,
            kind="action",
            data={
                **{name: value for name, value in data.items() if name != "area"},
                "intervention_area": intervention_areas.get(data["area"]),
            },
            user=member_a,
        )
        for data in SENEGAL_ACTIONS
    ]
    services.plan_item_create(
        delegation=delegation_a,
        kind="ta",
        data={
            "title": "Expertise en budgétisation",
            "intervention_area": intervention_areas["enabling-environment"],
            "need": "Chiffrer le paquet communautaire.\nPréparer l'argumentaire budgétaire.",
            "kind": "expertise",
            "preferred_provider": "P4H",
            "timeframe_months": 6,
            "estimated_cost": Decimal("12000.00"),
            "currency": "USD",
            "priority": "high",
            "action": actions[0],
        },
        user=member_a,
    )
    services.plan_prefill(delegation=delegation_a, user=member_a)
    return delegation_a


@pytest.fixture
def thai_delegation(db):
    """A Bangkok community group writing in Thai, in a Thai-first workshop."""
    workshop = make_workshop(
        title_en="Bangkok community forums",
        title_th="เวทีชุมชนขับเคลื่อนธรรมนูญสุขภาพ",
        slug="community-forum",
        start_date=dt.date(2026, 12, 12),
        end_date=dt.date(2026, 12, 13),
        venue_th="กรุงเทพมหานคร",
        time_zone="Asia/Bangkok",
        languages="th,en",
        default_language="th",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="C1",
        title_en="Choosing priority categories",
        title_th="เลือกหมวดหมู่สำคัญและร่างมาตรการชุมชน",
        status=Session.Status.OPEN,
    )
    GuidanceQuestion.objects.create(
        session=session,
        number=1,
        order=1,
        text_th="หมวดหมู่สำคัญใดที่สอดคล้องกับชุมชนของท่าน?",
        text_en="Which priority categories fit your community?",
        feeds=GuidanceQuestion.Feeds.ACTION_PLAN,
    )
    delegation = Delegation.objects.create(
        workshop=workshop, name="ชุมชนบ้านมั่นคง", slug="ban-mankong", kind="community", language="th"
    )
    user = make_member("somchai", delegation)
    write_answers(delegation, session, user, {1: THAI_ANSWER}, "th")
    services.plan_item_create(
        delegation=delegation,
        kind="action",
        data={"title": "จัดการขยะในชุมชน", "start_month": 2, "end_month": 8},
        user=user,
    )
    return delegation


THAI_ANSWER = "สังคมสูงวัยและการจัดการขยะ เพราะผู้สูงอายุในชุมชนเพิ่มขึ้น"


NOW = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)


def words(text):
    """Whitespace-insensitive form: line wraps in the PDF become single spaces."""
    return " ".join(text.split())


def page_texts(pdf):
    return [words(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


def pdf_text(pdf):
    return " ".join(page_texts(pdf))
