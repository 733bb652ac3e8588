"""Fixtures for the organisers' pages: delegations in several scripts with answers,
plans, actions and TA requests. Answers go through the same service as the pages."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from delegations.models import Delegation
from sessions import kinds
from sessions.models import GuidanceQuestion, InterventionArea, QuestionOption, Session
from summaries import services
from summaries.models import ActionItem, ActionPlan, Summary, TARequest
from tests.conftest import make_member

THAI_TITLE = "ชุมชนเลือกหมวดหมู่สังคมสูงวัย"
VIETNAMESE_TITLE = "Sự tham gia của tỉnh"


def write_answers(delegation, session, user, answers, language):
    """Save ``{number: text}`` as ``user`` of ``delegation``; returns the answers."""
    return {
        number: services.answer_save(
            delegation=delegation,
            question=session.questions.get(number=number),
            data=services.AnswerInput(text=text, discussed=True, language=language, base_version=0),
            user=user,
        )
        for number, text in answers.items()
    }


def submit(delegation, session, user):
    services.summary_submit(
        summary=Summary.objects.get(delegation=delegation, session=session), user=user
    )


@pytest.fixture
def areas(db):
    return {
        "engagement": InterventionArea.objects.create(
            code="community-engagement",
            order=1,
            name_en="Community engagement",
            name_fr="Engagement communautaire",
        ),
        "financing": InterventionArea.objects.create(
            code="financing", order=2, name_en="Sustainable financing", name_fr=""
        ),
    }


@pytest.fixture
def thai_community(workshop):
    return Delegation.objects.create(
        workshop=workshop,
        name="ชุมชนบ้านหนองบัว",
        slug="nong-bua",
        kind=Delegation.Kind.COMMUNITY,
        language="th",
    )


@pytest.fixture
def vietnamese_province(workshop):
    return Delegation.objects.create(
        workshop=workshop,
        name="Tỉnh Điện Biên",
        slug="dien-bien",
        kind=Delegation.Kind.PROVINCE,
        language="vi",
    )


@pytest.fixture
def partner_items(session, delegation_a, thai_community, vietnamese_province, member_a, areas):
    """Two actions and three TA requests across three delegations, in three scripts."""
    answers = write_answers(delegation_a, session, member_a, {4: "Ligne budgétaire en 2027"}, "fr")
    budget = ActionItem.objects.create(
        delegation=delegation_a,
        title="Inscrire la santé communautaire au budget 2027",
        description="Préparer une note.\nDeux réunions.",
        intervention_area=areas["financing"],
        milestone="Ligne votée",
        start_month=1,
        end_month=9,
        responsible="Direction de la santé communautaire",
        partners="UNICEF, OMS",
        resources_needed="Consultant national",
        estimated_cost=Decimal("15000.00"),
        currency="USD",
        source_answer=answers[4],
        language="fr",
        order=1,
    )
    ActionItem.objects.create(
        delegation=thai_community,
        title=THAI_TITLE,
        intervention_area=areas["engagement"],
        start_month=2,
        end_month=6,
        language="th",
    )
    TARequest.objects.create(
        delegation=delegation_a,
        title="Estimer le coût du paquet communautaire",
        need="Appui à l'estimation des coûts",
        kind=TARequest.Kind.FINANCING,
        preferred_provider="OMS",
        timeframe_months=6,
        estimated_cost=Decimal("8000.50"),
        currency="EUR",
        priority=TARequest.Priority.HIGH,
        status=TARequest.Status.FINAL,
        action=budget,
        intervention_area=areas["financing"],
        source_answer=answers[4],
        language="fr",
    )
    TARequest.objects.create(
        delegation=thai_community,
        title=THAI_TITLE,
        need="ผู้สูงอายุ",
        kind=TARequest.Kind.TRAINING,
        intervention_area=areas["engagement"],
        language="th",
    )
    TARequest.objects.create(
        delegation=vietnamese_province,
        title=VIETNAMESE_TITLE,
        need="- tập huấn cán bộ",
        kind=TARequest.Kind.EXPERTISE,
        priority=TARequest.Priority.LOW,
        language="vi",
    )
    ActionPlan.objects.create(delegation=delegation_a, status=ActionPlan.Status.FINAL)


# --- structured questions: choose from a list, financing mix, milestones ------------------

CATEGORIES = [
    ("ageing", "Ageing society", "Société vieillissante", "สังคมสูงวัย"),
    ("waste", "Waste management", "Gestion des déchets", "การจัดการขยะ"),
    ("footpaths", "Footpaths", "Trottoirs", "ฟุตบาททางเท้า"),
]


@pytest.fixture
def room_session(workshop):
    """Session P: 1 choose from a list (with "other" and a note per option), 2 a
    financing mix in % (today and target), 3 milestones, 4 a financing mix in amounts."""
    session = Session.objects.create(
        workshop=workshop, code="P", title_en="Priorities", status=Session.Status.OPEN, order=2
    )
    Kind = GuidanceQuestion.Kind
    choice = GuidanceQuestion.objects.create(
        session=session,
        number=1,
        order=1,
        text_en="Which categories matter most?",
        text_fr="Quelles catégories comptent le plus ?",
        kind=Kind.CHOICE,
        allow_other=True,
        option_note_label_en="Why",
    )
    for order, (code, en, fr, th) in enumerate(CATEGORIES, start=1):
        QuestionOption.objects.create(
            question=choice, code=code, label_en=en, label_fr=fr, label_th=th, order=order
        )
    GuidanceQuestion.objects.create(
        session=session,
        number=2,
        order=2,
        text_en="What is the financing mix?",
        kind=Kind.FINANCING,
        financing_columns=GuidanceQuestion.FinancingColumns.BOTH,
    )
    GuidanceQuestion.objects.create(
        session=session, number=3, order=3, text_en="Key milestones?", kind=Kind.MILESTONES
    )
    GuidanceQuestion.objects.create(
        session=session,
        number=4,
        order=4,
        text_en="How much from each source?",
        kind=Kind.FINANCING,
        financing_unit=GuidanceQuestion.FinancingUnit.AMOUNT,
    )
    return session


KINDS = [Delegation.Kind.COUNTRY, Delegation.Kind.PROVINCE, Delegation.Kind.COMMUNITY]
LANGUAGES = ["fr", "vi", "th"]


def make_delegations(workshop, count):
    """``count`` delegations "D00", "D01"…, kinds and languages in turn (country/fr,
    province/vi, community/th, country/fr…)."""
    return Delegation.objects.bulk_create(
        Delegation(
            workshop=workshop,
            name=f"D{index:02d}",
            slug=f"d{index:02d}",
            kind=KINDS[index % 3],
            language=LANGUAGES[index % 3],
        )
        for index in range(count)
    )


def posted(question, data):
    """``data`` as a page posts it: ``sessions.kinds`` flattened fields, as strings."""
    return {
        name: value if isinstance(value, list) else "" if value is None else str(value)
        for name, value in kinds.to_fields(question, data).items()
    }


def store_answer(delegation, question, data, language=None):
    """Save a structured answer ``data`` through the service the pages use, as a
    member of ``delegation`` (made on first use)."""
    user = User.objects.filter(username=f"member-{delegation.slug}").first() or make_member(
        f"member-{delegation.slug}", delegation
    )
    return services.answer_save(
        delegation=delegation,
        question=question,
        data=services.AnswerInput(
            text="",
            discussed=True,
            language=language or delegation.language,
            base_version=0,
            posted=posted(question, data),
        ),
        user=user,
    )
