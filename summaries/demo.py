"""Plausible answers for the demo delegations (``manage.py load_demo --sample-answers``),
so that the organisers' views can be tried at once. Written through the services the
pages use, as each delegation's rapporteur; an answer a delegation already has is
left alone, so running it again changes nothing.

Demo only: the texts are made up.
"""

from django.contrib.auth import get_user_model

from delegations.models import Delegation
from sessions import kinds
from sessions.models import GuidanceQuestion, Session

from . import services

# Free-text answers by language, by question number (any session).
TEXTS = {
    "en": {
        1: "Community health workers are in the district plan, but their supervision "
        "is not budgeted.\nWe will ask the district teams to include them.",
        5: "Costing of the community package; a consultant for the budget hearing.",
    },
    "fr": {
        1: "Les relais communautaires figurent dans le plan de district, mais leur "
        "supervision n'est pas budgétisée.\nNous demanderons aux équipes cadres de les inclure.",
        5: "Estimation des coûts du paquet communautaire ; un consultant pour l'audition "
        "budgétaire.",
    },
    "vi": {
        1: "Tỉnh đã cử đại diện Sở Y tế tham dự các cuộc họp HPG.",
        2: "Đề nghị gửi tài liệu trước cuộc họp ít nhất 7 ngày.",
        3: "Cần thêm hướng dẫn về lập kế hoạch y tế cơ sở.",
    },
    "th": {
        2: "จัดตั้งกลุ่มอาสาสมัครดูแลผู้สูงอายุในชุมชน และจัดจุดทิ้งขยะแยกประเภท",
        3: "ประธานชุมชน ศูนย์บริการสาธารณสุข และเครือข่ายหน้าใหม่ร่วมรับผิดชอบ",
        4: "ขอการสนับสนุนจากทีมพี่เลี้ยงเชิงวิชาการในการเขียนโครงการเสนอกองทุน",
    },
}
# Shares in % by source, today and as a target; the third delegation's do not add up.
TODAY = [
    {"domestic_budget": 25, "donors": 55, "out_of_pocket": 20},
    {"domestic_budget": 15, "donors": 65, "private_sector": 5, "out_of_pocket": 15},
    {"domestic_budget": 10, "donors": 70, "out_of_pocket": 15},
]
TARGET = [
    {"domestic_budget": 45, "donors": 30, "insurance": 15, "out_of_pocket": 10},
    {"domestic_budget": 40, "donors": 35, "private_sector": 10, "insurance": 15},
    {"domestic_budget": 35, "donors": 40, "insurance": 20, "out_of_pocket": 5},
]
MILESTONES = {
    "en": [
        ("Community health line in the budget law", 9, "Ministry of Finance"),
        ("Partners agree on one financing plan", 4, "Ministry of Health"),
        ("First insurance scheme pays community services", 18, "Health insurance fund"),
    ],
    "fr": [
        ("Ligne santé communautaire dans la loi de finances", 9, "Ministère des Finances"),
        ("Accord des partenaires sur un plan de financement", 4, "Ministère de la Santé"),
        ("Première prise en charge par l'assurance maladie", 18, "Caisse d'assurance maladie"),
    ],
}
# Options chosen by each Thai community, with why it is urgent.
CHOICES = [
    {"ageing-society": "ผู้สูงอายุอยู่ลำพังเพิ่มขึ้นทุกปี", "waste-management": "ขยะล้นจุดทิ้ง"},
    {"footpaths": "ทางเท้าชำรุด ผู้สูงอายุหกล้มบ่อย", "public-spaces": ""},
    {"care-for-vulnerable": "ขาดผู้ดูแลผู้ป่วยติดเตียง", "ageing-society": ""},
]


def _posted(question, index, language):
    """What a delegation's page would send for ``question`` (flattened fields)."""
    if question.kind == GuidanceQuestion.Kind.CHOICE:
        chosen = CHOICES[index % len(CHOICES)]
        codes = {option.code for option in kinds.options(question)}
        posted = {"chosen": [code for code in chosen if code in codes]}
        if question.option_note_label:
            posted |= {f"note__{code}": note for code, note in chosen.items() if code in codes}
        return posted
    if question.kind == GuidanceQuestion.Kind.FINANCING:
        posted = {}
        for column in kinds.financing_columns(question):
            shares = (TODAY if column == "today" else TARGET)[index % len(TODAY)]
            posted |= {f"{column}__{code}": str(share) for code, share in shares.items()}
        return posted
    if question.kind == GuidanceQuestion.Kind.MILESTONES:
        rows = MILESTONES.get(language) or MILESTONES["en"]
        posted = {"rows": [f"demo{n}" for n in range(len(rows))]}
        for n, (milestone, month, responsible) in enumerate(rows):
            posted |= {
                f"milestone__demo{n}": milestone,
                f"month__demo{n}": str(month),
                f"responsible__demo{n}": responsible,
            }
        return posted
    return None


def demo_sample_answers(*, workshop_slugs):
    """Fill the demo delegations' answers in the open group-work sessions of the
    workshops ``workshop_slugs``; returns how many answers were written."""
    users = get_user_model().objects
    written = 0
    delegations = Delegation.objects.filter(workshop__slug__in=workshop_slugs).order_by(
        "workshop__slug", "slug"
    )
    seen = {}  # delegations of each workshop so far: each gets the next sample
    for delegation in delegations:
        index = seen[delegation.workshop_id] = seen.get(delegation.workshop_id, -1) + 1
        rapporteur = users.filter(username=f"rapporteur-{delegation.slug}").first()
        sessions = delegation.workshop.sessions.filter(
            status=Session.Status.OPEN, kind=Session.Kind.GROUP_WORK
        )
        for session in sessions:
            if not session.is_writable:
                continue
            for question in session.questions.prefetch_related("options"):
                if question.answers.filter(summary__delegation=delegation).exists():
                    continue
                language = delegation.language
                posted = _posted(question, index, language)
                text = TEXTS.get(language, {}).get(question.number, "")
                if posted is None and not text:
                    continue
                services.answer_save(
                    delegation=delegation,
                    question=question,
                    data=services.AnswerInput(
                        text="" if posted is not None else text,
                        discussed=True,
                        language=language,
                        base_version=0,
                        posted=posted,
                    ),
                    user=rapporteur,
                )
                written += 1
    return written
