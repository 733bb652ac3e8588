"""Session V with a question of each kind: 1 choose from a list (three options, a
note per chosen option, "other"), 2 a financing mix (today and target, in %), 4
milestones. Answers are written through the services the pages use."""

import pytest
from django.utils import translation

from sessions.models import GuidanceQuestion, InterventionArea, QuestionOption
from summaries import services

OPTIONS = [
    ("ageing", "Ageing society", "Société vieillissante", "สังคมสูงวัย"),
    ("waste", "Waste management", "Gestion des déchets", "การจัดการขยะ"),
    ("footpaths", "Footpaths", "Trottoirs", "ฟุตบาททางเท้า"),
]


@pytest.fixture
def area(db):
    return InterventionArea.objects.create(
        code="community-led", name_en="Community-led monitoring", name_fr="Suivi communautaire"
    )


@pytest.fixture
def choice_question(session, area):
    question = session.questions.get(number=1)
    question.kind = GuidanceQuestion.Kind.CHOICE
    question.allow_other = True
    question.option_note_label_en = "Why it is urgent"
    question.option_note_label_fr = "Pourquoi c’est urgent"
    question.save()
    for order, (code, en, fr, th) in enumerate(OPTIONS, start=1):
        QuestionOption.objects.create(
            question=question,
            code=code,
            label_en=en,
            label_fr=fr,
            label_th=th,
            order=order,
            area=area if code == "waste" else None,
        )
    return question


@pytest.fixture
def financing_question(session):
    question = session.questions.get(number=2)
    question.kind = GuidanceQuestion.Kind.FINANCING
    question.financing_columns = GuidanceQuestion.FinancingColumns.BOTH
    question.save()
    return question


@pytest.fixture
def milestones_question(session):
    question = session.questions.get(number=4)
    question.kind = GuidanceQuestion.Kind.MILESTONES
    question.save()
    return question


def save(delegation, question, user, posted, base_version=0, discussed=True):
    """A save as the pages make it: ``posted`` is what the form sent (strings, lists)."""
    return services.answer_save(
        delegation=delegation,
        question=question,
        data=services.AnswerInput(
            text="",
            discussed=discussed,
            language="fr",
            base_version=base_version,
            posted=posted,
        ),
        user=user,
    )


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """Requests in another language leave it active in the test's thread: reset it so
    the next test (on this worker) starts in English."""
    yield
    translation.deactivate()
